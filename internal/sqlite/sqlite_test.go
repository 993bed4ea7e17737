package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inventoryd/inventoryd/internal/inventory/inventorytest"
	"github.com/inventoryd/inventoryd/internal/sqlite"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// TestContract runs the shared Store contract suite on SQLite.
func TestContract(t *testing.T) { inventorytest.Run(t, storetest.SQLite) }

// A store migrated by a newer inventoryd (a schema version this one does
// not know) is refused, not written to.
func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Writer().Exec("INSERT INTO schema_migrations (version, applied) VALUES (9999, 0)"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if st, err := sqlite.Open(context.Background(), path); err == nil {
		st.Close()
		t.Fatal("a store of schema version 9999 opened")
	} else if !strings.Contains(err.Error(), "version 9999, newer than this inventoryd knows") {
		t.Fatalf("error %v", err)
	}
}
