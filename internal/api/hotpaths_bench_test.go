package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/api"
	"github.com/inventoryd/inventoryd/internal/generate"
	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/inventory/cache"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// discardWriter is a ResponseWriter that keeps the status and drops the
// body, reused across requests so that the benchmark counts the server's
// allocations, not a recorder's.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
}
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(p)
	return len(p), nil
}

// BenchmarkHotPaths serves the load harness's hot paths (docs/performance.md)
// through the whole handler stack over the ownership cache, in-process
// (no sockets), for benchstat: time and allocations per request.
//
//	go test -run='^$' -bench=HotPaths -count=10 ./internal/api/ > new.txt
func BenchmarkHotPaths(b *testing.B) {
	raw := storetest.SQLite(b)
	cfg := generate.Config{Seed: 5, Users: 400, Assets: 300, ItemsPerUser: 150, LimitedEvery: 4}
	var nd bytes.Buffer
	if _, err := generate.Generate(cfg, inventory.NewNDJSONWriter(&nd)); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := raw.ImportStream(ctx, inventory.NewNDJSONReader(&nd, time.Now(), 500).Next, nil); err != nil {
		b.Fatal(err)
	}
	// The limited with the most owners, for the owners page.
	var many int64
	best := 0
	for a := int64(0); a < int64(cfg.Assets); a += int64(cfg.LimitedEvery) {
		cs, err := raw.AssetCopies(ctx, generate.AssetIDBase+a, 1<<20)
		if err != nil {
			b.Fatal(err)
		}
		if len(cs) > best {
			many, best = generate.AssetIDBase+a, len(cs)
		}
	}
	st := cache.CachedWith(raw, cache.Options{TTL: time.Hour, OwnedBytes: cache.DefaultOwnedBytes})
	b.Cleanup(func() { st.Close() })
	srv, err := api.NewServer(ctx, st, api.Config{CollectionLimit: 6})
	if err != nil {
		b.Fatal(err)
	}
	// Subjects: users whose inventory anyone may see, not banned.
	const subjects = 64
	var public []int64
	for i := 0; i < cfg.Users && len(public) < subjects; i++ {
		u, err := raw.User(ctx, generate.UserIDBase+int64(i))
		if err != nil {
			b.Fatal(err)
		}
		if u.Privacy == inventory.PrivacyAllUsers && !u.Banned {
			public = append(public, u.ID)
		}
	}
	if len(public) < subjects {
		b.Fatalf("only %d public users", len(public))
	}
	user := func(i int) int64 { return public[i] }
	paths := []struct {
		name string
		path func(i int) string
		auth bool
	}{
		{"is-owned", func(i int) string {
			return fmt.Sprintf("/v1/users/%d/items/Asset/%d/is-owned", user(i), generate.AssetIDBase+int64(i*7%cfg.Assets))
		}, false},
		{"items", func(i int) string {
			return fmt.Sprintf("/v1/users/%d/items/Asset/%d", user(i), generate.AssetIDBase+int64(i*7%cfg.Assets))
		}, false},
		{"inventory v2, limit 10", func(i int) string {
			return fmt.Sprintf("/v2/users/%d/inventory?assetTypes=Hat,Shirt,Pants,Gear,Face&limit=10", user(i))
		}, false},
		{"inventory v2, limit 100", func(i int) string {
			return fmt.Sprintf("/v2/users/%d/inventory?assetTypes=Hat,Shirt,Pants,Gear,Face&limit=100", user(i))
		}, false},
		{"inventory by type, limit 10", func(i int) string { return fmt.Sprintf("/v2/users/%d/inventory/8?limit=10", user(i)) }, false},
		{"collectibles, limit 10", func(i int) string {
			return fmt.Sprintf("/v1/users/%d/assets/collectibles?limit=10", user(i))
		}, false},
		{"owners of a limited, limit 100", func(int) string { return fmt.Sprintf("/v2/assets/%d/owners?limit=100", many) }, false},
		{"can-view-inventory", func(i int) string { return fmt.Sprintf("/v1/users/%d/can-view-inventory", user(i)) }, true},
	}
	// A page after page 1 of the by-type listing, with the cursor page 1
	// gave, for the users with more than 10 hats: against "inventory by
	// type, limit 10", the cost of a page that carries a cursor (one
	// decoded, two encoded), which is the harness's page at depth 10,000.
	var firsts, second []string
	for i := 0; i < cfg.Users; i++ {
		id := generate.UserIDBase + int64(i)
		if u, err := raw.User(ctx, id); err != nil {
			b.Fatal(err)
		} else if u.Privacy != inventory.PrivacyAllUsers || u.Banned {
			continue
		}
		first := fmt.Sprintf("/v2/users/%d/inventory/8?limit=10", id)
		r, err := http.NewRequest(http.MethodGet, "http://inventory.roblox.com"+first, nil)
		if err != nil {
			b.Fatal(err)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		var page struct {
			Next *string `json:"nextPageCursor"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
			b.Fatalf("%s: %v", first, err)
		}
		if page.Next != nil {
			firsts = append(firsts, first)
			second = append(second, first+"&cursor="+url.QueryEscape(*page.Next))
		}
	}
	if len(second) < 4 {
		b.Fatalf("only %d public users with a second page of hats", len(second))
	}
	paths = append(paths, []struct {
		name string
		path func(i int) string
		auth bool
	}{
		{"by type, limit 10, page 1 of several", func(i int) string { return firsts[i%len(firsts)] }, false},
		{"by type, limit 10, page 2 of several", func(i int) string { return second[i%len(second)] }, false},
	}...)
	for _, p := range paths {
		reqs := make([]*http.Request, subjects)
		for i := range reqs {
			r, err := http.NewRequest(http.MethodGet, "http://inventory.roblox.com"+p.path(i), nil)
			if err != nil {
				b.Fatal(err)
			}
			r.RemoteAddr = "127.0.0.1:40000"
			if p.auth {
				// generate: users 1..Sessions have "generated-session-<id>".
				r.AddCookie(&http.Cookie{Name: ".ROBLOSECURITY", Value: fmt.Sprintf("generated-session-%d", generate.UserIDBase+1)})
			}
			reqs[i] = r
		}
		w := &discardWriter{h: http.Header{}}
		serve := func(r *http.Request) {
			clear(w.h)
			w.status, w.n = 0, 0
			srv.ServeHTTP(w, r)
		}
		// Warm the caches, and check every request is answered.
		for range 3 {
			for _, r := range reqs {
				serve(r)
				if w.status != http.StatusOK {
					b.Fatalf("%s: %s: status %d", p.name, r.URL, w.status)
				}
			}
		}
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			bytes := 0
			for i := 0; b.Loop(); i++ {
				serve(reqs[i%subjects])
				bytes += w.n
			}
			b.ReportMetric(float64(bytes)/float64(b.N), "body-B/op")
		})
	}
}
