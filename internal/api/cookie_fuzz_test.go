package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// FuzzCookie: any Cookie header and x-csrf-token resolve to a session only
// when the header carries a known .ROBLOSECURITY value (as net/http parses
// it, at most 8192 bytes); anything else is anonymous (401 on cookie-only
// routes); a write passes the CSRF check only with the session's token;
// nothing answers 5xx. csrf "<valid>" stands for the session's real token.
func FuzzCookie(f *testing.F) {
	s := fzServer(f)
	sessions := map[string]int64{"fuzz-session": 156, "_|WARNING:-DO-NOT-SHARE-THIS.--fuzz-other": 261}
	for _, c := range [][2]string{
		{".ROBLOSECURITY=fuzz-session", "<valid>"},
		{".ROBLOSECURITY=fuzz-session", ""},
		{".ROBLOSECURITY=fuzz-session", "AAAAAAAAAAAA"},
		{".ROBLOSECURITY=_|WARNING:-DO-NOT-SHARE-THIS.--fuzz-other", "<valid>"},
		{`.ROBLOSECURITY="fuzz-session"`, "<valid>"},
		{".ROBLOSECURITY=a; .ROBLOSECURITY=fuzz-session", "<valid>"},
		{"a=b;.ROBLOSECURITY=fuzz-session;;", "<valid>"},
		{".roblosecurity=fuzz-session", "<valid>"},
		{".ROBLOSECURITY= fuzz-session ", "<valid>"},
		{".ROBLOSECURITY=fuzz-session\xff", "<valid>"},
		{".ROBLOSECURITY=" + strings.Repeat("A", 8193), ""},
		{";;;=;", "\xff"},
		{"", ""},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, cookieHeader, csrf string) {
		// What net/http makes of the header.
		probe := httptest.NewRequest("GET", "/", nil)
		probe.Header.Set("Cookie", cookieHeader)
		var wantUser int64
		if c, err := probe.Cookie(sessionCookie); err == nil && len(c.Value) <= 8192 {
			wantUser = sessions[c.Value]
		}

		r := httptest.NewRequest("GET", "/v1/users/authenticated", nil)
		r.Header.Set("Cookie", cookieHeader)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		switch {
		case w.Code >= 500:
			t.Fatalf("Cookie %q: %d %s", cookieHeader, w.Code, w.Body)
		case wantUser == 0 && w.Code != http.StatusUnauthorized:
			t.Fatalf("Cookie %q: %d %s, want 401", cookieHeader, w.Code, w.Body)
		case wantUser != 0:
			var u struct {
				ID int64 `json:"id"`
			}
			if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &u) != nil || u.ID != wantUser {
				t.Fatalf("Cookie %q: %d %s, want user %d", cookieHeader, w.Code, w.Body, wantUser)
			}
		}

		// A write: the challenge, then the retry with csrf.
		del := func(token string, set bool) *httptest.ResponseRecorder {
			r := httptest.NewRequest("DELETE", "/v2/inventory/asset/999999", nil)
			r.Header.Set("Cookie", cookieHeader)
			if set {
				r.Header.Set("x-csrf-token", token)
			}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code >= 500 {
				t.Fatalf("DELETE with Cookie %q token %q: %d %s", cookieHeader, token, w.Code, w.Body)
			}
			return w
		}
		first := del("", false)
		if wantUser == 0 {
			if first.Code != http.StatusUnauthorized {
				t.Fatalf("anonymous DELETE: %d %s", first.Code, first.Body)
			}
			return
		}
		valid := first.Header().Get("x-csrf-token")
		if first.Code != http.StatusForbidden || valid == "" {
			t.Fatalf("DELETE without a token: %d %s", first.Code, first.Body)
		}
		if csrf == "<valid>" {
			csrf = valid
		}
		// The session's tokens: this time bucket's and the two before.
		c, _ := probe.Cookie(sessionCookie)
		bucket := s.now().UnixNano() / int64(csrfWindow)
		accepted := false
		for i := int64(0); i < 3; i++ {
			accepted = accepted || csrf == s.csrfToken(inventory.HashToken(c.Value), bucket-i)
		}
		w = del(csrf, true)
		switch {
		case accepted && w.Code != http.StatusNotFound: // past CSRF: the asset does not exist
			t.Fatalf("DELETE with the session's token: %d %s", w.Code, w.Body)
		case !accepted && w.Code == http.StatusNotFound:
			t.Fatalf("DELETE with token %q passed the CSRF check", csrf)
		case !accepted && (w.Code != http.StatusForbidden || w.Header().Get("x-csrf-token") == ""):
			t.Fatalf("DELETE with token %q: %d %s, want the challenge", csrf, w.Code, w.Body)
		}
	})
}
