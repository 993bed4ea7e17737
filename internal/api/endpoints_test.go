package api_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/inventoryd/inventoryd/internal/storetest"
)

// call is one request of an endpoint table: want is the status; code the
// Roblox error code when the status is an error; check inspects a 200 body.
type call struct {
	name    string
	method  string
	path    string
	session string
	csrf    bool // perform the CSRF dance first
	want    int
	code    int
	check   func(t *testing.T, r resp)
}

func (e *env) run(t *testing.T, calls []call) {
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			method := c.method
			if method == "" {
				method = http.MethodGet
			}
			var r resp
			switch {
			case c.csrf:
				r = e.csrf(method, c.path, c.session)
			case c.session != "":
				r = e.do(method, c.path, cookie(c.session))
			default:
				r = e.do(method, c.path)
			}
			if r.status != c.want {
				t.Fatalf("%s %s: got %d %s, want %d", method, c.path, r.status, r.body, c.want)
			}
			if c.want >= 400 {
				if got := r.errCode(t); got != c.code {
					t.Fatalf("%s %s: error code %d (%s), want %d", method, c.path, got, r.body, c.code)
				}
			}
			if c.check != nil {
				c.check(t, r)
			}
		})
	}
}

func dataLen(n int) func(t *testing.T, r resp) {
	return func(t *testing.T, r resp) {
		t.Helper()
		d, _ := r.json(t)["data"].([]any)
		if len(d) != n {
			t.Fatalf("data has %d rows, want %d: %s", len(d), n, r.body)
		}
	}
}

func bodyIs(want string) func(t *testing.T, r resp) {
	return func(t *testing.T, r resp) {
		t.Helper()
		var got, w any
		if err := json.Unmarshal(r.body, &got); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(want), &w); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, w) {
			t.Fatalf("body\n got %s\nwant %s", r.body, want)
		}
	}
}

func row(t *testing.T, r resp, i int) map[string]any {
	t.Helper()
	d, _ := r.json(t)["data"].([]any)
	if i >= len(d) {
		t.Fatalf("no row %d in %s", i, r.body)
	}
	return d[i].(map[string]any)
}

