package api_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/inventoryd/inventoryd/internal/storetest"
)

// TestLoginCSRFChallenge: bloxy fetches every CSRF token from POST
// auth.roblox.com/v2/login (dist/controllers/rest/lib/updateXCSRFToken.js
// accepts only a 403 and reads its x-csrf-token header), so /v2/login
// answers the challenge as /v2/logout does, with a token bound to the
// session; with a valid token it refuses to sign in.
func TestLoginCSRFChallenge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		post := func(target, body string, opts ...reqOpt) resp {
			t.Helper()
			return e.doOn(e.srv, "POST", target, strings.NewReader(body), opts...)
		}
		challenge := func(what string, r resp) string {
			t.Helper()
			tok := r.header.Get("x-csrf-token")
			if r.status != 403 || tok == "" || string(r.body) != `{"errors":[{"code":0,"message":"Token Validation Failed"}]}` {
				t.Fatalf("%s: want the CSRF challenge, got %d %q %s", what, r.status, tok, r.body)
			}
			return tok
		}
		refused := func(what string, r resp, status, code int, msg string) {
			t.Helper()
			want := `{"errors":[{"code":` + strconv.Itoa(code) + `,"message":"` + msg + `","userFacingMessage":"Something went wrong"}]}`
			if r.status != status || string(r.body) != want {
				t.Errorf("%s: got %d %s, want %d %s", what, r.status, r.body, status, want)
			}
		}

		// Signed in: the token is the session's, good for its other writes.
		me := cookie(shedletsky)
		tok := challenge("signed in, no token", post("/v2/login", "", me))
		challenge("signed in, wrong token", post("/v2/login", "", me, header("x-csrf-token", "nope")))
		refused("signed in, valid token", post("/v2/login", `{"ctype":"Username","cvalue":"x","password":"y"}`, me, header("x-csrf-token", tok)),
			403, 12, "Existing login session found. Please log out first.")
		if r := post("/v1/inventory-privacy", `{"inventoryPrivacy":"AllUsers"}`, me, header("x-csrf-token", tok)); r.status != 200 {
			t.Fatalf("the /v2/login token on POST /v1/inventory-privacy: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/v1/users/authenticated", me); r.status != 200 {
			t.Fatalf("login must not end the session: %d %s", r.status, r.body)
		}
		// Bound to the session: another session's request is challenged.
		challenge("another session's token", post("/v1/inventory-privacy", `{"inventoryPrivacy":"AllUsers"}`, cookie(builderman), header("x-csrf-token", tok)))

		// Anonymous: a challenge too, then the refusals.
		anon := challenge("anonymous, no token", post("/v2/login", ""))
		if anon == tok {
			t.Fatal("the anonymous token equals the session's")
		}
		x := header("x-csrf-token", anon)
		refused("no body", post("/v2/login", "", x), 400, 3, "Username and Password are required. Please try again.")
		refused("no password", post("/v2/login", `{"ctype":"Username","cvalue":"builderman"}`, x), 400, 3, "Username and Password are required. Please try again.")
		refused("not JSON", post("/v2/login", `{`, x), 400, 3, "Username and Password are required. Please try again.")
		refused("credentials", post("/v2/login", `{"ctype":"Username","cvalue":"builderman","password":"hunter2"}`, x),
			403, 1, "Incorrect username or password. Please try again.")
	})
}
