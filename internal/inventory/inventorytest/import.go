package inventorytest

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

func (s *suite) importTests(t *testing.T) {
	t.Run("Idempotent", func(t *testing.T) {
		st := s.open(t)
		f := parse(t, exampleDoc)
		must(t, st.Import(bg, f))
		n, err := st.DeleteOwnedCopies(bg, 156, 1028606)
		must(t, err)
		eq(t, "deleted", n, 1)
		// The same document again: recorded by its hash, a no-op.
		must(t, st.Import(bg, parse(t, exampleDoc)))
		cs, err := st.OwnedCopies(bg, 156, 1028606, 10)
		must(t, err)
		eq(t, "copies after re-import of the same document", len(cs), 0)
		// Without the hash the rows are upserted: the copy is back, and
		// importing twice duplicates nothing.
		f.Hash = ""
		for i := 0; i < 2; i++ {
			must(t, st.Import(bg, f))
		}
		cs, err = st.OwnedCopies(bg, 156, 1028606, 10)
		must(t, err)
		eq(t, "copies after upsert", len(cs), 1)
		eq(t, "userAssetId after upsert", cs[0].ID, int64(28605))
		all := listAll(t, st, inventory.UserAssetQuery{Owner: inventory.Agent{Type: inventory.AgentUser, ID: 156}})
		eq(t, "builderman's copies", len(all), 6)
		owners := ownersAll(t, st, 48159815)
		eq(t, "Shadow Dancer copies", len(owners), 3)
		rel, err := st.Relations(bg, 2001, []int64{261})
		must(t, err)
		eq(t, "friendship kept", rel[261].Friends, true)
		items, err := st.CollectionItems(bg, 156)
		must(t, err)
		eq(t, "collection entries", len(items), 1)
		pk, err := st.PackageAssets(bg, 27112438)
		must(t, err)
		eq(t, "package contents", fmt.Sprint(pk), "[27112025 27112039]")
	})

	t.Run("Upsert", func(t *testing.T) {
		st := s.example(t)
		// A later document changes rows it names and keeps the others.
		must(t, st.Import(bg, parse(t, `{
			"users": [{"id": 156, "username": "builderman2", "inventoryPrivacy": "Friends", "buildersClubMembershipType": 1}],
			"groups": [{"id": 7, "name": "Renamed Group"}],
			"assets": [{"id": 1365767, "name": "Renamed Shirt", "assetType": "Shirt", "creator": {"type": "User", "id": 156}, "priceInRobux": 7},
				{"id": 27112438, "name": "Knight Package", "assetType": "Package", "creator": {"type": "User", "id": 1},
				 "packageAssetIds": [27112039]}],
			"userAssets": [{"userAssetId": 600000001, "assetId": 1365767, "owner": {"type": "User", "id": 261}}],
			"gamePasses": [{"id": 12527, "name": "VIP+", "priceInRobux": 150}],
			"bundles": [{"id": 192, "name": "Paladin", "bundleType": "Outfit"}],
			"userItems": [{"userId": 156, "itemType": "GamePass", "itemId": 12527, "instanceId": 5}],
			"places": [{"placeId": 1818, "name": "Crossroads", "creator": {"type": "Group", "id": 7}}]
		}`)))
		u, err := st.User(bg, 156)
		must(t, err)
		eq(t, "username", u.Name, "builderman2")
		eq(t, "privacy", u.Privacy, inventory.PrivacyFriends)
		eq(t, "membership", u.Membership, 1)
		g, err := st.Group(bg, 7)
		must(t, err)
		eq(t, "group", g.Name, "Renamed Group")
		a, err := st.Asset(bg, 1365767)
		must(t, err)
		eq(t, "asset name", a.Name, "Renamed Shirt")
		eqPtr(t, "asset price", a.Price, ptr(int64(7)))
		pk, err := st.PackageAssets(bg, 27112438)
		must(t, err)
		eq(t, "package contents replaced", fmt.Sprint(pk), "[27112039]")
		cs, err := st.OwnedCopies(bg, 261, 1365767, 10)
		must(t, err)
		eq(t, "moved copy", len(cs), 1)
		cs, err = st.OwnedCopies(bg, 156, 1365767, 10)
		must(t, err)
		eq(t, "moved copy gone from old owner", len(cs), 0)
		gp, err := st.GamePass(bg, 12527)
		must(t, err)
		eq(t, "game pass", gp.Name, "VIP+")
		eqPtr(t, "game pass place cleared", gp.PlaceID, nil)
		b, err := st.Bundle(bg, 192)
		must(t, err)
		eq(t, "bundle type", b.Type, "Outfit")
		ui, err := st.UserItem(bg, 156, inventory.ItemGamePass, 12527)
		must(t, err)
		eqPtr(t, "user item instance", ui.InstanceID, ptr(int64(5)))
		pl, err := st.UserPlaces(bg, 261, inventory.TabPurchased, 0, 10)
		must(t, err)
		eq(t, "place renamed", pl[0].Name, "Crossroads")
		eq(t, "place creator name", pl[0].CreatorName, "Renamed Group")
		// Untouched rows stay.
		u, err = st.User(bg, 261)
		must(t, err)
		eq(t, "other user", u.Name, "Shedletsky")
	})

	t.Run("AssetChanges", func(t *testing.T) {
		// Copies follow a change of their asset's type; its limited kind
		// may change only while it has no copies. Fixture documents and
		// streams alike.
		for name, load := range loads {
			t.Run(name, func(t *testing.T) {
				st := s.example(t)
				builderman := inventory.Agent{Type: inventory.AgentUser, ID: 156}
				must(t, load(st, parse(t, `{"assets": [{"id": 1365767, "name": "Builder Hat",
					"assetType": "Hat", "creator": {"type": "User", "id": 156}}]}`)))
				hats := listAll(t, st, inventory.UserAssetQuery{Owner: builderman, Types: []inventory.AssetType{inventory.AssetType(8)}})
				if !strings.Contains(ids(hats), "600000001") {
					t.Fatalf("builderman's hats after the shirt became a hat: %s", ids(hats))
				}
				shirts := listAll(t, st, inventory.UserAssetQuery{Owner: builderman, Types: []inventory.AssetType{inventory.AssetType(11)}})
				eq(t, "builderman's shirts", len(shirts), 0)

				wantErr(t, load(st, parse(t, `{"assets": [{"id": 48159815, "name": "Shadow Dancer",
					"assetType": "Hat", "creator": {"type": "User", "id": 1}}]}`)), inventory.KindInvalid,
					"assets[0]: asset 48159815 has owned copies, so it cannot change from a limited-unique asset to a non-limited asset (isLimited, isLimitedUnique, collectibleItemId)")
				a, err := st.Asset(bg, 48159815)
				must(t, err)
				eq(t, "kind after the refused change", a.Limited, inventory.LimitedUnique)
				eq(t, "name after the refused change", a.Name, "Shadow Dancer")

				// Without copies the kind may change.
				must(t, load(st, parse(t, `{"assets": [{"id": 9301, "name": "Plain",
					"assetType": "Hat", "creator": {"type": "User", "id": 1}}]}`)))
				must(t, load(st, parse(t, `{"assets": [{"id": 9301, "name": "Numbered", "isLimitedUnique": true,
					"assetType": "Hat", "creator": {"type": "User", "id": 1}}]}`)))
				a, err = st.Asset(bg, 9301)
				must(t, err)
				eq(t, "kind of an asset without copies", a.Limited, inventory.LimitedUnique)
			})
		}
	})

	t.Run("ReimportLedger", func(t *testing.T) {
		// A copy imported again with another owner: its ledger row says
		// whom it was taken from, as a transfer's does.
		for name, load := range loads {
			t.Run(name, func(t *testing.T) {
				st := s.example(t)
				// Parts: documents, or lines of one stream (each replaces a
				// copy the one before queued).
				must(t, load(st,
					parse(t, `{"userAssets": [{"userAssetId": 510938273, "assetId": 48159815, "owner": {"type": "User", "id": 2003}, "serialNumber": 150}]}`),
					parse(t, `{"userAssets": [{"userAssetId": 510938273, "assetId": 48159815, "owner": {"type": "Group", "id": 7}, "serialNumber": 150}]}`),
					// The same owner again: no change of ownership, no row
					// (without a hash, so that a document is imported again).
					unhashed(parse(t, `{"userAssets": [{"userAssetId": 510938273, "assetId": 48159815, "owner": {"type": "Group", "id": 7}, "serialNumber": 150}]}`))))
				h, err := st.History(bg, 510938273)
				must(t, err)
				var got []string
				for _, e := range h {
					got = append(got, fmt.Sprintf("%v %v→%v", e.Op, agentText(e.From), agentText(e.To)))
				}
				want := "[Import -→User 261 Import User 261→User 2003 Import User 2003→Group 7]"
				eq(t, "history", fmt.Sprint(got), want)
			})
		}
	})

	t.Run("GeneratedIDsAndSerials", func(t *testing.T) {
		st := s.example(t)
		must(t, st.Import(bg, parse(t, `{"userAssets": [
			{"assetId": 48159815, "owner": {"type": "User", "id": 2003}},
			{"assetId": 9000001, "owner": {"type": "User", "id": 2003}},
			{"assetId": 1365767, "owner": {"type": "Group", "id": 7}}
		]}`)))
		cs, err := st.OwnedCopies(bg, 2003, 48159815, 10)
		must(t, err)
		eq(t, "copies", len(cs), 1)
		eq(t, "generated userAssetId", cs[0].ID, int64(800000002))
		eqPtr(t, "next serial", cs[0].Serial, ptr(int64(152)))
		eq(t, "no instance id", cs[0].InstanceID, "")
		cs, err = st.OwnedCopies(bg, 2003, 9000001, 10)
		must(t, err)
		eq(t, "generated userAssetId", cs[0].ID, int64(800000003))
		eqPtr(t, "collectible serial", cs[0].Serial, ptr(int64(3)))
		if len(cs[0].InstanceID) != 36 {
			t.Fatalf("collectible copy without a generated instance id: %q", cs[0].InstanceID)
		}
		gs := listAll(t, st, inventory.UserAssetQuery{Owner: inventory.Agent{Type: inventory.AgentGroup, ID: 7}})
		eq(t, "group copies", len(gs), 2)
		eq(t, "group copy id", gs[1].ID, int64(800000004))
		eqPtr(t, "plain asset has no serial", gs[1].Serial, nil)
	})

	t.Run("BadReferences", func(t *testing.T) {
		st := s.example(t)
		cases := []struct{ doc, msg string }{
			{`{"userAssets": [
				{"assetId": 1028606, "owner": {"type": "User", "id": 156}},
				{"assetId": 1028606, "owner": {"type": "User", "id": 156}},
				{"assetId": 1028606, "owner": {"type": "User", "id": 156}},
				{"assetId": 5, "owner": {"type": "User", "id": 156}}]}`,
				"userAssets[3].assetId: unknown asset 5"},
			{`{"userAssets": [{"assetId": 1028606, "owner": {"type": "User", "id": 99}}]}`,
				"userAssets[0].owner.id: unknown user 99"},
			{`{"userAssets": [{"assetId": 1028606, "owner": {"type": "Group", "id": 99}}]}`,
				"userAssets[0].owner.id: unknown group 99"},
			{`{"userAssets": [{"assetId": 1028606, "owner": {"type": "User", "id": 156}, "serialNumber": 4}]}`,
				"userAssets[0].serialNumber: asset 1028606 is not limited-unique or a collectible, so its copies have no serial numbers"},
			{`{"userAssets": [{"assetId": 48159815, "owner": {"type": "User", "id": 156}, "collectibleItemInstanceId": "3f1f3a52-3b4e-4c61-9a8e-2d4c1b0e9f11"}]}`,
				"userAssets[0].collectibleItemInstanceId: asset 48159815 is not a collectible"},
			{`{"friendships": [{"userId": 156, "friendId": 98}]}`, "friendships[0].friendId: unknown user 98"},
			{`{"follows": [{"followerId": 97, "followingId": 156}]}`, "follows[0].followerId: unknown user 97"},
			{`{"sessions": [{"userId": 96, "cookie": "x"}]}`, "sessions[0].userId: unknown user 96"},
			{`{"assets": [{"id": 31, "name": "P", "assetType": "Package", "creator": {"type": "User", "id": 1}, "packageAssetIds": [1028606, 95]}]}`,
				"assets[0].packageAssetIds[1]: unknown asset 95"},
			{`{"userItems": [{"userId": 156, "itemType": "GamePass", "itemId": 94}]}`, "userItems[0].itemId: unknown game pass 94"},
			{`{"userItems": [{"userId": 156, "itemType": "Badge", "itemId": 93}]}`, "userItems[0].itemId: unknown badge 93"},
			{`{"userItems": [{"userId": 92, "itemType": "Bundle", "itemId": 192}]}`, "userItems[0].userId: unknown user 92"},
			{`{"userPlaces": [{"userId": 156, "placesTab": "Purchased", "placeId": 91}]}`, "userPlaces[0].placeId: unknown place 91"},
			{`{"collections": [{"userId": 156, "itemType": "Bundle", "itemId": 90}]}`, "collections[0].itemId: unknown bundle 90"},
			{`{"collections": [{"userId": 89, "itemType": "Asset", "itemId": 1028606}]}`, "collections[0].userId: unknown user 89"},
			{`{"assets": [{"id": 32, "name": "Twin", "assetType": "Hat", "creator": {"type": "User", "id": 1},
				"collectibleItemId": "521cca19-75bb-4e05-a0af-633b1532c24d"}]}`,
				"assets[0].collectibleItemId: already used by another asset"},
		}
		if !s.o.NoGlobalCopyUniqueness {
			cases = append(cases,
				struct{ doc, msg string }{`{"userAssets": [{"userAssetId": 1, "assetId": 48159815, "owner": {"type": "User", "id": 2003}, "serialNumber": 150}]}`,
					"userAssets[0]: serial number or collectibleItemInstanceId already used by another copy of asset 48159815"},
				struct{ doc, msg string }{`{"userAssets": [{"userAssetId": 2, "assetId": 9000001, "owner": {"type": "User", "id": 2003},
					"collectibleItemInstanceId": "a8a27d38-ee51-4cf4-8b0a-485d0dfd8607"}]}`,
					"userAssets[0]: serial number or collectibleItemInstanceId already used by another copy of asset 9000001"})
		}
		for _, c := range cases {
			err := st.Import(bg, parse(t, c.doc))
			wantErr(t, err, inventory.KindInvalid, c.msg)
		}
		// The store still answers after the failed transactions.
		all := listAll(t, st, inventory.UserAssetQuery{Owner: inventory.Agent{Type: inventory.AgentUser, ID: 156}})
		eq(t, "builderman's copies after failed imports", len(all), 6)
	})

	t.Run("StreamClashes", s.streamClashes)

	t.Run("Atomic", func(t *testing.T) {
		// Everything before the bad reference is rolled back: on an empty
		// store nothing at all is left, on a loaded one nothing changes.
		bad := `{
			"users": [{"id": 9001, "username": "newcomer"}, {"id": 156, "username": "renamed"}],
			"groups": [{"id": 9002, "name": "New Group"}],
			"sessions": [{"userId": 9001, "cookie": "newcomer-cookie"}],
			"assets": [{"id": 9101, "name": "New Hat", "assetType": "Hat", "creator": {"type": "User", "id": 9001}}],
			"userAssets": [
				{"userAssetId": 9201, "assetId": 9101, "owner": {"type": "User", "id": 9001}},
				{"userAssetId": 9202, "assetId": 9101, "owner": {"type": "User", "id": 9001}},
				{"userAssetId": 9203, "assetId": 9101, "owner": {"type": "User", "id": 9001}},
				{"userAssetId": 9204, "assetId": 5, "owner": {"type": "User", "id": 9001}}]
		}`
		st := s.open(t)
		wantErr(t, st.Import(bg, parse(t, bad)), inventory.KindInvalid, "userAssets[3].assetId: unknown asset 5")
		empty, err := st.Empty(bg)
		must(t, err)
		eq(t, "empty after a failed import", empty, true)

		st = s.example(t)
		wantErr(t, st.Import(bg, parse(t, bad)), inventory.KindInvalid, "userAssets[3].assetId: unknown asset 5")
		_, err = st.User(bg, 9001)
		wantKind(t, err, inventory.KindNotFound)
		_, err = st.Group(bg, 9002)
		wantKind(t, err, inventory.KindNotFound)
		_, err = st.Asset(bg, 9101)
		wantKind(t, err, inventory.KindNotFound)
		_, err = st.SessionUser(bg, inventory.HashToken("newcomer-cookie"))
		wantKind(t, err, inventory.KindNotFound)
		u, err := st.User(bg, 156)
		must(t, err)
		eq(t, "existing user unchanged", u.Name, "builderman")
		// A failed document is not recorded as imported: fixed, it loads.
		fixed := strings.Replace(bad, `"assetId": 5,`, `"assetId": 9101,`, 1)
		must(t, st.Import(bg, parse(t, fixed)))
		cs, err := st.OwnedCopies(bg, 9001, 9101, 10)
		must(t, err)
		eq(t, "copies of the fixed document", len(cs), 4)
	})

	s.importChecks(t)
}

// loads are the two ways fixtures reach a store: documents, one
// transaction each, and one stream of parts.
var loads = map[string]func(inventory.Store, ...*inventory.Fixture) error{
	"Import": func(st inventory.Store, fs ...*inventory.Fixture) error {
		for _, f := range fs {
			if err := st.Import(bg, f); err != nil {
				return err
			}
		}
		return nil
	},
	"ImportStream": func(st inventory.Store, fs ...*inventory.Fixture) error {
		_, err := st.ImportStream(bg, func() (*inventory.Fixture, error) {
			if len(fs) == 0 {
				return nil, io.EOF
			}
			f := fs[0]
			fs = fs[1:]
			return f, nil
		}, nil)
		return err
	},
}

// agentText is "-" for no agent, else "User 156".
func agentText(a *inventory.Agent) string {
	if a == nil {
		return "-"
	}
	return fmt.Sprintf("%v %d", a.Type, a.ID)
}

// unhashed returns f without its hash: imported again even if a document
// with the same content was.
func unhashed(f *inventory.Fixture) *inventory.Fixture {
	f.Hash = ""
	return f
}
