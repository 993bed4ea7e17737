package inventorytest

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// adminValidates: the admin write side refuses what a fixture document
// may not hold (docs/admin-api.md: admin bodies accept exactly what a
// fixture accepts), so that whatever it stores exports to a document that
// imports again.
func (s *suite) adminValidates(t *testing.T) {
	t.Run("PackageContents", s.adminPackageContents)
	t.Run("Values", s.adminValues)
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

// adminValues: the admin layer (inventory.Admin, which the HTTP API, the
// CLI and the console share) refuses the values a fixture refuses: an
// instanceId, dates outside the years 0001 to 9999 in UTC, a NUL in a
// string, an asset twice in a package.
func (s *suite) adminValues(t *testing.T) {
	st := s.example(t)
	admin := inventory.NewAdmin(st)
	late := time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("", -5*3600)) // 10000-01-01 in UTC
	early := time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC)
	const outOfRange = "is out of range (years 0001 to 9999, in UTC)"
	maxID := fmt.Sprint(int64(inventory.MaxID))

	for _, c := range []struct {
		id   *int64
		at   time.Time
		want string
	}{
		{ptr(int64(-1)), time.Time{}, "instanceId: must be an integer from 1 to " + maxID},
		{ptr(int64(0)), time.Time{}, "instanceId: must be an integer from 1 to " + maxID},
		{ptr(int64(inventory.MaxID) + 1), time.Time{}, "instanceId: must be an integer from 1 to " + maxID},
		{nil, late, "created: " + outOfRange},
		{nil, early, "created: " + outOfRange},
	} {
		err := admin.SetUserItem(bg, inventory.UserItem{UserID: 2003, Type: inventory.ItemGamePass, ItemID: 12528, InstanceID: c.id, Created: c.at}, true)
		wantErr(t, err, inventory.KindInvalid, c.want)
	}
	must(t, admin.SetUserItem(bg, inventory.UserItem{UserID: 2003, Type: inventory.ItemGamePass, ItemID: 12528, InstanceID: ptr(int64(inventory.MaxID))}, true))

	_, err := admin.Grant(bg, inventory.GrantRequest{AssetID: shadowAsset, Owner: user156, HoldUntil: &late})
	wantErr(t, err, inventory.KindInvalid, "holdUntil: "+outOfRange)
	_, err = admin.Grant(bg, inventory.GrantRequest{AssetID: shadowAsset, Owner: user156, ExpireAt: &early})
	wantErr(t, err, inventory.KindInvalid, "expireAt: "+outOfRange)
	ua, err := admin.Grant(bg, inventory.GrantRequest{AssetID: shadowAsset, Owner: user156})
	must(t, err)
	_, err = admin.Transfer(bg, inventory.TransferRequest{UserAssetID: ua.ID, To: user261, HoldUntil: &late})
	wantErr(t, err, inventory.KindInvalid, "holdUntil: "+outOfRange)
	_, err = admin.Transfer(bg, inventory.TransferRequest{UserAssetID: ua.ID, From: &user156, To: user261, HoldUntil: &late})
	wantErr(t, err, inventory.KindInvalid, "holdUntil: "+outOfRange)

	_, err = admin.UpdateUser(bg, 156, inventory.UserPatch{Name: ptr("a\x00b")})
	wantErr(t, err, inventory.KindInvalid, "username: contains a NUL character")
	_, err = admin.UpdateUser(bg, 156, inventory.UserPatch{DisplayName: ptr("a\x00b")})
	wantErr(t, err, inventory.KindInvalid, "displayName: contains a NUL character")
	_, err = admin.UpdateAsset(bg, shadowAsset, inventory.AssetPatch{Name: ptr("a\x00b")})
	wantErr(t, err, inventory.KindInvalid, "name: contains a NUL character")
	_, err = admin.UpdateAsset(bg, 27112438, inventory.AssetPatch{PackageAssetIDs: &[]int64{27112025, 27112025}})
	wantErr(t, err, inventory.KindInvalid, "packageAssetIds[1]: duplicate asset 27112025")
	_, err = admin.UpdateAsset(bg, 27112438, inventory.AssetPatch{PackageAssetIDs: &[]int64{27112438}})
	wantErr(t, err, inventory.KindInvalid, "packageAssetIds[0]: a package cannot contain itself")

	// None of it reached the store, which still exports to a document
	// that imports.
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
