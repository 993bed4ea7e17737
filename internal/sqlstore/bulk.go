package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// Bulk import (docs/bulk-import.md): the whole stream is one transaction,
// so an interrupted import leaves the store as it was. Owned copies, users
// and the social graph, the bulk of any large data set, take a fast path:
// multi-row prepared INSERTs, with existence checks answered from in-memory
// sets (one entry per user, group and asset, never per copy). On SQLite a
// large load also drops the secondary indexes of user_assets inside the
// transaction and rebuilds them at the end (a sorted build beats millions
// of random B-tree inserts), and adjusts a few settings for the duration of
// the load (loadPragmas). A 192 MiB page cache was measured no faster than
// 64 MiB and cost RSS.

const (
	bulkRowsPerInsert = 64 // rows per multi-row INSERT
	// bulkCacheKiB is the page cache during a load, which also bounds each
	// sorter run of the index rebuilds: half the store's 64 MiB, measured
	// as fast, keeps a 10M load's peak RSS further below 500 MB.
	bulkCacheKiB = 32 << 10
)

// bulkLedgerEvery is how many new copies reach the table between two
// INSERT ... SELECTs of their ledger rows during a load: few enough that
// the parser, a few documents ahead, does not wait (tests lower it with
// bulkDropIndexesAt).
const bulkLedgerEvery = 4096

// bulkDropIndexesAt is the number of copies after which SQLite's indexes
// are rebuilt at the end instead of maintained row by row (tests lower it).
var bulkDropIndexesAt int64 = 100_000

var userAssetInsertCols = []string{"id", "asset_id", "asset_type", "collectible", "owner_type", "owner_id", "serial",
	"instance_id", "hold_until", "expire_at", "created", "updated"}

// The positions in userAssetInsertCols of the columns bulk.clash reads.
var (
	colAsset    = slices.Index(userAssetInsertCols, "asset_id")
	colSerial   = slices.Index(userAssetInsertCols, "serial")
	colInstance = slices.Index(userAssetInsertCols, "instance_id")
)

var userInsertCols = []string{"id", "username", "display_name", "membership", "privacy", "banned", "created"}

var ledgerInsertCols = []string{"at", "op", "item_type", "item_id", "user_asset_id", "serial", "instance_id", "from_type", "from_id", "to_type", "to_id"}

// multiInsert returns an INSERT of n rows of cols, with an upsert tail.
// On SQLite the placeholders are anonymous "?": the driver looks up every
// parameter's name, a linear search per "$n" parameter, which made
// binding a many-row statement quadratic.
func (s *Store) multiInsert(verb, table string, cols []string, n int, tail string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s INTO %s (%s) VALUES ", verb, table, strings.Join(cols, ", "))
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		if s.d.Name == "sqlite" {
			b.WriteString(row)
			continue
		}
		b.WriteByte('(')
		b.WriteString(inList(i*len(cols)+1, len(cols)))
		b.WriteByte(')')
	}
	b.WriteString(tail)
	return b.String()
}

// deleteIDs returns a DELETE of the rows of table whose col is one of n
// values.
func (s *Store) deleteIDs(table, col string, n int) string {
	list := inList(1, n)
	if s.d.Name == "sqlite" {
		list = strings.TrimSuffix(strings.Repeat("?,", n), ",")
	}
	return "DELETE FROM " + table + " WHERE " + col + " IN (" + list + ")"
}

func upsertTail(cols []string) string {
	sets := make([]string, 0, len(cols)-1)
	for _, c := range cols[1:] {
		sets = append(sets, c+" = excluded."+c)
	}
	return " ON CONFLICT (" + cols[0] + ") DO UPDATE SET " + strings.Join(sets, ", ")
}

type bulkAsset struct {
	typ  int
	kind inventory.LimitedKind
	next int64 // the last serial given
}

