// Package cache is a read-through cache in front of an inventory.Store for
// the rows that rarely change and that nearly every request reads: users,
// assets, groups, game passes, badges and bundles, by id.
//
// Rules (docs/compatibility.md, "Caching"):
//
//   - Only positive results are cached; a not-found (or any error) always
//     goes to the store, so a row created anywhere is visible at once.
//   - Ownership (the copies of an owner and of an asset, which the
//     listings and is-owned read), sessions and relations are cached only
//     on a store with a change feed, and only while it is up (owned.go,
//     sessions.go).
//   - Every write made through this process's store (Import, Reset, the
//     admin write methods) invalidates the whole cache when it returns, by
//     bumping a generation number: O(1), and an entry read before the write
//     is never served after it.
//   - Writes made by other processes (PostgreSQL replicas, `inventoryd
//     admin --db` on the same SQLite file) are seen after at most the TTL,
//     and on a store with a change feed within one poll of the feed (5 ms),
//     which invalidates everything.
//   - Each table holds at most a bounded number of entries (evicting an
//     arbitrary eighth of a shard when it is full), so memory stays bounded
//     whatever the data set.
package cache

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// DefaultMaxEntries bounds each cached table (users, assets, ...).
const DefaultMaxEntries = 1 << 15

const shards = 64

// Store is an inventory.Store whose point reads of catalog rows and users
// go through a cache. Methods it does not override pass through to the
// embedded store.
type Store struct {
	inventory.Store

	ttl   time.Duration
	start time.Time // monotonic base for expiry stamps
	gen   atomic.Uint64

	users      table[inventory.User]
	assets     table[inventory.Asset]
	groups     table[inventory.Group]
	gamePasses table[inventory.GamePass]
	badges     table[inventory.Badge]
	bundles    table[inventory.Bundle]

	// The ownership cache (owned.go).
	owned       bool
	feedOK      atomic.Bool
	owners      ownedTable[inventory.Agent]
	assetCopies ownedTable[int64]
	stopWatch   context.CancelFunc
	watchDone   chan struct{}
	onFeed      func(bool, error)
	sessions    social[string, int64] // sessions.go
	relations   social[relKey, inventory.Relation]
}

// Options configure a cache.
type Options struct {
	TTL        time.Duration // users and catalog rows; 0: no cache at all
	MaxEntries int           // per cached table of rows (DefaultMaxEntries)
	// OwnedBytes is the budget of the ownership cache, which runs only on
	// a store with a change feed; 0 turns it off.
	OwnedBytes int64
	PollEvery  time.Duration // how often the change feed is read (DefaultPollEvery)
	// OnFeed, if set, is told when the change feed comes up (up, nil) and
	// goes down (false, why): the ownership cache serves only while it is up.
	OnFeed func(up bool, err error)
}

// Cached returns s with a read-through cache of entries living ttl. A ttl
// of zero or less returns s itself (no cache).
func Cached(s inventory.Store, ttl time.Duration) inventory.Store {
	return CachedWith(s, Options{TTL: ttl, OwnedBytes: DefaultOwnedBytes})
}

// CachedWith is Cached with options; a TTL of zero or less returns s.
func CachedWith(s inventory.Store, o Options) inventory.Store {
	if o.TTL <= 0 {
		return s
	}
	return NewWith(s, o)
}

// New is Cached with an explicit bound on the entries of each table and
// no ownership cache.
func New(s inventory.Store, ttl time.Duration, maxEntries int) *Store {
	return NewWith(s, Options{TTL: ttl, MaxEntries: maxEntries})
}

