package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/api"
	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

const adminKey = "test-admin-key"

// adm is an admin API client on a fresh store.
type adm struct {
	t  *testing.T
	h  http.Handler
	st inventory.Store
}

func newAdm(t *testing.T, open storetest.Opener, key string) *adm {
	t.Helper()
	st := open(t)
	s, err := api.NewServer(context.Background(), st, api.Config{AdminKey: key})
	if err != nil {
		t.Fatal(err)
	}
	return &adm{t: t, h: s, st: st}
}

type admResp struct {
	code int
	body []byte
	hdr  http.Header
}

func (r admResp) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

// call sends an authenticated admin request; body "" sends none.
func (a *adm) call(method, path, body string) admResp {
	return a.callAuth(method, path, body, "Bearer "+adminKey)
}

func (a *adm) callAuth(method, path, body, auth string) admResp {
	a.t.Helper()
	r := a.callRaw(method, path, body, auth)
	if err := checkAdminAnswer(a.t, method, path, r); err != nil {
		a.t.Error(err)
	}
	return r
}

func (a *adm) callRaw(method, path, body, auth string) admResp {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	return admResp{rec.Code, rec.Body.Bytes(), rec.Header()}
}

// must asserts the status and, for errors, the Roblox envelope.
func (a *adm) must(r admResp, status int) admResp {
	a.t.Helper()
	if r.code != status {
		a.t.Fatalf("status %d, want %d: %s", r.code, status, r.body)
	}
	if status >= 400 {
		var env struct {
			Errors []struct {
				Code    *int    `json:"code"`
				Message *string `json:"message"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(r.body, &env); err != nil || len(env.Errors) != 1 || env.Errors[0].Code == nil || env.Errors[0].Message == nil {
			a.t.Fatalf("error body is not the Roblox envelope: %s", r.body)
		}
	}
	return r
}

// seed loads the shared example fixture.
func (a *adm) seed() {
	a.t.Helper()
	b, err := os.ReadFile("../demo/example.json")
	if err != nil {
		a.t.Fatal(err)
	}
	a.must(a.call("POST", "/admin/v1/fixtures", string(b)), 200)
}

func TestAdminOffWithoutKey(t *testing.T) {
	a := newAdm(t, storetest.SQLite, "")
	for _, p := range []string{"/admin/v1/openapi.json", "/admin/v1/users/156", "/admin/v1/export"} {
		// Not checked against the document: the API it describes is off.
		r := a.must(a.callRaw("GET", p, "", "Bearer "+adminKey), 404)
		if !strings.Contains(string(r.body), `"NotFound"`) {
			t.Errorf("%s: %s", p, r.body)
		}
	}
}

func TestAdminAuth(t *testing.T) {
	a := newAdm(t, storetest.SQLite, adminKey)
	for _, auth := range []string{"", "Bearer wrong", "Basic " + adminKey, "bearer" + adminKey, "Bearer " + adminKey + "x", "Bearer"} {
		a.must(a.callAuth("GET", "/admin/v1/users/1", "", auth), 401)
	}
	// The scheme name is case-insensitive (RFC 9110 §11.1).
	for _, auth := range []string{"Bearer " + adminKey, "bearer " + adminKey, "BEARER  " + adminKey} {
		a.must(a.callAuth("GET", "/admin/v1/export", "", auth), 200)
	}
	a.must(a.callAuth("GET", "/admin/v1/openapi.json", "", ""), 200)
}

// TestAdminOpenAPIMatchesRoutes: every operation of the document is
// routed to an admin handler (401 without a key, not the catch-all 404).
func TestAdminOpenAPIMatchesRoutes(t *testing.T) {
	a := newAdm(t, storetest.SQLite, adminKey)
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(a.must(a.call("GET", "/admin/v1/openapi.json", ""), 200).body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.0.3" || len(doc.Paths) < 25 {
		t.Fatalf("document: openapi %q, %d paths", doc.OpenAPI, len(doc.Paths))
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			concrete := strings.NewReplacer("{itemType}", "Badge", "{placesTab}", "MyGames").Replace(path)
			for _, p := range []string{"{userId}", "{otherId}", "{itemId}", "{placeId}", "{groupId}", "{assetId}", "{gamePassId}", "{badgeId}", "{bundleId}", "{userAssetId}"} {
				concrete = strings.ReplaceAll(concrete, p, "1")
			}
			want := 401
			if path == "/admin/v1/openapi.json" {
				want = 200 // the document needs no key
			}
			r := a.callAuth(strings.ToUpper(method), concrete, "", "Bearer nope")
			if r.code != want {
				t.Errorf("%s %s: %d %s, want %d (not routed?)", method, path, r.code, r.body, want)
			}
		}
	}

	// Both forms of a fixture document are described where they travel.
	for _, c := range []struct{ path, method, where string }{{"/admin/v1/fixtures", "post", "requestBody"}, {"/admin/v1/export", "get", "responses"}} {
		b, _ := json.Marshal(doc.Paths[c.path][c.method].(map[string]any)[c.where])
		if !strings.Contains(string(b), `"application/x-ndjson"`) || !strings.Contains(string(b), `"application/json"`) {
			t.Errorf("%s %s: %s has not both content types: %s", c.method, c.path, c.where, b)
		}
	}

	// The other way: every admin route of routes.go is in the document,
	// and every operation of the document has a row in docs/admin-api.md.
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := regexp.MustCompile(`m\.Handle\("([A-Z]+) (/admin/[^"]*)"`).FindAllStringSubmatch(string(src), -1)
	if len(routes) < 40 {
		t.Fatalf("found %d admin routes in routes.go", len(routes))
	}
	for _, m := range routes {
		if _, ok := doc.Paths[m[2]][strings.ToLower(m[1])]; !ok {
			t.Errorf("%s %s is routed but not in the OpenAPI document", m[1], m[2])
		}
	}
	md, err := os.ReadFile("../../docs/admin-api.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, l := range strings.Split(string(md), "\n") {
		if strings.HasPrefix(l, "| `") {
			rows = append(rows, l)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			found := false
			for _, l := range rows {
				if strings.Contains(l, " "+path+"`") && strings.Contains(l, "`"+strings.ToUpper(method)) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s %s: no row of the operations table in docs/admin-api.md", strings.ToUpper(method), path)
			}
		}
	}
}

func TestAdminUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		a := newAdm(t, open, adminKey)
		r := a.must(a.call("POST", "/admin/v1/users", `{"id":42,"username":"alice","inventoryPrivacy":"Friends","created":"2020-01-02T03:04:05.678Z"}`), 201)
		if m := r.obj(t); m["username"] != "alice" || m["displayName"] != "alice" || m["inventoryPrivacy"] != "Friends" || m["created"] != "2020-01-02T03:04:05.678Z" {
			t.Errorf("created: %s", r.body)
		}
		a.must(a.call("POST", "/admin/v1/users", `{"id":42,"username":"again"}`), 409)
		a.must(a.call("POST", "/admin/v1/users", `{"id":43}`), 400)
		a.must(a.call("POST", "/admin/v1/users", `{"id":43,"username":"x","bogus":1}`), 400)
		a.must(a.call("POST", "/admin/v1/users", `[1]`), 400)
		a.must(a.call("GET", "/admin/v1/users/42", ""), 200)
		a.must(a.call("GET", "/admin/v1/users/99", ""), 404)
		a.must(a.call("GET", "/admin/v1/users/notanumber", ""), 404)

		r = a.must(a.call("PATCH", "/admin/v1/users/42", `{"username":"alice2","buildersClubMembershipType":4,"inventoryPrivacy":"NoOne","isBanned":true}`), 200)
		if m := r.obj(t); m["username"] != "alice2" || m["buildersClubMembershipType"] != 4.0 || m["inventoryPrivacy"] != "NoOne" || m["isBanned"] != true {
			t.Errorf("patched: %s", r.body)
		}
		r = a.must(a.call("PATCH", "/admin/v1/users/42", `{"isBanned":false}`), 200)
		if m := r.obj(t); m["isBanned"] != false || m["username"] != "alice2" {
			t.Errorf("unban: %s", r.body)
		}
		for _, bad := range []string{`{"inventoryPrivacy":"Everyone"}`, `{"buildersClubMembershipType":9}`, `{"username":" "}`, `{"nope":1}`,
			`null`, `[]`, `"x"`, `{"inventoryPrivacy":7}`, `{"inventoryPrivacy":2.5}`} {
			a.must(a.call("PATCH", "/admin/v1/users/42", bad), 400)
		}
		// No display name is the username, as in a fixture document.
		r = a.must(a.call("PATCH", "/admin/v1/users/42", `{"displayName":"Alice"}`), 200)
		r = a.must(a.call("PATCH", "/admin/v1/users/42", `{"displayName":""}`), 200)
		if m := r.obj(t); m["displayName"] != "alice2" {
			t.Errorf("empty display name: %s", r.body)
		}
		r = a.must(a.call("PATCH", "/admin/v1/users/42", `{"username":"alice3","displayName":""}`), 200)
		if m := r.obj(t); m["displayName"] != "alice3" {
			t.Errorf("empty display name with a new username: %s", r.body)
		}
		// Enums by number too, as in fixtures (2 = Friends).
		r = a.must(a.call("PATCH", "/admin/v1/users/42", `{"inventoryPrivacy":2}`), 200)
		if m := r.obj(t); m["inventoryPrivacy"] != "Friends" {
			t.Errorf("privacy by number: %s", r.body)
		}
		// A value of the wrong type: the message names the field and what
		// it takes, not a Go type.
		for body, want := range map[string]string{
			`{"username":5}`:                     "username: must be a string",
			`{"isBanned":"yes"}`:                 "isBanned: must be true or false",
			`{"buildersClubMembershipType":"x"}`: "buildersClubMembershipType: must be an integer",
			`{"inventoryPrivacy":true}`:          "inventoryPrivacy: must be a name or a number",
			`[1]`:                                "body: must be a JSON object",
		} {
			r := a.must(a.call("PATCH", "/admin/v1/users/42", body), 400)
			if msg := string(r.body); !strings.Contains(msg, `"message":"`+want+`"`) {
				t.Errorf("PATCH %s: %s, want message %q", body, msg, want)
			}
		}
		a.must(a.call("PATCH", "/admin/v1/users/99", `{"isBanned":true}`), 404)
	})
}

func TestAdminRelationsAndSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		a := newAdm(t, open, adminKey)
		a.seed()
		ctx := context.Background()
		a.must(a.call("PUT", "/admin/v1/users/156/friends/2003", ""), 200)
		a.must(a.call("PUT", "/admin/v1/users/156/friends/2003", ""), 200) // idempotent
		rel, _ := a.st.Relations(ctx, 2003, []int64{156})
		if !rel[156].Friends {
			t.Error("not friends after PUT")
		}
		a.must(a.call("PUT", "/admin/v1/users/156/friends/156", ""), 400)
		a.must(a.call("PUT", "/admin/v1/users/156/friends/999999", ""), 404)
		a.must(a.call("DELETE", "/admin/v1/users/2003/friends/156", ""), 200)
		a.must(a.call("DELETE", "/admin/v1/users/2003/friends/156", ""), 404)
		rel, _ = a.st.Relations(ctx, 2003, []int64{156})
		if rel[156].Friends {
			t.Error("still friends after DELETE")
		}
		a.must(a.call("PUT", "/admin/v1/users/2003/following/156", ""), 200)
		rel, _ = a.st.Relations(ctx, 2003, []int64{156})
		if !rel[156].ViewerFollows || rel[156].OwnerFollows {
			t.Errorf("follow: %+v", rel[156])
		}
		a.must(a.call("DELETE", "/admin/v1/users/2003/following/156", ""), 200)
		a.must(a.call("DELETE", "/admin/v1/users/2003/following/156", ""), 404)

		// Sessions: the cookie works on the public API, then is revoked.
		r := a.must(a.call("POST", "/admin/v1/users/2003/sessions", ""), 201)
		cookie, _ := r.obj(t)["cookie"].(string)
		if !strings.HasPrefix(cookie, inventory.SessionCookiePrefix) {
			t.Fatalf("cookie %q", cookie)
		}
		if id, err := a.st.SessionUser(ctx, inventory.HashToken(cookie)); err != nil || id != 2003 {
			t.Fatalf("session user %d, %v", id, err)
		}
		a.must(a.call("POST", "/admin/v1/users/99999/sessions", ""), 404)
		a.must(a.call("POST", "/admin/v1/users/2003/sessions/revoke", `{"cookie":"nope"}`), 404)
		a.must(a.call("POST", "/admin/v1/users/2003/sessions/revoke", `{}`), 400)
		a.must(a.call("POST", "/admin/v1/users/2003/sessions/revoke", `{"cookie":"`+cookie+`"}`), 200)
		if _, err := a.st.SessionUser(ctx, inventory.HashToken(cookie)); inventory.KindOf(err) != inventory.KindNotFound {
			t.Errorf("revoked session still resolves: %v", err)
		}
		a.must(a.call("POST", "/admin/v1/users/2003/sessions", ""), 201)
		a.must(a.call("POST", "/admin/v1/users/2003/sessions", ""), 201)
		r = a.must(a.call("DELETE", "/admin/v1/users/2003/sessions", ""), 200)
		if n := r.obj(t)["revoked"]; n != 3.0 { // two new + the fixture's example-stranger
			t.Errorf("revoked %v, want 3", n)
		}
		a.must(a.call("DELETE", "/admin/v1/users/99999/sessions", ""), 404)
	})
}

