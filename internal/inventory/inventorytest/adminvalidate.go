package inventorytest

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// adminValidates: the admin write side refuses what a fixture document
// may not hold (docs/admin-api.md: admin bodies accept exactly what a
// fixture accepts), so that whatever it stores exports to a document that
// imports again.
func (s *suite) adminValidates(t *testing.T) {
	t.Run("PackageContents", s.adminPackageContents)
}

// adminPackageContents: creating or patching a package refuses a repeated
// id, the package itself and a cycle through other packages, as an import
// does (importcheck.go, packageCycles), and keeps nothing of a refused
// change.
func (s *suite) adminPackageContents(t *testing.T) {
	st := s.example(t)
	pkg := func(id int64, contents ...int64) inventory.FixtureAsset {
		return inventory.FixtureAsset{Asset: inventory.Asset{ID: id, Name: fmt.Sprint("P", id), Type: inventory.AssetTypePackage,
			Creator: inventory.Agent{Type: inventory.AgentUser, ID: 156}, Created: ms("2024-01-01T00:00:00Z"), Updated: ms("2024-01-01T00:00:00Z")},
			PackageAssetIDs: contents}
	}
	contents := func(id int64) string {
		t.Helper()
		ids, err := st.PackageAssets(bg, id)
		must(t, err)
		return fmt.Sprint(ids)
	}
	setContents := func(id int64, name string, ids ...int64) (inventory.Asset, error) {
		p := inventory.AssetPatch{PackageAssetIDs: &ids}
		if name != "" {
			p.Name = &name
		}
		return st.UpdateAsset(bg, id, p)
	}
	const knight = int64(27112438) // holds 27112025, 27112039

	// Created: a package inside itself, or holding an asset twice.
	wantErr(t, st.CreateAsset(bg, pkg(9601, 9601)), inventory.KindInvalid, "packageAssetIds[0]: a package cannot contain itself")
	wantErr(t, st.CreateAsset(bg, pkg(9601, 27112025, 27112025)), inventory.KindInvalid, "packageAssetIds[1]: duplicate asset 27112025")
	_, err := st.Asset(bg, 9601)
	wantKind(t, err, inventory.KindNotFound)

	// 9602 > 9601 > knight.
	must(t, st.CreateAsset(bg, pkg(9601, knight)))
	must(t, st.CreateAsset(bg, pkg(9602, 9601, 27112025)))

	// Patched: itself, twice, directly and through other packages.
	_, err = setContents(knight, "Renamed", knight)
	wantErr(t, err, inventory.KindInvalid, "packageAssetIds[0]: a package cannot contain itself")
	_, err = setContents(knight, "", 27112025, 27112039, 27112025)
	wantErr(t, err, inventory.KindInvalid, "packageAssetIds[2]: duplicate asset 27112025")
	_, err = setContents(knight, "Renamed", 27112025, 9601)
	wantErr(t, err, inventory.KindInvalid,
		"packageAssetIds[1]: package 9601 contains package 27112438 (directly or through other packages), so 27112438 cannot contain it")
	_, err = setContents(knight, "", 9602)
	wantErr(t, err, inventory.KindInvalid,
		"packageAssetIds[0]: package 9602 contains package 27112438 (directly or through other packages), so 27112438 cannot contain it")
	_, err = setContents(9601, "", 9602)
	wantErr(t, err, inventory.KindInvalid,
		"packageAssetIds[0]: package 9602 contains package 9601 (directly or through other packages), so 9601 cannot contain it")

	// Nothing of a refused patch stays: contents, name.
	eq(t, "knight contents", contents(knight), "[27112025 27112039]")
	eq(t, "9601 contents", contents(9601), fmt.Sprint([]int64{knight}))
	a, err := st.Asset(bg, knight)
	must(t, err)
	eq(t, "knight name", a.Name, "Knight Package")

	// One package reached twice over is no cycle.
	_, err = setContents(9602, "", 9601, knight, 27112025)
	must(t, err)
	eq(t, "9602 contents", contents(9602), fmt.Sprint([]int64{9601, knight, 27112025}))

	// Concurrent patches, each of which alone is fine, that together
	// would close a cycle: one of each pair is refused.
	for round := range 10 {
		a := int64(9700 + 2*round)
		b := a + 1
		must(t, st.CreateAsset(bg, pkg(a, 27112025)))
		must(t, st.CreateAsset(bg, pkg(b, 27112039)))
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, p := range [][2]int64{{a, b}, {b, a}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = setContents(p[0], "", p[1])
			}()
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("round %d: concurrent patches closing a cycle: %v, %v (want one refused)", round, errs[0], errs[1])
		}
		for _, err := range errs {
			if err != nil {
				wantKind(t, err, inventory.KindInvalid)
			}
		}
	}

	// What the admin side stored exports to a document that imports.
	s.reimports(t, st)
}

// reimports checks that st's export, one line a batch, imports into an
// empty store.
func (s *suite) reimports(t *testing.T, st inventory.Store) {
	t.Helper()
	var buf bytes.Buffer
	w := inventory.NewNDJSONWriter(&buf)
	must(t, st.Export(bg, w))
	must(t, w.Close())
	_, err := s.open(t).ImportStream(bg, inventory.NewNDJSONReader(bytes.NewReader(buf.Bytes()), importNow, 1).Next, nil)
	must(t, err)
}
