package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// TestAdminBodiesAcceptWhatAFixtureAccepts: admin create and patch
// bodies accept exactly what a fixture document accepts
// (docs/admin-api.md): what a document refuses, a body refuses with 400
// and the document's message, and the store keeps nothing of it. So the
// store always exports to a document that imports again.
func TestAdminBodiesAcceptWhatAFixtureAccepts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		a := newAdm(t, open, adminKey)
		a.seed()
		ctx := context.Background()
		const knight = "/admin/v1/assets/27112438" // a package of 27112025, 27112039
		const outOfRange = `" is out of range (years 0001 to 9999, in UTC)`
		const late = "9999-12-31T23:00:00-05:00" // 10000-01-01 in UTC
		maxID := fmt.Sprint(int64(inventory.MaxID))

		// Package contents: 9602 > 9601 > the knight package.
		a.must(a.call("POST", "/admin/v1/assets", `{"id":9601,"name":"P1","assetType":"Package","creator":{"type":"User","id":156},"packageAssetIds":[27112438]}`), 201)
		a.must(a.call("POST", "/admin/v1/assets", `{"id":9602,"name":"P2","assetType":"Package","creator":{"type":"User","id":156},"packageAssetIds":[9601]}`), 201)
		uid := `/admin/v1/users/2003`
		grant := func(extra string) string {
			return `{"assetId":48159815,"owner":{"type":"User","id":2003}` + extra + `}`
		}
		ua := a.must(a.call("POST", "/admin/v1/user-assets", grant("")), 201).obj(t)["userAssetId"].(float64)
		transfer := fmt.Sprintf("/admin/v1/user-assets/%d/transfer", int64(ua))

		for _, c := range []struct{ method, path, body, want string }{
			{"PATCH", knight, `{"packageAssetIds":[27112025,27112025]}`, "packageAssetIds[1]: duplicate asset 27112025"},
			{"PATCH", knight, `{"packageAssetIds":[27112438]}`, "packageAssetIds[0]: a package cannot contain itself"},
			{"PATCH", knight, `{"name":"Renamed","packageAssetIds":[27112025,9601]}`,
				"packageAssetIds[1]: package 9601 contains package 27112438 (directly or through other packages), so 27112438 cannot contain it"},
			{"PATCH", knight, `{"packageAssetIds":[9602]}`,
				"packageAssetIds[0]: package 9602 contains package 27112438 (directly or through other packages), so 27112438 cannot contain it"},
			{"PATCH", knight, `{"name":"a\u0000b"}`, "name: contains a NUL character"},
			{"PATCH", uid, `{"displayName":"a\u0000b"}`, "displayName: contains a NUL character"},
			{"PATCH", uid, `{"username":"a\u0000b"}`, "username: contains a NUL character"},
			{"PUT", uid + "/items/GamePass/12527", `{"instanceId":-1}`, "instanceId: must be an integer from 1 to " + maxID},
			{"PUT", uid + "/items/Badge/2124", `{"instanceId":0}`, "instanceId: must be an integer from 1 to " + maxID},
			{"PUT", uid + "/items/Bundle/192", `{"instanceId":9007199254740992}`, "instanceId: must be an integer from 1 to " + maxID},
			{"PUT", uid + "/items/GamePass/12527", `{"created":"` + late + `"}`, `created: "` + late + outOfRange},
			{"PUT", uid + "/items/GamePass/12527", `{"created":"0000-12-31T00:00:00Z"}`, `created: "0000-12-31T00:00:00Z` + outOfRange},
			{"POST", "/admin/v1/user-assets", grant(`,"holdUntil":"` + late + `"`), `holdUntil: "` + late + outOfRange},
			{"POST", "/admin/v1/user-assets", grant(`,"expireAt":"` + late + `"`), `expireAt: "` + late + outOfRange},
			{"POST", transfer, `{"to":{"type":"User","id":156},"holdUntil":"` + late + `"}`, `holdUntil: "` + late + outOfRange},
		} {
			if got := a.message(a.call(c.method, c.path, c.body)); got != c.want {
				t.Errorf("%s %s %s: message %q, want %q", c.method, c.path, c.body, got, c.want)
			}
		}

		// Nothing of the refused bodies stayed.
		if ids, err := a.st.PackageAssets(ctx, 27112438); err != nil || fmt.Sprint(ids) != "[27112025 27112039]" {
			t.Errorf("knight contents %v, %v", ids, err)
		}
		if m := a.must(a.call("GET", knight, ""), 200).obj(t); m["name"] != "Knight Package" {
			t.Errorf("knight renamed: %v", m["name"])
		}
		if _, err := a.st.UserItem(ctx, 2003, inventory.ItemGamePass, 12527); inventory.KindOf(err) != inventory.KindNotFound {
			t.Errorf("game pass granted: %v", err)
		}

		// What is in range is taken, to the last id and year.
		a.must(a.call("PUT", uid+"/items/GamePass/12527", `{"instanceId":9007199254740991,"created":"9999-12-31T23:59:59.999Z"}`), 200)
		a.must(a.call("POST", "/admin/v1/user-assets", grant(`,"holdUntil":"0001-01-01T00:00:00Z","expireAt":"9999-12-31T23:59:59Z"`)), 201)
		a.must(a.call("PATCH", "/admin/v1/assets/9602", `{"packageAssetIds":[9601,27112438]}`), 200)

		// The store exports to a document that imports into an empty one.
		doc := a.must(a.call("GET", "/admin/v1/export", ""), 200)
		b := newAdm(t, open, adminKey)
		b.must(b.call("POST", "/admin/v1/fixtures", string(doc.body)), 200)
	})
}