func TestAdminCatalog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		a := newAdm(t, open, adminKey)
		a.seed()
		for _, c := range []struct{ coll, id, create, replace, badReplace string }{
			{"groups", "70", `{"id":70,"name":"G"}`, `{"name":"G2"}`, `{"id":71,"name":"G"}`},
			{"game-passes", "71", `{"id":71,"name":"P","placeId":1818,"priceInRobux":5}`, `{"name":"P2"}`, `{"name":""}`},
			{"badges", "72", `{"id":72,"name":"B"}`, `{"name":"B2","placeId":1}`, `{"placeId":1}`},
			{"bundles", "73", `{"id":73,"name":"U","bundleType":"BodyParts"}`, `{"name":"U2"}`, `{"id":"x"}`},
			{"places", "74", `{"placeId":74,"name":"Pl","creator":{"type":"User","id":156}}`, `{"name":"Pl2","creator":{"type":"Group","id":7}}`, `{"name":"Pl2","creator":{"type":"User","id":424242}}`},
		} {
			t.Run(c.coll, func(t *testing.T) {
				base := "/admin/v1/" + c.coll
				a.must(a.call("POST", base, c.create), 201)
				a.must(a.call("POST", base, c.create), 409)
				a.must(a.call("GET", base+"/"+c.id, ""), 200)
				a.must(a.call("GET", base+"/9", ""), 404)
				r := a.must(a.call("PUT", base+"/"+c.id, c.replace), 200)
				if !strings.Contains(string(r.body), "2\"") {
					t.Errorf("replace: %s", r.body)
				}
				a.must(a.call("PUT", base+"/9", c.replace), 404)
				a.must(a.call("PUT", base+"/"+c.id, c.badReplace), 400)
				a.must(a.call("POST", base, `{}`), 400)
			})
		}
		a.must(a.call("POST", "/admin/v1/places", `{"placeId":75,"name":"x","creator":{"type":"User","id":424242}}`), 400)
	})
}

