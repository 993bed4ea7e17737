package swaggertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/inventoryd/inventoryd/internal/api/swagger"
)

// DateTimePattern is what every date-time string in a 200 body must match:
// ISO 8601 in UTC with a trailing Z and optional fractional seconds.
const DateTimePattern = `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$`

// numericEnums are integer-enum properties that Roblox serializes as numbers
// even though the swagger lists their names (wire-behaviour.md §2.6).
var numericEnums = map[string]bool{
	"buildersClubMembershipType": true,
}

// pageKeys are the keys every ApiPageResponse[...] body must carry.
var pageKeys = []string{"previousPageCursor", "nextPageCursor", "data"}

// errorExtraKeys are the optional keys of one error in the Roblox error
// envelope besides code and message (wire-behaviour.md §2.1).
var errorExtraKeys = map[string]bool{
	"userFacingMessage": true,
	"field":             true,
	"fieldData":         true,
	"retryable":         true,
	"hint":              true,
}

// enumNameRe picks "'Name' = 12" pairs out of a Roblox enum description such
// as "... ['Image' = 1, 'TShirt' = 2, ...]".
var enumNameRe = regexp.MustCompile(`'([^']+)'\s*=\s*(-?\d+)`)

// Validator checks response bodies against the v1/v2 swagger.
type Validator struct {
	routes []*route
	// docs are the converted and patched documents, keyed "v1" and "v2".
	docs map[string]*openapi3.T
}

// route is one operation of a swagger document.
type route struct {
	doc      string // "v1" or "v2"
	method   string // upper case
	template string // e.g. "/v2/users/{userId}/inventory/{assetTypeId}"
	segs     []string
	literals int              // number of literal (non-parameter) segments
	schema   *openapi3.Schema // declared 200 body schema; nil if none
}

// New loads both embedded swagger documents, converts them to OpenAPI 3
// (openapi2conv) and patches them for the documented wire differences.
// It is relatively expensive; tests should use Default.
func New() (*Validator, error) {
	v := &Validator{docs: map[string]*openapi3.T{}}
	for _, d := range []struct {
		name string
		data []byte
	}{{"v1", swagger.V1}, {"v2", swagger.V2}} {
		doc, err := load(d.data)
		if err != nil {
			return nil, fmt.Errorf("swaggertest: %s: %w", d.name, err)
		}
		routes, err := collectRoutes(d.name, doc)
		if err != nil {
			return nil, fmt.Errorf("swaggertest: %s: %w", d.name, err)
		}
		if len(routes) == 0 {
			return nil, fmt.Errorf("swaggertest: %s: no operations in swagger", d.name)
		}
		v.docs[d.name] = doc
		v.routes = append(v.routes, routes...)
	}
	return v, nil
}

var (
	defaultOnce sync.Once
	defaultV    *Validator
	defaultErr  error
)

// Default returns a process-wide Validator built once by New. It calls
// t.Fatal if New failed.
func Default(t testing.TB) *Validator {
	t.Helper()
	defaultOnce.Do(func() { defaultV, defaultErr = New() })
	if defaultErr != nil {
		t.Fatal(defaultErr)
	}
	return defaultV
}

// Check is Validate plus t.Errorf with the method, path, status and body on
// failure.
func (v *Validator) Check(t testing.TB, method, path string, status int, contentType string, body []byte) {
	t.Helper()
	if err := v.Validate(method, path, status, contentType, body); err != nil {
		t.Errorf("response does not match Roblox's contract: %s %s -> %d (Content-Type %q): %v\nbody: %s",
			method, path, status, contentType, err, truncate(body, 4096))
	}
}

// Validate checks one response. method is e.g. "GET"; path is the request
// URL path (a query string is ignored); status is the HTTP status;
// contentType is the response Content-Type header; body is the raw body.
//
// Every response must be application/json with a valid JSON body. A status
// >= 400 must carry the Roblox error envelope. A 200 on an operation that
// the swagger declares must match its (patched) 200 schema. Anything else
// is only checked for being JSON.
func (v *Validator) Validate(method, path string, status int, contentType string, body []byte) error {
	if err := checkContentType(contentType); err != nil {
		return err
	}
	if !json.Valid(body) {
		return fmt.Errorf("body is not valid JSON")
	}
	if status >= 400 {
		return checkErrorEnvelope(body)
	}
	if status != http.StatusOK {
		return nil
	}
	r := v.match(method, path)
	if r == nil || r.schema == nil {
		return nil
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return fmt.Errorf("body is not valid JSON: %w", err)
	}
	if err := r.schema.VisitJSON(value,
		openapi3.VisitAsResponse(),
		openapi3.MultiErrors(),
		openapi3.DisableSchemaErrorDetails(),
		openapi3.SetSchemaErrorMessageCustomizer(enumErrorMessage),
	); err != nil {
		return fmt.Errorf("200 body does not match the %s swagger for %s %s: %w", r.doc, r.method, r.template, err)
	}
	return nil
}

