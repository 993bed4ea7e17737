package sqlstore

import (
	"context"
	"database/sql"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// The ownership ledger (migration 0002): every ownership change appends
// its rows in the transaction that makes the change.

func agentCols(a *inventory.Agent) (any, any) {
	if a == nil {
		return nil, nil
	}
	return int(a.Type), a.ID
}

// appendLedger appends one ledger row.
func (s *Store) appendLedger(ctx context.Context, tx *sql.Tx, e inventory.LedgerEntry) error {
	_, err := tx.ExecContext(ctx, ledgerInsert, ledgerArgs(e)...)
	return err
}

// ledger appends one ledger row in an import, the statement prepared once.
func (im *importer) ledger(e inventory.LedgerEntry) error {
	return im.exec(ledgerInsert, ledgerArgs(e)...)
}

const ledgerInsert = `INSERT INTO ownership_ledger (at, op, item_type, item_id, user_asset_id, serial, instance_id,
	from_type, from_id, to_type, to_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`

func ledgerArgs(e inventory.LedgerEntry) []any {
	ft, fid := agentCols(e.From)
	tt, tid := agentCols(e.To)
	var uaID any
	if e.UserAssetID != 0 {
		uaID = e.UserAssetID
	}
	return []any{ms(e.At), int(e.Op), int(e.ItemType), e.ItemID, uaID, e.Serial, nullStr(e.InstanceID), ft, fid, tt, tid}
}

// lastUserAssetID is SQL for the largest userAssetId the store has given:
// of the copies now, and of every copy the ledger recorded, so that a
// revoked copy's id is never given again and a copy's history is never
// another's. Both MAX are index lookups.
const lastUserAssetID = `SELECT COALESCE(MAX(m), 0) FROM (SELECT MAX(id) AS m FROM user_assets
	UNION ALL SELECT MAX(user_asset_id) FROM ownership_ledger) t`

// lastSerial is SQL for the highest serial number an asset (the SQL
// expression asset) has given: of its copies now, and of every copy the
// ledger recorded, revoked ones included, so that a serial is never given
// twice (only a reset, which empties the ledger, starts again). Both are
// index lookups: user_assets_serial and ownership_ledger_serial
// (migration 0004), whose partial predicates the WHERE clauses repeat.
func (s *Store) lastSerial(asset string) string {
	greatest := "GREATEST"
	if s.d.Name == "sqlite" {
		greatest = "MAX" // SQLite's MAX of several arguments is scalar
	}
	return greatest + `((SELECT COALESCE(MAX(serial), 0) FROM user_assets WHERE asset_id = ` + asset + ` AND serial IS NOT NULL),
		(SELECT COALESCE(MAX(serial), 0) FROM ownership_ledger WHERE item_type = 0 AND item_id = ` + asset + ` AND serial IS NOT NULL))`
}

// ledgerCopies appends a row for every copy matching where (placeholders
// from $3 on): a revoke (the current owner is the from side) or an import
// (the current owner is the to side).
func (s *Store) ledgerCopies(ctx context.Context, tx *sql.Tx, op inventory.LedgerOp, where string, args ...any) error {
	side := "from_type, from_id"
	if op != inventory.LedgerRevoke {
		side = "to_type, to_id"
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO ownership_ledger (at, op, item_type, item_id, user_asset_id, serial, instance_id, `+side+`)
		SELECT $1, $2, 0, asset_id, id, serial, instance_id, owner_type, owner_id FROM user_assets WHERE `+where,
		append([]any{ms(s.now()), int(op)}, args...)...)
	return err
}

// History implements inventory.Store.
func (s *Store) History(ctx context.Context, userAssetID int64) ([]inventory.LedgerEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, at, op, item_type, item_id, user_asset_id, serial, instance_id,
		from_type, from_id, to_type, to_id FROM ownership_ledger WHERE user_asset_id = $1 ORDER BY id`, userAssetID)
	if err != nil {
		return nil, s.wrap("history", err)
	}
	defer rows.Close()
	out := []inventory.LedgerEntry{}
	for rows.Next() {
		var e inventory.LedgerEntry
		var at int64
		var ua, serial, ft, fid, tt, tid sql.NullInt64
		var inst sql.NullString
		if err := rows.Scan(&e.ID, &at, &e.Op, &e.ItemType, &e.ItemID, &ua, &serial, &inst, &ft, &fid, &tt, &tid); err != nil {
			return nil, s.wrap("history", err)
		}
		e.At, e.UserAssetID, e.Serial, e.InstanceID = fromMS(at), ua.Int64, optInt(serial), inst.String
		if ft.Valid {
			e.From = &inventory.Agent{Type: inventory.AgentType(ft.Int64), ID: fid.Int64}
		}
		if tt.Valid {
			e.To = &inventory.Agent{Type: inventory.AgentType(tt.Int64), ID: tid.Int64}
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("history", err)
	}
	if len(out) == 0 {
		return nil, inventory.Errorf(inventory.KindNotFound, "no history for user asset %d", userAssetID)
	}
	return out, nil
}
