package sqlstore

import (
	"context"
	"errors"
	"io"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// copyCols are userAssetCols and the two columns the listings filter on.
const copyCols = userAssetCols + ", ua.asset_type, ua.collectible"

// OwnerCopies implements inventory.Store: one range of user_assets_owner_type.
func (s *Store) OwnerCopies(ctx context.Context, owner inventory.Agent, limit int) ([]inventory.OwnedCopy, error) {
	return s.copies(ctx, "owner copies", "SELECT "+copyCols+` FROM user_assets ua
		WHERE ua.owner_type = $1 AND ua.owner_id = $2 ORDER BY ua.asset_type, ua.id LIMIT $3`, int(owner.Type), owner.ID, limit)
}

// AssetCopies implements inventory.Store: one range of user_assets_asset.
func (s *Store) AssetCopies(ctx context.Context, assetID int64, limit int) ([]inventory.OwnedCopy, error) {
	return s.copies(ctx, "asset copies", "SELECT "+copyCols+` FROM user_assets ua
		WHERE ua.asset_id = $1 ORDER BY ua.id LIMIT $2`, assetID, limit)
}

func (s *Store) copies(ctx context.Context, op, q string, args ...any) ([]inventory.OwnedCopy, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []inventory.OwnedCopy
	for rows.Next() {
		var r userAssetRow
		var c inventory.OwnedCopy
		var coll int64
		if err := rows.Scan(append(r.dest(), &c.AssetType, &coll)...); err != nil {
			return nil, s.wrap(op, err)
		}
		c.ID, c.AssetID, c.OwnerType, c.OwnerID = r.u.ID, r.u.AssetID, r.u.Owner.Type, r.u.Owner.ID
		c.Serial, c.HasSerial = r.serial.Int64, r.serial.Valid
		c.HoldUntil, c.HasHold = r.hold.Int64, r.hold.Valid
		c.ExpireAt, c.HasExpire = r.expire.Int64, r.expire.Valid
		c.InstanceID, c.Created, c.Updated, c.Collectible = r.inst.String, r.created, r.updated, coll != 0
		out = append(out, c)
	}
	return out, s.wrap(op, rows.Err())
}

// errNoFeed is ChangeVersion's answer on a store opened without a feed.
var errNoFeed = errors.New("this store has no change feed")

// SetChangeFeed installs the store's change feed (inventory.ChangeFeed):
// version is what ChangeVersion returns; closer, if not nil, is closed
// with the store. The opener of each database sets it (internal/sqlite,
// internal/postgres).
func (s *Store) SetChangeFeed(version func(context.Context) (uint64, error), closer io.Closer) {
	s.feed, s.feedCloser = version, closer
}

// ChangeVersion implements inventory.ChangeFeed.
func (s *Store) ChangeVersion(ctx context.Context) (uint64, error) {
	if s.feed == nil {
		return 0, errNoFeed
	}
	return s.feed(ctx)
}