// NewWith returns the cache with options o. Close stops its watcher.
func NewWith(s inventory.Store, o Options) *Store {
	if o.MaxEntries <= 0 {
		o.MaxEntries = DefaultMaxEntries
	}
	if o.PollEvery <= 0 {
		o.PollEvery = DefaultPollEvery
	}
	c := &Store{Store: s, ttl: o.TTL, start: time.Now(), onFeed: o.OnFeed}
	per := max(1, o.MaxEntries/shards)
	for _, t := range []interface{ init(int) }{&c.users, &c.assets, &c.groups, &c.gamePasses, &c.badges, &c.bundles} {
		t.init(per)
	}
	if feed, ok := s.(inventory.ChangeFeed); ok && o.OwnedBytes > 0 {
		c.owned = true
		c.owners.init(o.OwnedBytes*40/100, ownerShards, o.OwnedBytes*35/100)
		c.assetCopies.init(o.OwnedBytes*25/100, assetShards, 0)
		c.assetCopies.prefix = assetPrefix
		ctx, cancel := context.WithCancel(context.Background())
		c.stopWatch, c.watchDone = cancel, make(chan struct{})
		go c.watch(ctx, feed, o.PollEvery)
	}
	return c
}

// Close implements inventory.Store: it stops the feed's watcher first.
func (c *Store) Close() error {
	if c.stopWatch != nil {
		c.stopWatch()
		<-c.watchDone
	}
	return c.Store.Close()
}

// Unwrap returns the store under the cache.
func (c *Store) Unwrap() inventory.Store { return c.Store }

// Invalidate drops every cached entry.
func (c *Store) Invalidate() { c.gen.Add(1) }

func (c *Store) now() int64 { return int64(time.Since(c.start)) }

type entry[T any] struct {
	v   T
	gen uint64
	exp int64 // c.now() past which the entry is stale
}

type shard[T any] struct {
	mu      sync.RWMutex
	m       map[int64]entry[T]
	loading map[int64]*rowFlight[T] // loads in progress, one per id
}

// rowFlight is one load of a row that concurrent misses of it share: on a
// cold cache, 64 connections asking for pages that name the same assets
// would otherwise each read each asset (on PostgreSQL, a network round
// trip each: the harness's first 100-row pages ran at 700 req/s).
type rowFlight[T any] struct {
	done chan struct{}
	gen  uint64
	v    T
	err  error
}

type table[T any] struct {
	per    int // entries per shard
	shards [shards]shard[T]
}

func (t *table[T]) init(per int) {
	t.per = per
	for i := range t.shards {
		t.shards[i].m = make(map[int64]entry[T])
	}
}

func (t *table[T]) shard(id int64) *shard[T] {
	return &t.shards[(uint64(id)*0x9E3779B97F4A7C15)>>58]
}

// get returns the cached row, or loads it with load and caches it when the
// load succeeds.
func get[T any](ctx context.Context, c *Store, t *table[T], id int64, load func(context.Context, int64) (T, error)) (T, error) {
	gen := c.gen.Load()
	if v, ok := peek(c, t, id, gen); ok {
		return v, nil
	}
	sh := t.shard(id)
	now := c.now()
	sh.mu.Lock()
	if fl := sh.loading[id]; fl != nil && fl.gen == gen {
		sh.mu.Unlock()
		select {
		case <-fl.done:
			return fl.v, fl.err
		case <-ctx.Done():
			return load(ctx, id) // the store answers with the context's error
		}
	}
	fl := &rowFlight[T]{done: make(chan struct{}), gen: gen}
	if sh.loading == nil {
		sh.loading = make(map[int64]*rowFlight[T])
	}
	sh.loading[id] = fl
	sh.mu.Unlock()
	v, err := load(ctx, id)
	fl.v, fl.err = v, err
	sh.mu.Lock()
	if sh.loading[id] == fl {
		delete(sh.loading, id)
	}
	close(fl.done)
	if err != nil {
		sh.mu.Unlock()
		return v, err // never cache not-found or failures
	}
	// Tagged with the generation read before the load: if a write
	// invalidated in between, the entry is never served.
	if _, ok := sh.m[id]; !ok && len(sh.m) >= t.per {
		n := max(1, t.per/8)
		for k := range sh.m {
			delete(sh.m, k)
			if n--; n == 0 {
				break
			}
		}
	}
	sh.m[id] = entry[T]{v: v, gen: gen, exp: now + int64(c.ttl)}
	sh.mu.Unlock()
	return v, nil
}

