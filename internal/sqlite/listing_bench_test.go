package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/sqlite"
	"github.com/inventoryd/inventoryd/internal/sqlstore"
)

// benchStore is a store with one user owning benchItems hats and shirts
// and one limited-unique asset owned by benchItems/10 users: the listing
// paths of docs/performance.md at a size a benchmark sets up in a second.
const benchItems = 20_000

func benchStore(b *testing.B) *sqlstore.Store {
	b.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	var doc strings.Builder
	doc.WriteString(`{"users":[`)
	for u := range benchItems / 10 {
		if u > 0 {
			doc.WriteByte(',')
		}
		fmt.Fprintf(&doc, `{"id":%d,"username":"u%d","inventoryPrivacy":"AllUsers"}`, 1000+u, u)
	}
	doc.WriteString(`],"assets":[{"id":1,"name":"Hat","assetType":"Hat","creator":{"type":"User","id":1000}},` +
		`{"id":2,"name":"Shirt","assetType":"Shirt","creator":{"type":"User","id":1000}},` +
		`{"id":3,"name":"Limited","assetType":"Hat","creator":{"type":"User","id":1000},"isLimitedUnique":true}]}`)
	f, err := inventory.ParseFixture(strings.NewReader(doc.String()), time.Now())
	if err != nil {
		b.Fatal(err)
	}
	if err := st.Import(ctx, f); err != nil {
		b.Fatal(err)
	}
	tx, err := st.Writer().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO user_assets (id, asset_id, asset_type, collectible, owner_type, owner_id, serial, created, updated)
		VALUES (?, ?, ?, ?, 1, ?, ?, 0, 0)`)
	if err != nil {
		b.Fatal(err)
	}
	id := int64(0)
	for i := range benchItems {
		id++
		asset, typ := int64(1+i%2), 8+3*(i%2)
		if _, err := ins.ExecContext(ctx, id, asset, typ, 0, 1000, nil); err != nil {
			b.Fatal(err)
		}
	}
	for u := range benchItems / 10 {
		id++
		if _, err := ins.ExecContext(ctx, id, 3, 8, 1, 1000+u, u+1); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return st
}

func BenchmarkListUserAssets(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	owner := inventory.Agent{Type: inventory.AgentUser, ID: 1000}
	cases := []struct {
		name string
		q    inventory.UserAssetQuery
	}{
		{"byType/limit10", inventory.UserAssetQuery{Owner: owner, Types: []inventory.AssetType{8}, Page: inventory.Page{Limit: 11}}},
		{"byType/limit10/deep", inventory.UserAssetQuery{Owner: owner, Types: []inventory.AssetType{8}, Page: inventory.Page{Limit: 11, After: &inventory.Key{ID: benchItems - 200}}}},
		{"multiType/limit100", inventory.UserAssetQuery{Owner: owner, Types: []inventory.AssetType{8, 11}, MultiType: true, Page: inventory.Page{Limit: 101}}},
		{"collectibles/limit10", inventory.UserAssetQuery{Owner: owner, CollectiblesOnly: true, Page: inventory.Page{Limit: 11}}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := st.ListUserAssets(ctx, c.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkListAssetOwners(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	for _, p := range []inventory.Page{{Limit: 101}, {Limit: 101, After: &inventory.Key{ID: benchItems + 1000}}} {
		b.Run(fmt.Sprintf("limit100/after=%v", p.After != nil), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := st.ListAssetOwners(ctx, 3, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPointReads(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	b.Run("User", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := st.User(ctx, 1000); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("OwnedCopies", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := st.OwnedCopies(ctx, 1001, 3, 100); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SessionUser/missing", func(b *testing.B) {
		b.ReportAllocs()
		h := inventory.HashToken("nobody")
		for b.Loop() {
			if _, err := st.SessionUser(ctx, h); inventory.KindOf(err) != inventory.KindNotFound {
				b.Fatal(err)
			}
		}
	})
}
