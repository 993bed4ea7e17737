package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver, as inventoryd uses
)

// bulkSQLite inserts the owned items straight into the SQLite file that
// `inventoryd import` created (schema, people, catalog), in one transaction
// of multi-row INSERTs, because the fixture import checks and upserts row by
// row (about 1,000 rows/s at 1M): fine for fixtures, not for 10M rows.
// Columns are those the import fills: asset_type and collectible copied
// from the asset, serials numbered per limited-unique asset.
func bulkSQLite(ctx context.Context, path string, ds *dataset) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=cache_size(-1000000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	t0 := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var next int64
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM user_assets").Scan(&next); err != nil {
		return err
	}
	const per = 100
	const cols = 9
	q := "INSERT INTO user_assets (id, asset_id, asset_type, collectible, owner_type, owner_id, serial, created, updated) VALUES " +
		strings.TrimSuffix(strings.Repeat("(?,?,?,?,1,?,?,?,?),", per), ",")
	st, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return err
	}
	created := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	serials := make([]int64, len(ds.assets))
	args := make([]any, 0, per*(cols-1))
	row := func(it genItem) {
		next++
		a := ds.assets[it.asset]
		var serial any
		if a.limited == 2 {
			serials[it.asset]++
			serial = serials[it.asset]
		}
		args = append(args, next, firstAsset+int64(it.asset), assetTypes[a.typ].id, b2i(a.limited != 0),
			firstUser+int64(it.user), serial, created+next, created+next)
	}
	items := ds.items
	full := len(items) / per * per
	for i := 0; i < full; i += per {
		args = args[:0]
		for _, it := range items[i : i+per] {
			row(it)
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("bulk insert: %w", err)
		}
		if (i/per)%10000 == 0 && i > 0 {
			fmt.Fprintf(os.Stderr, "  %d owned items, %s\n", i, time.Since(t0).Round(time.Second))
		}
	}
	for _, it := range items[full:] {
		args = args[:0]
		row(it)
		if _, err := tx.ExecContext(ctx, "INSERT INTO user_assets (id, asset_id, asset_type, collectible, owner_type, owner_id, serial, created, updated) VALUES (?,?,?,?,1,?,?,?,?)", args...); err != nil {
			return fmt.Errorf("bulk insert: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	fmt.Fprintf(os.Stderr, "  bulk-inserted %d owned items in %s\n", len(items), time.Since(t0).Round(time.Millisecond))
	return err
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