func TestAdminAssets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		a := newAdm(t, open, adminKey)
		a.seed()
		r := a.must(a.call("POST", "/admin/v1/assets", `{"id":5001,"name":"Pack","assetType":"Package","creator":{"type":"User","id":156},"packageAssetIds":[27112025]}`), 201)
		if m := r.obj(t); m["moderationStatus"] != "Approved" || len(m["packageAssetIds"].([]any)) != 1 {
			t.Errorf("created: %s", r.body)
		}
		a.must(a.call("POST", "/admin/v1/assets", `{"id":5001,"name":"Again","assetType":"Hat","creator":{"type":"User","id":156}}`), 409)
		a.must(a.call("POST", "/admin/v1/assets", `{"id":5002,"name":"Hat","assetType":"Hat","creator":{"type":"User","id":424242}}`), 400)
		a.must(a.call("POST", "/admin/v1/assets", `{"id":5002,"name":"Hat","assetType":"NotAType","creator":{"type":"User","id":156}}`), 400)
		a.must(a.call("POST", "/admin/v1/assets", `{"id":5003,"name":"P","assetType":"Package","creator":{"type":"User","id":156},"packageAssetIds":[999]}`), 400)

		r = a.must(a.call("PATCH", "/admin/v1/assets/48159815", `{"name":"Shadow Dancer II","recentAveragePrice":9000,"priceInRobux":null,"assetStock":151,"moderationStatus":"Pending"}`), 200)
		m := r.obj(t)
		if m["name"] != "Shadow Dancer II" || m["recentAveragePrice"] != 9000.0 || m["priceInRobux"] != nil || m["assetStock"] != 151.0 || m["moderationStatus"] != "Pending" || m["originalPrice"] != 2000.0 {
			t.Errorf("patched: %s", r.body)
		}
		r = a.must(a.call("PATCH", "/admin/v1/assets/48159815", `{"assetStock":null}`), 200)
		if r.obj(t)["assetStock"] != nil {
			t.Errorf("stock not cleared: %s", r.body)
		}
		a.must(a.call("PATCH", "/admin/v1/assets/5001", `{"packageAssetIds":[27112025,27112039]}`), 200)
		if ids, _ := a.st.PackageAssets(context.Background(), 5001); len(ids) != 2 {
			t.Errorf("package contents %v", ids)
		}
		for _, bad := range []string{`{"recentAveragePrice":-1}`, `{"moderationStatus":"Gone"}`, `{"packageAssetIds":[1]}`, `{"name":""}`, `{"assetStock":"x"}`,
			`{"moderationStatus":3}`, `{"packageAssetIds":"x"}`} {
			a.must(a.call("PATCH", "/admin/v1/assets/48159815", bad), 400)
		}
		r = a.must(a.call("PATCH", "/admin/v1/assets/48159815", `{"moderationStatus":2}`), 200)
		if r.obj(t)["moderationStatus"] != "Disapproved" {
			t.Errorf("moderation by number: %s", r.body)
		}
		r = a.must(a.call("PATCH", "/admin/v1/assets/48159815", `{"assetStock":"x"}`), 400)
		if !strings.Contains(string(r.body), `"message":"assetStock: must be an integer"`) {
			t.Errorf("wrong type: %s", r.body)
		}
		a.must(a.call("PATCH", "/admin/v1/assets/5001", `{"packageAssetIds":[31337]}`), 400)
		a.must(a.call("PATCH", "/admin/v1/assets/1", `{"name":"x"}`), 404)
		a.must(a.call("GET", "/admin/v1/assets/1", ""), 404)
		a.must(a.call("GET", "/admin/v1/assets/5001", ""), 200)
	})
}

