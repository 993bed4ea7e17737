package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/inventoryd/inventoryd/internal/inventory"
)

// The admin write side (inventory.AdminStore). Each method is one
// transaction through s.tx.

func notFound(format string, args ...any) error {
	return inventory.Errorf(inventory.KindNotFound, format, args...)
}

func conflict(format string, args ...any) error {
	return inventory.Errorf(inventory.KindConflict, format, args...)
}

// isConflict reports whether err is a uniqueness violation.
func (s *Store) isConflict(err error) bool {
	return err != nil && s.d.Kind(err) == inventory.KindConflict
}

// execOne runs q and fails with ifNone when it changed no row.
func execOne(ctx context.Context, tx *sql.Tx, ifNone error, q string, args ...any) error {
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		err = ifNone
	}
	return err
}

// mustExist fails with KindNotFound when the row is absent.
func (s *Store) mustExist(ctx context.Context, tx *sql.Tx, what, table, col string, id int64) error {
	ok, err := (&importer{ctx: ctx, tx: tx, s: s}).exists(table, col, id)
	if err == nil && !ok {
		err = notFound("%s %d not found", what, id)
	}
	return err
}

// mustAgent fails with KindInvalid (a bad reference in a request body)
// when the user or group is absent.
func (s *Store) mustAgent(ctx context.Context, tx *sql.Tx, field string, a inventory.Agent) error {
	return (&importer{ctx: ctx, tx: tx, s: s}).needAgent(field, a)
}

// patch collects "col = $n" assignments.
type patch struct {
	sets []string
	args []any
}

func (p *patch) set(col string, v any) {
	p.args = append(p.args, v)
	p.sets = append(p.sets, fmt.Sprintf("%s = $%d", col, len(p.args)))
}

// exec runs UPDATE table SET ... WHERE key = id and reports whether a row matched.
func (p *patch) exec(ctx context.Context, tx *sql.Tx, table, key string, id int64) (bool, error) {
	if len(p.sets) == 0 {
		var one int
		err := tx.QueryRowContext(ctx, "SELECT 1 FROM "+table+" WHERE "+key+" = $1", id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return err == nil, err
	}
	q := fmt.Sprintf("UPDATE %s SET %s WHERE %s = $%d", table, strings.Join(p.sets, ", "), key, len(p.args)+1)
	res, err := tx.ExecContext(ctx, q, append(p.args, id)...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// CreateUser implements inventory.AdminStore.
func (s *Store) CreateUser(ctx context.Context, u inventory.User) error {
	return s.tx(ctx, "create user", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, username, display_name, membership, privacy, banned, created)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, u.ID, u.Name, u.DisplayName, u.Membership, int(u.Privacy), b2i(u.Banned), ms(u.Created))
		if s.isConflict(err) {
			return conflict("user %d already exists", u.ID)
		}
		return err
	})
}

// UpdateUser implements inventory.AdminStore.
func (s *Store) UpdateUser(ctx context.Context, id int64, p inventory.UserPatch) (inventory.User, error) {
	var u inventory.User
	err := s.tx(ctx, "update user", func(tx *sql.Tx) error {
		var up patch
		if p.Name != nil {
			up.set("username", *p.Name)
		}
		if p.DisplayName != nil {
			up.set("display_name", *p.DisplayName)
		}
		if p.Membership != nil {
			up.set("membership", *p.Membership)
		}
		if p.Privacy != nil {
			up.set("privacy", int(*p.Privacy))
		}
		if p.Banned != nil {
			up.set("banned", b2i(*p.Banned))
		}
		ok, err := up.exec(ctx, tx, "users", "id", id)
		if err != nil {
			return err
		}
		if !ok {
			return notFound("user %d not found", id)
		}
		var created int64
		err = tx.QueryRowContext(ctx, `SELECT id, username, display_name, membership, privacy, banned, created
			FROM users WHERE id = $1`, id).Scan(&u.ID, &u.Name, &u.DisplayName, &u.Membership, &u.Privacy, &u.Banned, &created)
		u.Created = fromMS(created)
		return err
	})
	return u, err
}

