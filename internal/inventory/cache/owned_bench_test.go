package cache

import (
	"testing"

	"github.com/inventoryd/inventoryd/internal/generate"
	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// BenchmarkOwnershipCache measures the reads the ownership cache answers
// from memory (the SQLite store underneath is only read once per entry),
// for benchstat:
//
//	go test -run='^$' -bench=OwnershipCache -count=10 ./internal/inventory/cache/
func BenchmarkOwnershipCache(b *testing.B) {
	st := storetest.SQLite(b)
	cfg := generate.Config{Seed: 5, Users: 400, Assets: 300, ItemsPerUser: 60, LimitedEvery: 4}
	loadGeneratedTB(b, st, cfg)
	c := NewWith(st, Options{TTL: 1 << 62, OwnedBytes: DefaultOwnedBytes})
	b.Cleanup(func() { c.stopWatch(); <-c.watchDone })
	for !c.feedOK.Load() {
	}
	users := make([]inventory.Agent, 64)
	for i := range users {
		users[i] = inventory.Agent{Type: inventory.AgentUser, ID: generate.UserIDBase + int64(i*5)}
	}
	// The asset with the most copies, for the owners page.
	var asset int64
	best := 0
	for a := int64(0); a < int64(cfg.Assets); a++ {
		cs, err := st.AssetCopies(ctx, generate.AssetIDBase+a, 1<<20)
		if err != nil {
			b.Fatal(err)
		}
		if len(cs) > best {
			asset, best = generate.AssetIDBase+a, len(cs)
		}
	}
	b.Run("by type, limit 10", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			q := inventory.UserAssetQuery{Owner: users[i%len(users)], Types: []inventory.AssetType{8}, Page: inventory.Page{Order: inventory.Asc, Limit: 11}}
			if _, err := c.ListUserAssets(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("five types, limit 100", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			q := inventory.UserAssetQuery{Owner: users[i%len(users)], Types: []inventory.AssetType{8, 11, 12, 2, 18}, MultiType: true,
				Page: inventory.Page{Order: inventory.Desc, Limit: 101}}
			if _, err := c.ListUserAssets(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("owned copies", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := c.OwnedCopies(ctx, users[i%len(users)].ID, generate.AssetIDBase+int64(i%cfg.Assets), 1); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("owners, limit 100", func(b *testing.B) {
		b.ReportMetric(float64(best), "copies")
		for b.Loop() {
			if _, err := c.ListAssetOwners(ctx, asset, inventory.Page{Order: inventory.Asc, Limit: 101}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