// Route reports which swagger operation (document and path template) a
// request matches, for diagnostics; ok is false when none does.
func (v *Validator) Route(method, path string) (doc, template string, ok bool) {
	r := v.match(method, path)
	if r == nil {
		return "", "", false
	}
	return r.doc, r.template, true
}

// match finds the operation for method and path. Parameter segments match
// any non-empty segment whatever the declared parameter type (Roblox
// accepts names such as "Asset" for {itemType}); literal segments match
// case-insensitively, as ASP.NET routing does. When several templates
// match, the one with more literal segments wins.
func (v *Validator) match(method, path string) *route {
	segs := splitPath(path)
	if segs == nil {
		return nil
	}
	method = strings.ToUpper(method)
	var best *route
	for _, r := range v.routes {
		if r.method != method || len(r.segs) != len(segs) {
			continue
		}
		ok := true
		for i, s := range r.segs {
			if isParam(s) {
				if segs[i] == "" {
					ok = false
					break
				}
				continue
			}
			if !strings.EqualFold(s, segs[i]) {
				ok = false
				break
			}
		}
		if ok && (best == nil || r.literals > best.literals) {
			best = r
		}
	}
	return best
}

// splitPath turns a request path (or full URL) into its segments, without
// query string, fragment, or a trailing slash.
func splitPath(p string) []string {
	if strings.Contains(p, "://") {
		if u, err := url.Parse(p); err == nil {
			p = u.Path
		}
	}
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if !strings.HasPrefix(p, "/") {
		return nil
	}
	p = strings.TrimRight(p, "/")
	if p == "" {
		return []string{}
	}
	return strings.Split(p[1:], "/")
}

func isParam(seg string) bool {
	return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}")
}

// checkContentType accepts application/json, optionally with
// charset=utf-8, and nothing else.
func checkContentType(ct string) error {
	if ct == "" {
		return fmt.Errorf("missing Content-Type; want application/json")
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("bad Content-Type %q: %v", ct, err)
	}
	if mt != "application/json" {
		return fmt.Errorf("Content-Type %q; want application/json", ct)
	}
	for k, val := range params {
		if k != "charset" || !strings.EqualFold(val, "utf-8") {
			return fmt.Errorf("Content-Type %q: unexpected parameter %s=%s; want application/json or application/json; charset=utf-8", ct, k, val)
		}
	}
	return nil
}

// checkErrorEnvelope checks the Roblox error envelope
// {"errors":[{"code":<int>,"message":"<string>"}...]}.
func checkErrorEnvelope(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var top any
	if err := dec.Decode(&top); err != nil {
		return fmt.Errorf("error body is not valid JSON: %w", err)
	}
	obj, ok := top.(map[string]any)
	if !ok {
		return fmt.Errorf(`error body must be an object {"errors":[...]}, got %s`, jsonKind(top))
	}
	var errs []error
	for k := range obj {
		if k != "errors" {
			errs = append(errs, fmt.Errorf("error body has unexpected top-level key %q", k))
		}
	}
	raw, ok := obj["errors"]
	if !ok {
		errs = append(errs, fmt.Errorf(`error body has no "errors" key`))
		return errors.Join(errs...)
	}
	list, ok := raw.([]any)
	if !ok {
		errs = append(errs, fmt.Errorf(`"errors" must be an array, got %s`, jsonKind(raw)))
		return errors.Join(errs...)
	}
	if len(list) == 0 {
		errs = append(errs, fmt.Errorf(`"errors" must hold at least one error`))
	}
	for i, item := range list {
		e, ok := item.(map[string]any)
		if !ok {
			errs = append(errs, fmt.Errorf("errors[%d] must be an object, got %s", i, jsonKind(item)))
			continue
		}
		code, ok := e["code"]
		if !ok {
			errs = append(errs, fmt.Errorf(`errors[%d] has no "code"`, i))
		} else if n, isNum := code.(json.Number); !isNum {
			errs = append(errs, fmt.Errorf(`errors[%d].code must be an integer, got %s`, i, jsonKind(code)))
		} else if _, err := strconv.ParseInt(n.String(), 10, 64); err != nil {
			errs = append(errs, fmt.Errorf(`errors[%d].code must be an integer, got %s`, i, n))
		}
		msg, ok := e["message"]
		if !ok {
			errs = append(errs, fmt.Errorf(`errors[%d] has no "message"`, i))
		} else if _, isStr := msg.(string); !isStr {
			errs = append(errs, fmt.Errorf(`errors[%d].message must be a string, got %s`, i, jsonKind(msg)))
		}
		keys := make([]string, 0, len(e))
		for k := range e {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k == "code" || k == "message" {
				continue
			}
			if !errorExtraKeys[k] {
				errs = append(errs, fmt.Errorf("errors[%d] has unexpected key %q", i, k))
				continue
			}
			val := e[k]
			switch k {
			case "userFacingMessage", "field", "hint":
				if _, isStr := val.(string); val != nil && !isStr {
					errs = append(errs, fmt.Errorf("errors[%d].%s must be a string or null, got %s", i, k, jsonKind(val)))
				}
			case "retryable":
				if _, isBool := val.(bool); val != nil && !isBool {
					errs = append(errs, fmt.Errorf("errors[%d].%s must be a boolean or null, got %s", i, k, jsonKind(val)))
				}
			}
		}
	}
	return errors.Join(errs...)
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number, float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "...(truncated)"
}

