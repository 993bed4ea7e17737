package inventorytest

import (
	"fmt"
	"testing"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// importChecks are the import and export rules that keep a store's export
// re-importable and an import in step with the admin API: a package's
// contents go with its type, packages are exported after what they contain
// (and may not contain themselves), generated ids and serials stay below
// 2^53, creators must exist, and a copy taken from a user by an import
// leaves the user's collection as a transfer's does.
func (s *suite) importChecks(t *testing.T) {
	t.Run("PackageBecomesOtherType", s.packageBecomesOtherType)
}

func (s *suite) packageBecomesOtherType(t *testing.T) {
	for name, load := range loads {
		t.Run(name, func(t *testing.T) {
			st := s.example(t)
			must(t, load(st, parse(t, `{"assets": [{"id": 27112438, "name": "Knight Hat", "assetType": "Hat",
				"creator": {"type": "User", "id": 1}}]}`)))
			pk, err := st.PackageAssets(bg, 27112438)
			must(t, err)
			eq(t, "contents of a package that became a hat", fmt.Sprint(pk), "[]")
			a := exportedAssets(t, st)[27112438]
			eq(t, "exported packageAssetIds of the hat", fmt.Sprint(a.PackageAssetIDs), "[]")
			// Made a package again without contents, it has none.
			must(t, load(st, parse(t, `{"assets": [{"id": 27112438, "name": "Knight Package", "assetType": "Package",
				"creator": {"type": "User", "id": 1}}]}`)))
			pk, err = st.PackageAssets(bg, 27112438)
			must(t, err)
			eq(t, "contents of the package again", fmt.Sprint(pk), "[]")
		})
	}
}

// exportedAssets returns the asset records of st's export by id.
func exportedAssets(t *testing.T, st inventory.Store) map[int64]inventory.AssetRecord {
	t.Helper()
	var o assetOrder
	must(t, st.Export(bg, &o))
	m := map[int64]inventory.AssetRecord{}
	for _, a := range o.recs {
		m[a.ID] = a
	}
	return m
}

// assetOrder collects the asset records of an export in order.
type assetOrder struct{ recs []inventory.AssetRecord }

func (o *assetOrder) Record(section string, rec any) error {
	if a, ok := rec.(inventory.AssetRecord); ok {
		o.recs = append(o.recs, a)
	}
	return nil
}

func (o *assetOrder) ids() []int64 {
	out := make([]int64, len(o.recs))
	for i, a := range o.recs {
		out[i] = a.ID
	}
	return out
}

// collection is a user's collection as text: "[Asset 48159815 ...]".
func collection(t *testing.T, st inventory.Store, user int64) string {
	t.Helper()
	items, err := st.CollectionItems(bg, user)
	must(t, err)
	var out []string
	for _, it := range items {
		out = append(out, fmt.Sprintf("%v %d", it.Type, it.ItemID))
	}
	if out == nil {
		return "[]"
	}
	return fmt.Sprint(out)
}
