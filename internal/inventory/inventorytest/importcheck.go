package inventorytest

import (
	"bytes"
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
	t.Run("NestedPackagesExportInOrder", s.nestedPackagesExportInOrder)
	t.Run("PackageCycles", s.packageCycles)
	t.Run("IDsAndSerialsStayBelow2^53", s.idsStayBelow2to53)
	t.Run("CreatorsMustExist", s.creatorsMustExist)
	t.Run("ImportedOwnerLeavesCollection", s.importedOwnerLeavesCollection)
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

func (s *suite) nestedPackagesExportInOrder(t *testing.T) {
	// Package 9402 contains package 9403, which has the larger id:
	// export writes 9403 first, so that a stream re-imports even when
	// each line is a batch of its own.
	st := s.example(t)
	must(t, st.Import(bg, parse(t, `{"assets": [
		{"id": 9402, "name": "Outer", "assetType": "Package", "creator": {"type": "User", "id": 1}, "packageAssetIds": [9403, 27112438]},
		{"id": 9403, "name": "Inner", "assetType": "Package", "creator": {"type": "User", "id": 1}, "packageAssetIds": [9404]},
		{"id": 9404, "name": "Core", "assetType": "Package", "creator": {"type": "User", "id": 1}, "packageAssetIds": [9401]},
		{"id": 9401, "name": "Visor", "assetType": "Hat", "creator": {"type": "User", "id": 1}}]}`)))
	var buf bytes.Buffer
	w := inventory.NewNDJSONWriter(&buf)
	must(t, st.Export(bg, w))
	must(t, w.Close())
	var order assetOrder
	must(t, st.Export(bg, &order))
	seen := map[int64]bool{}
	for _, a := range order.recs {
		for _, c := range a.PackageAssetIDs {
			if !seen[c] {
				t.Fatalf("export writes package %d before asset %d, which it contains (order %v)", a.ID, c, order.ids())
			}
		}
		seen[a.ID] = true
	}
	other := s.open(t)
	r := inventory.NewNDJSONReader(bytes.NewReader(buf.Bytes()), importNow, 1)
	_, err := other.ImportStream(bg, r.Next, nil)
	must(t, err)
	pk, err := other.PackageAssets(bg, 9402)
	must(t, err)
	eq(t, "re-imported contents", fmt.Sprint(pk), "[9403 27112438]")
}

func (s *suite) packageCycles(t *testing.T) {
	for name, load := range loads {
		t.Run(name, func(t *testing.T) {
			st := s.example(t)
			must(t, load(st, parse(t, `{"assets": [
				{"id": 9402, "name": "Outer", "assetType": "Package", "creator": {"type": "User", "id": 1}, "packageAssetIds": [9401, 9403]},
				{"id": 9403, "name": "Inner", "assetType": "Package", "creator": {"type": "User", "id": 1}, "packageAssetIds": [27112438]},
				{"id": 9401, "name": "Visor", "assetType": "Hat", "creator": {"type": "User", "id": 1}}]}`)))
			// Through the store: 9402 > 9403 > 27112438 > 9402.
			wantErr(t, load(st, parse(t, `{"assets": [{"id": 27112438, "name": "Knight Package", "assetType": "Package",
				"creator": {"type": "User", "id": 1}, "packageAssetIds": [27112025, 9402]}]}`)), inventory.KindInvalid,
				"assets[0].packageAssetIds[1]: package 9402 contains package 27112438 (directly or through other packages), so 27112438 cannot contain it")
			// Within one document.
			wantErr(t, load(st, parse(t, `{"assets": [
				{"id": 9405, "name": "A", "assetType": "Package", "creator": {"type": "User", "id": 1}, "packageAssetIds": [9406]},
				{"id": 9406, "name": "B", "assetType": "Package", "creator": {"type": "User", "id": 1}, "packageAssetIds": [9401, 9405]}]}`)),
				inventory.KindInvalid,
				"assets[0].packageAssetIds[0]: package 9406 contains package 9405 (directly or through other packages), so 9405 cannot contain it")
			pk, err := st.PackageAssets(bg, 27112438)
			must(t, err)
			eq(t, "contents after the refused cycle", fmt.Sprint(pk), "[27112025 27112039]")
			// A package may hold the same package twice over (no cycle).
			must(t, load(st, parse(t, `{"assets": [{"id": 9407, "name": "Twice", "assetType": "Package",
				"creator": {"type": "User", "id": 1}, "packageAssetIds": [9402, 9403]}]}`)))
		})
	}
}

func (s *suite) idsStayBelow2to53(t *testing.T) {
	for name, load := range loads {
		t.Run(name, func(t *testing.T) {
			st := s.example(t)
			// The largest serial of 48159815, on a low id.
			must(t, load(st, parse(t, `{"userAssets": [{"userAssetId": 900000001, "assetId": 48159815,
				"owner": {"type": "User", "id": 2003}, "serialNumber": 9007199254740991}]}`)))
			wantErr(t, load(st, parse(t, `{"userAssets": [{"userAssetId": 900000002, "assetId": 1028606, "owner": {"type": "User", "id": 2003}},
				{"assetId": 48159815, "owner": {"type": "User", "id": 2003}}]}`)), inventory.KindInvalid,
				"userAssets[1].serialNumber: cannot be generated: asset 48159815 has given serial number 9007199254740991, the largest allowed (2^53-1)")
			_, err := st.Grant(bg, inventory.GrantRequest{AssetID: 48159815, Owner: inventory.Agent{Type: inventory.AgentUser, ID: 2003}})
			wantErr(t, err, inventory.KindConflict, "cannot grant: asset 48159815 has given serial number 9007199254740991, the largest allowed (2^53-1)")
			// The largest userAssetId.
			must(t, load(st, parse(t, `{"userAssets": [{"userAssetId": 9007199254740991, "assetId": 1028606,
				"owner": {"type": "User", "id": 2003}}]}`)))
			wantErr(t, load(st, parse(t, `{"userAssets": [{"assetId": 1028606, "owner": {"type": "User", "id": 2003}}]}`)),
				inventory.KindInvalid, "userAssets[0].userAssetId: cannot be generated: userAssetId 9007199254740991, the largest allowed (2^53-1), is already given")
			_, err = st.Grant(bg, inventory.GrantRequest{AssetID: 1028606, Owner: inventory.Agent{Type: inventory.AgentUser, ID: 2003}})
			wantErr(t, err, inventory.KindConflict, "cannot grant: userAssetId 9007199254740991, the largest allowed (2^53-1), is already given")
			// Named ids and serials still import.
			must(t, load(st, parse(t, `{"userAssets": [{"userAssetId": 900000003, "assetId": 48159815,
				"owner": {"type": "User", "id": 2003}, "serialNumber": 152}]}`)))
		})
	}
}

func (s *suite) creatorsMustExist(t *testing.T) {
	for name, load := range loads {
		t.Run(name, func(t *testing.T) {
			st := s.example(t)
			for _, c := range []struct{ doc, msg string }{
				{`{"assets": [{"id": 9401, "name": "x", "assetType": "Hat", "creator": {"type": "User", "id": 5}}]}`,
					"assets[0].creator.id: unknown user 5"},
				{`{"assets": [{"id": 9401, "name": "x", "assetType": "Hat", "creator": {"type": "User", "id": 1}},
					{"id": 9402, "name": "y", "assetType": "Hat", "creator": {"type": "Group", "id": 405}}]}`,
					"assets[1].creator.id: unknown group 405"},
				{`{"places": [{"placeId": 9501, "name": "x", "creator": {"type": "User", "id": 999}}]}`,
					"places[0].creator.id: unknown user 999"},
				{`{"places": [{"placeId": 9501, "name": "x", "creator": {"type": "Group", "id": 406}}]}`,
					"places[0].creator.id: unknown group 406"},
			} {
				wantErr(t, load(st, parse(t, c.doc)), inventory.KindInvalid, c.msg)
			}
			_, err := st.Asset(bg, 9401)
			wantKind(t, err, inventory.KindNotFound)
			// Creators of the same document count wherever they stand
			// in it; an Experience needs no row.
			must(t, load(st, parse(t, `{
				"assets": [{"id": 9401, "name": "x", "assetType": "Hat", "creator": {"type": "User", "id": 9601}},
					{"id": 9402, "name": "y", "assetType": "Hat", "creator": {"type": "Group", "id": 9602}}],
				"places": [{"placeId": 9501, "name": "x", "creator": {"type": "Group", "id": 9602}},
					{"placeId": 9502, "name": "y", "creator": {"type": "Experience", "id": 9603}}],
				"users": [{"id": 9601, "username": "late"}],
				"groups": [{"id": 9602, "name": "Late Group"}]}`)))
			a, err := st.Asset(bg, 9402)
			must(t, err)
			eq(t, "creator", a.Creator, inventory.Agent{Type: inventory.AgentGroup, ID: 9602})
		})
	}
}

func (s *suite) importedOwnerLeavesCollection(t *testing.T) {
	// As after a transfer: a user an import takes a copy from, who no
	// longer owns any copy of its asset, loses it from the profile
	// collection; one who still owns one keeps it.
	for name, load := range loads {
		t.Run(name, func(t *testing.T) {
			st := s.example(t)
			must(t, load(st, parse(t, `{"userAssets": [{"userAssetId": 510938272, "assetId": 48159815,
				"owner": {"type": "User", "id": 2003}, "serialNumber": 149}]}`)))
			eq(t, "builderman's collection", collection(t, st, 156), "[]")
			// A copy that changes asset leaves the old one.
			must(t, load(st, parse(t, `{"collections": [{"userId": 156, "itemType": "Asset", "itemId": 1365767}]}`),
				parse(t, `{"userAssets": [{"userAssetId": 600000001, "assetId": 1365768, "owner": {"type": "User", "id": 156}}]}`)))
			eq(t, "builderman's collection after the shirt changed", collection(t, st, 156), "[]")
			// Taken and given back another copy in one document: kept.
			must(t, load(st, parse(t, `{"collections": [{"userId": 261, "itemType": "Asset", "itemId": 48159815}]}`)))
			must(t, load(st, parse(t, `{"userAssets": [
				{"userAssetId": 510938273, "assetId": 48159815, "owner": {"type": "User", "id": 2003}, "serialNumber": 150},
				{"userAssetId": 900000001, "assetId": 48159815, "owner": {"type": "User", "id": 261}, "serialNumber": 160}]}`)))
			eq(t, "Shedletsky's collection", collection(t, st, 261), "[Asset 48159815]")
			// A copy new in a stream, moved later in it.
			must(t, load(st,
				parse(t, `{"userAssets": [{"userAssetId": 900000005, "assetId": 1365767, "owner": {"type": "User", "id": 2003}}],
					"collections": [{"userId": 2003, "itemType": "Asset", "itemId": 1365767}]}`),
				parse(t, `{"userAssets": [{"userAssetId": 900000005, "assetId": 1365767, "owner": {"type": "User", "id": 2001}}]}`)))
			eq(t, "stranger's collection", collection(t, st, 2003), "[]")
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