// load converts one Swagger 2.0 document to OpenAPI 3 and patches it.
func load(data []byte) (*openapi3.T, error) {
	var doc2 openapi2.T
	if err := json.Unmarshal(data, &doc2); err != nil {
		return nil, fmt.Errorf("parse swagger: %w", err)
	}
	doc, err := openapi2conv.ToV3(&doc2)
	if err != nil {
		return nil, fmt.Errorf("convert swagger: %w", err)
	}
	p := &patcher{done: map[*openapi3.Schema]bool{}}
	names := make([]string, 0, len(doc.Components.Schemas))
	for name := range doc.Components.Schemas {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := p.patch(name, doc.Components.Schemas[name].Value); err != nil {
			return nil, err
		}
	}
	// Inline response schemas (e.g. is-owned's bare boolean).
	for _, pathItem := range doc.Paths.Map() {
		for _, op := range pathItem.Operations() {
			if s := responseSchema(op); s != nil {
				if err := p.patch("", s); err != nil {
					return nil, err
				}
			}
		}
	}
	ctx := context.Background()
	for _, name := range names {
		if err := doc.Components.Schemas[name].Value.Validate(ctx); err != nil {
			return nil, fmt.Errorf("patched schema %s is invalid: %w", name, err)
		}
	}
	return doc, nil
}

// responseSchema is the schema of op's 200 response, preferring
// application/json.
func responseSchema(op *openapi3.Operation) *openapi3.Schema {
	if op == nil || op.Responses == nil {
		return nil
	}
	resp := op.Responses.Status(http.StatusOK)
	if resp == nil || resp.Value == nil {
		return nil
	}
	mt := resp.Value.Content.Get("application/json")
	if mt == nil {
		for _, m := range resp.Value.Content {
			mt = m
			break
		}
	}
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}

func collectRoutes(docName string, doc *openapi3.T) ([]*route, error) {
	var routes []*route
	for tmpl, pathItem := range doc.Paths.Map() {
		for method, op := range pathItem.Operations() {
			segs := splitPath(tmpl)
			if segs == nil {
				return nil, fmt.Errorf("path %q does not start with /", tmpl)
			}
			r := &route{
				doc:      docName,
				method:   strings.ToUpper(method),
				template: tmpl,
				segs:     segs,
				schema:   responseSchema(op),
			}
			for _, s := range segs {
				if !isParam(s) {
					r.literals++
				}
			}
			routes = append(routes, r)
		}
	}
	// Deterministic order, so that ties (none exist today) resolve the
	// same way on every run.
	sort.Slice(routes, func(i, j int) bool {
		if routes[i].template != routes[j].template {
			return routes[i].template < routes[j].template
		}
		return routes[i].method < routes[j].method
	})
	return routes, nil
}

// patcher rewrites converted schemas in place; done guards against
// visiting a schema twice (components are shared by reference).
type patcher struct {
	done map[*openapi3.Schema]bool
}

