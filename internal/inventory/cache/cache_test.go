package cache

import (
	"context"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// fake counts point reads; rows answer not-found until they are "created".
type fake struct {
	inventory.Store // nil: any method the test does not expect panics
	reads           map[string]int
	exists          bool
	name            string
}

func (f *fake) read(kind string) error {
	f.reads[kind]++
	if !f.exists {
		return inventory.Errorf(inventory.KindNotFound, "%s: not found", kind)
	}
	return nil
}

func (f *fake) User(_ context.Context, id int64) (inventory.User, error) {
	return inventory.User{ID: id, Name: f.name}, f.read("user")
}
func (f *fake) Asset(_ context.Context, id int64) (inventory.Asset, error) {
	return inventory.Asset{ID: id, Name: f.name}, f.read("asset")
}
func (f *fake) Group(_ context.Context, id int64) (inventory.Group, error) {
	return inventory.Group{ID: id, Name: f.name}, f.read("group")
}
func (f *fake) GamePass(_ context.Context, id int64) (inventory.GamePass, error) {
	return inventory.GamePass{ID: id, Name: f.name}, f.read("gamepass")
}
func (f *fake) Badge(_ context.Context, id int64) (inventory.Badge, error) {
	return inventory.Badge{ID: id, Name: f.name}, f.read("badge")
}
func (f *fake) Bundle(_ context.Context, id int64) (inventory.Bundle, error) {
	return inventory.Bundle{ID: id, Name: f.name}, f.read("bundle")
}

// The write methods succeed and rename every row.
func (f *fake) write()                                           { f.name += "'" }
func (f *fake) Import(context.Context, *inventory.Fixture) error { f.write(); return nil }
func (f *fake) Reset(context.Context) error                      { f.write(); return nil }
func (f *fake) ImportStream(context.Context, func() (*inventory.Fixture, error), func(inventory.BulkProgress)) (inventory.BulkProgress, error) {
	f.write()
	return inventory.BulkProgress{}, nil
}
func (f *fake) CreateUser(context.Context, inventory.User) error { f.write(); return nil }
func (f *fake) UpdateUser(context.Context, int64, inventory.UserPatch) (inventory.User, error) {
	f.write()
	return inventory.User{}, nil
}
func (f *fake) SaveGroup(context.Context, inventory.Group, bool) error       { f.write(); return nil }
func (f *fake) SaveGamePass(context.Context, inventory.GamePass, bool) error { f.write(); return nil }
func (f *fake) SaveBadge(context.Context, inventory.Badge, bool) error       { f.write(); return nil }
func (f *fake) SaveBundle(context.Context, inventory.Bundle, bool) error     { f.write(); return nil }
func (f *fake) CreateAsset(context.Context, inventory.FixtureAsset) error    { f.write(); return nil }
func (f *fake) UpdateAsset(context.Context, int64, inventory.AssetPatch) (inventory.Asset, error) {
	f.write()
	return inventory.Asset{}, nil
}
func (f *fake) Grant(context.Context, inventory.GrantRequest) (inventory.UserAsset, error) {
	f.write()
	return inventory.UserAsset{}, nil
}
func (f *fake) Transfer(context.Context, inventory.TransferRequest) (inventory.UserAsset, error) {
	f.write()
	return inventory.UserAsset{}, nil
}
func (f *fake) Revoke(context.Context, int64, *inventory.Agent) (inventory.UserAsset, error) {
	f.write()
	return inventory.UserAsset{}, nil
}
func (f *fake) DeleteOwnedCopies(context.Context, int64, int64) (int, error) {
	f.write()
	return 1, nil
}
func (f *fake) CreateSession(context.Context, int64, []byte) error         { f.write(); return nil }
func (f *fake) DeleteSession(context.Context, []byte) error                { f.write(); return nil }
func (f *fake) RevokeSessions(context.Context, int64, []byte) (int, error) { f.write(); return 1, nil }
func (f *fake) SetFriendship(context.Context, int64, int64, bool) error    { f.write(); return nil }
func (f *fake) SetFollow(context.Context, int64, int64, bool) error        { f.write(); return nil }

func (f *fake) ListUserAssets(_ context.Context, q inventory.UserAssetQuery) ([]inventory.UserAsset, error) {
	f.reads["list"]++
	ua := inventory.UserAsset{ID: 1, AssetID: 7}
	if !q.NoAsset {
		ua.Asset = inventory.Asset{ID: 7, Name: "joined"}
	}
	return []inventory.UserAsset{ua}, nil
}

var ctx = context.Background()

// names reads every cached kind of row 7 and returns the names seen.
func names(t *testing.T, c *Store) []string {
	t.Helper()
	u, err1 := c.User(ctx, 7)
	a, err2 := c.Asset(ctx, 7)
	g, err3 := c.Group(ctx, 7)
	p, err4 := c.GamePass(ctx, 7)
	b, err5 := c.Badge(ctx, 7)
	n, err6 := c.Bundle(ctx, 7)
	for _, err := range []error{err1, err2, err3, err4, err5, err6} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return []string{u.Name, a.Name, g.Name, p.Name, b.Name, n.Name}
}

func newFake() (*fake, *Store) {
	f := &fake{reads: map[string]int{}, exists: true, name: "v"}
	return f, New(f, time.Hour, 1024)
}

func TestHitsAndExpiry(t *testing.T) {
	f, c := newFake()
	names(t, c)
	names(t, c)
	for k, n := range f.reads {
		if n != 1 {
			t.Errorf("%s: %d store reads for two cached reads, want 1", k, n)
		}
	}
	if len(f.reads) != 6 {
		t.Errorf("reads %v: want all six kinds", f.reads)
	}
	// Past the TTL every entry is read again (move the clock's base back).
	c.start = c.start.Add(-2 * time.Hour)
	f.name = "w"
	if got := names(t, c); !slices.Equal(got, []string{"w", "w", "w", "w", "w", "w"}) {
		t.Errorf("after the ttl: %v, want fresh rows", got)
	}
	for k, n := range f.reads {
		if n != 2 {
			t.Errorf("%s: %d store reads after expiry, want 2", k, n)
		}
	}
}

func TestNoNegativeCaching(t *testing.T) {
	f, c := newFake()
	f.exists = false
	if _, err := c.User(ctx, 7); inventory.KindOf(err) != inventory.KindNotFound {
		t.Fatalf("User: %v, want not found", err)
	}
	f.exists = true // created by another process: visible at once
	if u, err := c.User(ctx, 7); err != nil || u.ID != 7 {
		t.Fatalf("User after create: %+v, %v", u, err)
	}
	if f.reads["user"] != 2 {
		t.Errorf("%d store reads, want 2 (not-found is not cached)", f.reads["user"])
	}
}

// TestWritesInvalidate: every write method through the cache makes every
// cached row read again.
func TestWritesInvalidate(t *testing.T) {
	writes := map[string]func(c *Store) error{
		"Import":            func(c *Store) error { return c.Import(ctx, nil) },
		"Reset":             func(c *Store) error { return c.Reset(ctx) },
		"ImportStream":      func(c *Store) error { _, err := c.ImportStream(ctx, nil, nil); return err },
		"CreateUser":        func(c *Store) error { return c.CreateUser(ctx, inventory.User{}) },
		"UpdateUser":        func(c *Store) error { _, err := c.UpdateUser(ctx, 7, inventory.UserPatch{}); return err },
		"SaveGroup":         func(c *Store) error { return c.SaveGroup(ctx, inventory.Group{}, false) },
		"SaveGamePass":      func(c *Store) error { return c.SaveGamePass(ctx, inventory.GamePass{}, false) },
		"SaveBadge":         func(c *Store) error { return c.SaveBadge(ctx, inventory.Badge{}, false) },
		"SaveBundle":        func(c *Store) error { return c.SaveBundle(ctx, inventory.Bundle{}, false) },
		"CreateAsset":       func(c *Store) error { return c.CreateAsset(ctx, inventory.FixtureAsset{}) },
		"UpdateAsset":       func(c *Store) error { _, err := c.UpdateAsset(ctx, 7, inventory.AssetPatch{}); return err },
		"Grant":             func(c *Store) error { _, err := c.Grant(ctx, inventory.GrantRequest{}); return err },
		"Transfer":          func(c *Store) error { _, err := c.Transfer(ctx, inventory.TransferRequest{}); return err },
		"Revoke":            func(c *Store) error { _, err := c.Revoke(ctx, 7, nil); return err },
		"DeleteOwnedCopies": func(c *Store) error { _, err := c.DeleteOwnedCopies(ctx, 7, 7); return err },
		"CreateSession":     func(c *Store) error { return c.CreateSession(ctx, 7, nil) },
		"DeleteSession":     func(c *Store) error { return c.DeleteSession(ctx, nil) },
		"RevokeSessions":    func(c *Store) error { _, err := c.RevokeSessions(ctx, 7, nil); return err },
		"SetFriendship":     func(c *Store) error { return c.SetFriendship(ctx, 7, 8, true) },
		"SetFollow":         func(c *Store) error { return c.SetFollow(ctx, 7, 8, true) },
	}
	if got, want := sortedKeys(writes), invalidating; !slices.Equal(got, want) {
		t.Fatalf("tested writes %v, want %v", got, want)
	}
	for name, w := range writes {
		t.Run(name, func(t *testing.T) {
			_, c := newFake()
			before := names(t, c)
			if err := w(c); err != nil {
				t.Fatal(err)
			}
			after := names(t, c)
			for i := range after {
				if after[i] == before[i] {
					t.Errorf("row %d still %q after %s", i, after[i], name)
				}
			}
		})
	}
}

func TestBounded(t *testing.T) {
	f := &fake{reads: map[string]int{}, exists: true}
	c := New(f, time.Hour, 128)
	for id := int64(0); id < 10_000; id++ {
		if _, err := c.User(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for i := range c.users.shards {
		n += len(c.users.shards[i].m)
	}
	if n > 128 {
		t.Errorf("%d cached users, bound 128", n)
	}
}

func TestZeroTTLIsNoCache(t *testing.T) {
	f := &fake{reads: map[string]int{}, exists: true}
	if got := Cached(f, 0); got != inventory.Store(f) {
		t.Errorf("Cached(s, 0) = %T, want s itself", got)
	}
}

// The Store methods by what the cache does with them. A method added to
// inventory.Store fails TestEveryMethodClassified until it is put in one
// of these lists (and overridden, for the first two).
var (
	cachedReads = []string{"Asset", "Badge", "Bundle", "GamePass", "Group", "ListAssetOwners", "ListUserAssets", "OwnedCopies",
		"Relations", "SessionUser", "User"}
	invalidating = []string{"CreateAsset", "CreateSession", "CreateUser", "DeleteOwnedCopies", "DeleteSession", "Grant", "Import",
		"ImportStream", "Reset", "Revoke", "RevokeSessions", "SaveBadge", "SaveBundle", "SaveGamePass", "SaveGroup",
		"SetFollow", "SetFriendship", "Transfer", "UpdateAsset", "UpdateUser"}
	// passThrough methods neither read a cached row nor change one
	// (sessions, relations, ownership, places, collections, secrets).
	// (Close is overridden to stop the feed watcher; OwnerCopies and
	// AssetCopies are the ownership cache's loads.)
	passThrough = []string{"AddCollectionItem", "AssetByCollectibleItemID", "AssetCopies", "Close", "CollectionItems",
		"Empty", "Export", "History", "OwnerCopies", "PackageAssets", "Ping", "Place", "RemoveCollectionItem",
		"SavePlace", "Secret", "SetUserItem", "SetUserPlace", "UserAsset", "UserItem", "UserPlaces"}
)

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func TestEveryMethodClassified(t *testing.T) {
	known := map[string]bool{}
	for _, l := range [][]string{cachedReads, invalidating, passThrough} {
		for _, m := range l {
			if known[m] {
				t.Errorf("%s is listed twice", m)
			}
			known[m] = true
		}
	}
	st := reflect.TypeFor[inventory.Store]()
	for i := 0; i < st.NumMethod(); i++ {
		name := st.Method(i).Name
		if !known[name] {
			t.Errorf("inventory.Store.%s is not classified: does it change a user, asset, group, game pass, badge or bundle? (cache.go)", name)
		}
		delete(known, name)
	}
	for m := range known {
		t.Errorf("%s is classified but not a Store method", m)
	}
}

func TestListUserAssetsFromCache(t *testing.T) {
	f, c := newFake()
	for _, q := range []inventory.UserAssetQuery{{}, {HideDisapproved: true}, {HidePending: true}} {
		rows, err := c.ListUserAssets(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		want := "v" // from the cache
		if q.HideDisapproved || q.HidePending {
			want = "joined" // moderation filters need the join
		}
		if len(rows) != 1 || rows[0].Asset.ID != 7 || rows[0].Asset.Name != want {
			t.Errorf("%+v: rows %+v, want asset 7 named %q", q, rows, want)
		}
	}
	if _, err := c.ListUserAssets(ctx, inventory.UserAssetQuery{}); err != nil {
		t.Fatal(err)
	}
	if f.reads["asset"] != 1 {
		t.Errorf("%d asset reads for two listings, want 1", f.reads["asset"])
	}
}
