package api_test

import (
	"strings"
	"testing"

	"github.com/inventoryd/inventoryd/internal/storetest"
)

func TestCompanionRoutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		e.run(t, []call{
			{name: "user details", path: "/v1/users/156", want: 200, check: func(t *testing.T, r resp) {
				m := r.json(t)
				if m["id"] != 156.0 || m["name"] != "builderman" || m["created"] != "2006-03-08T04:00:00.000Z" || m["isBanned"] != false {
					t.Fatalf("%s", r.body)
				}
			}},
			{name: "user details unknown", path: "/v1/users/999", want: 404, code: 3},
			{name: "user details banned", path: "/v1/users/2004", want: 404, code: 3},
			{name: "privacy anonymous", path: "/v1/inventory-privacy", want: 401, code: 0},
			{name: "privacy", path: "/v1/inventory-privacy", session: shedletsky, want: 200, check: bodyIs(`{"inventoryPrivacy":"Friends"}`)},
		})
		post := func(target, session, body string) resp {
			t.Helper()
			first := e.doOn(e.srv, "POST", target, strings.NewReader(body), cookie(session))
			tok := first.header.Get("x-csrf-token")
			if first.status != 403 || tok == "" {
				t.Fatalf("want the CSRF challenge, got %d %s", first.status, first.body)
			}
			return e.doOn(e.srv, "POST", target, strings.NewReader(body), cookie(session), header("x-csrf-token", tok))
		}
		if r := post("/v1/inventory-privacy", shedletsky, `{"inventoryPrivacy":"AllUsers"}`); r.status != 200 {
			t.Fatalf("set privacy: %d %s", r.status, r.body)
		}
		e.run(t, []call{{name: "now public", path: "/v2/users/261/inventory?assetTypes=Hat", want: 200, check: dataLen(1)}})
		if r := post("/v1/inventory-privacy", shedletsky, `{"inventoryPrivacy":1}`); r.status != 200 {
			t.Fatalf("set privacy by number: %d %s", r.status, r.body)
		}
		e.run(t, []call{{name: "now hidden", path: "/v2/users/261/inventory?assetTypes=Hat", want: 403, code: 4}})
		if r := post("/v1/inventory-privacy", shedletsky, `{"inventoryPrivacy":"Everyone"}`); r.status != 400 || r.errCode(t) != 1 {
			t.Fatalf("bad privacy: %d %s", r.status, r.body)
		}
		if r := e.doOn(e.srv, "POST", "/v1/users", strings.NewReader(`{"userIds":[156,999,2004,156],"excludeBannedUsers":true}`)); r.status != 200 ||
			string(r.body) != `{"data":[{"hasVerifiedBadge":false,"id":156,"name":"builderman","displayName":"builderman"}]}` {
			t.Fatalf("users by id: %d %s", r.status, r.body)
		}
		if r := e.doOn(e.srv, "POST", "/v1/users", strings.NewReader(`{"userIds":[2004]}`)); r.status != 200 || !strings.Contains(string(r.body), "banned_user") {
			t.Fatalf("banned users are listed unless excluded: %d %s", r.status, r.body)
		}
		if r := e.doOn(e.srv, "POST", "/v1/users", strings.NewReader(`{`)); r.status != 400 {
			t.Fatalf("bad body: %d %s", r.status, r.body)
		}
	})
}