// bulk is one ImportStream transaction.
type bulk struct {
	ctx    context.Context
	tx     *sql.Tx
	s      *Store
	im     *importer
	assets map[int64]*bulkAsset
	nextID int64
	now    int64

	// copies are upserted; fresh copies, with an id above any the store
	// or the stream had so far (all of them in a stream in id order), are
	// plain inserts: no upsert, no statement journal (rowBuffer.fail).
	copies, fresh, ledger, users, friends, follows *rowBuffer
	maxID                                          int64 // the largest copy id so far
	tableMax                                       int64 // the largest id written so far (rowBuffer.tableMax)
	// startMax is the largest userAssetId before the load: the ledger
	// rows of copies above it are written by INSERT ... SELECT, every
	// bulkLedgerEvery copies as they reach the table (the writer has time
	// to spare while the parser works; at the end it would not) and the
	// rest at the end; a copy at or below it replaces an existing one and
	// gets its ledger row as it goes.
	startMax int64
	above    bool  // some copy has id > startMax
	logged   int64 // the copies in (startMax, logged] have their ledger rows
	// relog holds the copies above startMax that went through the upsert
	// batch (a repeat, or an id out of order): one may have its ledger row
	// already, from before the update; at the end this load's ledger rows
	// for them (ids above ledgerStart) are written again from their last
	// state, so that every copy gets one row, as if all were logged at
	// the end.
	relog       map[int64]struct{}
	ledgerStart int64

	dropped bool     // the indexes are down
	rebuild []string // CREATE INDEX statements to run at the end
	st      inventory.BulkProgress
}

// ImportStream implements inventory.Store.
func (s *Store) ImportStream(ctx context.Context, next func() (*inventory.Fixture, error), progress func(inventory.BulkProgress)) (inventory.BulkProgress, error) {
	if progress == nil {
		progress = func(inventory.BulkProgress) {}
	}
	release, err := s.writeSlot(ctx, "bulk import")
	if err != nil {
		return inventory.BulkProgress{}, err
	}
	defer release()
	if s.d.Name == "sqlite" {
		restore, err := s.loadPragmas(ctx)
		if err != nil {
			return inventory.BulkProgress{}, s.wrap("bulk import", err)
		}
		defer restore()
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return inventory.BulkProgress{}, s.wrap("bulk import", err)
	}
	defer tx.Rollback()
	if err := s.lockCopies(ctx, tx, s.d.CopiesLock); err != nil {
		return inventory.BulkProgress{}, s.wrap("bulk import", err)
	}
	b := &bulk{ctx: ctx, tx: tx, s: s, im: newImporter(ctx, tx, s), assets: map[int64]*bulkAsset{}, now: ms(s.now())}
	defer b.im.close()
	b.copies = &rowBuffer{b: b, table: "user_assets", cols: userAssetInsertCols, replace: true, fail: true, keys: map[int64]struct{}{}}
	b.fresh = &rowBuffer{b: b, table: "user_assets", cols: userAssetInsertCols, fail: true, tableMax: &b.tableMax}
	b.ledger = &rowBuffer{b: b, table: "ownership_ledger", cols: ledgerInsertCols, fail: true}
	b.users = &rowBuffer{b: b, table: "users", cols: userInsertCols, tail: upsertTail(userInsertCols), keys: map[int64]struct{}{}}
	// A friendship is two rows (both directions): each add carries both.
	b.friends = &rowBuffer{b: b, table: "friendships", cols: []string{"user_id", "friend_id"}, pairs: true, ignore: true}
	b.follows = &rowBuffer{b: b, table: "follows", cols: []string{"follower_id", "following_id"}, ignore: true}
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM user_assets").Scan(&b.startMax); err != nil {
		return b.st, s.wrap("bulk import", err)
	}
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM ownership_ledger").Scan(&b.ledgerStart); err != nil {
		return b.st, s.wrap("bulk import", err)
	}
	b.maxID, b.tableMax, b.logged = b.startMax, b.startMax, b.startMax
	// Copies without a userAssetId are numbered above every id the
	// store gave, revoked ones included (lastUserAssetID).
	if err := tx.QueryRowContext(ctx, lastUserAssetID).Scan(&b.nextID); err != nil {
		return b.st, s.wrap("bulk import", err)
	}
	b.relog = map[int64]struct{}{}
	b.st.Phase = "load"
	for {
		f, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return b.st, err
		}
		if err := b.apply(f); err != nil {
			return b.st, s.wrap("bulk import", err)
		}
		progress(b.st)
	}
	if err := b.flush(); err != nil {
		return b.st, s.wrap("bulk import", err)
	}
	if err := b.ledgerRest(); err != nil {
		return b.st, s.wrap("bulk import: ledger", err)
	}
	if len(b.rebuild) > 0 {
		b.st.Phase = "index"
		progress(b.st)
		for _, q := range b.rebuild {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				if s.isConflict(err) {
					return b.st, b.clash(err)
				}
				return b.st, s.wrap("bulk import: rebuild index", err)
			}
		}
	}
	b.st.Phase = "commit"
	progress(b.st)
	if err := s.changeNotice(ctx, tx); err != nil {
		return b.st, s.wrap("bulk import: commit", err)
	}
	if err := tx.Commit(); err != nil {
		return b.st, s.wrap("bulk import: commit", err)
	}
	b.st.Phase = "done"
	return b.st, nil
}

