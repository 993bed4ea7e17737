package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"sort"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// Export implements inventory.Store: it streams every table, section by
// section in fixture order, from one read transaction (one snapshot), so
// the document re-imports to the state the store had when it began.
func (s *Store) Export(ctx context.Context, sink inventory.RecordSink) error {
	// An export holds a connection for as long as its reader takes: only
	// a few run at once (LimitExports).
	release, err := s.slot(ctx, s.exportSlots, "export", "too many exports running")
	if err != nil {
		return err
	}
	defer release()
	// An export reads each section with one statement whose rows are
	// read as fast as the sink takes them (a slow pipe, gzip, a client on
	// the other side of the world): no per-step deadline and no
	// statement_timeout, which cut a large store's export short on
	// PostgreSQL. The caller's cancellation still stops it.
	ctx = Unbounded(ctx)
	opts := &sql.TxOptions{ReadOnly: true}
	if s.d.Name == "postgres" {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.r.BeginTx(ctx, opts)
	if err != nil {
		return s.wrap("export", err)
	}
	defer tx.Rollback()
	if s.d.Name == "postgres" {
		// Nor idle_in_transaction_session_timeout: between two sections
		// the session is idle while a slow reader drains the last rows.
		for _, q := range []string{"SET LOCAL statement_timeout = 0", "SET LOCAL idle_in_transaction_session_timeout = 0"} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return s.wrap("export", err)
			}
		}
	}
	pkgs := map[int64][]int64{}
	err = each(ctx, tx, "SELECT package_id, asset_id FROM package_assets ORDER BY package_id, position", func(sc scanner) error {
		var p, a int64
		err := sc.Scan(&p, &a)
		pkgs[p] = append(pkgs[p], a)
		return err
	})
	if err != nil {
		return s.wrap("export", err)
	}
	for _, step := range s.exportSteps(pkgs) {
		if err := each(ctx, tx, step.q, func(sc scanner) error {
			rec, err := step.scan(sc)
			if err != nil {
				return err
			}
			return sink.Record(step.section, rec)
		}); err != nil {
			return s.wrap("export "+step.section, err)
		}
		if step.section == "assets" {
			if err := exportPackages(ctx, tx, pkgs, sink); err != nil {
				return s.wrap("export assets", err)
			}
		}
	}
	return nil
}

// exportPackages writes the packages, after the other assets, each after
// the packages it contains, so that a stream re-imports however its
// batches fall (a record may refer only to earlier batches): by depth (0
// for a package without packages in it, else one more than the deepest
// package in it), then by id. Packages are a small part of a catalog and
// their contents are in memory already (pkgs), so they are sorted in
// memory. Imports refuse cycles (cycleIn); should a store hold one anyway,
// the edge that closes it is not followed, so that export still ends.
func exportPackages(ctx context.Context, tx *sql.Tx, pkgs map[int64][]int64, sink inventory.RecordSink) error {
	var all []inventory.Asset
	err := each(ctx, tx, "SELECT "+assetCols+" FROM assets a WHERE a.asset_type = 32 ORDER BY a.id", func(sc scanner) error {
		a, err := scanAsset(sc)
		all = append(all, a)
		return err
	})
	if err != nil {
		return err
	}
	const visiting = -1
	depth := make(map[int64]int, len(all))
	for _, a := range all {
		depth[a.ID] = 0
	}
	done := make(map[int64]bool, len(all))
	var walk func(id int64) int
	walk = func(id int64) int {
		if done[id] {
			return depth[id]
		}
		if depth[id] == visiting {
			return visiting // a cycle: the edge is not followed
		}
		depth[id] = visiting
		d := 0
		for _, c := range pkgs[id] {
			if _, ok := depth[c]; ok { // a package
				d = max(d, walk(c)+1)
			}
		}
		depth[id], done[id] = d, true
		return d
	}
	for _, a := range all {
		walk(a.ID)
	}
	sort.SliceStable(all, func(i, j int) bool { return depth[all[i].ID] < depth[all[j].ID] })
	for _, a := range all {
		if err := sink.Record("assets", inventory.AssetRecordOf(a, pkgs[a.ID])); err != nil {
			return err
		}
	}
	return nil
}

