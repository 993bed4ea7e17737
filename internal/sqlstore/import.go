package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/inventoryd/inventoryd/internal/inventory"
)

// importer carries one Import transaction.
type importer struct {
	ctx context.Context
	tx  *sql.Tx
	s   *Store
	// stmts, when set (newImporter), caches prepared statements by text:
	// the SQLite driver would otherwise prepare every statement anew, which
	// was half of a large document's import (SQLite's parser, per row).
	// The one-off checks of admin writes run unprepared.
	stmts map[string]*sql.Stmt
	// known, when set, remembers rows known to exist, by table, so that
	// references are checked against the store once.
	known map[string]map[int64]bool
	// taken holds the collection entries to check once the copies are
	// written (dropTaken).
	taken map[taken]struct{}
}

// newImporter returns an importer working in tx; close releases its
// statements.
func newImporter(ctx context.Context, tx *sql.Tx, s *Store) *importer {
	return &importer{ctx: ctx, tx: tx, s: s, stmts: map[string]*sql.Stmt{}, known: map[string]map[int64]bool{}}
}

func (im *importer) close() {
	for _, st := range im.stmts {
		st.Close()
	}
}

// remember notes that table holds id.
func (im *importer) remember(table string, id int64) {
	if im.known == nil {
		return
	}
	m := im.known[table]
	if m == nil {
		m = map[int64]bool{}
		im.known[table] = m
	}
	m[id] = true
}

// stmt returns the cached prepared statement for q.
func (im *importer) stmt(q string) (*sql.Stmt, error) {
	if st := im.stmts[q]; st != nil {
		return st, nil
	}
	st, err := im.tx.PrepareContext(im.ctx, q)
	if err == nil {
		im.stmts[q] = st
	}
	return st, err
}

func (im *importer) exec(q string, args ...any) error {
	if im.stmts == nil {
		_, err := im.tx.ExecContext(im.ctx, q, args...)
		return err
	}
	st, err := im.stmt(q)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(im.ctx, args...)
	return err
}

// queryRow runs q (prepared once, when statements are cached) for one
// row.
func (im *importer) queryRow(q string, args ...any) *sql.Row {
	if im.stmts == nil {
		return im.tx.QueryRowContext(im.ctx, q, args...)
	}
	st, err := im.stmt(q)
	if err != nil {
		// A Row carries the failure (on PostgreSQL, where a failed
		// prepare aborts the transaction, as "transaction is aborted").
		return im.tx.QueryRowContext(im.ctx, q, args...)
	}
	return st.QueryRowContext(im.ctx, args...)
}