// loadPragmas relaxes SQLite for a load on the writer connection and
// returns the function that restores the settings it found. synchronous
// OFF only gives up durability against power loss for this transaction's
// commit: WAL still makes the commit atomic.
func (s *Store) loadPragmas(ctx context.Context) (func(), error) {
	// threads: the sorter of the index rebuilds may use helper threads;
	// temp_store FILE: its runs go to temporary files, not memory (the
	// store's default), so a 10M-row rebuild stays within a bounded RSS.
	set := map[string]int64{"synchronous": 0, "threads": 2, "temp_store": 1, "cache_size": -bulkCacheKiB}
	old := map[string]int64{}
	for name, v := range set {
		var cur int64
		if err := s.w.QueryRowContext(ctx, "PRAGMA "+name).Scan(&cur); err != nil {
			return nil, err
		}
		old[name] = cur
		if _, err := s.w.ExecContext(ctx, fmt.Sprintf("PRAGMA %s = %d", name, v)); err != nil {
			return nil, err
		}
	}
	// With the database to itself (no other connection, in this process
	// or another: leaving WAL mode needs that, else it fails and the load
	// stays in WAL), the load runs in rollback-journal mode: new pages go
	// straight to the database file instead of once to the WAL and again
	// at the checkpoint, while a crash still rolls the load back from the
	// journal (which holds only the pages that existed before).
	var mode string
	journal := s.w.QueryRowContext(ctx, "PRAGMA journal_mode = DELETE").Scan(&mode) == nil && strings.EqualFold(mode, "delete")
	return func() {
		ctx := context.WithoutCancel(ctx)
		for name, v := range old {
			_, _ = s.w.ExecContext(ctx, fmt.Sprintf("PRAGMA %s = %d", name, v))
		}
		if journal {
			_, _ = s.w.ExecContext(ctx, "PRAGMA journal_mode = WAL")
		}
		_, _ = s.w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	}, nil
}

// rowBuffer batches rows of one table into multi-row INSERTs.
type rowBuffer struct {
	b           *bulk
	table, tail string
	cols        []string
	args        []any
	n           int
	pairs       bool // each add is two rows
	// fail: INSERT OR FAIL on SQLite. A constraint that aborts the
	// statement makes SQLite keep a statement journal (a copy of every
	// page the statement changes, to undo just that statement); FAIL stops
	// where it is instead, and the load's error rolls back the whole
	// transaction anyway. The journal cost a 1M load over a second.
	fail bool
	// ignore: rows whose key is taken are left out.
	ignore bool
	// replace: rows whose id (first column) is taken replace those rows:
	// a delete and an insert, as in Import, not ON CONFLICT (id), which
	// needs a unique index on id alone — one a table sharded by owner
	// cannot have (docs/scaling.md).
	replace bool
	// tableMax, on the fresh copies' buffer, is the largest id in the
	// table (SQLite); scratch holds a batch's values without the ids.
	tableMax *int64
	scratch  []any
	// keys, for upserts, holds the first column (the id) of each queued
	// row: PostgreSQL refuses an INSERT ... ON CONFLICT DO UPDATE that
	// touches one row twice, so a repeated id flushes the batch first and
	// a stream may update a row it gave a few lines before, as on SQLite.
	keys map[int64]struct{}
}

func (r *rowBuffer) add(vals ...any) error {
	if r.keys != nil {
		if id, ok := vals[0].(int64); ok {
			if _, dup := r.keys[id]; dup {
				if err := r.flush(); err != nil {
					return err
				}
			}
			r.keys[id] = struct{}{}
		}
	}
	r.args = append(r.args, vals...)
	r.n++
	if r.n == bulkRowsPerInsert {
		return r.flush()
	}
	return nil
}

