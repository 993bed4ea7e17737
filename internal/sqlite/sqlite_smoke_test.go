package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/sqlite"
)

func TestOpenImportList(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fh, err := os.Open("../../../shared/fixtures/example.json")
	if err != nil {
		t.Skip(err)
	}
	defer fh.Close()
	f, err := inventory.ParseFixture(fh, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Import(ctx, f); err != nil {
		t.Fatal(err)
	}
	if err := s.Import(ctx, f); err != nil {
		t.Fatal(err)
	}
	rows, err := s.ListUserAssets(ctx, inventory.UserAssetQuery{Owner: inventory.Agent{Type: 1, ID: 156}, MultiType: true,
		Page: inventory.Page{Order: inventory.Asc, Limit: 100, After: &inventory.Key{Type: 8, ID: 0}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		t.Logf("%+v", r)
	}
	o, err := s.ListAssetOwners(ctx, 9000001, inventory.Page{Order: inventory.Desc, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", o)
}
