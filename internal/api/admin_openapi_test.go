package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/inventoryd/inventoryd/internal/api"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// The admin API's own OpenAPI document, as the server serves it, checks
// every admin answer the tests see (adm.callAuth): a documented operation
// answers only with a status it documents, and a JSON body fits that
// response's schema.
var adminDoc struct {
	once sync.Once
	doc  *openapi3.T
	err  error
}

func loadAdminDoc(t testing.TB) *openapi3.T {
	t.Helper()
	adminDoc.once.Do(func() {
		s, err := api.NewServer(context.Background(), storetest.SQLite(t), api.Config{AdminKey: adminKey})
		if err != nil {
			adminDoc.err = err
			return
		}
		r := (&adm{t: t.(*testing.T), h: s}).callRaw("GET", "/admin/v1/openapi.json", "", "")
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(r.body)
		if err == nil {
			err = doc.Validate(context.Background())
		}
		adminDoc.doc, adminDoc.err = doc, err
	})
	if adminDoc.err != nil {
		t.Fatalf("admin OpenAPI document: %v", adminDoc.err)
	}
	return adminDoc.doc
}

// adminOperation finds the documented operation of a concrete path.
func adminOperation(doc *openapi3.T, method, path string) *openapi3.Operation {
	path, _, _ = strings.Cut(path, "?")
	segs := strings.Split(strings.TrimSuffix(path, "/"), "/")
	for tmpl, item := range doc.Paths.Map() {
		ts := strings.Split(tmpl, "/")
		if len(ts) != len(segs) {
			continue
		}
		ok := true
		for i := range ts {
			if !strings.HasPrefix(ts[i], "{") && !strings.EqualFold(ts[i], segs[i]) {
				ok = false
				break
			}
		}
		if ok {
			if op := item.GetOperation(strings.ToUpper(method)); op != nil {
				return op
			}
		}
	}
	return nil
}

// checkAdminAnswer reports an answer its operation does not document.
func checkAdminAnswer(t testing.TB, method, path string, r admResp) error {
	doc := loadAdminDoc(t)
	op := adminOperation(doc, method, path)
	if op == nil {
		return nil // not an admin operation (a route miss, the public API)
	}
	resp := op.Responses.Status(r.code)
	if resp == nil {
		return fmt.Errorf("%s %s: status %d is not documented", method, path, r.code)
	}
	mt := resp.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || !strings.HasPrefix(r.hdr.Get("Content-Type"), "application/json") {
		return nil
	}
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		return fmt.Errorf("%s %s: %d body is not JSON: %v", method, path, r.code, err)
	}
	if err := mt.Schema.Value.VisitJSON(v); err != nil {
		return fmt.Errorf("%s %s: %d body does not fit the document: %v\n%s", method, path, r.code, err, r.body)
	}
	return nil
}

// TestAdminOpenAPINullables: OpenAPI 3.0.3 gives nullable effect only
// beside a type in the same schema; a nullable $ref or allOf is not null
// to a strict validator (the history's from/to were once such).
func TestAdminOpenAPINullables(t *testing.T) {
	doc := loadAdminDoc(t)
	seen := map[*openapi3.Schema]bool{}
	var walk func(where string, s *openapi3.SchemaRef)
	walk = func(where string, s *openapi3.SchemaRef) {
		if s == nil || s.Value == nil || seen[s.Value] {
			return
		}
		seen[s.Value] = true
		v := s.Value
		if v.Nullable && (v.Type == nil || len(*v.Type) == 0) {
			t.Errorf("%s: nullable without a type", where)
		}
		for name, p := range v.Properties {
			walk(where+"."+name, p)
		}
		walk(where+"[]", v.Items)
		for i, x := range append(append(append(openapi3.SchemaRefs{}, v.OneOf...), v.AnyOf...), v.AllOf...) {
			walk(fmt.Sprintf("%s/%d", where, i), x)
		}
	}
	for name, s := range doc.Components.Schemas {
		walk(name, s)
	}
}