// each runs q and calls fn for every row.
func each(ctx context.Context, tx *sql.Tx, q string, fn func(scanner) error) error {
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// contents returns a package's contents, and nothing for another type:
// a store written before an import that changes a package's type deleted
// its contents may still hold them (docs/fixtures.md: packageAssetIds
// only on packages).
func contents(a inventory.Asset, pkgs map[int64][]int64) []int64 {
	if a.Type != inventory.AssetTypePackage {
		return nil
	}
	return pkgs[a.ID]
}

type exportStep struct {
	section, q string
	scan       func(scanner) (any, error)
}

func optAgent(t, id int64) inventory.Agent {
	return inventory.Agent{Type: inventory.AgentType(t), ID: id}
}

func (s *Store) exportSteps(pkgs map[int64][]int64) []exportStep {
	return []exportStep{
		{"users", "SELECT id, username, display_name, membership, privacy, banned, created FROM users ORDER BY id", func(sc scanner) (any, error) {
			var u inventory.User
			var created int64
			err := sc.Scan(&u.ID, &u.Name, &u.DisplayName, &u.Membership, &u.Privacy, &u.Banned, &created)
			u.Created = fromMS(created)
			return inventory.UserRecordOf(u), err
		}},
		{"groups", "SELECT id, name FROM agent_groups ORDER BY id", func(sc scanner) (any, error) {
			var g inventory.GroupRecord
			return g, sc.Scan(&g.ID, &g.Name)
		}},
		// Friendships are stored both ways; one row of each pair is enough.
		{"friendships", "SELECT user_id, friend_id FROM friendships WHERE user_id < friend_id ORDER BY user_id, friend_id", func(sc scanner) (any, error) {
			var f inventory.FriendshipRecord
			return f, sc.Scan(&f.UserID, &f.FriendID)
		}},
		{"follows", "SELECT follower_id, following_id FROM follows ORDER BY follower_id, following_id", func(sc scanner) (any, error) {
			var f inventory.FollowRecord
			return f, sc.Scan(&f.FollowerID, &f.FollowingID)
		}},
		{"sessions", "SELECT user_id, token_hash FROM sessions ORDER BY user_id, token_hash", func(sc scanner) (any, error) {
			var r inventory.SessionRecord
			var h []byte
			err := sc.Scan(&r.UserID, &h)
			r.CookieSHA256 = hex.EncodeToString(h)
			return r, err
		}},
		// The assets but packages, which follow (exportPackages).
		{"assets", "SELECT " + assetCols + " FROM assets a WHERE a.asset_type <> 32 ORDER BY a.id", func(sc scanner) (any, error) {
			a, err := scanAsset(sc)
			return inventory.AssetRecordOf(a, contents(a, pkgs)), err
		}},
		// The copies revoked or deleted (a Revoke in the ledger, and no copy
		// by that id now), before the live ones, so that an import numbers
		// new copies above them (Fixture.RetiredCopies).
		{"retiredCopies", `SELECT l.user_asset_id, MAX(l.item_id), MAX(l.serial) FROM ownership_ledger l
			WHERE l.op = 3 AND l.item_type = 0 AND l.user_asset_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM user_assets ua WHERE ua.id = l.user_asset_id)
			GROUP BY l.user_asset_id ORDER BY l.user_asset_id`, func(sc scanner) (any, error) {
			var r inventory.RetiredCopyRecord
			var serial sql.NullInt64
			err := sc.Scan(&r.UserAssetID, &r.AssetID, &serial)
			r.Serial = optInt(serial)
			return r, err
		}},
		{"userAssets", "SELECT " + userAssetCols + " FROM user_assets ua ORDER BY ua.id", func(sc scanner) (any, error) {
			var r userAssetRow
			err := sc.Scan(r.dest()...)
			return inventory.UserAssetRecordOf(r.userAsset()), err
		}},
		{"gamePasses", "SELECT id, name, place_id, price FROM game_passes ORDER BY id", func(sc scanner) (any, error) {
			var g inventory.GamePassRecord
			var place, price sql.NullInt64
			err := sc.Scan(&g.ID, &g.Name, &place, &price)
			g.PlaceID, g.Price = optInt(place), optInt(price)
			return g, err
		}},
		{"badges", "SELECT id, name, place_id FROM badges ORDER BY id", func(sc scanner) (any, error) {
			var b inventory.BadgeRecord
			var place sql.NullInt64
			err := sc.Scan(&b.ID, &b.Name, &place)
			b.PlaceID = optInt(place)
			return b, err
		}},
		{"bundles", "SELECT id, name, bundle_type FROM bundles ORDER BY id", func(sc scanner) (any, error) {
			var b inventory.BundleRecord
			return b, sc.Scan(&b.ID, &b.Name, &b.BundleType)
		}},
		{"userItems", "SELECT user_id, item_type, item_id, instance_id, created FROM user_items ORDER BY user_id, item_type, item_id", func(sc scanner) (any, error) {
			var r inventory.UserItemRecord
			var t int
			var inst sql.NullInt64
			var created int64
			err := sc.Scan(&r.UserID, &t, &r.ItemID, &inst, &created)
			r.ItemType, r.InstanceID, r.Created = inventory.ItemType(t).String(), optInt(inst), inventory.FormatTime(fromMS(created))
			return r, err
		}},
		{"places", "SELECT place_id, universe_id, name, creator_type, creator_id, price FROM places ORDER BY place_id", func(sc scanner) (any, error) {
			var p inventory.Place
			var uni, price sql.NullInt64
			var ct, cid int64
			err := sc.Scan(&p.ID, &uni, &p.Name, &ct, &cid, &price)
			p.UniverseID, p.Price, p.Creator = optInt(uni), optInt(price), optAgent(ct, cid)
			return inventory.PlaceRecordOf(p), err
		}},
		{"userPlaces", "SELECT user_id, tab, place_id FROM user_places ORDER BY user_id, tab, place_id", func(sc scanner) (any, error) {
			var r inventory.UserPlaceRecord
			var tab int
			err := sc.Scan(&r.UserID, &tab, &r.PlaceID)
			r.PlacesTab = inventory.PlacesTab(tab).String()
			return r, err
		}},
		{"collections", "SELECT user_id, item_type, item_id FROM collections ORDER BY user_id, created, item_type, item_id", func(sc scanner) (any, error) {
			var r inventory.CollectionRecord
			var t int
			err := sc.Scan(&r.UserID, &t, &r.ItemID)
			r.ItemType = inventory.ItemType(t).String()
			return r, err
		}},
	}
}

type unboundedKey struct{}

// Unbounded marks ctx as a long operation's (an export): a store with
// per-step deadlines (PostgreSQL's query_timeout) leaves its steps
// without one.
func Unbounded(ctx context.Context) context.Context {
	return context.WithValue(ctx, unboundedKey{}, true)
}

// IsUnbounded reports whether ctx was marked by Unbounded.
func IsUnbounded(ctx context.Context) bool {
	v, _ := ctx.Value(unboundedKey{}).(bool)
	return v
}
