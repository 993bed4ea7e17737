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