func (im *importer) exists(table, col string, id int64) (bool, error) {
	if im.known[table][id] {
		return true, nil
	}
	var one int
	err := im.queryRow("SELECT 1 FROM "+table+" WHERE "+col+" = $1", id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err == nil {
		im.remember(table, id)
	}
	return err == nil, err
}

func invalid(path, format string, args ...any) error {
	return &inventory.Error{Kind: inventory.KindInvalid, Message: path + ": " + fmt.Sprintf(format, args...)}
}

// need fails with path when the row is absent.
func (im *importer) need(path, what, table, col string, id int64) error {
	ok, err := im.exists(table, col, id)
	if err != nil {
		return err
	}
	if !ok {
		return invalid(path, "unknown %s %d", what, id)
	}
	return nil
}

func (im *importer) needAgent(path string, a inventory.Agent) error {
	if a.Type == inventory.AgentGroup {
		return im.need(path+".id", "group", "agent_groups", "id", a.ID)
	}
	return im.need(path+".id", "user", "users", "id", a.ID)
}

// Import implements inventory.Store.
func (s *Store) Import(ctx context.Context, f *inventory.Fixture) error {
	return s.tx(ctx, "import", func(tx *sql.Tx) error {
		if err := s.lockCopies(ctx, tx, s.d.CopiesLock); err != nil {
			return err
		}
		im := newImporter(ctx, tx, s)
		defer im.close()
		if f.Hash != "" {
			var one int
			err := tx.QueryRowContext(ctx, "SELECT 1 FROM fixture_imports WHERE hash = $1", f.Hash).Scan(&one)
			if err == nil {
				return nil // imported before: idempotent
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		steps := []func(*inventory.Fixture) error{im.people, im.assets, im.retired, im.userAssets, im.items, im.places}
		for _, step := range steps {
			if err := step(f); err != nil {
				return err
			}
		}
		if f.Hash != "" {
			return im.exec("INSERT INTO fixture_imports (hash, imported) VALUES ($1, $2)", f.Hash, ms(s.now()))
		}
		return nil
	})
}

func (im *importer) people(f *inventory.Fixture) error {
	for _, u := range f.Users {
		if err := im.exec(`INSERT INTO users (id, username, display_name, membership, privacy, banned, created)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET username = excluded.username,
			display_name = excluded.display_name, membership = excluded.membership, privacy = excluded.privacy,
			banned = excluded.banned, created = excluded.created`,
			u.ID, u.Name, u.DisplayName, u.Membership, int(u.Privacy), b2i(u.Banned), ms(u.Created)); err != nil {
			return err
		}
	}
	for _, g := range f.Groups {
		if err := im.exec("INSERT INTO agent_groups (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = excluded.name", g.ID, g.Name); err != nil {
			return err
		}
	}
	for i, fr := range f.Friendships {
		path := f.PathOf("friendships", i)
		if err := im.need(path+".userId", "user", "users", "id", fr[0]); err != nil {
			return err
		}
		if err := im.need(path+".friendId", "user", "users", "id", fr[1]); err != nil {
			return err
		}
		for _, pair := range [][2]int64{fr, {fr[1], fr[0]}} {
			if err := im.exec("INSERT INTO friendships (user_id, friend_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", pair[0], pair[1]); err != nil {
				return err
			}
		}
	}
	for i, fo := range f.Follows {
		path := f.PathOf("follows", i)
		if err := im.need(path+".followerId", "user", "users", "id", fo[0]); err != nil {
			return err
		}
		if err := im.need(path+".followingId", "user", "users", "id", fo[1]); err != nil {
			return err
		}
		if err := im.exec("INSERT INTO follows (follower_id, following_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", fo[0], fo[1]); err != nil {
			return err
		}
	}
	for i, se := range f.Sessions {
		if err := im.need(f.PathOf("sessions", i)+".userId", "user", "users", "id", se.UserID); err != nil {
			return err
		}
		if err := im.exec(`INSERT INTO sessions (token_hash, user_id, created) VALUES ($1, $2, $3)
			ON CONFLICT (token_hash) DO UPDATE SET user_id = excluded.user_id`, se.TokenHash, se.UserID, ms(im.s.now())); err != nil {
			return err
		}
	}
	return nil
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (im *importer) assets(f *inventory.Fixture) error {
	for i, a := range f.Assets {
		// The creator must exist, as on the admin API (CreateAsset):
		// users and groups of the same document are in already (people).
		if err := im.needAgent(f.PathOf("assets", i)+".creator", a.Creator); err != nil {
			return err
		}
		// Copies carry their asset's type and collectible flag, and serials
		// and instance ids by its limited kind (completeCopy): an asset
		// named again may change its type, which its copies then follow,
		// but not its kind while it has copies, which would leave them
		// without the serials or instance ids the kind needs, or with ones
		// it forbids.
		var typ, kind int
		err := im.tx.QueryRowContext(im.ctx, "SELECT asset_type, limited FROM assets WHERE id = $1", a.ID).Scan(&typ, &kind)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case inventory.LimitedKind(kind) != a.Limited:
			var one int
			err := im.tx.QueryRowContext(im.ctx, "SELECT 1 FROM user_assets WHERE asset_id = $1 LIMIT 1", a.ID).Scan(&one)
			if err == nil {
				return invalid(f.PathOf("assets", i), "asset %d has owned copies, so it cannot change from %s to %s (isLimited, isLimitedUnique, collectibleItemId)",
					a.ID, kindWords(inventory.LimitedKind(kind)), kindWords(a.Limited))
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if err == nil && typ != int(a.Type) {
			if err := im.exec("UPDATE user_assets SET asset_type = $1 WHERE asset_id = $2", int(a.Type), a.ID); err != nil {
				return err
			}
			// Only packages have contents: a package that becomes
			// another type loses them (else export would write
			// packageAssetIds on a hat, which no import accepts).
			if typ == int(inventory.AssetTypePackage) {
				if err := im.exec("DELETE FROM package_assets WHERE package_id = $1", a.ID); err != nil {
					return err
				}
			}
		}
		err = im.exec(`INSERT INTO assets (id, name, asset_type, creator_type, creator_id, limited, collectible_item_id,
			rap, original_price, stock, price, moderation, created, updated)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, asset_type = excluded.asset_type,
			creator_type = excluded.creator_type, creator_id = excluded.creator_id, limited = excluded.limited,
			collectible_item_id = excluded.collectible_item_id, rap = excluded.rap, original_price = excluded.original_price,
			stock = excluded.stock, price = excluded.price, moderation = excluded.moderation,
			created = excluded.created, updated = excluded.updated`,
			a.ID, a.Name, int(a.Type), int(a.Creator.Type), a.Creator.ID, int(a.Limited), nullStr(a.CollectibleItemID),
			a.RAP, a.OriginalPrice, a.Stock, a.Price, int(a.Moderation), ms(a.Created), ms(a.Updated))
		if err != nil {
			if im.s.d.Kind(err) == inventory.KindConflict {
				return invalid(f.PathOf("assets", i)+".collectibleItemId", "already used by another asset")
			}
			return err
		}
	}
	for i, a := range f.Assets {
		if a.Type != inventory.AssetTypePackage {
			continue
		}
		if err := im.exec("DELETE FROM package_assets WHERE package_id = $1", a.ID); err != nil {
			return err
		}
		for j, id := range a.PackageAssetIDs {
			if err := im.need(fmt.Sprintf("%s.packageAssetIds[%d]", f.PathOf("assets", i), j), "asset", "assets", "id", id); err != nil {
				return err
			}
			if err := im.exec("INSERT INTO package_assets (package_id, position, asset_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", a.ID, j, id); err != nil {
				return err
			}
		}
	}
	// With every package's contents written, so that a cycle within the
	// document shows too: a cycle has an edge of this document.
	for i, a := range f.Assets {
		if a.Type == inventory.AssetTypePackage && len(a.PackageAssetIDs) > 0 {
			if err := im.cycleIn(f.PathOf("assets", i)+".packageAssetIds", a.ID, a.PackageAssetIDs); err != nil {
				return err
			}
		}
	}
	return nil
}

// cycleQuery finds the first position of package $1's contents from which
// $1 is reached again (through package_assets): the contents, and the
// contents of each, recursively. UNION, not UNION ALL, ends the walk on a
// cycle already stored.
const cycleQuery = `WITH RECURSIVE r(pos, id) AS (
		SELECT position, asset_id FROM package_assets WHERE package_id = $1
		UNION SELECT r.pos, pa.asset_id FROM r JOIN package_assets pa ON pa.package_id = r.id)
	SELECT MIN(pos) FROM r WHERE id = $1`

// owner returns the owner copy id has in the store, nil when there is
// no such copy, and the asset it is a copy of.
func (im *importer) owner(id int64) (*inventory.Agent, int64, error) {
	var a inventory.Agent
	var asset int64
	switch err := im.queryRow("SELECT owner_type, owner_id, asset_id FROM user_assets WHERE id = $1", id).Scan(&a.Type, &a.ID, &asset); {
	case errors.Is(err, sql.ErrNoRows):
		return nil, 0, nil
	case err != nil:
		return nil, 0, err
	}
	return &a, asset, nil
}

// taken is a user's asset, of which an import replaced a copy the user
// held by one of another owner or another asset.
type taken struct{ user, asset int64 }

// took notes that the copy ua replaced one of asset held by from.
func (im *importer) took(from *inventory.Agent, asset int64, ua *inventory.FixtureUserAsset) {
	if from == nil || from.Type != inventory.AgentUser || (*from == ua.Owner && asset == ua.AssetID) {
		return
	}
	if im.taken == nil {
		im.taken = map[taken]struct{}{}
	}
	im.taken[taken{from.ID, asset}] = struct{}{}
}

// dropTaken removes from the users' collections the assets of which an
// import took copies (took) and of which they own no copy any more, as a
// transfer does (dropCollection): once the document's (or the batch's)
// copies are all written, so that one given back in it keeps its place,
// and before its collections, which it may name again.
func (im *importer) dropTaken() error {
	for k := range im.taken {
		if err := dropCollection(im.ctx, im.tx, inventory.Agent{Type: inventory.AgentUser, ID: k.user}, k.asset); err != nil {
			return err
		}
	}
	clear(im.taken)
	return nil
}

// retired records the document's retired copies (Fixture.RetiredCopies)
// as the ledger's Revokes, so that their ids and serials are never given
// again (lastUserAssetID, lastSerial): one row for each, unless the
// ledger has a Revoke of that copy already (a store importing its own
// export). A retired copy that is live in the store is refused.
func (im *importer) retired(f *inventory.Fixture) error {
	for i, rc := range f.RetiredCopies {
		path := f.PathOf("retiredCopies", i)
		if err := im.need(inventory.JoinPath(path, "assetId"), "asset", "assets", "id", rc.AssetID); err != nil {
			return err
		}
		live, _, err := im.owner(rc.UserAssetID)
		if err != nil {
			return err
		}
		if live != nil {
			return invalid(inventory.JoinPath(path, "userAssetId"), "copy %d exists (owned by %s %d), so it cannot be retired", rc.UserAssetID, live.Type, live.ID)
		}
		var one int
		err = im.tx.QueryRowContext(im.ctx, "SELECT 1 FROM ownership_ledger WHERE user_asset_id = $1 AND op = $2 LIMIT 1",
			rc.UserAssetID, int(inventory.LedgerRevoke)).Scan(&one)
		if err == nil {
			continue
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := im.ledger(inventory.LedgerEntry{At: im.s.now(), Op: inventory.LedgerRevoke,
			ItemType: inventory.ItemAsset, ItemID: rc.AssetID, UserAssetID: rc.UserAssetID, Serial: rc.Serial}); err != nil {
			return err
		}
	}
	return nil
}

// kindWords names a limited kind as a fixture document states it.
func kindWords(k inventory.LimitedKind) string {
	switch k {
	case inventory.Limited:
		return "a limited"
	case inventory.LimitedUnique:
		return "a limited-unique asset"
	case inventory.Collectible:
		return "a UGC collectible"
	}
	return "a non-limited asset"
}

// Ids and serials stay below 2^53 (migration 0001, docs/fixtures.md): a
// copy past the last has no id or serial left to generate; the admin grant
// refuses it with the same words.
var idsExhausted = fmt.Sprintf("userAssetId %d, the largest allowed (2^53-1), is already given", int64(inventory.MaxID))

func serialsExhausted(asset int64) string {
	return fmt.Sprintf("asset %d has given serial number %d, the largest allowed (2^53-1)", asset, int64(inventory.MaxID))
}

// completeCopy checks a document's copy against its asset's kind and fills
// in what the document left out: the userAssetId (the next after *nextID),
// the serial of a numbered asset (the next after *nextSerial) and the
// instance id of a collectible. The counters also advance past ids and
// serials the document names, so a stream needs no look-ahead. The
// document import and the bulk stream import share it.
func completeCopy(ua *inventory.FixtureUserAsset, kind inventory.LimitedKind, nextID, nextSerial *int64) error {
	if ua.Serial != nil && !kind.HasSerials() {
		return invalid(inventory.JoinPath(ua.Path, "serialNumber"), "asset %d is not limited-unique or a collectible, so its copies have no serial numbers", ua.AssetID)
	}
	if ua.InstanceID != "" && kind != inventory.Collectible {
		return invalid(inventory.JoinPath(ua.Path, "collectibleItemInstanceId"), "asset %d is not a collectible", ua.AssetID)
	}
	if ua.ID == 0 {
		if *nextID >= inventory.MaxID {
			return invalid(inventory.JoinPath(ua.Path, "userAssetId"), "cannot be generated: %s", idsExhausted)
		}
		*nextID++
		ua.ID = *nextID
	} else if ua.ID > *nextID {
		*nextID = ua.ID
	}
	if kind.HasSerials() {
		if ua.Serial == nil {
			if *nextSerial >= inventory.MaxID {
				return invalid(inventory.JoinPath(ua.Path, "serialNumber"), "cannot be generated: %s", serialsExhausted(ua.AssetID))
			}
			*nextSerial++
			v := *nextSerial
			ua.Serial = &v
		} else if *ua.Serial > *nextSerial {
			*nextSerial = *ua.Serial
		}
	}
	if ua.InstanceID == "" && kind == inventory.Collectible {
		ua.InstanceID = uuid.NewString()
	}
	return nil
}

func (im *importer) userAssets(f *inventory.Fixture) error {
	if len(f.UserAssets) == 0 {
		return nil
	}
	var nextID int64
	if err := im.tx.QueryRowContext(im.ctx, lastUserAssetID).Scan(&nextID); err != nil {
		return err
	}
	for _, ua := range f.UserAssets {
		if ua.ID > nextID {
			nextID = ua.ID
		}
	}
	type assetInfo struct {
		typ, limited int
		next         int64
	}
	// The largest serial the document names for each asset: those are
	// taken. (One pass; a scan of every copy per asset made large
	// documents quadratic: 45 s for 150,000 copies of 1,000 assets.)
	named := map[int64]int64{}
	for _, ua := range f.UserAssets {
		if ua.Serial != nil && *ua.Serial > named[ua.AssetID] {
			named[ua.AssetID] = *ua.Serial
		}
	}
	info := map[int64]*assetInfo{}
	for _, ua := range f.UserAssets {
		ai := info[ua.AssetID]
		if ai == nil {
			ai = &assetInfo{}
			err := im.tx.QueryRowContext(im.ctx, `SELECT asset_type, limited, `+im.s.lastSerial("$1")+` FROM assets WHERE id = $1`,
				ua.AssetID).Scan(&ai.typ, &ai.limited, &ai.next)
			if errors.Is(err, sql.ErrNoRows) {
				return invalid(inventory.JoinPath(ua.Path, "assetId"), "unknown asset %d", ua.AssetID)
			} else if err != nil {
				return err
			}
			ai.next = max(ai.next, named[ua.AssetID])
			info[ua.AssetID] = ai
		}
		if err := im.needAgent(inventory.JoinPath(ua.Path, "owner"), ua.Owner); err != nil {
			return err
		}
		kind := inventory.LimitedKind(ai.limited)
		if err := completeCopy(&ua, kind, &nextID, &ai.next); err != nil {
			return err
		}
		// A copy named again is replaced: a delete and an insert, not ON
		// CONFLICT (id), which needs a unique index on id alone — one a
		// table sharded by owner cannot have (docs/scaling.md). Its
		// ledger row names the owner it had (from).
		from, fromAsset, err := im.owner(ua.ID)
		if err != nil {
			return err
		}
		im.took(from, fromAsset, &ua)
		if err := im.exec("DELETE FROM user_assets WHERE id = $1", ua.ID); err != nil {
			return err
		}
		err = im.exec(`INSERT INTO user_assets (id, asset_id, asset_type, collectible, owner_type, owner_id, serial,
			instance_id, hold_until, expire_at, created, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			ua.ID, ua.AssetID, ai.typ, b2i(kind != inventory.NotLimited), int(ua.Owner.Type), ua.Owner.ID, ua.Serial,
			nullStr(ua.InstanceID), optMS(ua.HoldUntil), optMS(ua.ExpireAt), ms(ua.Created), ms(ua.Updated))
		if err != nil {
			if im.s.d.Kind(err) == inventory.KindConflict {
				return invalid(ua.Path, "serial number or collectibleItemInstanceId already used by another copy of asset %d", ua.AssetID)
			}
			return err
		}
		if from != nil && *from == ua.Owner && fromAsset == ua.AssetID {
			continue // the same owner's again: no change of ownership to record
		}
		owner := ua.Owner
		if err := im.ledger(inventory.LedgerEntry{At: im.s.now(), Op: inventory.LedgerImport,
			ItemType: inventory.ItemAsset, ItemID: ua.AssetID, UserAssetID: ua.ID, Serial: ua.Serial,
			InstanceID: ua.InstanceID, From: from, To: &owner}); err != nil {
			return err
		}
	}
	return im.dropTaken()
}

func (im *importer) items(f *inventory.Fixture) error {
	for _, g := range f.GamePasses {
		if err := im.exec(`INSERT INTO game_passes (id, name, place_id, price) VALUES ($1, $2, $3, $4)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, place_id = excluded.place_id, price = excluded.price`,
			g.ID, g.Name, g.PlaceID, g.Price); err != nil {
			return err
		}
	}
	for _, b := range f.Badges {
		if err := im.exec(`INSERT INTO badges (id, name, place_id) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, place_id = excluded.place_id`, b.ID, b.Name, b.PlaceID); err != nil {
			return err
		}
	}
	for _, b := range f.Bundles {
		if err := im.exec(`INSERT INTO bundles (id, name, bundle_type) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, bundle_type = excluded.bundle_type`, b.ID, b.Name, b.Type); err != nil {
			return err
		}
	}
	tables := map[inventory.ItemType][2]string{inventory.ItemGamePass: {"game pass", "game_passes"},
		inventory.ItemBadge: {"badge", "badges"}, inventory.ItemBundle: {"bundle", "bundles"}}
	for i, it := range f.UserItems {
		path := f.PathOf("userItems", i)
		if err := im.need(path+".userId", "user", "users", "id", it.UserID); err != nil {
			return err
		}
		t := tables[it.Type]
		if err := im.need(path+".itemId", t[0], t[1], "id", it.ItemID); err != nil {
			return err
		}
		if err := im.exec(`INSERT INTO user_items (user_id, item_type, item_id, instance_id, created) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (user_id, item_type, item_id) DO UPDATE SET instance_id = excluded.instance_id, created = excluded.created`,
			it.UserID, int(it.Type), it.ItemID, it.InstanceID, ms(it.Created)); err != nil {
			return err
		}
	}
	stamps, err := im.collectionStamps(f.Collections)
	if err != nil {
		return err
	}
	for _, c := range f.Collections {
		if err := im.need(c.Path+".userId", "user", "users", "id", c.UserID); err != nil {
			return err
		}
		what, table := "asset", "assets"
		if c.Item.Type == inventory.ItemBundle {
			what, table = "bundle", "bundles"
		}
		if err := im.need(c.Path+".itemId", what, table, "id", c.Item.ItemID); err != nil {
			return err
		}
		stamps[c.UserID]++
		if err := im.exec("INSERT INTO collections (user_id, item_type, item_id, created) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
			c.UserID, int(c.Item.Type), c.Item.ItemID, stamps[c.UserID]); err != nil {
			return err
		}
	}
	return nil
}

// collectionStamps returns, per user of cs, the created stamp (ms) just
// before the one of the user's first entry in cs. A collection is listed
// (and exported) in the order of created, and export writes no time: an
// import keeps the order of the document by stamping a user's entries one
// millisecond apart, in document order, the last at the clock's now —
// but all after the user's entries already stored, so that a document (or
// a later batch of a stream) appends to a collection, never interleaves.
func (im *importer) collectionStamps(cs []inventory.FixtureCollection) (map[int64]int64, error) {
	if len(cs) == 0 {
		return nil, nil
	}
	n := map[int64]int64{}
	for _, c := range cs {
		n[c.UserID]++
	}
	now := ms(im.s.now())
	base := make(map[int64]int64, len(n))
	for user, k := range n {
		var last int64
		if err := im.queryRow("SELECT COALESCE(MAX(created), 0) FROM collections WHERE user_id = $1", user).Scan(&last); err != nil {
			return nil, err
		}
		base[user] = max(now-k, last)
	}
	return base, nil
}

func (im *importer) places(f *inventory.Fixture) error {
	for i, p := range f.Places {
		// As on the admin API (SavePlace): a user or group creator must
		// exist; an Experience is no row of the store.
		if p.Creator.Type != inventory.AgentExperience {
			if err := im.needAgent(f.PathOf("places", i)+".creator", p.Creator); err != nil {
				return err
			}
		}
		if err := im.exec(`INSERT INTO places (place_id, universe_id, name, creator_type, creator_id, price) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (place_id) DO UPDATE SET universe_id = excluded.universe_id, name = excluded.name,
			creator_type = excluded.creator_type, creator_id = excluded.creator_id, price = excluded.price`,
			p.ID, p.UniverseID, p.Name, int(p.Creator.Type), p.Creator.ID, p.Price); err != nil {
			return err
		}
	}
	for _, up := range f.UserPlaces {
		if err := im.need(up.Path+".userId", "user", "users", "id", up.UserID); err != nil {
			return err
		}
		if err := im.need(up.Path+".placeId", "place", "places", "place_id", up.PlaceID); err != nil {
			return err
		}
		if err := im.exec("INSERT INTO user_places (user_id, tab, place_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
			up.UserID, int(up.Tab), up.PlaceID); err != nil {
			return err
		}
	}
	return nil
}