// User implements inventory.Store.
func (c *Store) User(ctx context.Context, id int64) (inventory.User, error) {
	return get(ctx, c, &c.users, id, c.Store.User)
}

// Asset implements inventory.Store.
func (c *Store) Asset(ctx context.Context, id int64) (inventory.Asset, error) {
	return get(ctx, c, &c.assets, id, c.Store.Asset)
}

// Group implements inventory.Store.
func (c *Store) Group(ctx context.Context, id int64) (inventory.Group, error) {
	return get(ctx, c, &c.groups, id, c.Store.Group)
}

// GamePass implements inventory.Store.
func (c *Store) GamePass(ctx context.Context, id int64) (inventory.GamePass, error) {
	return get(ctx, c, &c.gamePasses, id, c.Store.GamePass)
}

// Badge implements inventory.Store.
func (c *Store) Badge(ctx context.Context, id int64) (inventory.Badge, error) {
	return get(ctx, c, &c.badges, id, c.Store.Badge)
}

// Bundle implements inventory.Store.
func (c *Store) Bundle(ctx context.Context, id int64) (inventory.Bundle, error) {
	return get(ctx, c, &c.bundles, id, c.Store.Bundle)
}

// The write methods: each invalidates after the write, whatever its
// outcome (a failed write may still have committed before the error, e.g.
// a lost connection on COMMIT's answer).

// Import implements inventory.Store.
func (c *Store) Import(ctx context.Context, f *inventory.Fixture) error {
	defer c.Invalidate()
	return c.Store.Import(ctx, f)
}

// Reset implements inventory.Store.
func (c *Store) Reset(ctx context.Context) error {
	defer c.Invalidate()
	return c.Store.Reset(ctx)
}

// ImportStream implements inventory.AdminStore.
func (c *Store) ImportStream(ctx context.Context, next func() (*inventory.Fixture, error), progress func(inventory.BulkProgress)) (inventory.BulkProgress, error) {
	defer c.Invalidate()
	return c.Store.ImportStream(ctx, next, progress)
}

// CreateUser implements inventory.AdminStore.
func (c *Store) CreateUser(ctx context.Context, u inventory.User) error {
	defer c.Invalidate()
	return c.Store.CreateUser(ctx, u)
}

// UpdateUser implements inventory.AdminStore.
func (c *Store) UpdateUser(ctx context.Context, id int64, p inventory.UserPatch) (inventory.User, error) {
	defer c.Invalidate()
	return c.Store.UpdateUser(ctx, id, p)
}

// SaveGroup implements inventory.AdminStore.
func (c *Store) SaveGroup(ctx context.Context, g inventory.Group, create bool) error {
	defer c.Invalidate()
	return c.Store.SaveGroup(ctx, g, create)
}

// SaveGamePass implements inventory.AdminStore.
func (c *Store) SaveGamePass(ctx context.Context, g inventory.GamePass, create bool) error {
	defer c.Invalidate()
	return c.Store.SaveGamePass(ctx, g, create)
}

// SaveBadge implements inventory.AdminStore.
func (c *Store) SaveBadge(ctx context.Context, b inventory.Badge, create bool) error {
	defer c.Invalidate()
	return c.Store.SaveBadge(ctx, b, create)
}

// SaveBundle implements inventory.AdminStore.
func (c *Store) SaveBundle(ctx context.Context, b inventory.Bundle, create bool) error {
	defer c.Invalidate()
	return c.Store.SaveBundle(ctx, b, create)
}

// CreateAsset implements inventory.AdminStore.
func (c *Store) CreateAsset(ctx context.Context, a inventory.FixtureAsset) error {
	defer c.Invalidate()
	return c.Store.CreateAsset(ctx, a)
}

