package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

func TestGiveUpAsset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		e.run(t, []call{
			{name: "anonymous", method: "DELETE", path: "/v2/inventory/asset/1365767", want: 401, code: 0},
			{name: "no token", method: "DELETE", path: "/v2/inventory/asset/1365767", session: builderman, want: 403, code: 0, check: func(t *testing.T, r resp) {
				if r.header.Get("x-csrf-token") == "" {
					t.Fatal("no x-csrf-token on the challenge")
				}
			}},
			{name: "wrong token", method: "DELETE", path: "/v2/inventory/asset/1365767", session: builderman, want: 403, code: 0},
			{name: "unknown asset", method: "DELETE", path: "/v2/inventory/asset/999", session: builderman, csrf: true, want: 404, code: 1},
			{name: "not owned", method: "DELETE", path: "/v2/inventory/asset/27112438", session: builderman, csrf: true, want: 403, code: 2},
			{name: "limited", method: "DELETE", path: "/v2/inventory/asset/48159815", session: builderman, csrf: true, want: 403, code: 3},
			{name: "made by Roblox", method: "DELETE", path: "/v2/inventory/asset/1028606", session: builderman, csrf: true, want: 403, code: 3},
			{name: "owned before", path: "/v1/users/156/items/Asset/1365767/is-owned", want: 200, check: rawIs("true")},
			{name: "give up", method: "DELETE", path: "/v2/inventory/asset/1365767", session: builderman, csrf: true, want: 200, check: bodyIs(`{}`)},
			{name: "gone", path: "/v1/users/156/items/Asset/1365767/is-owned", want: 200, check: rawIs("false")},
			{name: "again", method: "DELETE", path: "/v2/inventory/asset/1365767", session: builderman, csrf: true, want: 403, code: 2},
		})
	})
}

// TestGiveUpConcurrently: of 20 simultaneous deletes of one owned item,
// exactly one is answered 200; the others find it gone (403 code 2).
func TestGiveUpConcurrently(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		const path = "/v2/inventory/asset/1365767"
		tok := e.do(http.MethodDelete, path, cookie(builderman)).header.Get("x-csrf-token")
		if tok == "" {
			t.Fatal("no CSRF challenge")
		}
		const n = 20
		statuses := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := httptest.NewRequest(http.MethodDelete, path, nil)
				cookie(builderman)(r)
				r.Header.Set("x-csrf-token", tok)
				w := httptest.NewRecorder()
				e.srv.ServeHTTP(w, r)
				statuses[i] = fmt.Sprintf("%d %s", w.Code, strings.TrimSpace(w.Body.String()))
			}()
		}
		wg.Wait()
		ok, gone := 0, 0
		for _, s := range statuses {
			switch {
			case s == "200 {}":
				ok++
			case strings.HasPrefix(s, "403 ") && strings.Contains(s, `"code":2`):
				gone++
			default:
				t.Errorf("unexpected answer %s", s)
			}
		}
		if ok != 1 || gone != n-1 {
			t.Fatalf("%d answered 200 and %d 403 code 2, want 1 and %d: %v", ok, gone, n-1, statuses)
		}
	})
}

