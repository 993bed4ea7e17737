package postgres_test

import (
	"testing"

	"github.com/inventoryd/inventoryd/internal/inventory/inventorytest"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// TestContract runs the shared Store contract suite on PostgreSQL, each
// test in a schema of its own.
func TestContract(t *testing.T) { inventorytest.Run(t, storetest.Postgres) }
