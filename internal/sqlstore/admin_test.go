package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/inventory/inventorytest"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// TestAdminContract runs the admin write side's contract (concurrent
// grants, transfers and revokes; invariants; ledger replay) on each store.
func TestAdminContract(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) { inventorytest.RunAdmin(t, open) })
}

// TestGrantNeverReusesUserAssetID: revoking the copy with the largest
// userAssetId and granting again gives a new id, so a copy's history is
// never another copy's.
func TestGrantNeverReusesUserAssetID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		st := open(t)
		f, err := inventory.ParseFixture(strings.NewReader(`{"users":[{"id":1,"username":"a"},{"id":2,"username":"b"}],
			"assets":[{"id":10,"name":"Hat","assetType":"Hat","creator":{"type":"User","id":1}},
			{"id":11,"name":"Cap","assetType":"Hat","creator":{"type":"User","id":1}}]}`), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Import(ctx, f); err != nil {
			t.Fatal(err)
		}
		u1, u2 := inventory.Agent{Type: inventory.AgentUser, ID: 1}, inventory.Agent{Type: inventory.AgentUser, ID: 2}
		first, err := st.Grant(ctx, inventory.GrantRequest{AssetID: 10, Owner: u1})
		if err != nil {
			t.Fatal(err)
		}
		last, err := st.Grant(ctx, inventory.GrantRequest{AssetID: 10, Owner: u1})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Revoke(ctx, last.ID, nil); err != nil {
			t.Fatal(err)
		}
		next, err := st.Grant(ctx, inventory.GrantRequest{AssetID: 11, Owner: u2})
		if err != nil {
			t.Fatal(err)
		}
		if next.ID <= last.ID {
			t.Fatalf("granted userAssetId %d after revoking %d (first %d): a revoked id came back", next.ID, last.ID, first.ID)
		}
		h, err := st.History(ctx, next.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 1 || h[0].Op != inventory.LedgerGrant || h[0].ItemID != 11 {
			t.Fatalf("history of the new copy %d: %+v, want its one grant", next.ID, h)
		}
		h, err = st.History(ctx, last.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 2 || h[1].Op != inventory.LedgerRevoke {
			t.Fatalf("history of the revoked copy %d: %+v, want grant then revoke", last.ID, h)
		}
	})
}
