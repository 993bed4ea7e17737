package inventorytest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// RunAdmin runs the contract of the admin write side (inventory.AdminStore)
// against stores from open: the ownership invariants under concurrency
// (run it with -race) and the ledger.
func RunAdmin(t *testing.T, open storetest.Opener) {
	s := &suite{open: open}
	t.Run("GrantLastUnits", s.grantLastUnits)
	t.Run("ConcurrentTransfers", s.concurrentTransfers)
	t.Run("TransferWithoutFrom", s.transferWithoutFrom)
	t.Run("Churn", s.churn)
	t.Run("ConcurrentImports", s.concurrentImports)
	t.Run("AdminValidates", s.adminValidates)
	t.Run("RetiredCopies", s.retiredCopies)
}

const (
	crownAsset  = int64(9000001)  // collectible, stock 100, serials 1 and 2 taken
	shadowAsset = int64(48159815) // limited-unique, stock 500
)

var (
	user156  = inventory.Agent{Type: inventory.AgentUser, ID: 156}
	user261  = inventory.Agent{Type: inventory.AgentUser, ID: 261}
	user2003 = inventory.Agent{Type: inventory.AgentUser, ID: 2003}
	group7   = inventory.Agent{Type: inventory.AgentGroup, ID: 7}
	agents   = []inventory.Agent{user156, user261, user2003, group7, {Type: inventory.AgentUser, ID: 2001}, {Type: inventory.AgentUser, ID: 2002}}
)

// grantLastUnits: many goroutines race for the last units of a
// collectible; exactly the remaining stock is granted, the rest refused
// with KindConflict, serials unique.
func (s *suite) grantLastUnits(t *testing.T) {
	st := s.example(t)
	const stock, racers = 10, 24
	_, err := st.UpdateAsset(bg, crownAsset, inventory.AssetPatch{Stock: inventory.Opt[int64]{Set: true, Value: ptr(int64(stock))}})
	must(t, err)
	var wg sync.WaitGroup
	var mu sync.Mutex
	granted, refused := 0, 0
	for i := 0; i < racers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := st.Grant(bg, inventory.GrantRequest{AssetID: crownAsset, Owner: agents[i%len(agents)]})
			mu.Lock()
			defer mu.Unlock()
			switch inventory.KindOf(err) {
			case inventory.KindConflict:
				refused++
			default:
				if err != nil {
					t.Errorf("grant: %v", err)
					return
				}
				granted++
			}
		}(i)
	}
	wg.Wait()
	eq(t, "granted", granted, stock-2) // the example owns serials 1 and 2
	eq(t, "refused", refused, racers-(stock-2))
	checkInvariants(t, st)
}

// concurrentTransfers: goroutines all transfer the same copy from its
// owner to different targets; exactly one wins each round.
func (s *suite) concurrentTransfers(t *testing.T) {
	st := s.example(t)
	ua, err := st.Grant(bg, inventory.GrantRequest{AssetID: crownAsset, Owner: user156})
	must(t, err)
	owner := user156
	for round := 0; round < 5; round++ {
		var wg sync.WaitGroup
		var mu sync.Mutex
		var winners []inventory.Agent
		conflicts := 0
		for _, to := range agents {
			if to == owner {
				continue
			}
			wg.Add(1)
			go func(from, to inventory.Agent) {
				defer wg.Done()
				_, err := st.Transfer(bg, inventory.TransferRequest{UserAssetID: ua.ID, From: &from, To: to})
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					winners = append(winners, to)
				} else if inventory.KindOf(err) == inventory.KindConflict {
					conflicts++
				} else {
					t.Errorf("transfer: %v", err)
				}
			}(owner, to)
		}
		wg.Wait()
		if len(winners) != 1 || conflicts != len(agents)-2 {
			t.Fatalf("round %d: %d winners %v, %d conflicts", round, len(winners), winners, conflicts)
		}
		owner = winners[0]
		got, err := st.UserAsset(bg, ua.ID)
		must(t, err)
		eq(t, "owner", got.Owner, owner)
		eqPtr(t, "serial", got.Serial, ua.Serial)
		eq(t, "instance", got.InstanceID, ua.InstanceID)
	}
	h, err := st.History(bg, ua.ID)
	must(t, err)
	eq(t, "history rows", len(h), 6)
	checkInvariants(t, st)
}

// racingStore is a store whose UserAsset read lets another transfer of
// the copy commit right after it: what a concurrent request does to an
// admin transfer that did not name the owner.
type racingStore struct {
	inventory.Store
	rival func()
}

func (r *racingStore) UserAsset(ctx context.Context, id int64) (inventory.UserAsset, error) {
	ua, err := r.Store.UserAsset(ctx, id)
	if r.rival != nil {
		r.rival()
		r.rival = nil
	}
	return ua, err
}