func (r *rowBuffer) flush() error {
	if r.n == 0 {
		return nil
	}
	rows := r.n
	if r.pairs {
		rows *= 2
	}
	verb, cols, args, tail := "INSERT", r.cols, r.args, r.tail
	if r.ignore {
		// On SQLite, OR IGNORE rather than the upsert's DO NOTHING,
		// which needs a statement journal (rowBuffer.fail).
		if r.b.s.d.Name == "sqlite" {
			verb = "INSERT OR IGNORE"
		} else {
			tail = " ON CONFLICT DO NOTHING"
		}
	}
	if r.tableMax != nil {
		defer func(last int64) { *r.tableMax = max(*r.tableMax, last) }(r.args[(r.n-1)*len(cols)].(int64))
	}
	if r.fail && r.b.s.d.Name == "sqlite" {
		verb = "INSERT OR FAIL"
		if r.tableMax != nil {
			// Fresh copies: rows in increasing id order, so the batch
			// continues the table's ids when its first and last do.
			// Then SQLite numbers them itself (the rowid after the
			// largest): an INSERT that names an INTEGER PRIMARY KEY
			// needs a statement journal (the value might not be an
			// integer) even OR FAIL.
			first, last := r.args[0].(int64), r.args[(r.n-1)*len(cols)].(int64)
			if first == *r.tableMax+1 && last == *r.tableMax+int64(r.n) {
				r.scratch = r.scratch[:0]
				for i := 0; i < len(args); i += len(cols) {
					r.scratch = append(r.scratch, args[i+1:i+len(cols)]...)
				}
				cols, args = cols[1:], r.scratch
			}
		}
	}
	if r.replace {
		ids := make([]any, r.n)
		for i := range ids {
			ids[i] = r.args[i*len(r.cols)]
		}
		del, err := r.b.im.stmt(r.b.s.deleteIDs(r.table, r.cols[0], r.n))
		if err != nil {
			return err
		}
		if _, err := del.ExecContext(r.b.ctx, ids...); err != nil {
			return err
		}
	}
	st, err := r.b.im.stmt(r.b.s.multiInsert(verb, r.table, cols, rows, tail))
	if err != nil {
		return err
	}
	if _, err := st.ExecContext(r.b.ctx, args...); err != nil {
		return err
	}
	r.args, r.n = r.args[:0], 0
	clear(r.keys)
	return nil
}

func (b *bulk) apply(f *inventory.Fixture) error {
	// Users and the social graph, the largest sections after the copies,
	// go through multi-row INSERTs too; the rest through the importer.
	for _, u := range f.Users {
		if err := b.users.add(u.ID, u.Name, u.DisplayName, u.Membership, int(u.Privacy), b2i(u.Banned), ms(u.Created)); err != nil {
			return err
		}
		b.im.remember("users", u.ID)
	}
	for i, fr := range f.Friendships {
		path := f.PathOf("friendships", i)
		if err := b.im.need(path+".userId", "user", "users", "id", fr[0]); err != nil {
			return err
		}
		if err := b.im.need(path+".friendId", "user", "users", "id", fr[1]); err != nil {
			return err
		}
		if err := b.friends.add(fr[0], fr[1], fr[1], fr[0]); err != nil {
			return err
		}
	}
	for i, fo := range f.Follows {
		path := f.PathOf("follows", i)
		if err := b.im.need(path+".followerId", "user", "users", "id", fo[0]); err != nil {
			return err
		}
		if err := b.im.need(path+".followingId", "user", "users", "id", fo[1]); err != nil {
			return err
		}
		if err := b.follows.add(fo[0], fo[1]); err != nil {
			return err
		}
	}
	rest := *f
	rest.Users, rest.Friendships, rest.Follows = nil, nil, nil
	if err := b.im.people(&rest); err != nil {
		return err
	}
	for _, g := range f.Groups {
		b.im.remember("agent_groups", g.ID)
	}
	for _, a := range f.Assets {
		if b.assets[a.ID] != nil {
			// Copies of it may be queued: they reach the table before
			// the importer updates them to a changed type.
			if err := b.flush(); err != nil {
				return err
			}
			break
		}
	}
	if err := b.im.assets(f); err != nil {
		return err
	}
	for _, a := range f.Assets {
		b.im.remember("assets", a.ID)
		if ai := b.assets[a.ID]; ai != nil { // the import may have changed it
			ai.typ, ai.kind = int(a.Type), a.Limited
		}
	}
	if len(f.RetiredCopies) > 0 {
		// Checked against the copies written so far, queued ones included;
		// the copies after them are numbered above them.
		if err := b.flush(); err != nil {
			return err
		}
		if err := b.im.retired(f); err != nil {
			return err
		}
		for _, rc := range f.RetiredCopies {
			b.nextID = max(b.nextID, rc.UserAssetID)
			if a := b.assets[rc.AssetID]; a != nil && rc.Serial != nil {
				a.next = max(a.next, *rc.Serial)
			}
		}
	}
	for i := range f.UserAssets {
		if err := b.userAsset(&f.UserAssets[i]); err != nil {
			return err
		}
	}
	if len(b.im.taken) > 0 { // the batch's copies reach the table first
		if err := b.flush(); err != nil {
			return err
		}
		if err := b.im.dropTaken(); err != nil {
			return err
		}
	}
	n := len(f.Users) + len(f.Groups) + len(f.Friendships) + len(f.Follows) + len(f.Sessions) + len(f.Assets) +
		len(f.UserAssets) + len(f.GamePasses) + len(f.Badges) + len(f.Bundles) + len(f.UserItems) + len(f.Places) +
		len(f.UserPlaces) + len(f.Collections)
	for _, g := range f.GamePasses {
		b.im.remember("game_passes", g.ID)
	}
	for _, x := range f.Badges {
		b.im.remember("badges", x.ID)
	}
	for _, x := range f.Bundles {
		b.im.remember("bundles", x.ID)
	}
	if err := b.im.items(f); err != nil {
		return err
	}
	for _, p := range f.Places {
		b.im.remember("places", p.ID)
	}
	if err := b.im.places(f); err != nil {
		return err
	}
	b.st.Records += int64(n)
	return nil
}