func TestAdminOwnership(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		a := newAdm(t, open, adminKey)
		a.seed()
		// Limited-unique: next serial after 151; stock 500.
		r := a.must(a.call("POST", "/admin/v1/user-assets", `{"assetId":48159815,"owner":{"type":"User","id":2003},"holdUntil":"2099-01-01T00:00:00Z"}`), 201)
		g := r.obj(t)
		if g["serialNumber"] != 152.0 || g["holdUntil"] != "2099-01-01T00:00:00.000Z" || g["collectibleItemInstanceId"] != nil {
			t.Errorf("grant: %s", r.body)
		}
		id := int64(g["userAssetId"].(float64))
		// Collectible: serial 3, a fresh instance id.
		r = a.must(a.call("POST", "/admin/v1/user-assets", `{"assetId":9000001,"owner":{"type":"Group","id":7}}`), 201)
		if c := r.obj(t); c["serialNumber"] != 3.0 || len(c["collectibleItemInstanceId"].(string)) != 36 {
			t.Errorf("collectible grant: %s", r.body)
		}
		// Plain asset: no serial. The owner type by number too (2 = Group).
		r = a.must(a.call("POST", "/admin/v1/user-assets", `{"assetId":1365767,"owner":{"type":"User","id":2003}}`), 201)
		if c := r.obj(t); c["serialNumber"] != nil {
			t.Errorf("plain grant: %s", r.body)
		}
		r = a.must(a.call("POST", "/admin/v1/user-assets", `{"assetId":1365767,"owner":{"type":2,"id":7}}`), 201)
		if o := r.obj(t)["owner"].(map[string]any); o["type"] != "Group" || o["id"] != 7.0 {
			t.Errorf("grant to owner type 2: %s", r.body)
		}
		a.must(a.call("POST", "/admin/v1/user-assets", `{"assetId":1365767,"owner":{"type":3,"id":7}}`), 400)
		r = a.must(a.call("POST", "/admin/v1/user-assets", `{"assetId":"1365767","owner":{"type":"User","id":2003}}`), 400)
		if !strings.Contains(string(r.body), `"message":"assetId: must be an integer"`) {
			t.Errorf("wrong type: %s", r.body)
		}
		r = a.must(a.call("POST", "/admin/v1/user-assets", `{"assetId":1,"owner":{"type":"User","id":2003}}`), 400)
		if !strings.Contains(string(r.body), `"message":"assetId: unknown asset 1"`) {
			t.Errorf("unknown asset: %s", r.body)
		}
		a.must(a.call("POST", "/admin/v1/user-assets", `{"assetId":1365767,"owner":{"type":"User","id":424242}}`), 400)
		a.must(a.call("POST", "/admin/v1/user-assets", `{"assetId":1365767,"owner":{"type":"Experience","id":1}}`), 400)
		a.must(a.call("POST", "/admin/v1/user-assets", `{"assetId":1365767}`), 400)
		a.must(a.call("POST", "/admin/v1/user-assets", `{"assetId":1365767,"owner":{"type":"User","id":2003},"holdUntil":"tomorrow"}`), 400)
		// Stock exhausted: 409.
		a.must(a.call("PATCH", "/admin/v1/assets/9000001", `{"assetStock":3}`), 200)
		a.must(a.call("POST", "/admin/v1/user-assets", `{"assetId":9000001,"owner":{"type":"User","id":2003}}`), 409)

		// Transfer: id and serial kept, updated changes, hold applied.
		before := a.must(a.call("GET", "/admin/v1/user-assets/510938273", ""), 200).obj(t)
		r = a.must(a.call("POST", "/admin/v1/user-assets/510938273/transfer", `{"from":{"type":"User","id":261},"to":{"type":"User","id":2003},"holdUntil":"2098-05-05T00:00:00.000Z"}`), 200)
		after := r.obj(t)
		if after["userAssetId"] != 510938273.0 || after["serialNumber"] != 150.0 || after["holdUntil"] != "2098-05-05T00:00:00.000Z" ||
			after["owner"].(map[string]any)["id"] != 2003.0 || after["updated"] == before["updated"] || after["created"] != before["created"] {
			t.Errorf("transfer: before %v after %s", before, r.body)
		}
		// From someone who no longer owns it: 409; to the owner itself: 400.
		a.must(a.call("POST", "/admin/v1/user-assets/510938273/transfer", `{"from":{"type":"User","id":261},"to":{"type":"User","id":156}}`), 409)
		a.must(a.call("POST", "/admin/v1/user-assets/510938273/transfer", `{"to":{"type":"User","id":2003}}`), 400)
		a.must(a.call("POST", "/admin/v1/user-assets/510938273/transfer", `{"to":{"type":"User","id":424242}}`), 400)
		a.must(a.call("POST", "/admin/v1/user-assets/510938273/transfer", `{}`), 400)
		a.must(a.call("POST", "/admin/v1/user-assets/1/transfer", `{"to":{"type":"User","id":156}}`), 404)
		// Without from: moves from whoever has it.
		a.must(a.call("POST", "/admin/v1/user-assets/510938273/transfer", `{"to":{"type":"Group","id":7}}`), 200)

		// Revoke, with and without the expected owner.
		a.must(a.call("DELETE", "/admin/v1/user-assets/510938273?ownerType=User&ownerId=2003", ""), 409)
		a.must(a.call("DELETE", "/admin/v1/user-assets/510938273?ownerType=User&ownerId=x", ""), 400)
		a.must(a.call("DELETE", "/admin/v1/user-assets/510938273?ownerType=Group&ownerId=7", ""), 200)
		a.must(a.call("DELETE", "/admin/v1/user-assets/510938273", ""), 404)
		a.must(a.call("GET", "/admin/v1/user-assets/510938273", ""), 404)
		a.must(a.call("DELETE", "/admin/v1/user-assets/"+itoa(id), ""), 200)

		// The ledger has the whole chain of 510938273.
		r = a.must(a.call("GET", "/admin/v1/user-assets/510938273/history", ""), 200)
		var h struct {
			Data []struct {
				Op       string `json:"op"`
				Serial   *int64 `json:"serialNumber"`
				From, To *inventory.AgentRecord
			} `json:"data"`
		}
		if err := json.Unmarshal(r.body, &h); err != nil {
			t.Fatal(err)
		}
		var ops []string
		for _, e := range h.Data {
			ops = append(ops, e.Op)
			if e.Serial == nil || *e.Serial != 150 {
				t.Errorf("ledger serial %v", e.Serial)
			}
		}
		if got := strings.Join(ops, ","); got != "Import,Transfer,Transfer,Revoke" {
			t.Errorf("history ops %s: %s", got, r.body)
		}
		if last := h.Data[len(h.Data)-1]; last.From == nil || last.From.Type != "Group" || last.To != nil {
			t.Errorf("revoke row: %s", r.body)
		}
		a.must(a.call("GET", "/admin/v1/user-assets/1/history", ""), 404)
	})
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestAdminItemsAndPlaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		a := newAdm(t, open, adminKey)
		a.seed()
		ctx := context.Background()
		a.must(a.call("PUT", "/admin/v1/users/2003/items/GamePass/12527", `{"instanceId":77}`), 200)
		a.must(a.call("PUT", "/admin/v1/users/2003/items/gamepass/12527", ""), 409)
		if it, err := a.st.UserItem(ctx, 2003, inventory.ItemGamePass, 12527); err != nil || it.InstanceID == nil || *it.InstanceID != 77 {
			t.Errorf("user item %+v, %v", it, err)
		}
		a.must(a.call("PUT", "/admin/v1/users/2003/items/Badge/2124", ""), 200)
		a.must(a.call("PUT", "/admin/v1/users/2003/items/Bundle/192", ""), 200)
		a.must(a.call("PUT", "/admin/v1/users/2003/items/Asset/1365767", ""), 400)
		a.must(a.call("PUT", "/admin/v1/users/2003/items/Nope/1", ""), 400)
		a.must(a.call("PUT", "/admin/v1/users/2003/items/Badge/1", ""), 404)
		a.must(a.call("PUT", "/admin/v1/users/424242/items/Badge/2124", ""), 404)
		a.must(a.call("DELETE", "/admin/v1/users/2003/items/Badge/2124", ""), 200)
		a.must(a.call("DELETE", "/admin/v1/users/2003/items/Badge/2124", ""), 404)
		if _, err := a.st.UserItem(ctx, 2003, inventory.ItemBadge, 2124); inventory.KindOf(err) != inventory.KindNotFound {
			t.Errorf("badge still owned: %v", err)
		}

		a.must(a.call("PUT", "/admin/v1/users/2003/places/MyGames/1818", ""), 200)
		a.must(a.call("PUT", "/admin/v1/users/2003/places/mygames/1818", ""), 409)
		if ps, _ := a.st.UserPlaces(ctx, 2003, inventory.TabMyGames, 0, 10); len(ps) != 1 || ps[0].ID != 1818 {
			t.Errorf("places tab %+v", ps)
		}
		a.must(a.call("PUT", "/admin/v1/users/2003/places/Created/1818", ""), 400)
		a.must(a.call("PUT", "/admin/v1/users/2003/places/Elsewhere/1818", ""), 400)
		a.must(a.call("PUT", "/admin/v1/users/2003/places/Purchased/1", ""), 404)
		a.must(a.call("DELETE", "/admin/v1/users/2003/places/MyGames/1818", ""), 200)
		a.must(a.call("DELETE", "/admin/v1/users/2003/places/MyGames/1818", ""), 404)
	})
}

