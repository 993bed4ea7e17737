package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/inventoryd/inventoryd/internal/api"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// TestBodyTooLarge: every route that reads a body answers one past
// --max-body-bytes with 413 "Request body too large." (compatibility.md),
// not with the 400 of a body it could not read.
func TestBodyTooLarge(t *testing.T) {
	e := newEnv(t, storetest.SQLite)
	srv, err := api.NewServer(context.Background(), e.store, api.Config{AdminKey: "test-admin-key", CollectionLimit: 3, MaxBodyBytes: 1024})
	if err != nil {
		t.Fatal(err)
	}
	big := `{"userIds":[` + strings.Repeat("1,", 2000) + `1],"inventoryPrivacy":"` + strings.Repeat("x", 4000) + `"}`
	send := func(method, target string, h http.Header) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, target, strings.NewReader(big))
		r.Header = h.Clone()
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		return w
	}
	for _, c := range []struct{ method, target string }{
		{"POST", "/v1/users"}, {"POST", "/v1/inventory-privacy"}, {"POST", "/v2/login"},
		{"POST", "/admin/v1/users"}, {"POST", "/admin/v1/fixtures"},
	} {
		h := http.Header{"Cookie": {".ROBLOSECURITY=" + builderman}, "Authorization": {"Bearer test-admin-key"}}
		if c.target == "/v2/login" { // signed in, it refuses before reading
			h.Del("Cookie")
		}
		if w := send(c.method, c.target, h); w.Code == http.StatusForbidden && w.Header().Get("x-csrf-token") != "" {
			h.Set("x-csrf-token", w.Header().Get("x-csrf-token"))
		}
		w := send(c.method, c.target, h)
		if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "Request body too large.") {
			t.Errorf("%s %s: %d %s, want 413", c.method, c.target, w.Code, w.Body)
		}
	}
}