// asset returns what the fast path needs of an asset, from the store once.
func (b *bulk) asset(path string, id int64) (*bulkAsset, error) {
	if a := b.assets[id]; a != nil {
		return a, nil
	}
	// The last serial in the store: with the indexes down, every asset
	// that existed was preloaded (dropIndexes), so a new one has none.
	// No copy of it can be queued yet: an asset enters b.assets before its
	// first copy does.
	maxSerial := "0"
	if !b.dropped {
		maxSerial = b.s.lastSerial("$1")
	}
	a := &bulkAsset{}
	var limited int
	st, err := b.im.stmt(`SELECT asset_type, limited, ` + maxSerial + ` FROM assets WHERE id = $1`)
	if err != nil {
		return nil, err
	}
	err = st.QueryRowContext(b.ctx, id).Scan(&a.typ, &limited, &a.next)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, invalid(inventory.JoinPath(path, "assetId"), "unknown asset %d", id)
	} else if err != nil {
		return nil, err
	}
	a.kind = inventory.LimitedKind(limited)
	b.assets[id] = a
	return a, nil
}

// userAsset queues one copy. Rules as in Import: serials only on numbered
// assets, instance ids only on collectibles, both generated when absent.
func (b *bulk) userAsset(ua *inventory.FixtureUserAsset) error {
	ai, err := b.asset(ua.Path, ua.AssetID)
	if err != nil {
		return err
	}
	if err := b.im.needAgent(inventory.JoinPath(ua.Path, "owner"), ua.Owner); err != nil {
		return err
	}
	if err := completeCopy(ua, ai.kind, &b.nextID, &ai.next); err != nil {
		return err
	}
	// A copy that may replace one (an id not above every id so far: not
	// the fresh-copy path) is read first, after any earlier line of the
	// stream for it reached the table: the owner it had loses the asset
	// from the collection if that was the last copy (took), and if the
	// store had it before the load its ledger row names that owner (from).
	var fromType, fromID any
	same := false // the copy is in the store with this owner and asset already
	if ua.ID <= b.maxID {
		if _, queued := b.copies.keys[ua.ID]; queued || b.fresh.n > 0 {
			if err := b.flush(); err != nil {
				return err
			}
		}
		from, fromAsset, err := b.im.owner(ua.ID)
		if err != nil {
			return err
		}
		b.im.took(from, fromAsset, ua)
		if from != nil && ua.ID <= b.startMax {
			fromType, fromID = int64(from.Type), from.ID
			same = *from == ua.Owner && fromAsset == ua.AssetID
		}
	}
	// A copy goes to the upsert batch or the plain one; a switch flushes
	// the other batch first so that rows reach the table in stream order.
	into, other := b.copies, b.fresh
	if ua.ID > b.maxID {
		b.maxID = ua.ID
		into, other = other, into
	}
	if other.n > 0 {
		if err := other.flush(); err != nil {
			return b.rowError(err)
		}
	}
	// int64 and nil only: database/sql passes them to the driver as they
	// are, where an int or a *int64 goes through reflection.
	var serial any
	if ua.Serial != nil {
		serial = *ua.Serial
	}
	if err := into.add(ua.ID, ua.AssetID, int64(ai.typ), int64(b2i(ai.kind != inventory.NotLimited)), int64(ua.Owner.Type), ua.Owner.ID,
		serial, nullStr(ua.InstanceID), optMS(ua.HoldUntil), optMS(ua.ExpireAt), ms(ua.Created), ms(ua.Updated)); err != nil {
		return b.rowError(err)
	}
	b.st.UserAssets++
	if ua.ID > b.startMax {
		b.above = true
		if into == b.copies {
			b.relog[ua.ID] = struct{}{}
		}
		if b.tableMax-b.logged >= min(bulkLedgerEvery, bulkDropIndexesAt) {
			if err := b.s.ledgerCopies(b.ctx, b.tx, inventory.LedgerImport, "id > $3 AND id <= $4", b.logged, b.tableMax); err != nil {
				return err
			}
			b.logged = b.tableMax
		}
	} else if same {
		// No change of ownership to record (a stream imported again).
	} else if err := b.ledger.add(b.now, int(inventory.LedgerImport), 0, ua.AssetID, ua.ID, ua.Serial,
		nullStr(ua.InstanceID), fromType, fromID, int(ua.Owner.Type), ua.Owner.ID); err != nil {
		return err
	}
	// Into a store without copies the indexes go at once: rebuilding
	// them costs what the load brings, nothing more.
	if !b.dropped && b.s.d.Name == "sqlite" && (b.st.UserAssets >= bulkDropIndexesAt || b.startMax == 0) {
		if err := b.flush(); err != nil {
			return err
		}
		return b.dropIndexes()
	}
	return nil
}

