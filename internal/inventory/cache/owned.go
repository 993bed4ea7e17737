package cache

// The ownership cache: every copy an owner holds, and every copy of an
// asset, loaded whole from the store on first use and then answering
// is-owned, the items route, the inventory listings and the owners of an
// asset from memory.
//
// Coherence (docs/compatibility.md, "Caching"): the ownership cache only
// runs on a store with a change feed (inventory.ChangeFeed: SQLite's
// data_version, PostgreSQL's LISTEN/NOTIFY). A goroutine polls the feed
// every PollEvery (5 ms); any change, by any process, invalidates every
// entry (a generation bump), and while the feed cannot be read nothing is
// served from the cache. Writes through this process invalidate when they
// return, so a client reads its own writes at once; writes by another
// process show within one poll of their commit. An entry is tagged with the
// generation read before its load, so a load that raced a change is never
// served after it.
//
// Memory is bounded: entries are charged by size against a budget
// (Options.OwnedBytes: 40% for owners over 4 shards, 35% for the owners
// too big for a shard, such as a whale's 110,000 hats, 25% for assets over
// 2 shards),
// evicting stale entries first and then those not read lately (a CLOCK
// sweep), and refusing newcomers while every entry is in use, so that a
// working set larger than the budget does not thrash; an owner or asset
// whose copies would not fit is answered by the store.

