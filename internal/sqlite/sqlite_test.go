package sqlite_test

import (
	"testing"

	"github.com/inventoryd/inventoryd/internal/inventory/inventorytest"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// TestContract runs the shared Store contract suite on SQLite.
func TestContract(t *testing.T) { inventorytest.Run(t, storetest.SQLite) }
