package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// Migrate applies, in version order, every NNNN_name.sql file of dir that
// the database has not recorded in schema_migrations, each in its own
// transaction. Both stores number their migrations alike, so a version
// means the same schema on either.
func Migrate(ctx context.Context, db *sql.DB, dir fs.FS) (int, error) {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied BIGINT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	names, err := fs.Glob(dir, "*.sql")
	if err != nil {
		return 0, err
	}
	sort.Strings(names)
	// A store migrated by a newer inventoryd has tables or rules this one
	// does not know: writing to it could break them, so it is refused
	// (a rollback to an older binary needs the matching store too).
	known := 0
	if len(names) > 0 {
		if known, err = strconv.Atoi(strings.SplitN(names[len(names)-1], "_", 2)[0]); err != nil {
			return 0, fmt.Errorf("migrate: bad file name %s", names[len(names)-1])
		}
	}
	var newest sql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&newest); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	if newest.Valid && newest.Int64 > int64(known) {
		return 0, fmt.Errorf("migrate: the store's schema is version %d, newer than this inventoryd knows (%d): run the inventoryd that migrated it, or a newer one", newest.Int64, known)
	}
	current := 0
	for _, name := range names {
		v, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return current, fmt.Errorf("migrate: bad file name %s", name)
		}
		var one int
		err = db.QueryRowContext(ctx, "SELECT 1 FROM schema_migrations WHERE version = $1", v).Scan(&one)
		if err == nil {
			current = v
			continue
		}
		body, err := fs.ReadFile(dir, name)
		if err != nil {
			return current, err
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return current, fmt.Errorf("migrate %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			_ = tx.Rollback()
			return current, fmt.Errorf("migrate %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied) VALUES ($1, CAST(0 AS BIGINT))", v); err != nil {
			_ = tx.Rollback()
			return current, fmt.Errorf("migrate %s: %w", name, err)
		}
		if err := tx.Commit(); err != nil {
			return current, fmt.Errorf("migrate %s: %w", name, err)
		}
		current = v
	}
	return current, nil
}