func TestCollections(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open) // collection limit 3; builderman holds 48159815 already
		e.run(t, []call{
			{name: "anonymous", method: "POST", path: "/v1/collections/items/Asset/1365767", want: 401, code: 0},
			{name: "no token", method: "POST", path: "/v1/collections/items/Asset/1365767", session: builderman, want: 403, code: 0},
			{name: "bad item type", method: "POST", path: "/v1/collections/items/Hat/1", session: builderman, csrf: true, want: 400, code: 1},
			{name: "unknown asset", method: "POST", path: "/v1/collections/items/Asset/999", session: builderman, csrf: true, want: 400, code: 2},
			{name: "unknown bundle", method: "POST", path: "/v1/collections/items/Bundle/999", session: builderman, csrf: true, want: 400, code: 3},
			{name: "not owned", method: "POST", path: "/v1/collections/items/Asset/27112438", session: builderman, csrf: true, want: 403, code: 4},
			{name: "asset type not allowed", method: "POST", path: "/v1/collections/items/Asset/1365769", session: builderman, csrf: true, want: 403, code: 5},
			{name: "item type not allowed", method: "POST", path: "/v1/collections/items/GamePass/12527", session: builderman, csrf: true, want: 403, code: 6},
			{name: "already in", method: "POST", path: "/v1/collections/items/Asset/48159815", session: builderman, csrf: true, want: 403, code: 7},
			{name: "add shirt", method: "POST", path: "/v1/collections/items/Asset/1365767", session: builderman, csrf: true, want: 200, check: bodyIs(`{}`)},
			{name: "add bundle by number", method: "POST", path: "/v1/collections/items/3/192", session: builderman, csrf: true, want: 200},
			{name: "full", method: "POST", path: "/v1/collections/items/Asset/1028606", session: builderman, csrf: true, want: 403, code: 9},
			{name: "remove missing", method: "DELETE", path: "/v1/collections/items/Asset/1028606", session: builderman, csrf: true, want: 403, code: 8},
			{name: "remove", method: "DELETE", path: "/v1/collections/items/Asset/48159815", session: builderman, csrf: true, want: 200, check: bodyIs(`{}`)},
			{name: "room again", method: "POST", path: "/v1/collections/items/Asset/1028606", session: builderman, csrf: true, want: 200},
			{name: "remove unknown bundle", method: "DELETE", path: "/v1/collections/items/Bundle/999", session: builderman, csrf: true, want: 400, code: 3},
			{name: "remove anonymous", method: "DELETE", path: "/v1/collections/items/Asset/1028606", want: 401, code: 0},
		})
	})
}

// TestCollectionRemoveAnyType: the swagger lists 403 codes 5 and 6 for
// POST only; DELETE answers 8 for an item that is not in the collection,
// whatever its type, and removes an item that is in it even when its type
// is one POST refuses (a fixture may put any asset or bundle there).
func TestCollectionRemoveAnyType(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		f, err := inventory.ParseFixture(strings.NewReader(`{"collections":[{"userId":156,"itemType":"Asset","itemId":1365769}]}`), e.now)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.Import(context.Background(), f); err != nil {
			t.Fatal(err)
		}
		e.run(t, []call{
			{name: "remove game pass", method: "DELETE", path: "/v1/collections/items/GamePass/12527", session: builderman, csrf: true, want: 403, code: 8},
			{name: "remove badge", method: "DELETE", path: "/v1/collections/items/Badge/2124", session: builderman, csrf: true, want: 403, code: 8},
			{name: "remove unknown game pass", method: "DELETE", path: "/v1/collections/items/GamePass/999", session: builderman, csrf: true, want: 403, code: 8},
			{name: "add decal still refused", method: "POST", path: "/v1/collections/items/Asset/1365769", session: builderman, csrf: true, want: 403, code: 5},
			{name: "add game pass still refused", method: "POST", path: "/v1/collections/items/GamePass/12527", session: builderman, csrf: true, want: 403, code: 6},
			{name: "remove decal", method: "DELETE", path: "/v1/collections/items/Asset/1365769", session: builderman, csrf: true, want: 200, check: bodyIs(`{}`)},
			{name: "decal gone", method: "DELETE", path: "/v1/collections/items/Asset/1365769", session: builderman, csrf: true, want: 403, code: 8},
			{name: "unknown asset still 2", method: "DELETE", path: "/v1/collections/items/Asset/999", session: builderman, csrf: true, want: 400, code: 2},
		})
	})
}

// TestCSRFAcrossRestart: a token is bound to its session and survives a
// restart (a new Server over the same store), like a replica would see it.
func TestCSRFAcrossRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		first := e.do("DELETE", "/v2/inventory/asset/1365767", cookie(builderman))
		tok := first.header.Get("x-csrf-token")
		if first.status != 403 || tok == "" {
			t.Fatalf("challenge: %d %s", first.status, first.body)
		}
		restarted := e.server()
		// Another session cannot use builderman's token.
		if r := e.doOn(restarted, "DELETE", "/v2/inventory/asset/1365767", nil, cookie(shedletsky), header("x-csrf-token", tok)); r.status != 403 || r.errCode(t) != 0 {
			t.Fatalf("foreign session accepted the token: %d %s", r.status, r.body)
		}
		if r := e.doOn(restarted, "DELETE", "/v2/inventory/asset/1365767", nil, cookie(builderman), header("x-csrf-token", tok)); r.status != 200 {
			t.Fatalf("token after restart: %d %s", r.status, r.body)
		}
	})
}

