package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// ListAssetOwners implements inventory.Store.
func (s *Store) ListAssetOwners(ctx context.Context, assetID int64, p inventory.Page) ([]inventory.UserAsset, error) {
	cmp, dir, reversed := keyset(p)
	args := []any{assetID}
	cond := ""
	if p.After != nil {
		cond = fmt.Sprintf(" AND ua.id %s $2", cmp)
		args = append(args, p.After.ID)
	}
	args = append(args, p.Limit)
	if p.NoOwner {
		return s.listOwnersBare(ctx, args, cond, dir, reversed, p.Limit)
	}
	q := fmt.Sprintf(`SELECT %s, COALESCE(u.username, g.name, ''), COALESCE(u.membership, 0), COALESCE(u.privacy, 6),
		COALESCE(u.banned, 0), CASE WHEN u.id IS NULL AND g.id IS NULL THEN 0 ELSE 1 END
		FROM user_assets ua
		LEFT JOIN users u ON ua.owner_type = 1 AND u.id = ua.owner_id
		LEFT JOIN agent_groups g ON ua.owner_type = 2 AND g.id = ua.owner_id
		WHERE ua.asset_id = $1%s ORDER BY ua.id %s LIMIT $%d`, userAssetCols, cond, dir, len(args))
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, s.wrap("list owners", err)
	}
	defer rows.Close()
	out := make([]inventory.UserAsset, 0, p.Limit)
	for rows.Next() {
		var r userAssetRow
		var name string
		var member, privacy, banned, known int
		if err := rows.Scan(append(r.dest(), &name, &member, &privacy, &banned, &known)...); err != nil {
			return nil, s.wrap("list owners", err)
		}
		ua := r.userAsset()
		ua.OwnerName, ua.OwnerMember, ua.OwnerPrivacy = name, member, inventory.Privacy(privacy)
		ua.OwnerBanned, ua.OwnerKnown = banned != 0, known != 0
		out = append(out, ua)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("list owners", err)
	}
	if reversed {
		reverse(out)
	}
	return out, nil
}

// listOwnersBare is ListAssetOwners without the owners (Page.NoOwner): one
// index range on user_assets_asset, no join.
func (s *Store) listOwnersBare(ctx context.Context, args []any, cond, dir string, reversed bool, limit int) ([]inventory.UserAsset, error) {
	q := fmt.Sprintf("SELECT %s FROM user_assets ua WHERE ua.asset_id = $1%s ORDER BY ua.id %s LIMIT $%d", userAssetCols, cond, dir, len(args))
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, s.wrap("list owners", err)
	}
	defer rows.Close()
	out := make([]inventory.UserAsset, 0, limit)
	for rows.Next() {
		var r userAssetRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, s.wrap("list owners", err)
		}
		out = append(out, r.userAsset())
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("list owners", err)
	}
	if reversed {
		reverse(out)
	}
	return out, nil
}

// OwnedCopies implements inventory.Store.
func (s *Store) OwnedCopies(ctx context.Context, userID, assetID int64, limit int) ([]inventory.UserAsset, error) {
	rows, err := s.query(ctx, "SELECT "+userAssetCols+` FROM user_assets ua
		WHERE ua.owner_type = 1 AND ua.owner_id = $1 AND ua.asset_id = $2 ORDER BY ua.id LIMIT $3`, userID, assetID, limit)
	if err != nil {
		return nil, s.wrap("owned copies", err)
	}
	defer rows.Close()
	var out []inventory.UserAsset
	for rows.Next() {
		var r userAssetRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, s.wrap("owned copies", err)
		}
		out = append(out, r.userAsset())
	}
	return out, s.wrap("owned copies", rows.Err())
}

// DeleteOwnedCopies implements inventory.Store.
func (s *Store) DeleteOwnedCopies(ctx context.Context, userID, assetID int64) (int, error) {
	var n int64
	err := s.tx(ctx, "delete copies", func(tx *sql.Tx) error {
		if err := s.ledgerCopies(ctx, tx, inventory.LedgerRevoke, "owner_type = 1 AND owner_id = $3 AND asset_id = $4", userID, assetID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM user_assets WHERE owner_type = 1 AND owner_id = $1 AND asset_id = $2", userID, assetID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM collections WHERE user_id = $1 AND item_type = 0 AND item_id = $2", userID, assetID)
		return err
	})
	return int(n), err
}

// GamePass implements inventory.Store.
func (s *Store) GamePass(ctx context.Context, id int64) (inventory.GamePass, error) {
	var g inventory.GamePass
	var place, price sql.NullInt64
	err := s.queryRow(ctx, "SELECT id, name, place_id, price FROM game_passes WHERE id = $1", id).Scan(&g.ID, &g.Name, &place, &price)
	g.PlaceID, g.Price = optInt(place), optInt(price)
	return g, s.wrap("game pass", err)
}

// Badge implements inventory.Store.
func (s *Store) Badge(ctx context.Context, id int64) (inventory.Badge, error) {
	var b inventory.Badge
	var place sql.NullInt64
	err := s.queryRow(ctx, "SELECT id, name, place_id FROM badges WHERE id = $1", id).Scan(&b.ID, &b.Name, &place)
	b.PlaceID = optInt(place)
	return b, s.wrap("badge", err)
}

