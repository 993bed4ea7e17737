package sqlstore_test

import (
	"context"
	"io"
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
		importDoc(t, st, `{"users":[{"id":1,"username":"a"},{"id":2,"username":"b"}],
			"assets":[{"id":10,"name":"Hat","assetType":"Hat","creator":{"type":"User","id":1}},
			{"id":11,"name":"Cap","assetType":"Hat","creator":{"type":"User","id":1}}]}`)
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

		// Imports number copies without a userAssetId above the revoked
		// ones too: a fixture document, then a stream.
		if _, err := st.Revoke(ctx, next.ID, nil); err != nil {
			t.Fatal(err)
		}
		copyDoc := `{"userAssets":[{"assetId":11,"owner":{"type":"User","id":2}}]}`
		importDoc(t, st, copyDoc)
		imported, err := st.OwnedCopies(ctx, 2, 11, 10)
		if err != nil || len(imported) != 1 {
			t.Fatalf("user 2's copies of 11 after the import: %v %v", imported, err)
		}
		if imported[0].ID <= next.ID {
			t.Fatalf("a fixture import numbered its copy %d, at or below the revoked %d", imported[0].ID, next.ID)
		}
		if _, err := st.Revoke(ctx, imported[0].ID, nil); err != nil {
			t.Fatal(err)
		}
		f, err := inventory.ParseFixture(strings.NewReader(copyDoc), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		sent := false
		if _, err := st.ImportStream(ctx, func() (*inventory.Fixture, error) {
			if sent {
				return nil, io.EOF
			}
			sent = true
			return f, nil
		}, nil); err != nil {
			t.Fatal(err)
		}
		streamed, err := st.OwnedCopies(ctx, 2, 11, 10)
		if err != nil || len(streamed) != 1 {
			t.Fatalf("user 2's copies of 11 after the stream: %v %v", streamed, err)
		}
		if streamed[0].ID <= imported[0].ID {
			t.Fatalf("a stream import numbered its copy %d, at or below the revoked %d", streamed[0].ID, imported[0].ID)
		}
		h, err = st.History(ctx, streamed[0].ID)
		if err != nil || len(h) != 1 || h[0].Op != inventory.LedgerImport {
			t.Fatalf("history of the streamed copy %d: %+v %v, want its one import", streamed[0].ID, h, err)
		}
	})
}

// TestTransferAlwaysMovesUpdated: with the clock standing still, a grant
// and the transfers after it still each give the copy a later updated.
func TestTransferAlwaysMovesUpdated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		st := open(t)
		importDoc(t, st, `{"users":[{"id":1,"username":"a"},{"id":2,"username":"b"}],
			"assets":[{"id":10,"name":"Hat","assetType":"Hat","creator":{"type":"User","id":1}}]}`)
		clock, ok := st.(interface{ SetClock(func() time.Time) })
		if !ok {
			t.Fatalf("%T has no SetClock", st)
		}
		frozen := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
		clock.SetClock(func() time.Time { return frozen })
		defer clock.SetClock(time.Now)
		u1, u2 := inventory.Agent{Type: inventory.AgentUser, ID: 1}, inventory.Agent{Type: inventory.AgentUser, ID: 2}
		ua, err := st.Grant(ctx, inventory.GrantRequest{AssetID: 10, Owner: u1})
		if err != nil {
			t.Fatal(err)
		}
		prev := ua.Updated
		for i, to := range []inventory.Agent{u2, u1, u2} {
			moved, err := st.Transfer(ctx, inventory.TransferRequest{UserAssetID: ua.ID, To: to})
			if err != nil {
				t.Fatal(err)
			}
			stored, err := st.UserAsset(ctx, ua.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !moved.Updated.After(prev) || !stored.Updated.Equal(moved.Updated) || !stored.Created.Equal(ua.Created) {
				t.Fatalf("transfer %d: updated %v (stored %v) after %v; created %v, was %v", i, moved.Updated, stored.Updated, prev, stored.Created, ua.Created)
			}
			prev = moved.Updated
		}
	})
}

// TestSerialsNeverReused: a limited-unique asset's serial numbers are never
// given twice, even after the copy that had the highest one is gone: by a
// revoke, by the owner deleting it, on every path that numbers copies
// (grant, fixture import, stream import).
func TestSerialsNeverReused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		st := open(t)
		parse := func(doc string) *inventory.Fixture {
			t.Helper()
			f, err := inventory.ParseFixture(strings.NewReader(doc), time.Now())
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		importDoc(t, st, `{"users":[{"id":1,"username":"a"},{"id":2,"username":"b"}],
			"assets":[{"id":10,"name":"Valk","assetType":"Hat","creator":{"type":"User","id":1},"isLimitedUnique":true}]}`)
		u1, u2 := inventory.Agent{Type: inventory.AgentUser, ID: 1}, inventory.Agent{Type: inventory.AgentUser, ID: 2}
		given := map[int64]bool{}
		take := func(how string, ua inventory.UserAsset) inventory.UserAsset {
			t.Helper()
			if ua.Serial == nil {
				t.Fatalf("%s: copy %d has no serial", how, ua.ID)
			}
			if given[*ua.Serial] {
				t.Fatalf("%s: serial %d given again (given so far: %v)", how, *ua.Serial, given)
			}
			given[*ua.Serial] = true
			return ua
		}
		grant := func(owner inventory.Agent) inventory.UserAsset {
			t.Helper()
			ua, err := st.Grant(ctx, inventory.GrantRequest{AssetID: 10, Owner: owner})
			if err != nil {
				t.Fatal(err)
			}
			return take("grant", ua)
		}
		// the copies of user 2, the newest last
		newest := func() inventory.UserAsset {
			t.Helper()
			cs, err := st.OwnedCopies(ctx, 2, 10, 100)
			if err != nil || len(cs) == 0 {
				t.Fatalf("user 2's copies: %v %v", cs, err)
			}
			return cs[len(cs)-1]
		}

		grant(u1)
		top := grant(u1)
		if _, err := st.Revoke(ctx, top.ID, nil); err != nil {
			t.Fatal(err)
		}
		top = grant(u2) // after a revoke
		if _, err := st.DeleteOwnedCopies(ctx, 2, 10); err != nil {
			t.Fatal(err)
		}
		grant(u1) // after the owner deleted it

		importDoc(t, st, `{"userAssets":[{"assetId":10,"owner":{"type":"User","id":2}}]}`)
		top = take("fixture import", newest())
		if _, err := st.Revoke(ctx, top.ID, nil); err != nil {
			t.Fatal(err)
		}
		sent := false
		next := func() (*inventory.Fixture, error) {
			if sent {
				return nil, io.EOF
			}
			sent = true
			return parse(`{"userAssets":[{"assetId":10,"owner":{"type":"User","id":2}}]}`), nil
		}
		if _, err := st.ImportStream(ctx, next, nil); err != nil {
			t.Fatal(err)
		}
		top = take("stream import", newest())
		if _, err := st.Revoke(ctx, top.ID, nil); err != nil {
			t.Fatal(err)
		}
		grant(u2)
	})
}

// importDoc parses a fixture document and imports it into st.
func importDoc(t *testing.T, st inventory.Store, doc string) {
	t.Helper()
	f, err := inventory.ParseFixture(strings.NewReader(doc), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Import(context.Background(), f); err != nil {
		t.Fatal(err)
	}
}