func TestReadEndpoints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		e.run(t, []call{
			// GET /v2/assets/{assetId}/owners
			{name: "owners anonymous", path: "/v2/assets/48159815/owners", want: 200, check: func(t *testing.T, r resp) {
				dataLen(10)(t, r)
				for i := 0; i < 10; i++ {
					if row(t, r, i)["owner"] != nil {
						t.Fatalf("anonymous viewers see no owners: %s", r.body)
					}
				}
				if p := r.json(t); p["previousPageCursor"] != nil || p["nextPageCursor"] == nil {
					t.Fatalf("cursors: %s", r.body)
				}
			}},
			{name: "owners as builderman", path: "/v2/assets/48159815/owners?limit=25", session: builderman, want: 200, check: func(t *testing.T, r resp) {
				first, second, third := row(t, r, 0), row(t, r, 1), row(t, r, 2)
				if !reflect.DeepEqual(first["owner"], map[string]any{"id": 156.0, "type": "User", "name": "builderman"}) || first["serialNumber"] != 149.0 {
					t.Fatalf("own copy: %v", first)
				}
				if second["owner"] != nil { // Shedletsky: Friends only
					t.Fatalf("hidden owner shown: %v", second)
				}
				if !reflect.DeepEqual(third["owner"], map[string]any{"id": 7.0, "type": "Group", "name": "Builders Club Group"}) {
					t.Fatalf("group owner: %v", third)
				}
				if first["collectibleItemInstanceId"] != nil || first["created"] == nil {
					t.Fatalf("row fields: %v", first)
				}
			}},
			{name: "owners of a non-limited", path: "/v2/assets/1365767/owners", want: 403, code: 2},
			{name: "owners of an unknown asset", path: "/v2/assets/999/owners", want: 400, code: 1},
			{name: "owners non-numeric id", path: "/v2/assets/abc/owners", want: 404, code: 0},
			{name: "owners bad limit", path: "/v2/assets/48159815/owners?limit=11", want: 400, code: 0},
			{name: "owners bad sortOrder", path: "/v2/assets/48159815/owners?sortOrder=Up", want: 400, code: 0},
			{name: "owners bad cursor", path: "/v2/assets/48159815/owners?cursor=garbage", want: 400, code: 0},

			// GET /v2/collectible-items/{collectibleItemId}/owners
			{name: "collectible owners anonymous", path: "/v2/collectible-items/521cca19-75bb-4e05-a0af-633b1532c24d/owners", want: 401, code: 0},
			{name: "collectible owners", path: "/v2/collectible-items/521cca19-75bb-4e05-a0af-633b1532c24d/owners?sortOrder=1", session: builderman, want: 200, check: func(t *testing.T, r resp) {
				dataLen(2)(t, r)
				a, b := row(t, r, 0), row(t, r, 1)
				if a["collectibleItemInstanceId"] != "a8a27d38-ee51-4cf4-8b0a-485d0dfd8607" || a["serialNumber"] != 1.0 || a["owner"] == nil {
					t.Fatalf("first: %v", a)
				}
				if b["owner"] != nil || b["serialNumber"] != 2.0 { // banned user
					t.Fatalf("banned owner shown: %v", b)
				}
			}},
			{name: "collectible owners desc", path: "/v2/collectible-items/521cca19-75bb-4e05-a0af-633b1532c24d/owners?sortOrder=2", session: builderman, want: 200, check: func(t *testing.T, r resp) {
				if row(t, r, 0)["serialNumber"] != 2.0 {
					t.Fatalf("desc: %s", r.body)
				}
			}},
			{name: "collectible owners limit 1", path: "/v2/collectible-items/521cca19-75bb-4e05-a0af-633b1532c24d/owners?limit=1", session: builderman, want: 200, check: dataLen(1)},
			{name: "collectible owners limit 101", path: "/v2/collectible-items/521cca19-75bb-4e05-a0af-633b1532c24d/owners?limit=101", session: builderman, want: 400, code: 0,
				check: messageIs("The limit must be between 1 and 100.")},
			// No enum here: a non-number must not be told the enum of the other endpoints.
			{name: "collectible owners limit not a number", path: "/v2/collectible-items/521cca19-75bb-4e05-a0af-633b1532c24d/owners?limit=ten", session: builderman, want: 400, code: 0,
				check: messageIs("The limit must be between 1 and 100.")},
			{name: "owners limit not a number", path: "/v2/assets/48159815/owners?limit=ten", want: 400, code: 0,
				check: messageIs("Allowed values: 10, 25, 50, 100")},
			{name: "collectible owners not a uuid", path: "/v2/collectible-items/nope/owners", session: builderman, want: 400, code: 1},
			{name: "collectible owners unknown", path: "/v2/collectible-items/00000000-0000-4000-8000-000000000000/owners", session: builderman, want: 400, code: 1},

			// GET /v2/users/{userId}/inventory
			{name: "inventory hats", path: "/v2/users/156/inventory?assetTypes=Hat&limit=100", want: 200, check: func(t *testing.T, r resp) {
				dataLen(59)(t, r)
				if x := row(t, r, 0); x["assetType"] != "Hat" || x["assetId"] != 1028606.0 || x["name"] != "Red Baseball Cap" || x["created"] != "2008-01-01T00:00:00.000Z" {
					t.Fatalf("row: %v", x)
				}
			}},
			{name: "inventory by number and name", path: "/v2/users/156/inventory?assetTypes=11,Pants", want: 200, check: dataLen(2)},
			{name: "inventory repeated keys", path: "/v2/users/156/inventory?assetTypes=Shirt&assetTypes=12", want: 200, check: func(t *testing.T, r resp) {
				dataLen(2)(t, r)
				if row(t, r, 0)["assetType"] != "Shirt" || row(t, r, 1)["assetType"] != "Pants" {
					t.Fatalf("order by asset type: %s", r.body)
				}
			}},
			{name: "inventory moderation all", path: "/v2/users/156/inventory?assetTypes=Pants,Decal", want: 200, check: dataLen(2)},
			{name: "inventory filterDisapproved", path: "/v2/users/156/inventory?assetTypes=Pants,Decal&filterDisapprovedAssets=true", want: 200, check: func(t *testing.T, r resp) {
				dataLen(1)(t, r)
				if row(t, r, 0)["name"] != "Pending Pants" {
					t.Fatal(string(r.body))
				}
			}},
			{name: "inventory showApprovedOnly", path: "/v2/users/156/inventory?assetTypes=Pants,Decal&showApprovedOnly=true", want: 200, check: dataLen(0)},
			{name: "inventory no types", path: "/v2/users/156/inventory", want: 400, code: 2},
			{name: "inventory GamePass refused", path: "/v2/users/156/inventory?assetTypes=GamePass", want: 400, code: 2},
			{name: "inventory Badge refused", path: "/v2/users/156/inventory?assetTypes=Hat,21", want: 400, code: 2},
			{name: "inventory unknown type", path: "/v2/users/156/inventory?assetTypes=NotAType", want: 400, code: 2},
			{name: "inventory unknown user", path: "/v2/users/999/inventory?assetTypes=Hat", want: 400, code: 1},
			{name: "inventory banned user", path: "/v2/users/2004/inventory?assetTypes=Hat", want: 400, code: 1},
			{name: "inventory hidden", path: "/v2/users/261/inventory?assetTypes=Hat", want: 403, code: 4},
			{name: "inventory friend sees", path: "/v2/users/261/inventory?assetTypes=Hat", session: friendOfShd, want: 200, check: dataLen(1)},
			{name: "inventory owner sees own", path: "/v2/users/261/inventory?assetTypes=Package", session: shedletsky, want: 200, check: dataLen(1)},

			// GET /v2/users/{userId}/inventory/{assetTypeId}
			{name: "by type collectible", path: "/v2/users/156/inventory/41", want: 200, check: func(t *testing.T, r resp) {
				dataLen(1)(t, r)
				bodyIs(`{"previousPageCursor":null,"nextPageCursor":null,"data":[{"userAssetId":700000001,"assetId":9000001,
					"assetName":"UGC Crown","collectibleItemId":"521cca19-75bb-4e05-a0af-633b1532c24d",
					"collectibleItemInstanceId":"a8a27d38-ee51-4cf4-8b0a-485d0dfd8607","serialNumber":1,
					"owner":{"userId":156,"username":"builderman","buildersClubMembershipType":4},
					"created":"2024-01-02T03:04:05.000Z","updated":"2024-01-02T03:04:05.000Z","expireAt":null}]}`)(t, r)
			}},
			{name: "by type expireAt", path: "/v2/users/261/inventory/Package", session: shedletsky, want: 200, check: func(t *testing.T, r resp) {
				if x := row(t, r, 0); x["expireAt"] != "2099-12-31T00:00:00.000Z" || x["serialNumber"] != nil || x["collectibleItemId"] != nil {
					t.Fatalf("row: %v", x)
				}
			}},
			{name: "by type unknown type", path: "/v2/users/156/inventory/999", want: 400, code: 2},
			// "GamePass and Badges not allowed" is said of the multi-type listing only.
			{name: "by type GamePass", path: "/v2/users/156/inventory/34", want: 200, check: dataLen(0)},
			{name: "by type Badge", path: "/v2/users/156/inventory/Badge", want: 200, check: dataLen(0)},
			{name: "by type unknown user", path: "/v2/users/999/inventory/8", want: 400, code: 1},
			{name: "by type hidden", path: "/v2/users/2001/inventory/8", session: stranger, want: 403, code: 4},
			{name: "by type non-numeric user", path: "/v2/users/x/inventory/8", want: 404, code: 0},

			// GET /v1/packages/{packageId}/assets
			{name: "package", path: "/v1/packages/27112438/assets", want: 200, check: bodyIs(`{"assetIds":[27112025,27112039]}`)},
			{name: "package of a non-package", path: "/v1/packages/1365767/assets", want: 200, check: bodyIs(`{"assetIds":[]}`)},
			{name: "package unknown", path: "/v1/packages/999/assets", want: 400, code: 1},

			// GET /v1/users/{userId}/assets/collectibles
			{name: "collectibles", path: "/v1/users/156/assets/collectibles", want: 200, check: func(t *testing.T, r resp) {
				dataLen(3)(t, r)
				bodyIs(`{"userAssetId":28605,"serialNumber":null,"assetId":1028606,"name":"Red Baseball Cap","recentAveragePrice":1768,
					"originalPrice":null,"assetStock":null,"buildersClubMembershipType":4,"isOnHold":false}`)(t, resp{body: mustJSON(t, row(t, r, 0))})
				if x := row(t, r, 1); x["isOnHold"] != true || x["serialNumber"] != 149.0 || x["assetStock"] != 500.0 {
					t.Fatalf("held copy: %v", x)
				}
			}},
			{name: "collectibles by type", path: "/v1/users/156/assets/collectibles?assetType=Hat", want: 200, check: dataLen(2)},
			{name: "collectibles by type number", path: "/v1/users/156/assets/collectibles?assetType=41", want: 200, check: dataLen(1)},
			{name: "collectibles bad type", path: "/v1/users/156/assets/collectibles?assetType=Nope", want: 400, code: 0},
			{name: "collectibles hidden", path: "/v1/users/261/assets/collectibles", want: 403, code: 11},
			{name: "collectibles unknown user", path: "/v1/users/999/assets/collectibles", want: 400, code: 1},

			// GET /v1/users/{userId}/can-view-inventory
			{name: "can view public", path: "/v1/users/156/can-view-inventory", want: 200, check: bodyIs(`{"canView":true}`)},
			{name: "can view hidden", path: "/v1/users/261/can-view-inventory", want: 200, check: bodyIs(`{"canView":false}`)},
			{name: "can view unknown", path: "/v1/users/999/can-view-inventory", want: 400, code: 1},
			{name: "can view banned", path: "/v1/users/2004/can-view-inventory", want: 400, code: 1},

			// GET /v1/users/{userId}/categories(/favorites): categories_test.go

			// GET /v1/users/{userId}/items/{itemType}/{itemTargetId} and /is-owned
			{name: "items asset", path: "/v1/users/156/items/Asset/1028606", want: 200,
				check: bodyIs(`{"previousPageCursor":null,"nextPageCursor":null,"data":[{"id":1028606,"name":"Red Baseball Cap","type":"Asset","instanceId":28605}]}`)},
			{name: "items asset by number, lower case", path: "/v1/users/156/items/0/1028606", want: 200, check: dataLen(1)},
			{name: "items asset lower case", path: "/v1/users/156/items/asset/1028606", want: 200, check: dataLen(1)},
			{name: "items game pass", path: "/v1/users/156/items/GamePass/12527", want: 200,
				check: bodyIs(`{"previousPageCursor":null,"nextPageCursor":null,"data":[{"id":12527,"name":"VIP","type":"GamePass","instanceId":31000001}]}`)},
			{name: "items badge", path: "/v1/users/156/items/Badge/2124", want: 200,
				check: bodyIs(`{"previousPageCursor":null,"nextPageCursor":null,"data":[{"id":2124,"name":"Welcome to Crossroads","type":"Badge","instanceId":null}]}`)},
			{name: "items bundle", path: "/v1/users/261/items/3/192", want: 200, check: dataLen(1)},
			{name: "items not owned", path: "/v1/users/261/items/Asset/1028606", want: 200, check: dataLen(0)},
			{name: "is-owned true", path: "/v1/users/156/items/Asset/1028606/is-owned", want: 200, check: rawIs("true")},
			{name: "is-owned false", path: "/v1/users/261/items/GamePass/12527/is-owned", want: 200, check: rawIs("false")},
			{name: "is-owned badge", path: "/v1/users/156/items/badge/2124/is-owned", want: 200, check: rawIs("true")},
			{name: "items unknown user", path: "/v1/users/999/items/Asset/1028606", want: 400, code: 1},
			{name: "items unknown game pass", path: "/v1/users/156/items/GamePass/1/is-owned", want: 400, code: 5},
			{name: "items unknown type", path: "/v1/users/156/items/Hat/1/is-owned", want: 400, code: 6},
			{name: "items type out of range", path: "/v1/users/156/items/9/1", want: 400, code: 6},
			{name: "items unknown asset", path: "/v1/users/156/items/Asset/1/is-owned", want: 400, code: 7},
			{name: "items unknown badge", path: "/v1/users/156/items/Badge/1/is-owned", want: 400, code: 10},
			{name: "items unknown bundle", path: "/v1/users/156/items/Bundle/1/is-owned", want: 400, code: 12},

			// GET /v1/users/{userId}/places/inventory
			{name: "places created", path: "/v1/users/156/places/inventory?placesTab=Created&itemsPerPage=1&cursor=", want: 200, check: func(t *testing.T, r resp) {
				p := r.json(t)
				if p["previousPageCursor"] != nil || p["nextPageCursor"] != "1" {
					t.Fatalf("cursors: %s", r.body)
				}
				x := row(t, r, 0)
				if x["placeId"] != 95206881.0 || x["priceInRobux"] != 25.0 || !reflect.DeepEqual(x["creator"], map[string]any{"id": 156.0, "name": "builderman", "type": "User"}) {
					t.Fatalf("row: %v", x)
				}
			}},
			{name: "places created page 2", path: "/v1/users/156/places/inventory?placesTab=0&itemsPerPage=1&cursor=1", want: 200, check: func(t *testing.T, r resp) {
				p := r.json(t)
				if p["previousPageCursor"] != "0" || p["nextPageCursor"] != nil || row(t, r, 0)["placeId"] != 95206882.0 {
					t.Fatalf("page 2: %s", r.body)
				}
			}},
			{name: "places my games", path: "/v1/users/156/places/inventory?placesTab=MyGames&itemsPerPage=10&cursor=0", want: 200, check: func(t *testing.T, r resp) {
				dataLen(1)(t, r)
				if x := row(t, r, 0); x["universeId"] != 13058.0 || x["priceInRobux"] != nil {
					t.Fatalf("row: %v", x)
				}
			}},
			// Purchased also lists the places the user created, each once
			// (wire-behaviour.md §3.3 [S]): 95206882 is both.
			{name: "places purchased with created", path: "/v1/users/156/places/inventory?placesTab=Purchased&itemsPerPage=2&cursor=0", want: 200, check: func(t *testing.T, r resp) {
				p := r.json(t)
				if p["previousPageCursor"] != nil || p["nextPageCursor"] != "2" || len(p["data"].([]any)) != 2 || row(t, r, 0)["placeId"] != 1818.0 || row(t, r, 1)["placeId"] != 95206881.0 {
					t.Fatalf("page 1: %s", r.body)
				}
			}},
			{name: "places purchased with created, page 2", path: "/v1/users/156/places/inventory?placesTab=Purchased&itemsPerPage=2&cursor=2", want: 200, check: func(t *testing.T, r resp) {
				p := r.json(t)
				if p["previousPageCursor"] != "0" || p["nextPageCursor"] != nil || len(p["data"].([]any)) != 1 || row(t, r, 0)["placeId"] != 95206882.0 {
					t.Fatalf("page 2: %s", r.body)
				}
			}},
			{name: "places purchased hidden", path: "/v1/users/261/places/inventory?placesTab=Purchased&itemsPerPage=10&cursor=0", want: 403, code: 3},
			{name: "places purchased own", path: "/v1/users/261/places/inventory?placesTab=3&itemsPerPage=10&cursor=0", session: shedletsky, want: 200, check: dataLen(1)},
			{name: "places missing itemsPerPage", path: "/v1/users/156/places/inventory?placesTab=Created&cursor=0", want: 400, code: 6},
			{name: "places missing cursor", path: "/v1/users/156/places/inventory?placesTab=Created&itemsPerPage=10", want: 400, code: 6},
			{name: "places bad tab", path: "/v1/users/156/places/inventory?placesTab=Nope&itemsPerPage=10&cursor=0", want: 400, code: 6},
			{name: "places missing tab", path: "/v1/users/156/places/inventory?itemsPerPage=10&cursor=0", want: 400, code: 6},
			{name: "places unknown user", path: "/v1/users/999/places/inventory?placesTab=Created&itemsPerPage=10&cursor=0", want: 400, code: 6},

			// Companion routes and misses.
			{name: "authenticated anonymous", path: "/v1/users/authenticated", want: 401, code: 0},
			{name: "authenticated", path: "/v1/users/authenticated", session: builderman, want: 200, check: bodyIs(`{"id":156,"name":"builderman","displayName":"builderman"}`)},
			{name: "unknown cookie is anonymous", path: "/v1/users/261/can-view-inventory", session: "no-such-session", want: 200, check: bodyIs(`{"canView":false}`)},
			{name: "unknown route", path: "/v1/nope", want: 404, code: 0},
			{name: "wrong method", method: http.MethodPost, path: "/v1/users/156/can-view-inventory", want: 404, code: 0},
			{name: "admin without key", method: http.MethodPost, path: "/admin/v1/reset", want: 401, code: 0},
		})
	})
}

func rawIs(want string) func(t *testing.T, r resp) {
	return func(t *testing.T, r resp) {
		if string(r.body) != want {
			t.Fatalf("body %q, want %q", r.body, want)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// messageIs checks the first error's message.
func messageIs(want string) func(t *testing.T, r resp) {
	return func(t *testing.T, r resp) {
		t.Helper()
		var b struct {
			Errors []struct {
				Message string `json:"message"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(r.body, &b); err != nil || len(b.Errors) == 0 {
			t.Fatalf("not an error envelope: %s", r.body)
		}
		if b.Errors[0].Message != want {
			t.Fatalf("message %q, want %q", b.Errors[0].Message, want)
		}
	}
}
