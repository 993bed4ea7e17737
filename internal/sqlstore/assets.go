package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

const assetCols = `a.id, a.name, a.asset_type, a.creator_type, a.creator_id, a.limited, a.collectible_item_id,
	a.rap, a.original_price, a.stock, a.price, a.moderation, a.created, a.updated`

type scanner interface{ Scan(dest ...any) error }

// assetRow receives the assetCols of one row.
type assetRow struct {
	a                       inventory.Asset
	item                    sql.NullString
	rap, orig, stock, price sql.NullInt64
	created, updated        int64
}

func (r *assetRow) dest() []any {
	return []any{&r.a.ID, &r.a.Name, &r.a.Type, &r.a.Creator.Type, &r.a.Creator.ID, &r.a.Limited, &r.item,
		&r.rap, &r.orig, &r.stock, &r.price, &r.a.Moderation, &r.created, &r.updated}
}

func (r *assetRow) asset() inventory.Asset {
	a := r.a
	a.CollectibleItemID = r.item.String
	a.RAP, a.OriginalPrice, a.Stock, a.Price = optInt(r.rap), optInt(r.orig), optInt(r.stock), optInt(r.price)
	a.Created, a.Updated = fromMS(r.created), fromMS(r.updated)
	return a
}

func scanAsset(sc scanner) (inventory.Asset, error) {
	var r assetRow
	err := sc.Scan(r.dest()...)
	return r.asset(), err
}

// Asset implements inventory.Store.
func (s *Store) Asset(ctx context.Context, id int64) (inventory.Asset, error) {
	a, err := scanAsset(s.queryRow(ctx, "SELECT "+assetCols+" FROM assets a WHERE a.id = $1", id))
	return a, s.wrap("asset", err)
}

// AssetByCollectibleItemID implements inventory.Store.
func (s *Store) AssetByCollectibleItemID(ctx context.Context, itemID string) (inventory.Asset, error) {
	a, err := scanAsset(s.queryRow(ctx, "SELECT "+assetCols+" FROM assets a WHERE a.collectible_item_id = $1", itemID))
	return a, s.wrap("collectible item", err)
}

// PackageAssets implements inventory.Store.
func (s *Store) PackageAssets(ctx context.Context, packageID int64) ([]int64, error) {
	rows, err := s.query(ctx, "SELECT asset_id FROM package_assets WHERE package_id = $1 ORDER BY position", packageID)
	if err != nil {
		return nil, s.wrap("package assets", err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, s.wrap("package assets", err)
		}
		ids = append(ids, id)
	}
	return ids, s.wrap("package assets", rows.Err())
}

// keyset returns the comparison and ORDER BY direction for a page, and
// whether the rows come back reversed relative to display order.
func keyset(p inventory.Page) (cmp, dir string, reversed bool) {
	asc := (p.Order != inventory.Desc) != p.Backward
	if asc {
		return ">", "ASC", p.Backward
	}
	return "<", "DESC", p.Backward
}

func reverse[T any](xs []T) {
	for i, j := 0, len(xs)-1; i < j; i, j = i+1, j-1 {
		xs[i], xs[j] = xs[j], xs[i]
	}
}

const userAssetCols = `ua.id, ua.asset_id, ua.owner_type, ua.owner_id, ua.serial, ua.instance_id, ua.hold_until, ua.expire_at, ua.created, ua.updated`

// userAssetRow receives the userAssetCols of one row.
type userAssetRow struct {
	u                    inventory.UserAsset
	serial, hold, expire sql.NullInt64
	inst                 sql.NullString
	created, updated     int64
}

func (r *userAssetRow) dest() []any {
	return []any{&r.u.ID, &r.u.AssetID, &r.u.Owner.Type, &r.u.Owner.ID, &r.serial, &r.inst, &r.hold, &r.expire, &r.created, &r.updated}
}

func (r *userAssetRow) userAsset() inventory.UserAsset {
	u := r.u
	u.Serial, u.InstanceID = optInt(r.serial), r.inst.String
	u.HoldUntil, u.ExpireAt = fromOptMS(r.hold), fromOptMS(r.expire)
	u.Created, u.Updated = fromMS(r.created), fromMS(r.updated)
	return u
}

// ListUserAssets implements inventory.Store.
func (s *Store) ListUserAssets(ctx context.Context, q inventory.UserAssetQuery) ([]inventory.UserAsset, error) {
	var where strings.Builder
	args := []any{int(q.Owner.Type), q.Owner.ID}
	where.WriteString("ua.owner_type = $1 AND ua.owner_id = $2")
	if len(q.Types) > 0 {
		fmt.Fprintf(&where, " AND ua.asset_type IN (%s)", inList(len(args)+1, len(q.Types)))
		for _, t := range q.Types {
			args = append(args, int(t))
		}
	}
	if q.CollectiblesOnly {
		where.WriteString(" AND ua.collectible = 1")
	}
	if q.HidePending {
		fmt.Fprintf(&where, " AND a.moderation = %d", inventory.ModerationApproved)
	} else if q.HideDisapproved {
		fmt.Fprintf(&where, " AND a.moderation <> %d", inventory.ModerationDisapproved)
	}
	cmp, dir, reversed := keyset(q.Page)
	order := "ua.id " + dir
	if q.MultiType {
		order = "ua.asset_type " + dir + ", ua.id " + dir
	}
	if k := q.Page.After; k != nil {
		if q.MultiType {
			fmt.Fprintf(&where, " AND (ua.asset_type, ua.id) %s ($%d, $%d)", cmp, len(args)+1, len(args)+2)
			args = append(args, k.Type, k.ID)
		} else {
			fmt.Fprintf(&where, " AND ua.id %s $%d", cmp, len(args)+1)
			args = append(args, k.ID)
		}
	}
	args = append(args, q.Page.Limit)
	noAsset := q.NoAsset && !q.HidePending && !q.HideDisapproved
	var query string
	if noAsset {
		// No join: one index range and a row per copy (the caller has
		// the assets cached).
		query = fmt.Sprintf("SELECT %s FROM user_assets ua WHERE %s ORDER BY %s LIMIT $%d",
			userAssetCols, where.String(), order, len(args))
	} else {
		query = fmt.Sprintf("SELECT %s, %s FROM user_assets ua JOIN assets a ON a.id = ua.asset_id WHERE %s ORDER BY %s LIMIT $%d",
			userAssetCols, assetCols, where.String(), order, len(args))
	}
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, s.wrap("list user assets", err)
	}
	defer rows.Close()
	out := make([]inventory.UserAsset, 0, q.Page.Limit)
	for rows.Next() {
		var ur userAssetRow
		if noAsset {
			if err := rows.Scan(ur.dest()...); err != nil {
				return nil, s.wrap("list user assets", err)
			}
			out = append(out, ur.userAsset())
			continue
		}
		var ar assetRow
		if err := rows.Scan(append(ur.dest(), ar.dest()...)...); err != nil {
			return nil, s.wrap("list user assets", err)
		}
		ua := ur.userAsset()
		ua.Asset = ar.asset()
		out = append(out, ua)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("list user assets", err)
	}
	if reversed {
		reverse(out)
	}
	return out, nil
}