func TestAdminExportReimport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		a := newAdm(t, open, adminKey)
		a.seed()
		a.must(a.call("POST", "/admin/v1/users/156/sessions", ""), 201)
		doc := a.must(a.call("GET", "/admin/v1/export", ""), 200)
		nd := a.must(a.call("GET", "/admin/v1/export?format=ndjson", ""), 200)
		if ct := nd.hdr.Get("Content-Type"); ct != "application/x-ndjson" {
			t.Errorf("content type %q", ct)
		}
		for _, body := range []string{string(doc.body), string(nd.body)} {
			b := newAdm(t, open, adminKey)
			req := httptest.NewRequest("POST", "/admin/v1/fixtures", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+adminKey)
			if strings.HasPrefix(body, `{"kind"`) {
				req.Header.Set("Content-Type", "application/x-ndjson")
			}
			rec := httptest.NewRecorder()
			b.h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				t.Fatalf("re-import: %d %s", rec.Code, rec.Body)
			}
			again := b.must(b.call("GET", "/admin/v1/export", ""), 200)
			if string(again.body) != string(doc.body) {
				t.Errorf("export after re-import differs:\n%s\n---\n%s", again.body, doc.body)
			}
		}
		// A bad stream keeps nothing and names the line.
		req := httptest.NewRequest("POST", "/admin/v1/fixtures", strings.NewReader(`{"kind":"user","id":9,"username":"n"}`+"\n"+`{"kind":"userAsset","assetId":1,"owner":{"type":"User","id":9}}`+"\n"))
		req.Header.Set("Authorization", "Bearer "+adminKey)
		req.Header.Set("Content-Type", "application/x-ndjson")
		rec := httptest.NewRecorder()
		a.h.ServeHTTP(rec, req)
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), "line 2") {
			t.Errorf("bad stream: %d %s", rec.Code, rec.Body)
		}
		a.must(a.call("GET", "/admin/v1/users/9", ""), 404)
	})
}

func TestAdminReset(t *testing.T) {
	a := newAdm(t, storetest.SQLite, adminKey)
	a.seed()
	a.must(a.call("POST", "/admin/v1/reset", ""), 200)
	if empty, err := a.st.Empty(context.Background()); err != nil || !empty {
		t.Errorf("empty %v, %v", empty, err)
	}
}