// ledgerRest writes the ledger rows the load still owes: those of the
// copies above startMax not logged yet, and again those of the copies in
// relog (see there).
func (b *bulk) ledgerRest() error {
	if !b.above {
		return nil
	}
	for id := range b.relog {
		if id > b.logged {
			continue // logged below
		}
		if _, err := b.tx.ExecContext(b.ctx, "DELETE FROM ownership_ledger WHERE user_asset_id = $1 AND id > $2", id, b.ledgerStart); err != nil {
			return err
		}
		if err := b.s.ledgerCopies(b.ctx, b.tx, inventory.LedgerImport, "id = $3", id); err != nil {
			return err
		}
	}
	return b.s.ledgerCopies(b.ctx, b.tx, inventory.LedgerImport, "id > $3", b.logged)
}

// flush writes the queued copies and ledger rows.
func (b *bulk) flush() error {
	for _, r := range []*rowBuffer{b.users, b.friends, b.follows, b.ledger} {
		if err := r.flush(); err != nil {
			return err
		}
	}
	for _, r := range []*rowBuffer{b.copies, b.fresh} { // at most one holds rows
		if err := r.flush(); err != nil {
			return b.rowError(err)
		}
	}
	return nil
}

func (b *bulk) rowError(err error) error {
	if b.s.isConflict(err) {
		return b.clash(err)
	}
	return err
}