// TestAdminBodiesAreOneObject: a body is exactly one JSON object (a UTF-8
// BOM before it is skipped, as in a fixture document); an operation that
// takes no body refuses one before it runs. Create bodies used to be
// pasted into a document as text, so `{...},{...}` or
// `{...}],"groups":[{...}` were taken (and their extra records dropped),
// and the body-less operations ran whatever came with them.
func TestAdminBodiesAreOneObject(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		a := newAdm(t, open, adminKey)
		a.seed()
		const more = "body: one JSON object expected, and more follows it"
		for _, c := range []struct{ method, path, body, want string }{
			{"POST", "/admin/v1/users", `{"id":1010,"username":"x"},{"id":1011,"username":"y"}`, more},
			{"POST", "/admin/v1/users", `{"id":1012,"username":"x"}],"groups":[{"id":99,"name":"g"}`, more},
			{"POST", "/admin/v1/groups", `{"id":8203,"name":"x"},{"id":8204,"name":"y"}`, more},
			{"POST", "/admin/v1/users", `{"id":8200,"username":"x"},{"id":"bad"}`, more},
			{"POST", "/admin/v1/user-assets", `{"assetId":48159815,"owner":{"type":"User","id":156}}]`, more},
			{"POST", "/admin/v1/user-assets", `{"assetId":48159815,"owner":{"type":"User","id":156}} {}`, more},
			{"PUT", "/admin/v1/users/156/following/2003", `garbage`, "body: must be a JSON object"},
			{"PUT", "/admin/v1/users/156/friends/2003", `[1,2]`, "body: must be a JSON object"},
			{"PUT", "/admin/v1/users/156/places/OtherGames/1818", `garbage`, "body: must be a JSON object"},
			{"POST", "/admin/v1/users/156/sessions", `{"x":1}`, `body: unknown field "x"`},
			{"DELETE", "/admin/v1/users/156/sessions", `garbage`, "body: must be a JSON object"},
			{"DELETE", "/admin/v1/users/156/items/GamePass/12527", `{"a":1}`, `body: unknown field "a"`},
			// An unknown field inside an object names the object.
			{"POST", "/admin/v1/user-assets/1/transfer", `{"to":{"type":"User","id":156,"x":1}}`, `to: unknown field "x"`},
			{"POST", "/admin/v1/user-assets", `{"assetId":48159815,"owner":{"type":"User","id":156,"name":"b"}}`, `owner: unknown field "name"`},
			{"POST", "/admin/v1/reset", `garbage`, "body: must be a JSON object"},
		} {
			if got := a.message(a.call(c.method, c.path, c.body)); got != c.want {
				t.Errorf("%s %s %s: message %q, want %q", c.method, c.path, c.body, got, c.want)
			}
		}
		// Nothing of them happened.
		for _, p := range []string{"/admin/v1/users/1010", "/admin/v1/users/1011", "/admin/v1/users/1012", "/admin/v1/users/8200",
			"/admin/v1/groups/99", "/admin/v1/groups/8203", "/admin/v1/groups/8204"} {
			a.must(a.call("GET", p, ""), 404)
		}
		a.must(a.call("GET", "/admin/v1/users/156", ""), 200) // not reset
		// A BOM is skipped; nothing, or {}, is no body.
		a.must(a.call("POST", "/admin/v1/users", "\uFEFF"+`{"id":8100,"username":"bom"}`), 201)
		a.must(a.call("PUT", "/admin/v1/users/156/following/8100", ""), 200)
		a.must(a.call("DELETE", "/admin/v1/users/156/following/8100", " {} "), 200)
		a.must(a.call("POST", "/admin/v1/users/8100/sessions", "{}"), 201)
	})
}