// message returns the message of a 400 answer in the Roblox envelope.
func (a *adm) message(r admResp) string {
	a.t.Helper()
	a.must(r, 400)
	var env struct {
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(r.body, &env); err != nil {
		a.t.Fatal(err)
	}
	return env.Errors[0].Message
}

// TestAdminParseErrorsNameTheField: a value of the wrong type in a create
// body, a fixture document or an NDJSON line is a 400 whose message names
// the value's path and what it takes, never a Go type.
func TestAdminParseErrorsNameTheField(t *testing.T) {
	a := newAdm(t, storetest.SQLite, adminKey)
	a.must(a.call("POST", "/admin/v1/groups", `{"id":5,"name":"G"}`), 201)
	const ndjson = "application/x-ndjson"
	for _, c := range []struct{ method, path, ct, body, want string }{
		{"POST", "/admin/v1/users", "", `{"id":"x","username":"a"}`, "id: must be an integer"},
		{"POST", "/admin/v1/users", "", `{"id":1e30,"username":"a"}`, "id: must be an integer"},
		{"POST", "/admin/v1/users", "", `{"id":1,"username":5}`, "username: must be a string"},
		{"POST", "/admin/v1/users", "", `{"id":1,"username":"a","isBanned":"yes"}`, "isBanned: must be true or false"},
		{"POST", "/admin/v1/users", "", `{"id":1,"username":"a","inventoryPrivacy":[]}`, "inventoryPrivacy: must be a name or a number"},
		{"POST", "/admin/v1/users", "", `{"id":1,"username":"a","bogus":1}`, `body: unknown field "bogus"`},
		{"POST", "/admin/v1/assets", "", `{"id":1,"name":"a","assetType":"Hat","creator":{"type":"User","id":"1"}}`, "creator.id: must be an integer"},
		{"POST", "/admin/v1/assets", "", `{"id":1,"name":"a","assetType":"Package","creator":{"type":"User","id":1},"packageAssetIds":[1,"2"]}`,
			"packageAssetIds[1]: must be an integer"},
		{"POST", "/admin/v1/assets", "", `{"id":1,"name":"a","assetType":"Package","creator":{"type":"User","id":1},"packageAssetIds":3}`,
			"packageAssetIds: must be an array of integers"},
		{"POST", "/admin/v1/groups", "", `{"id":1,"name":5}`, "name: must be a string"},
		{"PUT", "/admin/v1/groups/5", "", `{"name":["G"]}`, "name: must be a string"},
		{"POST", "/admin/v1/game-passes", "", `{"id":1,"name":"p","priceInRobux":"5"}`, "priceInRobux: must be an integer"},
		{"POST", "/admin/v1/places", "", `{"placeId":1,"name":"p","creator":"x"}`, "creator: must be a JSON object"},
		{"POST", "/admin/v1/fixtures", "", `{"users":[{"id":1,"username":"a"},{"id":"2","username":"b"}]}`, "users[1].id: must be an integer"},
		{"POST", "/admin/v1/fixtures", "", `{"users":[7]}`, "users[0]: must be a JSON object"},
		{"POST", "/admin/v1/fixtures", "", `{"assets":[{"id":1,"name":"a","assetType":8,"creator":{"type":"User","id":1},"isLimited":"no"}]}`,
			"assets[0].isLimited: must be true or false"},
		{"POST", "/admin/v1/fixtures", "", `{"userAssets":[{"assetId":1,"owner":{"type":{},"id":1}}]}`, "userAssets[0].owner.type: must be a name or a number"},
		{"POST", "/admin/v1/fixtures", ndjson, "{\"kind\":\"user\",\"id\":1,\"username\":\"a\"}\n{\"kind\":\"user\",\"id\":\"2\",\"username\":\"b\"}\n",
			"line 2: users.id: must be an integer"},
		{"POST", "/admin/v1/fixtures", ndjson, `{"kind":"userAsset","assetId":"1","owner":{"type":"User","id":1}}` + "\n", "line 1: assetId: must be an integer"},
		{"POST", "/admin/v1/fixtures", ndjson, `{"owner":{"type":"User","id":true},"kind":"userAsset","assetId":1}` + "\n", "line 1: owner.id: must be an integer"},
		{"POST", "/admin/v1/fixtures", ndjson, "[1]\n", "line 1: not a JSON object"},
	} {
		req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer "+adminKey)
		req.Header.Set("Content-Type", "application/json")
		if c.ct != "" {
			req.Header.Set("Content-Type", c.ct)
		}
		rec := httptest.NewRecorder()
		a.h.ServeHTTP(rec, req)
		if got := a.message(admResp{rec.Code, rec.Body.Bytes(), rec.Header()}); got != c.want {
			t.Errorf("%s %s %s: message %q, want %q", c.method, c.path, c.body, got, c.want)
		}
	}
}

// TestAdminFixturesNotAnObject: a fixture document is a JSON object; null
// is refused like an array or a scalar, with the Roblox envelope, and
// keeps nothing.
func TestAdminFixturesNotAnObject(t *testing.T) {
	a := newAdm(t, storetest.SQLite, adminKey)
	before := a.must(a.call("GET", "/admin/v1/export", ""), 200)
	for _, body := range []string{`null`, " null\n", `[]`, `[{"users":[]}]`, `5`, `"users"`, `true`} {
		if got := a.message(a.call("POST", "/admin/v1/fixtures", body)); got != "document: must be a JSON object" {
			t.Errorf("%q: message %q", body, got)
		}
	}
	if after := a.must(a.call("GET", "/admin/v1/export", ""), 200); string(after.body) != string(before.body) {
		t.Errorf("a refused document changed the store: %s", after.body)
	}
	a.must(a.call("POST", "/admin/v1/fixtures", `{}`), 200)
}

// exportFailsMidway is a store whose export fails after more than the
// handler buffers has gone out.
type exportFailsMidway struct{ inventory.Store }

func (s exportFailsMidway) Export(ctx context.Context, sink inventory.RecordSink) error {
	for i := int64(1); i <= 5000; i++ {
		if err := sink.Record("users", inventory.UserRecordOf(inventory.User{ID: i, Name: strings.Repeat("x", 40)})); err != nil {
			return err
		}
	}
	return errors.New("the store went away")
}

// TestAdminExportCutShortIsNotWhole: an export that fails after its 200
// has gone out ends the connection without the body's last chunk, so the
// client sees an incomplete answer. It used to end the body cleanly (a
// cut between two NDJSON records then looked like a whole backup, and
// `inventoryd admin --url ... export` exited 0).
func TestAdminExportCutShortIsNotWhole(t *testing.T) {
	s, err := api.NewServer(context.Background(), exportFailsMidway{storetest.SQLite(t)}, api.Config{AdminKey: adminKey})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	for _, q := range []string{"", "?format=ndjson"} {
		status, b, err := getExport(t, ts.URL+"/admin/v1/export"+q)
		if status != 200 || err == nil {
			t.Errorf("export%s: %d, %d bytes, read error %v: want 200 and an incomplete body", q, status, len(b), err)
		}
	}
}

// exportSlowly is a store whose export takes longer than the server's
// WriteTimeout, in many writes.
type exportSlowly struct{ inventory.Store }

func (s exportSlowly) Export(ctx context.Context, sink inventory.RecordSink) error {
	for i := int64(1); i <= 5000; i++ {
		if i%500 == 0 {
			time.Sleep(60 * time.Millisecond)
		}
		if err := sink.Record("users", inventory.UserRecordOf(inventory.User{ID: i, Name: strings.Repeat("x", 40)})); err != nil {
			return err
		}
	}
	return nil
}

// TestAdminExportOutlivesWriteTimeout: the server's WriteTimeout bounds a
// whole answer, which a large export outlasts; each of the export's
// writes gets a deadline of its own instead, so the export completes.
func TestAdminExportOutlivesWriteTimeout(t *testing.T) {
	s, err := api.NewServer(context.Background(), exportSlowly{storetest.SQLite(t)}, api.Config{AdminKey: adminKey})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(s)
	ts.Config.WriteTimeout = 300 * time.Millisecond // the export takes ~600 ms
	ts.Start()
	defer ts.Close()
	status, b, err := getExport(t, ts.URL+"/admin/v1/export?format=ndjson")
	if err != nil || status != 200 || bytes.Count(b, []byte("\n")) != 5000 {
		t.Fatalf("export past WriteTimeout: %d, %d lines, %v", status, bytes.Count(b, []byte("\n")), err)
	}
}

// getExport GETs an export over a real connection and reads its body:
// the status, what was read, and the reading's error.
func getExport(t *testing.T, url string) (int, []byte, error) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+adminKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// TestAdminStalledStreamImportHoldsNoLock: a streaming import whose client
// sends a line and stalls holds no write lock while it waits: the body is
// spooled before the import's transaction begins, so grants and other
// writes go on (before, every grant on every PostgreSQL replica, and every
// write on SQLite, waited until the read timeout dropped the upload).
func TestAdminStalledStreamImportHoldsNoLock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		a := newAdm(t, open, adminKey)
		a.seed()
		pr, pw := io.Pipe()
		req := httptest.NewRequest("POST", "/admin/v1/fixtures", pr)
		req.Header.Set("Authorization", "Bearer "+adminKey)
		req.Header.Set("Content-Type", "application/x-ndjson")
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() { defer close(done); a.h.ServeHTTP(rec, req) }()
		// Should the writes below wait for the upload (the defect), the
		// upload fails after a minute, freeing them, and the test fails
		// on the upload's answer instead of hanging.
		watchdog := time.AfterFunc(time.Minute, func() { pw.CloseWithError(errors.New("watchdog: writes waited for the upload")) })
		defer watchdog.Stop()
		defer pw.Close()
		// The write returns once the server has read the line; then the
		// client stalls.
		if _, err := io.WriteString(pw, `{"kind":"user","id":2090,"username":"streamed"}`+"\n"); err != nil {
			t.Fatal(err)
		}
		a.must(a.call("POST", "/admin/v1/user-assets", `{"assetId":1365767,"owner":{"type":"User","id":2003}}`), 201)
		a.must(a.call("PATCH", "/admin/v1/users/2003", `{"username":"renamed"}`), 200)
		pw.Close()
		<-done
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"records":1`) {
			t.Fatalf("the upload, once finished: %d %s", rec.Code, rec.Body)
		}
		a.must(a.call("GET", "/admin/v1/users/2090", ""), 200)
	})
}

// TestAdminStreamImportTooLarge: a stream over --max-body-bytes is 413
// wherever the limit cuts it (it was 400 "line N: not a JSON object" when
// the cut fell inside a line), and nothing of it is kept.
func TestAdminStreamImportTooLarge(t *testing.T) {
	var body strings.Builder
	for i := range 200 {
		fmt.Fprintf(&body, "{\"kind\":\"user\",\"id\":%d,\"username\":\"user%d\"}\n", 5000+i, i)
	}
	line := len(`{"kind":"user","id":5000,"username":"user0"}` + "\n")
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		for _, limit := range []int{10*line + line/2, 10 * line} { // mid-line, at a line's end
			st := open(t)
			s, err := api.NewServer(context.Background(), st, api.Config{AdminKey: adminKey, MaxBodyBytes: int64(limit)})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest("POST", "/admin/v1/fixtures", strings.NewReader(body.String()))
			req.Header.Set("Authorization", "Bearer "+adminKey)
			req.Header.Set("Content-Type", "application/x-ndjson")
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "Request body too large.") {
				t.Fatalf("limit %d: %d %s, want 413", limit, rec.Code, rec.Body)
			}
			if _, err := st.User(context.Background(), 5000); inventory.KindOf(err) != inventory.KindNotFound {
				t.Fatalf("limit %d: user 5000 after a refused import: %v", limit, err)
			}
		}
	})
}

// importSlowly is a store whose imports take ~600 ms.
type importSlowly struct{ inventory.Store }

func (s importSlowly) ImportStream(ctx context.Context, next func() (*inventory.Fixture, error), progress func(inventory.BulkProgress)) (inventory.BulkProgress, error) {
	time.Sleep(600 * time.Millisecond)
	return s.Store.ImportStream(ctx, next, progress)
}

func (s importSlowly) Import(ctx context.Context, f *inventory.Fixture) error {
	time.Sleep(600 * time.Millisecond)
	return s.Store.Import(ctx, f)
}

// TestAdminImportOutlivesWriteTimeout: an import answers even when its
// upload and the import together take longer than the server's write
// timeout (which runs from the request's headers). Before, the import
// committed and the client got an empty reply, and would retry it.
func TestAdminImportOutlivesWriteTimeout(t *testing.T) {
	st := storetest.SQLite(t)
	s, err := api.NewServer(context.Background(), importSlowly{st}, api.Config{AdminKey: adminKey})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(s)
	ts.Config.WriteTimeout = 300 * time.Millisecond
	ts.Start()
	defer ts.Close()
	for _, c := range []struct{ ctype, body string }{
		{"application/x-ndjson", `{"kind":"user","id":61,"username":"streamed"}` + "\n"},
		{"application/json", `{"users":[{"id":62,"username":"documented"}]}`},
	} {
		req, _ := http.NewRequest("POST", ts.URL+"/admin/v1/fixtures", strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer "+adminKey)
		req.Header.Set("Content-Type", c.ctype)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s import past WriteTimeout: %v", c.ctype, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s import past WriteTimeout: %d %s %v", c.ctype, resp.StatusCode, b, err)
		}
	}
}

// TestAdminStreamImportSpoolUnavailable: a stream import that cannot be
// spooled ($TMPDIR missing or unwritable, a full disk) is the server's
// trouble, 503, not 500; nothing is imported.
func TestAdminStreamImportSpoolUnavailable(t *testing.T) {
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
	a := newAdm(t, func(testing.TB) inventory.Store { return storetest.SQLite(t) }, adminKey)
	req := httptest.NewRequest("POST", "/admin/v1/fixtures", strings.NewReader(`{"kind":"user","id":63,"username":"x"}`+"\n"))
	req.Header.Set("Authorization", "Bearer "+adminKey)
	req.Header.Set("Content-Type", "application/x-ndjson")
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `"errors"`) {
		t.Fatalf("unspoolable upload: %d %s, want 503 with the envelope", rec.Code, rec.Body)
	}
	if _, err := a.st.User(context.Background(), 63); inventory.KindOf(err) != inventory.KindNotFound {
		t.Fatalf("user 63 after a refused import: %v", err)
	}
}