// TestLogout: noblox.js harvests a CSRF token from POST /v2/logout; with
// the token, logout ends the session.
func TestLogout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		anon := e.do("POST", "/v2/logout")
		if anon.status != 403 || anon.header.Get("x-csrf-token") == "" {
			t.Fatalf("anonymous logout: %d %s", anon.status, anon.body)
		}
		if r := e.csrf("POST", "/v2/logout", builderman); r.status != 200 {
			t.Fatalf("logout: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/v1/users/authenticated", cookie(builderman)); r.status != http.StatusUnauthorized {
			t.Fatalf("session survived logout: %d %s", r.status, r.body)
		}
	})
}

// TestBannedViewer pins our [I] choice for a banned user's own session
// cookie: it still signs them in (as Roblox lets a banned account log in to
// read its ban), while their own inventory stays nonexistent like every
// banned user's (docs/compatibility.md, "Banned users").
func TestBannedViewer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		f, err := inventory.ParseFixture(strings.NewReader(`{"sessions":[{"userId":2004,"cookie":"banned-session"}]}`), e.now)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.Import(context.Background(), f); err != nil {
			t.Fatal(err)
		}
		e.run(t, []call{
			{name: "signed in", path: "/v1/users/2003/can-view-inventory", session: "banned-session", want: 200, check: bodyIs(`{"canView":true}`)},
			{name: "anonymous for comparison", path: "/v1/users/2003/can-view-inventory", want: 200, check: bodyIs(`{"canView":false}`)},
			{name: "cookie-only route", path: "/v2/collectible-items/521cca19-75bb-4e05-a0af-633b1532c24d/owners", session: "banned-session", want: 200},
			{name: "own inventory", path: "/v2/users/2004/inventory?assetTypes=HairAccessory", session: "banned-session", want: 400, code: 1},
		})
	})
}

// TestPrivacyMatrix checks can-view-inventory and the v2 listing for every
// privacy level against anonymous, unrelated, related and owner viewers
// (wire-behaviour.md §3.4).
func TestPrivacyMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		// 4010 "viewer": friend of 4001; followed by 4002; follows 4003.
		cases := []struct {
			owner   string
			session string
			want    bool
		}{
			{"156", "", true}, {"156", viewer4010, true}, // AllUsers
			{"4004", "", false}, {"4004", viewer4010, true}, // AllAuthenticatedUsers
			{"4001", "", false}, {"4001", viewer4010, true}, {"4001", stranger, false}, // Friends
			{"4002", viewer4010, true}, {"4002", stranger, false}, // FriendsAndFollowing: owner follows viewer
			{"4003", viewer4010, true}, {"4003", stranger, false}, // FriendsFollowingAndFollowers: viewer follows owner
			{"261", friendOfShd, true}, {"261", stranger, false}, {"261", shedletsky, true}, // Friends; owner
			{"2002", shedletsky, true}, {"2002", stranger, false}, // FFF: 2002 follows 261, the owner follows the viewer
			{"4005", viewer4010, false}, {"2001", friendOfShd, true}, // NoOne; owner
		}
		for _, c := range cases {
			t.Run(c.owner+"/"+c.session, func(t *testing.T) {
				e.t = t
				r := e.do("GET", "/v1/users/"+c.owner+"/can-view-inventory", as(c.session)...)
				want := `{"canView":false}`
				if c.want {
					want = `{"canView":true}`
				}
				bodyIs(want)(t, r)
				inv := e.do("GET", "/v2/users/"+c.owner+"/inventory?assetTypes=Hat", as(c.session)...)
				if (inv.status == 200) != c.want || (!c.want && inv.errCode(t) != 4) {
					t.Fatalf("inventory: %d %s", inv.status, inv.body)
				}
			})
		}
	})
}
