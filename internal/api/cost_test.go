package api_test

import (
	"context"
	"testing"

	"github.com/inventoryd/inventoryd/internal/api"
	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// countingStore counts listing queries and their row limits.
type countingStore struct {
	inventory.Store
	calls, rows int
}

func (c *countingStore) ListUserAssets(ctx context.Context, q inventory.UserAssetQuery) ([]inventory.UserAsset, error) {
	c.calls++
	c.rows += q.Page.Limit
	return c.Store.ListUserAssets(ctx, q)
}

// TestPageCostIsFlat: page N costs the same store work as page 1 — one
// keyset query asking for limit+1 rows, never OFFSET.
func TestPageCostIsFlat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		cs := &countingStore{Store: e.store}
		srv, err := api.NewServer(context.Background(), cs, api.Config{})
		if err != nil {
			t.Fatal(err)
		}
		target := "/v2/users/156/inventory/8"
		var costs [][2]int
		for i := 0; i < 5; i++ {
			cs.calls, cs.rows = 0, 0
			p := e.doOn(srv, "GET", target, nil)
			if p.status != 200 {
				t.Fatalf("%d %s", p.status, p.body)
			}
			costs = append(costs, [2]int{cs.calls, cs.rows})
			next, _ := p.json(t)["nextPageCursor"].(string)
			if next == "" {
				t.Fatal("ran out of pages")
			}
			target = withCursor("/v2/users/156/inventory/8", next)
		}
		for i, c := range costs {
			if c != costs[0] || c != [2]int{1, 11} {
				t.Fatalf("page %d cost %v, page 1 cost %v", i+1, c, costs[0])
			}
		}
	})
}