// setPair inserts or deletes rows of a two-column relation table.
func (s *Store) setPair(ctx context.Context, op, table, cols string, a, b int64, on, symmetric bool) error {
	return s.tx(ctx, op, func(tx *sql.Tx) error {
		for _, id := range []int64{a, b} {
			if err := s.mustExist(ctx, tx, "user", "users", "id", id); err != nil {
				return err
			}
		}
		pairs := [][2]int64{{a, b}}
		if symmetric {
			pairs = append(pairs, [2]int64{b, a})
		}
		c := strings.Split(cols, ", ")
		var n int64
		for _, p := range pairs {
			q := "INSERT INTO " + table + " (" + cols + ") VALUES ($1, $2) ON CONFLICT DO NOTHING"
			if !on {
				q = "DELETE FROM " + table + " WHERE " + c[0] + " = $1 AND " + c[1] + " = $2"
			}
			res, err := tx.ExecContext(ctx, q, p[0], p[1])
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += k
		}
		if !on && n == 0 {
			return notFound("no such relation between users %d and %d", a, b)
		}
		return nil
	})
}

// SetFriendship implements inventory.AdminStore.
func (s *Store) SetFriendship(ctx context.Context, a, b int64, on bool) error {
	return s.setPair(ctx, "friendship", "friendships", "user_id, friend_id", a, b, on, true)
}

// SetFollow implements inventory.AdminStore.
func (s *Store) SetFollow(ctx context.Context, follower, following int64, on bool) error {
	return s.setPair(ctx, "follow", "follows", "follower_id, following_id", follower, following, on, false)
}