import (
	"context"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// DefaultOwnedBytes is the default budget of the ownership cache.
const DefaultOwnedBytes = 64 << 20

// DefaultPollEvery is how often the change feed is read.
const DefaultPollEvery = 5 * time.Millisecond

// The shards of the ownership tables: owners are many and small, assets
// with many owners few and large.
const (
	ownerShards = 4
	assetShards = 2
)

// crow is one cached copy: 64 bytes; what few copies carry beyond the
// common fields (hold, expiry, instance id) is in x.
type crow struct {
	id, assetID, ownerID, created, updated int64
	serial                                 int64 // when hasSerial
	x                                      *cextra
	assetType                              int32
	ownerType                              uint8
	coll, hasSerial                        bool
}

type cextra struct {
	hold, expire       int64
	instance           string
	hasHold, hasExpire bool
}

const crowSize = int64(unsafe.Sizeof(crow{}))
const cextraSize = int64(unsafe.Sizeof(cextra{})) + 16 // + allocation overhead

func toCrow(c *inventory.OwnedCopy) (crow, int64) {
	r := crow{id: c.ID, assetID: c.AssetID, ownerID: c.OwnerID, created: c.Created, updated: c.Updated,
		serial: c.Serial, hasSerial: c.HasSerial, assetType: int32(c.AssetType), ownerType: uint8(c.OwnerType), coll: c.Collectible}
	if c.HasHold || c.HasExpire || c.InstanceID != "" {
		r.x = &cextra{hold: c.HoldUntil, expire: c.ExpireAt, instance: c.InstanceID, hasHold: c.HasHold, hasExpire: c.HasExpire}
		return r, crowSize + cextraSize + int64(len(c.InstanceID))
	}
	return r, crowSize
}

// userAssets returns the rows as the store's NoAsset/NoOwner listings
// return them, with the serial numbers of the page in one array (a
// 100-row owners page made 100 small allocations for them).
func userAssets(page []*crow) []inventory.UserAsset {
	out := make([]inventory.UserAsset, len(page))
	var serials []int64
	for i, r := range page {
		u := &out[i]
		u.ID, u.AssetID = r.id, r.assetID
		u.Owner = inventory.Agent{Type: inventory.AgentType(r.ownerType), ID: r.ownerID}
		u.Created, u.Updated = time.UnixMilli(r.created).UTC(), time.UnixMilli(r.updated).UTC()
		if r.hasSerial {
			if serials == nil {
				serials = make([]int64, len(page))
			}
			serials[i] = r.serial
			u.Serial = &serials[i]
		}
		if x := r.x; x != nil {
			u.InstanceID = x.instance
			if x.hasHold {
				t := time.UnixMilli(x.hold).UTC()
				u.HoldUntil = &t
			}
			if x.hasExpire {
				t := time.UnixMilli(x.expire).UTC()
				u.ExpireAt = &t
			}
		}
	}
	return out
}

// ownedEntry is the copies of one owner (rows by asset type then id, byID
// their positions by id, byAsset their positions per asset for large
// owners) or of one asset (rows by id).
type ownedEntry struct {
	gen     uint64
	size    int64
	used    atomic.Bool // read since the shard's last sweep (see store)
	rows    []crow
	byID    []int32
	byAsset map[int64][]int32
	// partial: rows are only the first of the key's copies in their
	// order (an asset with too many owners); see ownedTable.prefix.
	partial bool
}

// byAssetFrom is the owner size from which an entry indexes its rows by
// asset (below it, is-owned scans).
const byAssetFrom = 64

func newOwnerEntry(cs []inventory.OwnedCopy, gen uint64) *ownedEntry {
	e := &ownedEntry{gen: gen, rows: make([]crow, len(cs)), byID: make([]int32, len(cs))}
	for i := range cs {
		var n int64
		e.rows[i], n = toCrow(&cs[i])
		e.size += n + 4
		e.byID[i] = int32(i)
	}
	sort.Slice(e.byID, func(a, b int) bool { return e.rows[e.byID[a]].id < e.rows[e.byID[b]].id })
	if len(cs) >= byAssetFrom {
		e.byAsset = make(map[int64][]int32)
		for _, i := range e.byID {
			a := e.rows[i].assetID
			e.byAsset[a] = append(e.byAsset[a], i)
		}
		e.size += int64(len(e.byAsset))*64 + int64(len(cs))*4
	}
	return e
}

func newAssetEntry(cs []inventory.OwnedCopy, gen uint64) *ownedEntry {
	e := &ownedEntry{gen: gen, rows: make([]crow, len(cs))}
	for i := range cs {
		var n int64
		e.rows[i], n = toCrow(&cs[i])
		e.size += n
	}
	return e
}

type flight struct {
	done chan struct{}
	e    *ownedEntry
}

type ownedShard[K comparable] struct {
	mu      sync.RWMutex
	m       map[K]*ownedEntry
	size    int64
	loading map[K]*flight
	// skip holds keys the store answers for now (until the UnixNano
	// value): too big for the cache, or refused for want of room.
	skip map[K]int64
}

// How long a key is left to the store: one too big to cache, and one
// refused because the shard was full of entries in use (it gets another
// chance after that, so a key that became hot gets in).
const (
	skipBig     = time.Minute
	skipRefused = 5 * time.Second
)

type ownedTable[K comparable] struct {
	budget  int64 // per shard
	maxRows int   // per entry: what may be loaded
	shards  []ownedShard[K]
	// large holds the entries bigger than half a shard (a whale's
	// inventory), within a budget of its own; only its m and size are used.
	large       ownedShard[K]
	largeBudget int64
	// prefix, if not 0, is how many first rows of a key too big to hold
	// are kept as a partial entry (assets: the first owners by id).
	prefix int
}

// init splits total over n shards, and gives large entries a pool of
// their own of largeBytes (0: none). An entry may take half of its shard
// or all of the large pool; owners with more copies, or assets with more
// owners, are answered by the store.
func (t *ownedTable[K]) init(total int64, n int, largeBytes int64) {
	t.shards = make([]ownedShard[K], n)
	t.budget = max(total/int64(n), 1)
	t.largeBudget = largeBytes
	t.maxRows = int(max(t.budget/2, largeBytes) / crowSize)
	t.large.m = map[K]*ownedEntry{}
	for i := range t.shards {
		sh := &t.shards[i]
		sh.m, sh.loading, sh.skip = map[K]*ownedEntry{}, map[K]*flight{}, map[K]int64{}
	}
}

// get returns the servable entry of k, loading it if needed; nil means
// "ask the store" (no feed, too big, or the load failed: the store then
// answers, with its own error if it has one).
func (t *ownedTable[K]) get(ctx context.Context, c *Store, k K, hash uint64,
	load func(context.Context, int) ([]inventory.OwnedCopy, error), build func([]inventory.OwnedCopy, uint64) *ownedEntry) *ownedEntry {
	if !c.feedOK.Load() {
		return nil
	}
	gen := c.gen.Load()
	sh := &t.shards[hash%uint64(len(t.shards))]
	sh.mu.RLock()
	e := sh.m[k]
	until, skip := sh.skip[k]
	sh.mu.RUnlock()
	if (e == nil || e.gen != gen) && t.largeBudget > 0 {
		t.large.mu.RLock()
		if le := t.large.m[k]; le != nil {
			e = le
		}
		t.large.mu.RUnlock()
	}
	if e != nil && e.gen == gen {
		if !e.used.Load() {
			e.used.Store(true)
		}
		return e
	}
	if skip && time.Now().UnixNano() < until {
		return nil
	}
	sh.mu.Lock()
	if fl := sh.loading[k]; fl != nil {
		sh.mu.Unlock()
		select {
		case <-fl.done:
		case <-ctx.Done():
			return nil
		}
		if fl.e != nil && fl.e.gen == c.gen.Load() {
			return fl.e
		}
		return nil
	}
	fl := &flight{done: make(chan struct{})}
	sh.loading[k] = fl
	sh.mu.Unlock()

	cs, err := load(ctx, t.maxRows+1)
	var ne *ownedEntry
	isLarge := false
	if err == nil && len(cs) <= t.maxRows {
		ne = build(cs, gen)
		if isLarge = ne.size > t.budget/2; isLarge && ne.size > t.largeBudget {
			ne = nil
		}
	}
	if err == nil && ne == nil && t.prefix > 0 {
		// Too big to hold whole: keep the first rows, which answer the
		// first pages in ascending order (the default).
		ne = build(cs[:min(len(cs), t.prefix)], gen)
		ne.partial = true
		isLarge = ne.size > t.budget/2
	}
	sh.mu.Lock()
	delete(sh.loading, k)
	if len(sh.skip) >= 4096 {
		clear(sh.skip)
	}
	switch {
	case err != nil:
	case ne == nil:
		sh.skip[k] = time.Now().Add(skipBig).UnixNano()
	case c.gen.Load() == gen && c.feedOK.Load():
		// An entry lives in its shard or in the large pool, never both
		// (a key that grew or shrank past half a shard moves).
		var ok bool
		t.large.mu.Lock()
		if !isLarge {
			t.large.drop(k)
			ok = store(sh, k, ne, gen, t.budget)
		} else {
			sh.drop(k)
			ok = store(&t.large, k, ne, gen, t.largeBudget)
		}
		t.large.mu.Unlock()
		if ok {
			delete(sh.skip, k)
		} else {
			sh.skip[k] = time.Now().Add(skipRefused).UnixNano()
		}
	}
	sh.mu.Unlock()
	fl.e = ne
	close(fl.done)
	if ne != nil && ne.gen == c.gen.Load() {
		return ne
	}
	return nil
}

// store puts e in sh (locked) if it fits in budget after evicting, first,
// entries of an older generation, then (a CLOCK sweep) entries not read
// since the last sweep, whose marks it clears. It reports whether e went
// in: when the shard is full of entries in use it refuses newcomers
// rather than thrash (each refusal would cost a whole load for one page).
func store[K comparable](sh *ownedShard[K], k K, e *ownedEntry, gen uint64, budget int64) bool {
	sh.drop(k)
	if sh.size+e.size > budget {
		for k2, o := range sh.m {
			if o.gen != gen {
				sh.drop(k2)
			}
		}
	}
	if sh.size+e.size > budget {
		for k2, o := range sh.m {
			if !o.used.Load() {
				sh.drop(k2)
			} else {
				o.used.Store(false)
			}
		}
	}
	if sh.size+e.size > budget {
		return false
	}
	e.used.Store(true)
	sh.m[k] = e
	sh.size += e.size
	return true
}

// drop removes k's entry from sh (locked), if it has one.
func (sh *ownedShard[K]) drop(k K) {
	if old := sh.m[k]; old != nil {
		sh.size -= old.size
		delete(sh.m, k)
	}
}

func hashAgent(a inventory.Agent) uint64 {
	return (uint64(a.ID)*31 + uint64(a.Type)) * 0x9E3779B97F4A7C15
}

func hashID(id int64) uint64 { return uint64(id) * 0x9E3779B97F4A7C15 }

func (c *Store) ownerEntry(ctx context.Context, owner inventory.Agent) *ownedEntry {
	if !c.owned {
		return nil
	}
	return c.owners.get(ctx, c, owner, hashAgent(owner), func(ctx context.Context, limit int) ([]inventory.OwnedCopy, error) {
		return c.Store.OwnerCopies(ctx, owner, limit)
	}, newOwnerEntry)
}

func (c *Store) assetEntry(ctx context.Context, assetID int64) *ownedEntry {
	if !c.owned {
		return nil
	}
	return c.assetCopies.get(ctx, c, assetID, hashID(assetID), func(ctx context.Context, limit int) ([]inventory.OwnedCopy, error) {
		return c.Store.AssetCopies(ctx, assetID, limit)
	}, newAssetEntry)
}

// pageOf walks n rows in key order (at(i) is the i-th row, key its sort
// key) as the store's keyset listing does (sqlstore.keyset): from just
// past p.After, Limit matching rows, in display order.
func pageOf(n int, at func(int) *crow, key func(*crow) inventory.Key, match func(*crow) bool, p inventory.Page) []*crow {
	less := func(a, b inventory.Key) bool { return a.Type < b.Type || (a.Type == b.Type && a.ID < b.ID) }
	asc := (p.Order != inventory.Desc) != p.Backward
	out := make([]*crow, 0, min(p.Limit, 16))
	if p.Limit <= 0 {
		return out
	}
	if asc {
		i := 0
		if p.After != nil {
			i = sort.Search(n, func(i int) bool { return less(*p.After, key(at(i))) })
		}
		for ; i < n && len(out) < p.Limit; i++ {
			if r := at(i); match(r) {
				out = append(out, r)
			}
		}
	} else {
		i := n - 1
		if p.After != nil {
			i = sort.Search(n, func(i int) bool { return !less(key(at(i)), *p.After) }) - 1
		}
		for ; i >= 0 && len(out) < p.Limit; i-- {
			if r := at(i); match(r) {
				out = append(out, r)
			}
		}
	}
	if p.Backward {
		slices.Reverse(out)
	}
	return out
}

// ownerPage answers q from an owner entry.
func (e *ownedEntry) ownerPage(q inventory.UserAssetQuery) []*crow {
	var types map[int32]bool
	if len(q.Types) > 0 {
		types = make(map[int32]bool, len(q.Types))
		for _, t := range q.Types {
			types[int32(t)] = true
		}
	}
	match := func(r *crow) bool {
		return (types == nil || types[r.assetType]) && (!q.CollectiblesOnly || r.coll)
	}
	if q.MultiType {
		return pageOf(len(e.rows), func(i int) *crow { return &e.rows[i] },
			func(r *crow) inventory.Key { return inventory.Key{Type: int64(r.assetType), ID: r.id} }, match, q.Page)
	}
	byID := func(r *crow) inventory.Key { return inventory.Key{ID: r.id} }
	if len(q.Types) == 1 {
		// One type: its rows are one run of the (type, id) order, by id.
		t := int32(q.Types[0])
		lo := sort.Search(len(e.rows), func(i int) bool { return e.rows[i].assetType >= t })
		hi := sort.Search(len(e.rows), func(i int) bool { return e.rows[i].assetType > t })
		run := e.rows[lo:hi]
		return pageOf(len(run), func(i int) *crow { return &run[i] }, byID, match, q.Page)
	}
	return pageOf(len(e.byID), func(i int) *crow { return &e.rows[e.byID[i]] }, byID, match, q.Page)
}

// copiesOf lists an owner entry's copies of an asset, by id, at most limit.
func (e *ownedEntry) copiesOf(assetID int64, limit int) []*crow {
	var out []*crow
	if e.byAsset != nil {
		for _, i := range e.byAsset[assetID] {
			if len(out) == limit {
				break
			}
			out = append(out, &e.rows[i])
		}
		return out
	}
	for _, i := range e.byID {
		if len(out) == limit {
			break
		}
		if r := &e.rows[i]; r.assetID == assetID {
			out = append(out, r)
		}
	}
	return out
}

// watch polls the change feed until ctx ends (see the package comment).
func (c *Store) watch(ctx context.Context, feed inventory.ChangeFeed, every time.Duration) {
	defer close(c.watchDone)
	t := time.NewTicker(every)
	defer t.Stop()
	var last uint64
	have := false
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		v, err := feed.ChangeVersion(pctx)
		cancel()
		switch {
		case err != nil:
			c.feedOK.Store(false)
			c.Invalidate()
			if have && c.onFeed != nil {
				c.onFeed(false, err)
			}
			have = false
		case !have || v != last:
			c.Invalidate()
			c.feedOK.Store(true)
			if !have && c.onFeed != nil {
				c.onFeed(true, nil)
			}
			last, have = v, true
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