// clash words a unique violation among copies alike on every store,
// naming the serial number and asset, or the collectibleItemInstanceId,
// that two copies share: a copy of the stream and one in the store or of
// the stream, found by a queued batch's insert or by an index rebuild at
// the end (a line can no longer be named then). PostgreSQL's error names
// the key (Dialect.UniqueKey), and its transaction cannot query after an
// error; SQLite's names the index, and the transaction still reads: the
// clash is looked for among the rows written, then the queued ones.
func (b *bulk) clash(err error) error {
	serial := func(asset, serial any) error {
		return invalid("userAssets", "serialNumber %v of asset %v is given to two copies", serial, asset)
	}
	instance := func(id any) error {
		return invalid("userAssets", "collectibleItemInstanceId %v is given to two copies", id)
	}
	if b.s.d.UniqueKey != nil {
		if cols, vals, ok := b.s.d.UniqueKey(err); ok {
			switch strings.Join(cols, ",") {
			case "asset_id,serial":
				return serial(vals[0], vals[1])
			case "instance_id":
				return instance(vals[0])
			}
		}
	} else {
		var a, n int64
		var id string
		switch {
		case strings.Contains(err.Error(), "serial"):
			q := "SELECT asset_id, serial FROM user_assets WHERE serial IS NOT NULL GROUP BY asset_id, serial HAVING COUNT(*) > 1 LIMIT 1"
			if b.tx.QueryRowContext(b.ctx, q).Scan(&a, &n) == nil {
				return serial(a, n)
			}
			if k, ok := b.queuedClash(colSerial, func(row []any) bool {
				return b.tx.QueryRowContext(b.ctx, "SELECT 1 FROM user_assets WHERE asset_id = $1 AND serial = $2", row[colAsset], row[colSerial]).Scan(new(int)) == nil
			}, colAsset); ok {
				return serial(k[0], k[1])
			}
		case strings.Contains(err.Error(), "instance_id"):
			q := "SELECT instance_id FROM user_assets WHERE instance_id IS NOT NULL GROUP BY instance_id HAVING COUNT(*) > 1 LIMIT 1"
			if b.tx.QueryRowContext(b.ctx, q).Scan(&id) == nil {
				return instance(id)
			}
			if k, ok := b.queuedClash(colInstance, func(row []any) bool {
				return b.tx.QueryRowContext(b.ctx, "SELECT 1 FROM user_assets WHERE instance_id = $1", row[colInstance]).Scan(new(int)) == nil
			}); ok {
				return instance(k[0])
			}
		}
	}
	return invalid("userAssets", "a serialNumber or collectibleItemInstanceId is given to two copies")
}

// queuedClash looks among the queued copies (userAssetInsertCols rows)
// for one whose column col (with the columns before it in also, as the
// key's first parts) is set and repeats in the queue or is in the store
// (inStore); it returns the key, asset first when also is given.
func (b *bulk) queuedClash(col int, inStore func(row []any) bool, also ...int) ([]any, bool) {
	seen := map[string]bool{}
	for _, r := range []*rowBuffer{b.copies, b.fresh} {
		w := len(r.cols)
		for i := 0; i+w <= len(r.args); i += w {
			row := r.args[i : i+w]
			if row[col] == nil {
				continue
			}
			var key []any
			for _, c := range also {
				key = append(key, row[c])
			}
			key = append(key, row[col])
			k := fmt.Sprint(key...)
			if seen[k] || inStore(row) {
				return key, true
			}
			seen[k] = true
		}
	}
	return nil, false
}

// dropIndexes drops the secondary indexes of user_assets (SQLite, inside
// the load's transaction) and remembers how to rebuild them. It first reads
// every asset's last serial, while the index still answers. The ledger's
// index stays: the ledger's rows arrive in its order (ledgerCopies at the
// end walks the new copies by id), so maintaining it is cheaper than a sort.
func (b *bulk) dropIndexes() error {
	err := each(b.ctx, b.tx, `SELECT a.id, a.asset_type, a.limited, `+b.s.lastSerial("a.id")+` FROM assets a`, func(sc scanner) error {
		var id int64
		var limited int
		a := &bulkAsset{}
		if err := sc.Scan(&id, &a.typ, &limited, &a.next); err != nil {
			return err
		}
		a.kind = inventory.LimitedKind(limited)
		if b.assets[id] == nil {
			b.assets[id] = a
		}
		return nil
	})
	if err != nil {
		return err
	}
	rows, err := b.tx.QueryContext(b.ctx, `SELECT name, sql FROM sqlite_master
		WHERE type = 'index' AND tbl_name = 'user_assets' AND sql IS NOT NULL ORDER BY name`)
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var name, q string
		if err := rows.Scan(&name, &q); err != nil {
			rows.Close()
			return err
		}
		names, b.rebuild = append(names, name), append(b.rebuild, q)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, n := range names {
		if _, err := b.tx.ExecContext(b.ctx, `DROP INDEX "`+n+`"`); err != nil {
			return err
		}
	}
	b.dropped = true
	return nil
}
