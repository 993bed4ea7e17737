package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"io"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

const copyCols = `id, asset_id, owner_type, owner_id, serial, instance_id, hold_until, expire_at, created, updated, asset_type, collectible`

// OwnerCopies implements inventory.Store: one range of user_assets_owner_type.
func (s *Store) OwnerCopies(ctx context.Context, owner inventory.Agent, limit int) ([]inventory.OwnedCopy, error) {
	return s.copies(ctx, "owner copies", "SELECT "+copyCols+` FROM user_assets
		WHERE owner_type = $1 AND owner_id = $2 ORDER BY asset_type, id LIMIT $3`, int(owner.Type), owner.ID, limit)
}

// AssetCopies implements inventory.Store: one range of user_assets_asset.
func (s *Store) AssetCopies(ctx context.Context, assetID int64, limit int) ([]inventory.OwnedCopy, error) {
	return s.copies(ctx, "asset copies", "SELECT "+copyCols+` FROM user_assets
		WHERE asset_id = $1 ORDER BY id LIMIT $2`, assetID, limit)
}

func (s *Store) copies(ctx context.Context, op, q string, args ...any) ([]inventory.OwnedCopy, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, s.wrap(op, err)
	}
	defer rows.Close()
	var out []inventory.OwnedCopy
	for rows.Next() {
		var c inventory.OwnedCopy
		var serial, hold, expire sql.NullInt64
		var inst sql.NullString
		var coll int64
		if err := rows.Scan(&c.ID, &c.AssetID, &c.OwnerType, &c.OwnerID, &serial, &inst, &hold, &expire,
			&c.Created, &c.Updated, &c.AssetType, &coll); err != nil {
			return nil, s.wrap(op, err)
		}
		c.Serial, c.HasSerial = serial.Int64, serial.Valid
		c.HoldUntil, c.HasHold = hold.Int64, hold.Valid
		c.ExpireAt, c.HasExpire = expire.Int64, expire.Valid
		c.InstanceID, c.Collectible = inst.String, coll != 0
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
