package sqlstore_test

import (
	"testing"

	"github.com/inventoryd/inventoryd/internal/inventory/inventorytest"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// TestAdminContract runs the admin write side's contract (concurrent
// grants, transfers and revokes; invariants; ledger replay) on each store.
func TestAdminContract(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) { inventorytest.RunAdmin(t, open) })
}
