package cache_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/demo"
	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/inventory/cache"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// TestListingsEqualJoined: on the demo data, every listing the cache
// assembles without joins equals the store's joined answer, field for
// field, cold (the fallback to the joined query) and warm (filled from the
// cache).
func TestListingsEqualJoined(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		raw := open(t)
		owners := map[inventory.Agent]bool{}
		assets := map[int64]bool{}
		for i, r := range demo.Documents() {
			f, err := inventory.ParseFixture(r, time.Now())
			if err != nil {
				t.Fatalf("demo document %d: %v", i+1, err)
			}
			if err := raw.Import(ctx, f); err != nil {
				t.Fatalf("demo document %d: %v", i+1, err)
			}
			for _, ua := range f.UserAssets {
				owners[ua.Owner] = true
				assets[ua.AssetID] = true
			}
		}
		c := cache.New(raw, time.Hour, 1<<12)
		pages := []inventory.Page{{Limit: 100}, {Limit: 3, Order: inventory.Desc}, {Limit: 2, After: &inventory.Key{ID: 1 << 40}, Order: inventory.Desc}}
		for round := 0; round < 20; round++ { // cold first, warm after
			for id := range assets {
				for _, p := range pages {
					want, err1 := raw.ListAssetOwners(ctx, id, p)
					got, err2 := c.ListAssetOwners(ctx, id, p)
					if err1 != nil || err2 != nil || !reflect.DeepEqual(got, want) {
						t.Fatalf("owners of %d %+v (round %d):\n got %+v, %v\nwant %+v, %v", id, p, round, got, err2, want, err1)
					}
				}
			}
			for o := range owners {
				for _, q := range []inventory.UserAssetQuery{
					{Owner: o, Page: inventory.Page{Limit: 100}},
					{Owner: o, MultiType: true, Page: inventory.Page{Limit: 5, Order: inventory.Desc}},
					{Owner: o, CollectiblesOnly: true, Page: inventory.Page{Limit: 100}},
					{Owner: o, HideDisapproved: true, Page: inventory.Page{Limit: 100}},
				} {
					want, err1 := raw.ListUserAssets(ctx, q)
					got, err2 := c.ListUserAssets(ctx, q)
					if err1 != nil || err2 != nil || !reflect.DeepEqual(got, want) {
						t.Fatalf("listing %+v (round %d):\n got %+v, %v\nwant %+v, %v", q, round, got, err2, want, err1)
					}
				}
			}
		}
	})
}