// Bundle implements inventory.Store.
func (s *Store) Bundle(ctx context.Context, id int64) (inventory.Bundle, error) {
	var b inventory.Bundle
	err := s.queryRow(ctx, "SELECT id, name, bundle_type FROM bundles WHERE id = $1", id).Scan(&b.ID, &b.Name, &b.Type)
	return b, s.wrap("bundle", err)
}

// UserItem implements inventory.Store.
func (s *Store) UserItem(ctx context.Context, userID int64, t inventory.ItemType, itemID int64) (inventory.UserItem, error) {
	it := inventory.UserItem{UserID: userID, Type: t, ItemID: itemID}
	var inst sql.NullInt64
	var created int64
	err := s.queryRow(ctx, "SELECT instance_id, created FROM user_items WHERE user_id = $1 AND item_type = $2 AND item_id = $3",
		userID, int(t), itemID).Scan(&inst, &created)
	it.InstanceID, it.Created = optInt(inst), fromMS(created)
	return it, s.wrap("user item", err)
}

// UserPlaces implements inventory.Store.
func (s *Store) UserPlaces(ctx context.Context, userID int64, tab inventory.PlacesTab, offset, limit int) ([]inventory.Place, error) {
	const cols = `p.place_id, p.universe_id, p.name, p.creator_type, p.creator_id, p.price,
		COALESCE(CASE p.creator_type WHEN 1 THEN (SELECT username FROM users WHERE id = p.creator_id)
		WHEN 2 THEN (SELECT name FROM agent_groups WHERE id = p.creator_id) END, '')`
	var rows *sql.Rows
	var err error
	switch tab {
	case inventory.TabCreated:
		rows, err = s.query(ctx, "SELECT "+cols+` FROM places p WHERE p.creator_type = 1 AND p.creator_id = $1
			ORDER BY p.place_id LIMIT $2 OFFSET $3`, userID, limit, offset)
	case inventory.TabPurchased:
		// Purchased also lists the places the user created
		// (wire-behaviour.md §3.3 [S]), each place once.
		// One IN over a UNION: as an OR, PostgreSQL planned a walk of
		// the whole places table.
		rows, err = s.query(ctx, "SELECT "+cols+` FROM places p WHERE p.place_id IN (
			SELECT place_id FROM places WHERE creator_type = 1 AND creator_id = $1
			UNION SELECT place_id FROM user_places WHERE user_id = $1 AND tab = $2)
			ORDER BY p.place_id LIMIT $3 OFFSET $4`, userID, int(tab), limit, offset)
	default:
		rows, err = s.query(ctx, "SELECT "+cols+` FROM user_places up JOIN places p ON p.place_id = up.place_id
			WHERE up.user_id = $1 AND up.tab = $2 ORDER BY up.place_id LIMIT $3 OFFSET $4`, userID, int(tab), limit, offset)
	}
	if err != nil {
		return nil, s.wrap("user places", err)
	}
	defer rows.Close()
	out := []inventory.Place{}
	for rows.Next() {
		var p inventory.Place
		var uni, price sql.NullInt64
		if err := rows.Scan(&p.ID, &uni, &p.Name, &p.Creator.Type, &p.Creator.ID, &price, &p.CreatorName); err != nil {
			return nil, s.wrap("user places", err)
		}
		p.UniverseID, p.Price = optInt(uni), optInt(price)
		out = append(out, p)
	}
	return out, s.wrap("user places", rows.Err())
}

// AddCollectionItem implements inventory.Store.
func (s *Store) AddCollectionItem(ctx context.Context, userID int64, it inventory.CollectionItem, max int) error {
	return s.tx(ctx, "add collection item", func(tx *sql.Tx) error {
		var n, dup int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN item_type = $2 AND item_id = $3 THEN 1 ELSE 0 END), 0)
			FROM collections WHERE user_id = $1`, userID, int(it.Type), it.ItemID).Scan(&n, &dup); err != nil {
			return err
		}
		if dup > 0 {
			return &inventory.Error{Kind: inventory.KindConflict, Message: "already in the collection"}
		}
		if n >= max {
			return inventory.ErrCollectionFull
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO collections (user_id, item_type, item_id, created) VALUES ($1, $2, $3, $4)",
			userID, int(it.Type), it.ItemID, ms(s.now()))
		return err
	})
}

// RemoveCollectionItem implements inventory.Store.
func (s *Store) RemoveCollectionItem(ctx context.Context, userID int64, it inventory.CollectionItem) error {
	return s.tx(ctx, "remove collection item", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM collections WHERE user_id = $1 AND item_type = $2 AND item_id = $3", userID, int(it.Type), it.ItemID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = &inventory.Error{Kind: inventory.KindNotFound, Message: "not in the collection"}
			}
			return err
		}
		return nil
	})
}

// CollectionItems implements inventory.Store.
func (s *Store) CollectionItems(ctx context.Context, userID int64) ([]inventory.CollectionItem, error) {
	rows, err := s.query(ctx, "SELECT item_type, item_id FROM collections WHERE user_id = $1 ORDER BY created, item_type, item_id", userID)
	if err != nil {
		return nil, s.wrap("collection", err)
	}
	defer rows.Close()
	out := []inventory.CollectionItem{}
	for rows.Next() {
		var it inventory.CollectionItem
		if err := rows.Scan(&it.Type, &it.ItemID); err != nil {
			return nil, s.wrap("collection", err)
		}
		out = append(out, it)
	}
	return out, s.wrap("collection", rows.Err())
}