// UpdateAsset implements inventory.AdminStore.
func (c *Store) UpdateAsset(ctx context.Context, id int64, p inventory.AssetPatch) (inventory.Asset, error) {
	defer c.Invalidate()
	return c.Store.UpdateAsset(ctx, id, p)
}

// Grant implements inventory.AdminStore.
func (c *Store) Grant(ctx context.Context, g inventory.GrantRequest) (inventory.UserAsset, error) {
	defer c.Invalidate()
	return c.Store.Grant(ctx, g)
}

// Transfer implements inventory.AdminStore.
func (c *Store) Transfer(ctx context.Context, t inventory.TransferRequest) (inventory.UserAsset, error) {
	defer c.Invalidate()
	return c.Store.Transfer(ctx, t)
}

// Revoke implements inventory.AdminStore.
func (c *Store) Revoke(ctx context.Context, userAssetID int64, from *inventory.Agent) (inventory.UserAsset, error) {
	defer c.Invalidate()
	return c.Store.Revoke(ctx, userAssetID, from)
}

// DeleteOwnedCopies implements inventory.Store.
func (c *Store) DeleteOwnedCopies(ctx context.Context, userID, assetID int64) (int, error) {
	defer c.Invalidate()
	return c.Store.DeleteOwnedCopies(ctx, userID, assetID)
}

// OwnedCopies implements inventory.Store: from the ownership cache when
// it holds the user.
func (c *Store) OwnedCopies(ctx context.Context, userID, assetID int64, limit int) ([]inventory.UserAsset, error) {
	e := c.ownerEntry(ctx, inventory.Agent{Type: inventory.AgentUser, ID: userID})
	if e == nil {
		return c.Store.OwnedCopies(ctx, userID, assetID, limit)
	}
	page := e.copiesOf(assetID, limit)
	if len(page) == 0 {
		return nil, nil // as the store: no rows, no slice
	}
	return userAssets(page), nil
}

// ListUserAssets implements inventory.Store: without a moderation filter
// the store lists the copies alone (no join with assets) and each row's
// asset comes from the cache.
func (c *Store) ListUserAssets(ctx context.Context, q inventory.UserAssetQuery) ([]inventory.UserAsset, error) {
	if q.HidePending || q.HideDisapproved {
		return c.Store.ListUserAssets(ctx, q)
	}
	var rows []inventory.UserAsset
	if e := c.ownerEntry(ctx, q.Owner); e != nil {
		rows = userAssets(e.ownerPage(q))
		if q.NoAsset {
			return rows, nil
		}
	} else {
		if q.NoAsset {
			return c.Store.ListUserAssets(ctx, q)
		}
		nq := q
		nq.NoAsset = true
		var err error
		if rows, err = c.Store.ListUserAssets(ctx, nq); err != nil {
			return nil, err
		}
	}
	for i := range rows {
		a, err := c.Asset(ctx, rows[i].AssetID)
		if err != nil {
			if inventory.KindOf(err) == inventory.KindNotFound {
				// Deleted since (a reset): let the joined query answer.
				return c.Store.ListUserAssets(ctx, q)
			}
			return nil, err
		}
		rows[i].Asset = a
	}
	return rows, nil
}

// assetPrefix is how many first owners the cache keeps of an asset with
// too many to hold whole (the first pages of its owners, in the default
// ascending order, come from memory).
const assetPrefix = 4096

// maxOwnerMisses is how many owners of a page may be missing from the
// cache before ListAssetOwners lets the store join them instead (one
// statement rather than a point read each).
const maxOwnerMisses = 4

// maxOwnerWarm is how many of the missing owners such a page loads into
// the cache (point reads) after answering from the joined query.
const maxOwnerWarm = 8

// peek returns id's entry if it is servable at generation gen, without
// loading it. With the change feed up the TTL does not apply (and the
// clock is not read: this runs for every owner of a 100-row page).
func peek[T any](c *Store, t *table[T], id int64, gen uint64) (T, bool) {
	sh := t.shard(id)
	sh.mu.RLock()
	e, ok := sh.m[id]
	sh.mu.RUnlock()
	if ok && e.gen == gen && (c.feedOK.Load() || c.now() < e.exp) {
		return e.v, true
	}
	var zero T
	return zero, false
}

