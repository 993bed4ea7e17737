package cache

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/generate"
	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// ownedFixture is a generated data set with many limiteds (serials,
// instance ids), groups and users of very different sizes.
var ownedConfig = generate.Config{Seed: 11, Users: 40, Assets: 60, ItemsPerUser: 15, LimitedEvery: 3}

func loadGenerated(t *testing.T, st inventory.Store, cfg generate.Config) {
	loadGeneratedTB(t, st, cfg)
}

func loadGeneratedTB(t testing.TB, st inventory.Store, cfg generate.Config) {
	t.Helper()
	var b bytes.Buffer
	if _, err := generate.Generate(cfg, inventory.NewNDJSONWriter(&b)); err != nil {
		t.Fatal(err)
	}
	r := inventory.NewNDJSONReader(&b, time.Now(), 500)
	if _, err := st.ImportStream(ctx, r.Next, nil); err != nil {
		t.Fatal(err)
	}
}

// cachedOn wraps st with the ownership cache (a budget small enough that
// eviction and the too-big path run) and waits for its feed.
func cachedOn(t *testing.T, st inventory.Store, budget int64) *Store {
	t.Helper()
	c := NewWith(st, Options{TTL: time.Hour, OwnedBytes: budget, PollEvery: time.Millisecond})
	t.Cleanup(func() { c.stopWatch(); <-c.watchDone })
	if !c.owned {
		t.Fatalf("%T has no change feed: no ownership cache", st)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !c.feedOK.Load() {
		if time.Now().After(deadline) {
			t.Fatal("the change feed never answered")
		}
		time.Sleep(time.Millisecond)
	}
	return c
}

// queries draws n random reads of every kind the ownership cache answers,
// each as a function of a store returning what it answered.
func queries(rng *rand.Rand, n int) []func(inventory.Store) (string, any, error) {
	types := []inventory.AssetType{8, 11, 12, 2, 18, 19, 41, 42, 43, 46}
	user := func() inventory.Agent {
		if rng.IntN(8) == 0 {
			return inventory.Agent{Type: inventory.AgentGroup, ID: generate.GroupIDBase + int64(rng.IntN(2))}
		}
		return inventory.Agent{Type: inventory.AgentUser, ID: generate.UserIDBase + int64(rng.IntN(ownedConfig.Users+2))}
	}
	asset := func() int64 { return generate.AssetIDBase + int64(rng.IntN(ownedConfig.Assets+2)) }
	page := func(multi bool) inventory.Page {
		p := inventory.Page{Order: inventory.Asc, Limit: []int{1, 2, 3, 10, 100}[rng.IntN(5)], Backward: rng.IntN(4) == 0}
		if rng.IntN(2) == 0 {
			p.Order = inventory.Desc
		}
		if rng.IntN(3) > 0 {
			k := inventory.Key{ID: generate.UserAssetIDBase + int64(rng.IntN(ownedConfig.Users*int(ownedConfig.ItemsPerUser)*2))}
			if multi {
				k.Type = int64(types[rng.IntN(len(types))])
			}
			p.After = &k
		}
		return p
	}
	var out []func(inventory.Store) (string, any, error)
	for range n {
		switch rng.IntN(3) {
		case 0:
			q := inventory.UserAssetQuery{Owner: user(), MultiType: rng.IntN(2) == 0, CollectiblesOnly: rng.IntN(4) == 0, NoAsset: rng.IntN(4) == 0}
			for _, t := range types {
				if rng.IntN(4) == 0 {
					q.Types = append(q.Types, t)
				}
			}
			q.Page = page(q.MultiType)
			out = append(out, func(s inventory.Store) (string, any, error) {
				rows, err := s.ListUserAssets(ctx, q)
				return fmt.Sprintf("ListUserAssets(%+v, after %+v)", q, q.Page.After), rows, err
			})
		case 1:
			u, a, limit := user().ID, asset(), 1+rng.IntN(3)
			out = append(out, func(s inventory.Store) (string, any, error) {
				rows, err := s.OwnedCopies(ctx, u, a, limit)
				return fmt.Sprintf("OwnedCopies(%d, %d, %d)", u, a, limit), rows, err
			})
		default:
			a, p := asset(), page(false)
			out = append(out, func(s inventory.Store) (string, any, error) {
				rows, err := s.ListAssetOwners(ctx, a, p)
				return fmt.Sprintf("ListAssetOwners(%d, %+v after %+v)", a, p, p.After), rows, err
			})
		}
	}
	return out
}

// disagreements runs every query on both and describes the differences.
func disagreements(qs []func(inventory.Store) (string, any, error), c, raw inventory.Store) []string {
	var out []string
	for _, q := range qs {
		name, want, werr := q(raw)
		_, got, gerr := q(c)
		if fmt.Sprint(werr) != fmt.Sprint(gerr) || !reflect.DeepEqual(got, want) {
			out = append(out, fmt.Sprintf("%s:\n cached %v %+v\n store  %v %+v", name, gerr, got, werr, want))
		}
	}
	return out
}

// TestOwnershipCacheAgreesWithStore: random reads answered by the cache
// equal the store's own answers, on every store, and stay equal after
// writes through the cache (at once) and through another handle on the
// same database (within a few polls of the feed).
func TestOwnershipCacheAgreesWithStore(t *testing.T) {
	storetest.EachTwin(t, func(t *testing.T, open storetest.TwinOpener) {
		raw, other := open(t)
		loadGenerated(t, raw, ownedConfig)
		c := cachedOn(t, raw, 256<<10)
		rng := rand.New(rand.NewPCG(1, 2))
		qs := queries(rng, 600)
		for pass := 0; pass < 2; pass++ { // the second pass is served from memory
			if d := disagreements(qs, c, raw); len(d) > 0 {
				t.Fatalf("pass %d: %d of %d reads differ, first: %s", pass, len(d), len(qs), d[0])
			}
		}
		hits := 0
		for i := range c.owners.shards {
			hits += len(c.owners.shards[i].m)
		}
		if hits == 0 {
			t.Fatal("nothing was cached: the test compared the store with itself")
		}

		// Writes: grants, transfers and revokes, alternately through the
		// cache (read at once) and through the other handle (read within
		// the feed's delay).
		var copies []int64
		all, err := raw.ListUserAssets(ctx, inventory.UserAssetQuery{Owner: inventory.Agent{Type: inventory.AgentUser, ID: generate.UserIDBase}, Page: inventory.Page{Order: inventory.Asc, Limit: 100}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range all {
			copies = append(copies, r.ID)
		}
		if len(copies) < 4 {
			t.Fatalf("user %d owns %d copies; the test needs 4", generate.UserIDBase, len(copies))
		}
		for i := 0; i < 8; i++ {
			via, name := inventory.Store(c), "the cache"
			if i%2 == 1 {
				via, name = other, "another handle"
			}
			to := inventory.Agent{Type: inventory.AgentUser, ID: generate.UserIDBase + 1 + int64(i)}
			var err error
			switch i % 4 {
			case 0, 1:
				_, err = via.Transfer(ctx, inventory.TransferRequest{UserAssetID: copies[i/2], To: to})
			case 2:
				_, err = via.Grant(ctx, inventory.GrantRequest{AssetID: all[0].AssetID, Owner: to})
			case 3:
				_, err = via.Revoke(ctx, copies[len(copies)-1-i/4], nil)
			}
			if err != nil {
				t.Fatalf("write %d through %s: %v", i, name, err)
			}
			wqs := queries(rng, 200)
			d := disagreements(wqs, c, raw)
			if i%2 == 1 {
				// Another process's write: the feed must bring it
				// within a bounded time (its poll is 1 ms here).
				for deadline := time.Now().Add(5 * time.Second); len(d) > 0 && time.Now().Before(deadline); {
					time.Sleep(5 * time.Millisecond)
					d = disagreements(wqs, c, raw)
				}
			}
			if len(d) > 0 {
				t.Fatalf("after write %d through %s: %d reads differ, first: %s", i, name, len(d), d[0])
			}
		}
	})
}

// TestOwnershipCachePartialAssets: an asset with more copies than the
// cache holds keeps its first owners, which answer the first ascending
// pages; every other page is the store's, and all agree with it.
func TestOwnershipCachePartialAssets(t *testing.T) {
	st := storetest.SQLite(t)
	loadGenerated(t, st, ownedConfig)
	c := cachedOn(t, st, 4096) // assets: 512 B a shard, at most 4 whole rows, 3 in a prefix
	c.assetCopies.prefix = 3
	rng := rand.New(rand.NewPCG(7, 8))
	qs := queries(rng, 1500)
	for pass := 0; pass < 2; pass++ {
		if d := disagreements(qs, c, st); len(d) > 0 {
			t.Fatalf("pass %d: %d of %d reads differ, first: %s", pass, len(d), len(qs), d[0])
		}
	}
	partial := 0
	for i := range c.assetCopies.shards {
		for _, e := range c.assetCopies.shards[i].m {
			if e.partial {
				partial++
			}
		}
	}
	if partial == 0 {
		t.Fatal("no partial entry was made: the test did not test them")
	}
}

// TestOwnershipCacheStopsWithoutFeed: while the feed cannot be read,
// nothing is served from memory.
func TestOwnershipCacheStopsWithoutFeed(t *testing.T) {
	st := storetest.SQLite(t)
	loadGenerated(t, st, ownedConfig)
	f := &brokenFeed{Store: st}
	c := NewWith(f, Options{TTL: time.Hour, OwnedBytes: 1 << 20, PollEvery: time.Millisecond})
	t.Cleanup(func() { c.stopWatch(); <-c.watchDone })
	time.Sleep(20 * time.Millisecond)
	if c.feedOK.Load() {
		t.Fatal("feed reported healthy")
	}
	q := inventory.UserAssetQuery{Owner: inventory.Agent{Type: inventory.AgentUser, ID: generate.UserIDBase}, Page: inventory.Page{Order: inventory.Asc, Limit: 10}}
	if _, err := c.ListUserAssets(ctx, q); err != nil {
		t.Fatal(err)
	}
	for i := range c.owners.shards {
		if n := len(c.owners.shards[i].m); n > 0 {
			t.Fatalf("%d entries cached with the feed down", n)
		}
	}
}

type brokenFeed struct{ inventory.Store }

func (brokenFeed) ChangeVersion(context.Context) (uint64, error) {
	return 0, fmt.Errorf("listener lost")
}

// TestSessionsAndRelationsFollowTheFeed: cached sessions and relations
// change with writes through the cache at once, and with writes through
// another handle on the same database within the feed's delay.
func TestSessionsAndRelationsFollowTheFeed(t *testing.T) {
	storetest.EachTwin(t, func(t *testing.T, open storetest.TwinOpener) {
		raw, other := open(t)
		loadGenerated(t, raw, ownedConfig)
		c := cachedOn(t, raw, 1<<20)
		a, b := int64(generate.UserIDBase+1), int64(generate.UserIDBase+2)
		within := func(what string, ok func() bool) {
			t.Helper()
			for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(2 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%s: not seen 5 s after the commit", what)
				}
			}
		}
		session := func(tok string) (int64, bool) {
			id, err := c.SessionUser(ctx, []byte(tok))
			if err != nil && inventory.KindOf(err) != inventory.KindNotFound {
				t.Fatal(err)
			}
			return id, err == nil
		}
		friends := func() bool {
			r, err := c.Relations(ctx, a, []int64{b})
			if err != nil {
				t.Fatal(err)
			}
			return r[b].Friends
		}
		for i, via := range []inventory.Store{c, other} {
			tok := fmt.Sprintf("token-%d", i)
			if _, ok := session(tok); ok {
				t.Fatalf("%s: a session before it was made", tok)
			}
			if err := via.CreateSession(ctx, a, []byte(tok)); err != nil {
				t.Fatal(err)
			}
			if id, ok := session(tok); !ok || id != a {
				t.Fatalf("%s: session %d %v after it was made", tok, id, ok) // not-found is never cached
			}
			session(tok) // now cached
			was := friends()
			if err := via.SetFriendship(ctx, a, b, !was); err != nil {
				t.Fatal(err)
			}
			if err := via.DeleteSession(ctx, []byte(tok)); err != nil {
				t.Fatal(err)
			}
			if via == c {
				if _, ok := session(tok); ok || friends() == was {
					t.Fatalf("%s: a write through the cache is not read at once", tok)
				}
				continue
			}
			within("a logout through another handle", func() bool { _, ok := session(tok); return !ok })
			within("a friendship through another handle", func() bool { return friends() != was })
		}
	})
}
