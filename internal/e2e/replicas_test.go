package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/storetest"
)

type page struct {
	Prev *string `json:"previousPageCursor"`
	Next *string `json:"nextPageCursor"`
	Data []struct {
		AssetID int64 `json:"assetId"`
	} `json:"data"`
}

func (s *server) page(path string) page {
	s.t.Helper()
	r := s.must(http.StatusOK, http.MethodGet, path)
	var p page
	if err := json.Unmarshal(r.body, &p); err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
	return p
}

// startPair starts two replicas on one fresh PostgreSQL schema, at the same
// time (both migrate and import the fixture at start).
func startPair(t *testing.T) (a, b *server) {
	dbURL := storetest.PostgresURL(t)
	doc := writeDoc(t, "fixture.json", fixtureDoc())
	var wg sync.WaitGroup
	servers := make([]*server, 2)
	for i := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			servers[i] = start(t, "--db", dbURL, "--fixtures", doc, "--admin-key", adminKey)
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return servers[0], servers[1]
}

// Two processes on one PostgreSQL behave as one service: cursors, CSRF
// tokens and sessions issued by one are honoured by the other.
func TestReplicas(t *testing.T) {
	a, b := startPair(t)
	replicas := []*server{a, b}

	t.Run("paging across replicas", func(t *testing.T) {
		for _, order := range []string{"Asc", "Desc"} {
			base := fmt.Sprintf("/v2/users/%d/inventory?assetTypes=Hat,Shirt,Gear&limit=10&sortOrder=%s", walker, order)
			// The whole listing from one replica, then page by page
			// alternating between the two.
			var want []int64
			for p, cur := a.page(base), ""; ; p = a.page(base + "&cursor=" + url.QueryEscape(cur)) {
				for _, d := range p.Data {
					want = append(want, d.AssetID)
				}
				if p.Next == nil {
					break
				}
				cur = *p.Next
			}
			if len(want) != walkAssets {
				t.Fatalf("%s: %d items, want %d", order, len(want), walkAssets)
			}
			var got []int64
			seen := map[int64]bool{}
			var pages []page
			cur := ""
			for i := 0; ; i++ {
				s := replicas[i%2]
				path := base
				if cur != "" {
					path += "&cursor=" + url.QueryEscape(cur)
				}
				p := s.page(path)
				pages = append(pages, p)
				for _, d := range p.Data {
					if seen[d.AssetID] {
						t.Fatalf("%s: asset %d twice", order, d.AssetID)
					}
					seen[d.AssetID] = true
					got = append(got, d.AssetID)
				}
				if p.Next == nil {
					break
				}
				cur = *p.Next
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s: alternating replicas\n got %v\nwant %v", order, got, want)
			}
			// A previous-page cursor from one replica, followed on the other.
			for i := 1; i < len(pages); i++ {
				if pages[i].Prev == nil {
					t.Fatalf("%s: page %d has no previous cursor", order, i+1)
				}
				s := replicas[(i+1)%2] // not the replica that issued it
				prev := s.page(base + "&cursor=" + url.QueryEscape(*pages[i].Prev))
				if fmt.Sprint(prev.Data) != fmt.Sprint(pages[i-1].Data) {
					t.Fatalf("%s: previous page of page %d on the other replica differs", order, i+1)
				}
			}
		}
		// A cursor signed with another key is refused by both.
		for _, s := range replicas {
			r := s.must(http.StatusBadRequest, http.MethodGet,
				fmt.Sprintf("/v2/users/%d/inventory?assetTypes=Hat&limit=10&cursor=%s", walker, "eyJrZXkiOiIxIn0Kabc"))
			if _, msg, ok := envelope(r.body); !ok || msg != "Invalid cursor." {
				t.Fatalf("bad cursor: %s", r.body)
			}
		}
	})

	t.Run("CSRF token from the other replica", func(t *testing.T) {
		path := fmt.Sprintf("/v2/inventory/asset/%d", shirt)
		ch := a.must(http.StatusForbidden, http.MethodDelete, path, withCookie(builderman))
		tok := ch.header.Get("x-csrf-token")
		if code, msg, ok := envelope(ch.body); tok == "" || !ok || code != 0 || msg != "Token Validation Failed" {
			t.Fatalf("challenge: token %q, body %s", tok, ch.body)
		}
		b.must(http.StatusOK, http.MethodDelete, path, withCookie(builderman), withHeader("x-csrf-token", tok))
		// A's ownership cache learns of B's commit through the change feed
		// (LISTEN/NOTIFY, polled every 5 ms): visible within a bound, not
		// necessarily on the very next request (docs/compatibility.md,
		// "Caching").
		for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			owned := a.must(http.StatusOK, http.MethodGet, fmt.Sprintf("/v1/users/156/items/Asset/%d/is-owned", shirt))
			if string(owned.body) == "false" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("is-owned 2 s after the delete through the other replica: %s", owned.body)
			}
		}
		// A wrong token is refused by both, with a fresh challenge.
		for _, s := range replicas {
			r := s.must(http.StatusForbidden, http.MethodDelete, path, withCookie(builderman), withHeader("x-csrf-token", "wrong"))
			if r.header.Get("x-csrf-token") != tok {
				t.Fatalf("replicas disagree on the CSRF token: %q and %q", r.header.Get("x-csrf-token"), tok)
			}
		}
	})

	t.Run("sessions are shared", func(t *testing.T) {
		// A session created through A (an admin fixture upload) works on B.
		a.must(http.StatusOK, http.MethodPost, "/admin/v1/fixtures", withHeader("Authorization", "Bearer "+adminKey),
			withBody("application/json", fmt.Sprintf(`{"sessions": [{"userId": %d, "cookie": %q}]}`, walker, walkerCookie)))
		r := b.must(http.StatusOK, http.MethodGet, "/v1/users/authenticated", withCookie(walkerCookie))
		var me struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal(r.body, &me); err != nil || me.ID != walker {
			t.Fatalf("authenticated user on B: %s", r.body)
		}
		// Logging out through B (CSRF token from A) ends it on A too.
		ch := a.must(http.StatusForbidden, http.MethodPost, "/v2/logout", withCookie(walkerCookie))
		b.must(http.StatusOK, http.MethodPost, "/v2/logout", withCookie(walkerCookie), withHeader("x-csrf-token", ch.header.Get("x-csrf-token")))
		b.must(http.StatusUnauthorized, http.MethodGet, "/v1/users/authenticated", withCookie(walkerCookie))
		// A caches sessions while its change feed is up: the logout shows
		// within the feed's bound (docs/compatibility.md, "Caching").
		for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			r, err := a.do(http.MethodGet, "/v1/users/authenticated", withCookie(walkerCookie))
			if err == nil && r.status == http.StatusUnauthorized {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("A still answers %d for the session 2 s after the logout through B", r.status)
			}
		}
	})

	t.Run("writes on one are read on the other", func(t *testing.T) {
		// Collections: add through A, conflict through B, list on both.
		path := fmt.Sprintf("/v1/collections/items/Asset/%d", hat)
		ch := b.must(http.StatusForbidden, http.MethodPost, path, withCookie(builderman))
		tok := withHeader("x-csrf-token", ch.header.Get("x-csrf-token"))
		a.must(http.StatusOK, http.MethodPost, path, withCookie(builderman), tok)
		r := b.must(http.StatusForbidden, http.MethodPost, path, withCookie(builderman), tok)
		if code, _, _ := envelope(r.body); code != 7 {
			t.Fatalf("adding twice through the other replica: %s", r.body)
		}
		b.must(http.StatusOK, http.MethodDelete, path, withCookie(builderman), tok)
		a.must(http.StatusForbidden, http.MethodDelete, path, withCookie(builderman), tok)
	})
}