// TestAdminTransferDatesAndOwners: a transfer moves `updated` forward but
// never past 9999-12-31T23:59:59.999Z (the store then still exports to a
// document that imports), its history row is dated by the clock, and an
// expected owner that does not exist is a bad reference (400), while one
// that exists but does not hold the copy is a conflict (409).
func TestAdminTransferDatesAndOwners(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		a := newAdm(t, open, adminKey)
		a.seed()
		const last = "9999-12-31T23:59:59.999Z"
		a.must(a.call("POST", "/admin/v1/fixtures", `{"userAssets":[{"userAssetId":778000,"assetId":27112025,"owner":{"type":"User","id":2003},"updated":"`+last+`"}]}`), 200)
		got := a.must(a.call("POST", "/admin/v1/user-assets/778000/transfer", `{"to":{"type":"User","id":156}}`), 200).obj(t)
		if got["updated"] != last {
			t.Errorf("updated %v, want %s", got["updated"], last)
		}
		var hist struct {
			Data []struct {
				At string `json:"at"`
				Op string `json:"op"`
			} `json:"data"`
		}
		if err := json.Unmarshal(a.must(a.call("GET", "/admin/v1/user-assets/778000/history", ""), 200).body, &hist); err != nil {
			t.Fatal(err)
		}
		for _, h := range hist.Data {
			if h.Op == "Transfer" && !strings.HasPrefix(h.At, fmt.Sprint(time.Now().UTC().Year())) {
				t.Errorf("transfer dated %s, not by the clock", h.At)
			}
		}
		doc := a.must(a.call("GET", "/admin/v1/export", ""), 200)
		b := newAdm(t, open, adminKey)
		b.must(b.call("POST", "/admin/v1/fixtures", string(doc.body)), 200)

		for _, c := range []struct {
			method, path, body string
			status             int
			want               string
		}{
			{"POST", "/admin/v1/user-assets/778000/transfer", `{"from":{"type":"User","id":99999},"to":{"type":"User","id":2003}}`, 400, "from.id: unknown user 99999"},
			{"POST", "/admin/v1/user-assets/778000/transfer", `{"from":{"type":"Group","id":99999},"to":{"type":"User","id":2003}}`, 400, "from.id: unknown group 99999"},
			{"POST", "/admin/v1/user-assets/778000/transfer", `{"from":{"type":"User","id":2003},"to":{"type":"User","id":156}}`, 409, "user asset 778000 is not owned by User 2003"},
			{"DELETE", "/admin/v1/user-assets/778000?ownerType=User&ownerId=99999", "", 400, "ownerId: unknown user 99999"},
			{"DELETE", "/admin/v1/user-assets/778000?ownerType=Robot&ownerId=2003", "", 400, "ownerType: must be User or Group"},
			{"DELETE", "/admin/v1/user-assets/778000?ownerType=User&ownerId=2003", "", 409, "user asset 778000 is not owned by User 2003"},
		} {
			r := a.must(a.call(c.method, c.path, c.body), c.status)
			var env struct {
				Errors []struct {
					Message string `json:"message"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(r.body, &env); err != nil || env.Errors[0].Message != c.want {
				t.Errorf("%s %s %s: %s, want %q", c.method, c.path, c.body, r.body, c.want)
			}
		}
	})
}

// TestAdminNotFoundNamesTheRecord: every admin 404 for a record in the
// path is worded alike, "<what> <id> not found" (users, assets and the
// catalog sections said "user: not found", the store's wording).
func TestAdminNotFoundNamesTheRecord(t *testing.T) {
	a := newAdm(t, storetest.SQLite, adminKey)
	for path, want := range map[string]string{
		"/admin/v1/users/99999": "user 99999 not found", "/admin/v1/assets/99999": "asset 99999 not found",
		"/admin/v1/groups/99999": "group 99999 not found", "/admin/v1/game-passes/99999": "game pass 99999 not found",
		"/admin/v1/badges/99999": "badge 99999 not found", "/admin/v1/bundles/99999": "bundle 99999 not found",
		"/admin/v1/places/99999": "place 99999 not found", "/admin/v1/user-assets/99999": "user asset 99999 not found",
	} {
		r := a.must(a.call("GET", path, ""), 404)
		if !strings.Contains(string(r.body), `"message":"`+want+`"`) {
			t.Errorf("GET %s: %s, want %q", path, r.body, want)
		}
	}
}