// CreateSession implements inventory.AdminStore.
func (s *Store) CreateSession(ctx context.Context, userID int64, tokenHash []byte) error {
	return s.tx(ctx, "create session", func(tx *sql.Tx) error {
		if err := s.mustExist(ctx, tx, "user", "users", "id", userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO sessions (token_hash, user_id, created) VALUES ($1, $2, $3)", tokenHash, userID, ms(s.now()))
		return err
	})
}

// RevokeSessions implements inventory.AdminStore.
func (s *Store) RevokeSessions(ctx context.Context, userID int64, tokenHash []byte) (int, error) {
	var n int64
	err := s.tx(ctx, "revoke sessions", func(tx *sql.Tx) error {
		q, args := "DELETE FROM sessions WHERE user_id = $1", []any{userID}
		if tokenHash != nil {
			q, args = q+" AND token_hash = $2", append(args, tokenHash)
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// saveRow inserts (create) or replaces one catalog row keyed by its first column.
func (s *Store) saveRow(ctx context.Context, what, table string, cols []string, vals []any, create bool, check func(*sql.Tx) error) error {
	return s.tx(ctx, "save "+what, func(tx *sql.Tx) error {
		if check != nil {
			if err := check(tx); err != nil {
				return err
			}
		}
		if create {
			_, err := tx.ExecContext(ctx, fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, strings.Join(cols, ", "), inList(1, len(cols))), vals...)
			if s.isConflict(err) {
				return conflict("%s %d already exists", what, vals[0])
			}
			return err
		}
		var up patch
		for i := 1; i < len(cols); i++ {
			up.set(cols[i], vals[i])
		}
		ok, err := up.exec(ctx, tx, table, cols[0], vals[0].(int64))
		if err == nil && !ok {
			err = notFound("%s %d not found", what, vals[0])
		}
		return err
	})
}

// SaveGroup implements inventory.AdminStore.
func (s *Store) SaveGroup(ctx context.Context, g inventory.Group, create bool) error {
	return s.saveRow(ctx, "group", "agent_groups", []string{"id", "name"}, []any{g.ID, g.Name}, create, nil)
}

// SaveGamePass implements inventory.AdminStore.
func (s *Store) SaveGamePass(ctx context.Context, g inventory.GamePass, create bool) error {
	return s.saveRow(ctx, "game pass", "game_passes", []string{"id", "name", "place_id", "price"}, []any{g.ID, g.Name, g.PlaceID, g.Price}, create, nil)
}

// SaveBadge implements inventory.AdminStore.
func (s *Store) SaveBadge(ctx context.Context, b inventory.Badge, create bool) error {
	return s.saveRow(ctx, "badge", "badges", []string{"id", "name", "place_id"}, []any{b.ID, b.Name, b.PlaceID}, create, nil)
}

// SaveBundle implements inventory.AdminStore.
func (s *Store) SaveBundle(ctx context.Context, b inventory.Bundle, create bool) error {
	return s.saveRow(ctx, "bundle", "bundles", []string{"id", "name", "bundle_type"}, []any{b.ID, b.Name, b.Type}, create, nil)
}

// SavePlace implements inventory.AdminStore.
func (s *Store) SavePlace(ctx context.Context, p inventory.Place, create bool) error {
	return s.saveRow(ctx, "place", "places", []string{"place_id", "universe_id", "name", "creator_type", "creator_id", "price"},
		[]any{p.ID, p.UniverseID, p.Name, int(p.Creator.Type), p.Creator.ID, p.Price}, create, func(tx *sql.Tx) error {
			if p.Creator.Type == inventory.AgentExperience {
				return nil
			}
			return s.mustAgent(ctx, tx, "creator", p.Creator)
		})
}

// Place implements inventory.AdminStore.
func (s *Store) Place(ctx context.Context, id int64) (inventory.Place, error) {
	var p inventory.Place
	var uni, price sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT place_id, universe_id, name, creator_type, creator_id, price FROM places WHERE place_id = $1`, id).
		Scan(&p.ID, &uni, &p.Name, &p.Creator.Type, &p.Creator.ID, &price)
	p.UniverseID, p.Price = optInt(uni), optInt(price)
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound("place %d not found", id)
	}
	return p, s.wrap("place", err)
}

// CreateAsset implements inventory.AdminStore.
func (s *Store) CreateAsset(ctx context.Context, a inventory.FixtureAsset) error {
	return s.tx(ctx, "create asset", func(tx *sql.Tx) error {
		if err := s.mustAgent(ctx, tx, "creator", a.Creator); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO assets (id, name, asset_type, creator_type, creator_id, limited, collectible_item_id,
			rap, original_price, stock, price, moderation, created, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			a.ID, a.Name, int(a.Type), int(a.Creator.Type), a.Creator.ID, int(a.Limited), nullStr(a.CollectibleItemID),
			a.RAP, a.OriginalPrice, a.Stock, a.Price, int(a.Moderation), ms(a.Created), ms(a.Updated))
		if s.isConflict(err) {
			return conflict("asset %d (or its collectibleItemId) already exists", a.ID)
		}
		if err != nil {
			return err
		}
		return s.setPackage(&importer{ctx: ctx, tx: tx, s: s}, a.ID, a.PackageAssetIDs)
	})
}

// UpdateAsset implements inventory.AdminStore.
func (s *Store) UpdateAsset(ctx context.Context, id int64, p inventory.AssetPatch) (inventory.Asset, error) {
	var a inventory.Asset
	err := s.tx(ctx, "update asset", func(tx *sql.Tx) error {
		var up patch
		if p.Name != nil {
			up.set("name", *p.Name)
		}
		for _, f := range []struct {
			col string
			v   inventory.Opt[int64]
		}{{"rap", p.RAP}, {"original_price", p.OriginalPrice}, {"stock", p.Stock}, {"price", p.Price}} {
			if f.v.Set {
				up.set(f.col, f.v.Value)
			}
		}
		if p.Moderation != nil {
			up.set("moderation", int(*p.Moderation))
		}
		up.set("updated", ms(s.now()))
		ok, err := up.exec(ctx, tx, "assets", "id", id)
		if err != nil {
			return err
		}
		if !ok {
			return notFound("asset %d not found", id)
		}
		if a, err = scanAsset(tx.QueryRowContext(ctx, "SELECT "+assetCols+" FROM assets a WHERE a.id = $1", id)); err != nil {
			return err
		}
		if p.PackageAssetIDs != nil {
			if a.Type != inventory.AssetTypePackage {
				return invalid("packageAssetIds", "only packages (assetType Package) have contents")
			}
			return s.setPackage(&importer{ctx: ctx, tx: tx, s: s}, id, *p.PackageAssetIDs)
		}
		return nil
	})
	return a, err
}

// UserAsset implements inventory.AdminStore.
func (s *Store) UserAsset(ctx context.Context, id int64) (inventory.UserAsset, error) {
	return s.userAsset(ctx, s.r.QueryRowContext(ctx, "SELECT "+userAssetCols+" FROM user_assets ua WHERE ua.id = $1", id), id)
}

func (s *Store) userAsset(ctx context.Context, row *sql.Row, id int64) (inventory.UserAsset, error) {
	var r userAssetRow
	err := row.Scan(r.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return inventory.UserAsset{}, notFound("user asset %d not found", id)
	}
	if err != nil {
		return inventory.UserAsset{}, s.wrap("user asset", err)
	}
	return r.userAsset(), nil
}

// idTaken marks a grant whose MAX+1 userAssetId a concurrent transaction
// took first (PostgreSQL; SQLite's one writer never races): Grant runs again.
var idTaken = errors.New("user asset id taken concurrently")

// Grant implements inventory.AdminStore. Every grant reads MAX(id) of
// all copies, so on PostgreSQL concurrent grants conflict (a unique
// violation on the id, or a serialization failure under serializable
// isolation) more often than tx's few quick retries absorb: Grant retries
// further, with jitter so that the losers do not collide again.
func (s *Store) Grant(ctx context.Context, g inventory.GrantRequest) (inventory.UserAsset, error) {
	for attempt := 1; ; attempt++ {
		ua, err := s.grant(ctx, g)
		if err == nil || attempt == 40 || !(errors.Is(err, idTaken) || s.d.Retryable(err)) {
			return ua, err
		}
		select {
		case <-ctx.Done():
			return ua, err
		case <-time.After(time.Duration(1+rand.IntN(5*min(attempt, 10))) * time.Millisecond):
		}
	}
}

func (s *Store) grant(ctx context.Context, g inventory.GrantRequest) (inventory.UserAsset, error) {
	var ua inventory.UserAsset
	err := s.tx(ctx, "grant", func(tx *sql.Tx) error {
		if err := s.lockCopies(ctx, tx, s.d.CopiesShareLock); err != nil {
			return err
		}
		var typ, limited int
		var stock sql.NullInt64
		// The asset row is the lock that serializes grants of one asset
		// (ForUpdate), so stock and serials are read and used atomically.
		err := tx.QueryRowContext(ctx, "SELECT asset_type, limited, stock FROM assets WHERE id = $1"+s.d.ForUpdate, g.AssetID).Scan(&typ, &limited, &stock)
		if errors.Is(err, sql.ErrNoRows) { // a reference in the body: 400 naming it
			return invalid("assetId", "unknown asset %d", g.AssetID)
		} else if err != nil {
			return err
		}
		if err := s.mustAgent(ctx, tx, "owner", g.Owner); err != nil {
			return err
		}
		var count, maxSerial int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), `+s.lastSerial("$1")+` FROM user_assets WHERE asset_id = $1`,
			g.AssetID).Scan(&count, &maxSerial); err != nil {
			return err
		}
		if stock.Valid && count >= stock.Int64 {
			return conflict("asset %d is sold out: its stock of %d copies is exhausted", g.AssetID, stock.Int64)
		}
		kind := inventory.LimitedKind(limited)
		now := s.now().UTC().Truncate(time.Millisecond)
		ua = inventory.UserAsset{AssetID: g.AssetID, Owner: g.Owner, HoldUntil: g.HoldUntil, ExpireAt: g.ExpireAt, Created: now, Updated: now}
		if kind.HasSerials() {
			if maxSerial >= inventory.MaxID {
				return conflict("cannot grant: %s", serialsExhausted(g.AssetID))
			}
			serial := maxSerial + 1
			ua.Serial = &serial
		}
		if kind == inventory.Collectible {
			ua.InstanceID = uuid.NewString()
		}
		// The next userAssetId is above every copy that exists and every
		// copy the ledger ever recorded: a revoked copy's id is never
		// given again, so a copy's history is never another's. Both
		// MAX are index lookups.
		if err := tx.QueryRowContext(ctx, lastUserAssetID).Scan(&ua.ID); err != nil {
			return err
		}
		if ua.ID >= inventory.MaxID {
			return conflict("cannot grant: %s", idsExhausted)
		}
		ua.ID++
		_, err = tx.ExecContext(ctx, `INSERT INTO user_assets (id, asset_id, asset_type, collectible, owner_type, owner_id, serial,
			instance_id, hold_until, expire_at, created, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			ua.ID, ua.AssetID, typ, b2i(kind != inventory.NotLimited), int(ua.Owner.Type), ua.Owner.ID, ua.Serial,
			nullStr(ua.InstanceID), optMS(ua.HoldUntil), optMS(ua.ExpireAt), ms(now), ms(now))
		if s.isConflict(err) {
			return idTaken
		}
		if err != nil {
			return err
		}
		owner := ua.Owner
		return s.appendLedger(ctx, tx, inventory.LedgerEntry{At: now, Op: inventory.LedgerGrant, ItemType: inventory.ItemAsset,
			ItemID: ua.AssetID, UserAssetID: ua.ID, Serial: ua.Serial, InstanceID: ua.InstanceID, To: &owner})
	})
	return ua, err
}

// lockCopy reads a copy for a change and checks the expected owner: an
// owner that does not exist is a bad reference (400 naming fromField),
// one that exists but does not hold the copy a conflict (409).
func (s *Store) lockCopy(ctx context.Context, tx *sql.Tx, id int64, from *inventory.Agent, fromField string) (inventory.UserAsset, error) {
	ua, err := s.userAsset(ctx, tx.QueryRowContext(ctx, "SELECT "+userAssetCols+" FROM user_assets ua WHERE ua.id = $1"+s.d.ForUpdate, id), id)
	if err != nil {
		return ua, err
	}
	if from != nil && ua.Owner != *from {
		what, table := "user", "users"
		if from.Type == inventory.AgentGroup {
			what, table = "group", "agent_groups"
		}
		if err := (&importer{ctx: ctx, tx: tx, s: s}).need(fromField, what, table, "id", from.ID); err != nil {
			return ua, err
		}
		return ua, conflict("user asset %d is not owned by %s %d", id, from.Type, from.ID)
	}
	return ua, nil
}

// dropCollection removes an asset from a user's collection once the user
// owns no copy of it any more.
func dropCollection(ctx context.Context, tx *sql.Tx, owner inventory.Agent, assetID int64) error {
	if owner.Type != inventory.AgentUser {
		return nil
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM collections WHERE user_id = $1 AND item_type = 0 AND item_id = $2
		AND NOT EXISTS (SELECT 1 FROM user_assets WHERE owner_type = 1 AND owner_id = $1 AND asset_id = $2)`, owner.ID, assetID)
	return err
}

// Transfer implements inventory.AdminStore.
func (s *Store) Transfer(ctx context.Context, t inventory.TransferRequest) (inventory.UserAsset, error) {
	var ua inventory.UserAsset
	err := s.tx(ctx, "transfer", func(tx *sql.Tx) error {
		var err error
		if ua, err = s.lockCopy(ctx, tx, t.UserAssetID, t.From, "from.id"); err != nil {
			return err
		}
		from := ua.Owner
		if from == t.To {
			return invalid("to", "%s %d already owns user asset %d", from.Type, from.ID, ua.ID)
		}
		if err := s.mustAgent(ctx, tx, "to", t.To); err != nil {
			return err
		}
		at := s.now().UTC().Truncate(time.Millisecond)
		now := at
		if !now.After(ua.Updated) {
			// updated is kept to the millisecond: a transfer in the same
			// millisecond as the last change (or after a clock step back)
			// still moves it forward, so a transfer always changes it,
			// but never past the last date a document can hold (an
			// imported copy may carry any date up to it).
			now = ua.Updated.Add(time.Millisecond)
			if now.After(inventory.MaxTime) {
				now = ua.Updated
			}
		}
		// Compare-and-set on the owner read above: a concurrent transfer
		// that moved the copy first leaves no row to update.
		if err := execOne(ctx, tx, conflict("user asset %d changed owner concurrently", ua.ID),
			`UPDATE user_assets SET owner_type = $4, owner_id = $5, hold_until = $6, updated = $7
			WHERE id = $1 AND owner_type = $2 AND owner_id = $3`,
			ua.ID, int(from.Type), from.ID, int(t.To.Type), t.To.ID, optMS(t.HoldUntil), ms(now)); err != nil {
			return err
		}
		ua.Owner, ua.HoldUntil, ua.Updated = t.To, t.HoldUntil, now
		to := t.To
		if err := s.appendLedger(ctx, tx, inventory.LedgerEntry{At: at, Op: inventory.LedgerTransfer, ItemType: inventory.ItemAsset,
			ItemID: ua.AssetID, UserAssetID: ua.ID, Serial: ua.Serial, InstanceID: ua.InstanceID, From: &from, To: &to}); err != nil {
			return err
		}
		return dropCollection(ctx, tx, from, ua.AssetID)
	})
	return ua, err
}

// Revoke implements inventory.AdminStore.
func (s *Store) Revoke(ctx context.Context, userAssetID int64, from *inventory.Agent) (inventory.UserAsset, error) {
	var ua inventory.UserAsset
	err := s.tx(ctx, "revoke", func(tx *sql.Tx) error {
		var err error
		if ua, err = s.lockCopy(ctx, tx, userAssetID, from, "ownerId"); err != nil {
			return err
		}
		if err := execOne(ctx, tx, conflict("user asset %d changed owner concurrently", ua.ID),
			"DELETE FROM user_assets WHERE id = $1 AND owner_type = $2 AND owner_id = $3", ua.ID, int(ua.Owner.Type), ua.Owner.ID); err != nil {
			return err
		}
		owner := ua.Owner
		if err := s.appendLedger(ctx, tx, inventory.LedgerEntry{At: s.now(), Op: inventory.LedgerRevoke, ItemType: inventory.ItemAsset,
			ItemID: ua.AssetID, UserAssetID: ua.ID, Serial: ua.Serial, InstanceID: ua.InstanceID, From: &owner}); err != nil {
			return err
		}
		return dropCollection(ctx, tx, owner, ua.AssetID)
	})
	return ua, err
}

var itemTables = map[inventory.ItemType][2]string{inventory.ItemGamePass: {"game pass", "game_passes"},
	inventory.ItemBadge: {"badge", "badges"}, inventory.ItemBundle: {"bundle", "bundles"}}

// SetUserItem implements inventory.AdminStore.
func (s *Store) SetUserItem(ctx context.Context, it inventory.UserItem, on bool) error {
	return s.tx(ctx, "user item", func(tx *sql.Tx) error {
		t, ok := itemTables[it.Type]
		if !ok {
			return invalid("itemType", "must be GamePass, Badge or Bundle")
		}
		if err := s.mustExist(ctx, tx, "user", "users", "id", it.UserID); err != nil {
			return err
		}
		if err := s.mustExist(ctx, tx, t[0], t[1], "id", it.ItemID); err != nil {
			return err
		}
		user := &inventory.Agent{Type: inventory.AgentUser, ID: it.UserID}
		e := inventory.LedgerEntry{At: s.now(), ItemType: it.Type, ItemID: it.ItemID}
		if on {
			_, err := tx.ExecContext(ctx, "INSERT INTO user_items (user_id, item_type, item_id, instance_id, created) VALUES ($1, $2, $3, $4, $5)",
				it.UserID, int(it.Type), it.ItemID, it.InstanceID, ms(it.Created))
			if s.isConflict(err) {
				return conflict("user %d already owns %s %d", it.UserID, t[0], it.ItemID)
			} else if err != nil {
				return err
			}
			e.Op, e.To = inventory.LedgerGrant, user
		} else {
			if err := execOne(ctx, tx, notFound("user %d does not own %s %d", it.UserID, t[0], it.ItemID),
				"DELETE FROM user_items WHERE user_id = $1 AND item_type = $2 AND item_id = $3", it.UserID, int(it.Type), it.ItemID); err != nil {
				return err
			}
			if it.Type == inventory.ItemBundle {
				if _, err := tx.ExecContext(ctx, "DELETE FROM collections WHERE user_id = $1 AND item_type = $2 AND item_id = $3", it.UserID, int(it.Type), it.ItemID); err != nil {
					return err
				}
			}
			e.Op, e.From = inventory.LedgerRevoke, user
		}
		return s.appendLedger(ctx, tx, e)
	})
}

// SetUserPlace implements inventory.AdminStore.
func (s *Store) SetUserPlace(ctx context.Context, userID int64, tab inventory.PlacesTab, placeID int64, on bool) error {
	return s.tx(ctx, "user place", func(tx *sql.Tx) error {
		if err := s.mustExist(ctx, tx, "user", "users", "id", userID); err != nil {
			return err
		}
		if err := s.mustExist(ctx, tx, "place", "places", "place_id", placeID); err != nil {
			return err
		}
		if on {
			_, err := tx.ExecContext(ctx, "INSERT INTO user_places (user_id, tab, place_id) VALUES ($1, $2, $3)", userID, int(tab), placeID)
			if s.isConflict(err) {
				return conflict("place %d is already on user %d's %s tab", placeID, userID, tab)
			}
			return err
		}
		return execOne(ctx, tx, notFound("place %d is not on user %d's %s tab", placeID, userID, tab),
			"DELETE FROM user_places WHERE user_id = $1 AND tab = $2 AND place_id = $3", userID, int(tab), placeID)
	})
}