func (p *patcher) patch(name string, s *openapi3.Schema) error {
	if s == nil || p.done[s] {
		return nil
	}
	p.done[s] = true

	// Roblox adds fields without notice: the swagger's
	// "additionalProperties": false must not reject them.
	if has := s.AdditionalProperties.Has; has != nil && !*has {
		s.AdditionalProperties = openapi3.AdditionalProperties{}
	}
	if s.Type.Is(openapi3.TypeString) && s.Format == "date-time" {
		s.Pattern = DateTimePattern
	}

	for _, sub := range s.AllOf {
		if err := p.patch(refName(sub), sub.Value); err != nil {
			return err
		}
	}
	for _, sub := range s.AnyOf {
		if err := p.patch(refName(sub), sub.Value); err != nil {
			return err
		}
	}
	for _, sub := range s.OneOf {
		if err := p.patch(refName(sub), sub.Value); err != nil {
			return err
		}
	}
	if s.Items != nil {
		if err := p.patch(refName(s.Items), s.Items.Value); err != nil {
			return err
		}
	}

	page := isPageSchema(name, s)
	propNames := make([]string, 0, len(s.Properties))
	for prop := range s.Properties {
		propNames = append(propNames, prop)
	}
	sort.Strings(propNames)
	for _, prop := range propNames {
		ref := s.Properties[prop]
		if ref == nil || ref.Value == nil {
			return fmt.Errorf("schema %s: property %s is unresolved", name, prop)
		}
		if err := p.patch(refName(ref), ref.Value); err != nil {
			return err
		}
		if page && prop == "data" {
			// data is the one property of a page that is never null.
			continue
		}
		nref, err := nullableProperty(prop, ref)
		if err != nil {
			return fmt.Errorf("schema %s: property %s: %w", name, prop, err)
		}
		p.done[nref.Value] = true
		s.Properties[prop] = nref
	}

	if page {
		for _, k := range pageKeys {
			if !slices.Contains(s.Required, k) {
				s.Required = append(s.Required, k)
			}
		}
		for _, k := range []string{"previousPageCursor", "nextPageCursor"} {
			c := s.Properties[k]
			if c == nil || c.Value == nil {
				return fmt.Errorf("page schema %s has no %s property", name, k)
			}
			// A cursor is either null or a non-empty string: "" would make
			// clients that loop "until nextPageCursor is null" spin.
			c.Value.MinLength = 1
		}
	}
	return nil
}

// nullableProperty returns a nullable version of a property schema.
// Inline schemas are made nullable in place; a $ref (shared component)
// is wrapped in {nullable, allOf:[$ref]} so the component itself (which
// may be a whole response body) stays non-nullable. Integer enums whose
// names are in the description become {nullable, anyOf:[int enum,
// string enum of names]}.
func nullableProperty(prop string, ref *openapi3.SchemaRef) (*openapi3.SchemaRef, error) {
	if ref.Ref != "" {
		return &openapi3.SchemaRef{Value: &openapi3.Schema{
			Nullable: true,
			AllOf:    openapi3.SchemaRefs{ref},
		}}, nil
	}
	v := ref.Value
	if v.Type.Is(openapi3.TypeInteger) && len(v.Enum) > 0 && !numericEnums[prop] {
		names := EnumNames(v.Description)
		if len(names) > 0 {
			intSchema := *v
			intSchema.Nullable = false
			strEnum := make([]any, len(names))
			for i, n := range names {
				strEnum[i] = n
			}
			return &openapi3.SchemaRef{Value: &openapi3.Schema{
				Extensions:  map[string]any{namedEnumExt: true},
				Nullable:    true,
				Description: v.Description,
				AnyOf: openapi3.SchemaRefs{
					{Value: &intSchema},
					{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Enum: strEnum}},
				},
			}}, nil
		}
	}
	v.Nullable = true
	return ref, nil
}

// namedEnumExt marks the anyOf[int enum, name enum] schemas this package
// builds, so that their errors can say what was allowed.
const namedEnumExt = "x-swaggertest-named-enum"

// enumErrorMessage replaces kin-openapi's bare "doesn't match any schema
// from anyOf" for the patched enums with the value and the enum listing.
// It returns "" (keep the default message) for every other error.
func enumErrorMessage(err *openapi3.SchemaError) string {
	if err.SchemaField != "anyOf" || err.Schema == nil || err.Schema.Extensions[namedEnumExt] == nil {
		return ""
	}
	val, _ := json.Marshal(err.Value)
	desc := err.Schema.Description
	if i := strings.Index(desc, "["); i >= 0 {
		desc = desc[i:]
	}
	if len(desc) > 300 {
		desc = desc[:300] + "...]"
	}
	return fmt.Sprintf(`Error at "/%s": %s is neither a number nor a name of the enum %s`,
		strings.Join(err.JSONPointer(), "/"), val, desc)
}

// EnumNames extracts the enum member names from a Roblox enum description
// such as "The asset type ['Image' = 1, 'TShirt' = 2]", in order.
func EnumNames(description string) []string {
	var names []string
	for _, m := range enumNameRe.FindAllStringSubmatch(description, -1) {
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	return names
}

func refName(ref *openapi3.SchemaRef) string {
	if ref == nil || ref.Ref == "" {
		return ""
	}
	return ref.Ref[strings.LastIndex(ref.Ref, "/")+1:]
}

// isPageSchema recognizes Roblox's ApiPageResponse[T] by name or by shape.
func isPageSchema(name string, s *openapi3.Schema) bool {
	if strings.Contains(name, "ApiPageResponse[") {
		return true
	}
	for _, k := range pageKeys {
		if s.Properties[k] == nil {
			return false
		}
	}
	return true
}
