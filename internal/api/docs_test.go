package api_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/inventoryd/inventoryd/internal/api"
	"github.com/inventoryd/inventoryd/internal/api/swagger"
	"github.com/inventoryd/inventoryd/internal/api/swaggertest"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

func docsServer(t *testing.T) *api.Server {
	t.Helper()
	s, err := api.NewServer(context.Background(), storetest.SQLite(t), api.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func docsGet(t *testing.T, s http.Handler, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		if k == "Host" {
			r.Host = v
			continue
		}
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

// TestDocsJSON: /docs/json/{v1,v2} are the embedded swagger documents with
// host and schemes naming this server, everything else unchanged.
func TestDocsJSON(t *testing.T) {
	s := docsServer(t)
	for _, tc := range []struct {
		path string
		doc  []byte
	}{{"/docs/json/v1", swagger.V1}, {"/docs/json/v2", swagger.V2}} {
		for _, c := range []struct {
			host, proto, wantScheme string
		}{
			{"inventory.local:8080", "", "http"},
			{"127.0.0.1:1234", "https", "https"},
			{`we"ird<host>`, "gopher", "http"},
		} {
			hdr := map[string]string{"Host": c.host}
			if c.proto != "" {
				hdr["X-Forwarded-Proto"] = c.proto
			}
			w := docsGet(t, s, http.MethodGet, tc.path, hdr)
			if w.Code != http.StatusOK {
				t.Fatalf("GET %s: %d %s", tc.path, w.Code, w.Body)
			}
			swaggertest.Default(t).Check(t, http.MethodGet, tc.path, w.Code, w.Header().Get("Content-Type"), w.Body.Bytes())
			var got, want map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatalf("GET %s: %v", tc.path, err)
			}
			if err := json.Unmarshal(tc.doc, &want); err != nil {
				t.Fatal(err)
			}
			if got["host"] != c.host {
				t.Errorf("GET %s Host %q: host = %v", tc.path, c.host, got["host"])
			}
			if !reflect.DeepEqual(got["schemes"], []any{c.wantScheme}) {
				t.Errorf("GET %s proto %q: schemes = %v, want [%s]", tc.path, c.proto, got["schemes"], c.wantScheme)
			}
			delete(got, "host")
			delete(got, "schemes")
			delete(want, "host")
			delete(want, "schemes")
			if !reflect.DeepEqual(got, want) {
				t.Errorf("GET %s: the document differs from the embedded swagger beyond host and schemes", tc.path)
			}
		}
		// HEAD answers like GET, without a body.
		if w := docsGet(t, s, http.MethodHead, tc.path, nil); w.Code != http.StatusOK {
			t.Errorf("HEAD %s: %d", tc.path, w.Code)
		}
		// Other methods are the usual 404 envelope.
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodOptions} {
			w := docsGet(t, s, m, tc.path, nil)
			if w.Code != http.StatusNotFound {
				t.Errorf("%s %s: %d, want 404", m, tc.path, w.Code)
			}
			swaggertest.Default(t).Check(t, m, tc.path, w.Code, w.Header().Get("Content-Type"), w.Body.Bytes())
		}
	}
	for _, p := range []string{"/docs/json/v3", "/docs/json/", "/docs/json", "/docs/json/v1/x"} {
		w := docsGet(t, s, http.MethodGet, p, nil)
		if w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, w.Code)
		}
		swaggertest.Default(t).Check(t, http.MethodGet, p, w.Code, w.Header().Get("Content-Type"), w.Body.Bytes())
	}
}

// TestDocsIndex: /docs and /docs/index.html list every operation of both
// documents with its parameters and link to the JSON documents.
func TestDocsIndex(t *testing.T) {
	s := docsServer(t)
	var first string
	for _, p := range []string{"/docs", "/docs/index.html"} {
		w := docsGet(t, s, http.MethodGet, p, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", p, w.Code, w.Body)
		}
		if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", p, ct)
		}
		body := w.Body.String()
		if first == "" {
			first = body
		} else if body != first {
			t.Errorf("GET %s differs from /docs", p)
		}
		for _, link := range []string{`href="/docs/json/v1"`, `href="/docs/json/v2"`} {
			if !strings.Contains(body, link) {
				t.Errorf("GET %s: no link %s", p, link)
			}
		}
		if !strings.HasPrefix(body, "<!DOCTYPE html>") || !strings.HasSuffix(strings.TrimSpace(body), "</html>") {
			t.Errorf("GET %s: not a complete HTML document", p)
		}
		if strings.Contains(body, "<script") {
			t.Errorf("GET %s: the page must not carry scripts", p)
		}
	}
	// Every operation with every parameter, as the swagger declares them.
	n := 0
	for _, doc := range [][]byte{swagger.V1, swagger.V2} {
		var d struct {
			Paths map[string]map[string]struct {
				Parameters []struct {
					Name string `json:"name"`
				} `json:"parameters"`
				Responses map[string]any `json:"responses"`
			} `json:"paths"`
		}
		if err := json.Unmarshal(doc, &d); err != nil {
			t.Fatal(err)
		}
		for path, ops := range d.Paths {
			for method, op := range ops {
				n++
				block := docsOperationBlock(first, strings.ToUpper(method), path)
				if block == "" {
					t.Errorf("/docs does not list %s %s", strings.ToUpper(method), path)
					continue
				}
				for _, pa := range op.Parameters {
					if !strings.Contains(block, "<code>"+html.EscapeString(pa.Name)+"</code>") {
						t.Errorf("/docs: %s %s does not list parameter %s", strings.ToUpper(method), path, pa.Name)
					}
				}
				for status := range op.Responses {
					if !strings.Contains(block, "<td>"+status+"</td>") {
						t.Errorf("/docs: %s %s does not list answer %s", strings.ToUpper(method), path, status)
					}
				}
			}
		}
	}
	if n != 15 {
		t.Errorf("the swagger documents hold %d operations, want 15", n)
	}
	if got := strings.Count(first, `<div class="op`); got != n {
		t.Errorf("/docs lists %d operations, want %d", got, n)
	}
	// The enum names of the swagger descriptions are shown.
	for _, s := range []string{"Hat = 8", "Asc", "deprecated"} {
		if !strings.Contains(first, s) {
			t.Errorf("/docs does not mention %q", s)
		}
	}
}

// docsOperationBlock returns the HTML of one operation's block on the page.
func docsOperationBlock(page, method, path string) string {
	head := `<span class="method">` + method + `</span> <span class="path">` + html.EscapeString(path) + `</span>`
	i := strings.Index(page, head)
	if i < 0 {
		return ""
	}
	rest := page[i:]
	if j := strings.Index(rest, "</div>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}