// ListAssetOwners implements inventory.Store: the store lists the copies
// alone (Page.NoOwner) and the owners come from the cache, unless more
// than a few of them are not cached (a cold or deep page): then the
// store's joined query answers.
func (c *Store) ListAssetOwners(ctx context.Context, assetID int64, p inventory.Page) ([]inventory.UserAsset, error) {
	if p.NoOwner {
		return c.Store.ListAssetOwners(ctx, assetID, p)
	}
	var rows []inventory.UserAsset
	cached := false
	if e := c.assetEntry(ctx, assetID); e != nil {
		page := pageOf(len(e.rows), func(i int) *crow { return &e.rows[i] },
			func(r *crow) inventory.Key { return inventory.Key{ID: r.id} }, func(*crow) bool { return true }, p)
		// A partial entry holds the first owners only: it answers a page
		// walked in ascending order that it fills (the rows after the
		// last one it holds are the store's to give).
		if cached = !e.partial || ((p.Order != inventory.Desc) != p.Backward && len(page) == p.Limit); cached {
			rows = userAssets(page)
		}
	}
	if !cached {
		np := p
		np.NoOwner = true
		var err error
		if rows, err = c.Store.ListAssetOwners(ctx, assetID, np); err != nil {
			return nil, err
		}
	}
	// One pass fills the owners the cache holds and notes the others.
	gen := c.gen.Load()
	var missed []int
	for i := range rows {
		ua := &rows[i]
		// As the joined query: an unknown owner has no name, membership
		// 0, privacy AllUsers, not banned, OwnerKnown false.
		ua.OwnerName, ua.OwnerMember, ua.OwnerPrivacy, ua.OwnerBanned, ua.OwnerKnown = "", 0, inventory.PrivacyAllUsers, false, false
		switch ua.Owner.Type {
		case inventory.AgentUser:
			u, ok := peek(c, &c.users, ua.Owner.ID, gen)
			if !ok {
				missed = append(missed, i)
				continue
			}
			ua.OwnerName, ua.OwnerMember, ua.OwnerPrivacy, ua.OwnerBanned, ua.OwnerKnown = u.Name, u.Membership, u.Privacy, u.Banned, true
		case inventory.AgentGroup:
			g, ok := peek(c, &c.groups, ua.Owner.ID, gen)
			if !ok {
				missed = append(missed, i)
				continue
			}
			ua.OwnerName, ua.OwnerKnown = g.Name, true
		}
	}
	if len(missed) > maxOwnerMisses {
		joined, err := c.Store.ListAssetOwners(ctx, assetID, p)
		if err != nil {
			return nil, err
		}
		// Warm a few of the missing owners, so that a page asked again
		// soon is served from the cache after a few requests.
		for _, i := range missed[:min(len(missed), maxOwnerWarm)] {
			if o := rows[i].Owner; o.Type == inventory.AgentUser {
				_, _ = c.User(ctx, o.ID)
			} else {
				_, _ = c.Group(ctx, o.ID)
			}
		}
		return joined, nil
	}
	for _, i := range missed {
		ua := &rows[i]
		if ua.Owner.Type == inventory.AgentUser {
			u, err := c.User(ctx, ua.Owner.ID)
			if err == nil {
				ua.OwnerName, ua.OwnerMember, ua.OwnerPrivacy, ua.OwnerBanned, ua.OwnerKnown = u.Name, u.Membership, u.Privacy, u.Banned, true
			} else if inventory.KindOf(err) != inventory.KindNotFound {
				return nil, err
			}
		} else {
			g, err := c.Group(ctx, ua.Owner.ID)
			if err == nil {
				ua.OwnerName, ua.OwnerKnown = g.Name, true
			} else if inventory.KindOf(err) != inventory.KindNotFound {
				return nil, err
			}
		}
	}
	return rows, nil
}
