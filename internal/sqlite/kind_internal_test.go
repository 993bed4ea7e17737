package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// TestDiskFullIsUnavailable: a write that finds the database full (here
// max_page_count, which SQLite reports as it reports a full disk:
// SQLITE_FULL) is KindUnavailable, a 503, as PostgreSQL's disk-full
// errors are; it was KindInternal, a 500.
func TestDiskFullIsUnavailable(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", dsn(filepath.Join(t.TempDir(), "full.db"), false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, q := range []string{"CREATE TABLE t (v BLOB)", "PRAGMA max_page_count = 8"} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	_, err = db.ExecContext(ctx, "INSERT INTO t VALUES (zeroblob(1 << 20))")
	if err == nil {
		t.Fatal("a 1 MiB row fit in 8 pages")
	}
	if k := kind(err); k != inventory.KindUnavailable {
		t.Fatalf("kind(%v) = %v, want unavailable", err, k)
	}
	// A constraint is still a conflict, anything else internal.
	_, err = db.ExecContext(ctx, "CREATE TABLE u (id INTEGER PRIMARY KEY); INSERT INTO u VALUES (1); INSERT INTO u VALUES (1)")
	if k := kind(err); k != inventory.KindConflict {
		t.Fatalf("kind(%v) = %v, want conflict", err, k)
	}
}