// transferWithoutFrom: an admin transfer that names no owner moves the
// copy from the owner it has as the transfer starts, and only from that
// one: when another transfer commits in between, it is a conflict and
// nothing moves (no lost update); otherwise it succeeds, and a transfer
// to the current owner is invalid.
func (s *suite) transferWithoutFrom(t *testing.T) {
	st := s.example(t)
	ua, err := st.Grant(bg, inventory.GrantRequest{AssetID: crownAsset, Owner: user156})
	must(t, err)
	race := &racingStore{Store: st}
	admin := &inventory.Admin{Store: race, Now: time.Now}
	race.rival = func() {
		_, err := st.Transfer(bg, inventory.TransferRequest{UserAssetID: ua.ID, To: user261})
		must(t, err)
	}
	_, err = admin.Transfer(bg, inventory.TransferRequest{UserAssetID: ua.ID, To: group7})
	eq(t, "transfer racing another", inventory.KindOf(err), inventory.KindConflict)
	got, err := st.UserAsset(bg, ua.ID)
	must(t, err)
	eq(t, "owner after the lost race", got.Owner, user261)

	moved, err := admin.Transfer(bg, inventory.TransferRequest{UserAssetID: ua.ID, To: group7})
	must(t, err)
	eq(t, "owner", moved.Owner, group7)
	_, err = admin.Transfer(bg, inventory.TransferRequest{UserAssetID: ua.ID, To: group7})
	eq(t, "transfer to the owner", inventory.KindOf(err), inventory.KindInvalid)
	_, err = admin.Transfer(bg, inventory.TransferRequest{UserAssetID: 1 << 50, To: group7})
	eq(t, "transfer of a missing copy", inventory.KindOf(err), inventory.KindNotFound)
	h, err := st.History(bg, ua.ID)
	must(t, err)
	eq(t, "history rows", len(h), 3) // grant, the rival's transfer, the move
	checkInvariants(t, st)
}

// churn: grants, transfers and revokes at once, then every invariant and
// the ledger replay.
func (s *suite) churn(t *testing.T) {
	st := s.example(t)
	_, err := st.UpdateAsset(bg, shadowAsset, inventory.AssetPatch{Stock: inventory.Opt[int64]{Set: true, Value: ptr(int64(160))}})
	must(t, err)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var mine []int64
			for i := 0; i < 12; i++ {
				asset := crownAsset
				if i%2 == 1 {
					asset = shadowAsset
				}
				ua, err := st.Grant(bg, inventory.GrantRequest{AssetID: asset, Owner: agents[(w+i)%len(agents)]})
				if err != nil {
					if inventory.KindOf(err) != inventory.KindConflict {
						t.Errorf("grant: %v", err)
					}
					continue
				}
				mine = append(mine, ua.ID)
				to := agents[(w+i+1)%len(agents)]
				if _, err := st.Transfer(bg, inventory.TransferRequest{UserAssetID: ua.ID, From: &ua.Owner, To: to}); err != nil && inventory.KindOf(err) != inventory.KindConflict {
					t.Errorf("transfer: %v", err)
				}
				if i%3 == 0 && len(mine) > 1 {
					if _, err := st.Revoke(bg, mine[0], nil); err != nil && inventory.KindOf(err) != inventory.KindNotFound {
						t.Errorf("revoke: %v", err)
					}
					mine = mine[1:]
				}
			}
		}(w)
	}
	wg.Wait()
	checkInvariants(t, st)
}

// copyRec collects the userAssets of an export.
type copyRec struct{ recs []inventory.UserAssetRecord }

func (c *copyRec) Record(section string, rec any) error {
	if r, ok := rec.(inventory.UserAssetRecord); ok {
		c.recs = append(c.recs, r)
	}
	return nil
}

// checkInvariants checks, from the store's own export and ledger: each
// collectible instance has exactly one copy (and so one owner), serials
// are unique per asset, no asset has more copies than its stock, and
// replaying each copy's ledger yields its current owner.
func checkInvariants(t *testing.T, st inventory.Store) {
	t.Helper()
	var c copyRec
	must(t, st.Export(bg, &c))
	instances := map[string]int64{}
	serials := map[string]int64{}
	count := map[int64]int64{}
	for _, r := range c.recs {
		count[r.AssetID]++
		if r.InstanceID != "" {
			if other, dup := instances[r.InstanceID]; dup {
				t.Fatalf("instance %s held by copies %d and %d", r.InstanceID, other, r.UserAssetID)
			}
			instances[r.InstanceID] = r.UserAssetID
		}
		if r.Serial != nil {
			k := fmt.Sprint(r.AssetID, "#", *r.Serial)
			if other, dup := serials[k]; dup {
				t.Fatalf("asset %d serial %d on copies %d and %d", r.AssetID, *r.Serial, other, r.UserAssetID)
			}
			serials[k] = r.UserAssetID
		}
		// Ledger replay: a chain from a grant or import to the owner now.
		h, err := st.History(bg, r.UserAssetID)
		must(t, err)
		var owner *inventory.Agent
		for i, e := range h {
			switch e.Op {
			case inventory.LedgerGrant, inventory.LedgerImport:
				if i != 0 && e.Op == inventory.LedgerGrant {
					t.Fatalf("copy %d: grant after its start", r.UserAssetID)
				}
			case inventory.LedgerTransfer:
				if owner == nil || e.From == nil || *e.From != *owner {
					t.Fatalf("copy %d: transfer from %v, owner was %v", r.UserAssetID, e.From, owner)
				}
			case inventory.LedgerRevoke:
				t.Fatalf("copy %d exists after a revoke", r.UserAssetID)
			}
			owner = e.To
		}
		if owner == nil || owner.Type.String() != r.Owner.Type || owner.ID != r.Owner.ID {
			t.Fatalf("copy %d: ledger says %v, store says %+v", r.UserAssetID, owner, r.Owner)
		}
	}
	for id, n := range count {
		a, err := st.Asset(bg, id)
		must(t, err)
		if a.Stock != nil && n > *a.Stock {
			t.Fatalf("asset %d: %d copies, stock %d", id, n, *a.Stock)
		}
	}
}
