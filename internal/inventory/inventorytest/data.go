package inventorytest

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// exampleDoc is the example fixture of docs/fixtures.md: a small world with
// every kind of row (a limited, a limited-unique, a UGC collectible, a
// package, moderated assets, a group owner, privacy settings, relations,
// sessions, game passes, badges, bundles, places and a collection).
const exampleDoc = `{
  "users": [
    {"id": 1, "username": "Roblox", "buildersClubMembershipType": 0, "inventoryPrivacy": "AllUsers", "created": "2006-02-27T21:06:40.300Z"},
    {"id": 156, "username": "builderman", "buildersClubMembershipType": 4, "inventoryPrivacy": "AllUsers", "created": "2006-03-08T04:00:00.000Z"},
    {"id": 261, "username": "Shedletsky", "buildersClubMembershipType": 3, "inventoryPrivacy": "Friends"},
    {"id": 2001, "username": "friend_of_shedletsky", "inventoryPrivacy": "NoOne"},
    {"id": 2002, "username": "follower_of_shedletsky", "inventoryPrivacy": "FriendsFollowingAndFollowers"},
    {"id": 2003, "username": "stranger", "inventoryPrivacy": "AllAuthenticatedUsers"},
    {"id": 2004, "username": "banned_user", "displayName": "Banned Display", "inventoryPrivacy": "AllUsers", "isBanned": true}
  ],
  "groups": [
    {"id": 7, "name": "Builders Club Group"}
  ],
  "friendships": [
    {"userId": 261, "friendId": 2001}
  ],
  "follows": [
    {"followerId": 2002, "followingId": 261}
  ],
  "sessions": [
    {"userId": 156, "cookie": "_|WARNING:-DO-NOT-SHARE-THIS.--Sharing-this-will-allow-someone-to-log-in-as-you-and-to-steal-your-ROBUX-and-items.|_example-builderman"},
    {"userId": 261, "cookie": "_|WARNING:-DO-NOT-SHARE-THIS.--Sharing-this-will-allow-someone-to-log-in-as-you-and-to-steal-your-ROBUX-and-items.|_example-shedletsky"},
    {"userId": 2001, "cookie": "example-friend"},
    {"userId": 2003, "cookie": "example-stranger"}
  ],
  "assets": [
    {"id": 1028606, "name": "Red Baseball Cap", "assetType": "Hat", "creator": {"type": "User", "id": 1},
     "isLimited": true, "recentAveragePrice": 1768, "originalPrice": null, "assetStock": null,
     "created": "2007-04-13T00:00:00.000Z"},
    {"id": 48159815, "name": "Shadow Dancer", "assetType": "Hat", "creator": {"type": "User", "id": 1},
     "isLimitedUnique": true, "recentAveragePrice": 5109, "originalPrice": 2000, "assetStock": 500},
    {"id": 1365767, "name": "Classic Builder Shirt", "assetType": "Shirt", "creator": {"type": "User", "id": 156},
     "priceInRobux": 5},
    {"id": 1365768, "name": "Pending Pants", "assetType": "Pants", "creator": {"type": "User", "id": 156},
     "moderationStatus": "Pending"},
    {"id": 1365769, "name": "Removed Decal", "assetType": "Decal", "creator": {"type": "User", "id": 156},
     "moderationStatus": "Disapproved"},
    {"id": 9000001, "name": "UGC Crown", "assetType": "HairAccessory", "creator": {"type": "Group", "id": 7},
     "collectibleItemId": "521cca19-75bb-4e05-a0af-633b1532c24d", "assetStock": 100, "originalPrice": 80},
    {"id": 27112438, "name": "Knight Package", "assetType": "Package", "creator": {"type": "User", "id": 1},
     "packageAssetIds": [27112025, 27112039]},
    {"id": 27112025, "name": "Knight Torso", "assetType": "Torso", "creator": {"type": "User", "id": 1}},
    {"id": 27112039, "name": "Knight Left Arm", "assetType": "LeftArm", "creator": {"type": "User", "id": 1}}
  ],
  "userAssets": [
    {"userAssetId": 28605, "assetId": 1028606, "owner": {"type": "User", "id": 156}, "created": "2008-01-01T00:00:00.000Z"},
    {"userAssetId": 510938272, "assetId": 48159815, "owner": {"type": "User", "id": 156}, "serialNumber": 149,
     "holdUntil": "2099-01-01T00:00:00.000Z"},
    {"userAssetId": 510938273, "assetId": 48159815, "owner": {"type": "User", "id": 261}, "serialNumber": 150},
    {"userAssetId": 510938274, "assetId": 48159815, "owner": {"type": "Group", "id": 7}, "serialNumber": 151},
    {"userAssetId": 600000001, "assetId": 1365767, "owner": {"type": "User", "id": 156}},
    {"userAssetId": 600000002, "assetId": 1365768, "owner": {"type": "User", "id": 156}},
    {"userAssetId": 600000003, "assetId": 1365769, "owner": {"type": "User", "id": 156}},
    {"userAssetId": 700000001, "assetId": 9000001, "owner": {"type": "User", "id": 156}, "serialNumber": 1,
     "collectibleItemInstanceId": "a8a27d38-ee51-4cf4-8b0a-485d0dfd8607"},
    {"userAssetId": 700000002, "assetId": 9000001, "owner": {"type": "User", "id": 2004}, "serialNumber": 2},
    {"userAssetId": 800000001, "assetId": 27112438, "owner": {"type": "User", "id": 261},
     "expireAt": "2099-12-31T00:00:00.000Z"}
  ],
  "gamePasses": [
    {"id": 12527, "name": "VIP", "placeId": 1818, "priceInRobux": 100},
    {"id": 12528, "name": "Free Pass"}
  ],
  "badges": [
    {"id": 2124, "name": "Welcome to Crossroads", "placeId": 1818}
  ],
  "bundles": [
    {"id": 192, "name": "Knights of Redcliff: Paladin", "bundleType": "BodyParts"}
  ],
  "userItems": [
    {"userId": 156, "itemType": "GamePass", "itemId": 12527, "instanceId": 31000001},
    {"userId": 156, "itemType": "Badge", "itemId": 2124, "created": "2015-05-05T05:05:05.005Z"},
    {"userId": 261, "itemType": "Bundle", "itemId": 192}
  ],
  "places": [
    {"placeId": 1818, "universeId": 13058, "name": "Classic: Crossroads", "creator": {"type": "User", "id": 1}, "priceInRobux": null},
    {"placeId": 95206881, "universeId": 34296219, "name": "Builderman's Workshop", "creator": {"type": "User", "id": 156}, "priceInRobux": 25},
    {"placeId": 95206882, "name": "Builderman's Second Place", "creator": {"type": "User", "id": 156}},
    {"placeId": 95206883, "name": "Builderman's Third Place", "creator": {"type": "User", "id": 156}},
    {"placeId": 70000001, "name": "Group Hangout", "creator": {"type": "Group", "id": 7}},
    {"placeId": 70000002, "name": "Experience Place", "creator": {"type": "Experience", "id": 424242}}
  ],
  "userPlaces": [
    {"userId": 261, "placesTab": "Purchased", "placeId": 95206881},
    {"userId": 261, "placesTab": "Purchased", "placeId": 1818},
    {"userId": 261, "placesTab": "Purchased", "placeId": 70000001},
    {"userId": 261, "placesTab": "MyGames", "placeId": 70000002},
    {"userId": 156, "placesTab": "OtherGames", "placeId": 1818}
  ],
  "collections": [
    {"userId": 156, "itemType": "Asset", "itemId": 48159815}
  ]
}`

// Sessions of exampleDoc.
const (
	cookieBuilderman = "_|WARNING:-DO-NOT-SHARE-THIS.--Sharing-this-will-allow-someone-to-log-in-as-you-and-to-steal-your-ROBUX-and-items.|_example-builderman"
	cookieFriend     = "example-friend"
)

// importNow is the clock fixture documents are parsed with.
var importNow = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// parse parses a fixture document or fails the test.
func parse(t testing.TB, doc string) *inventory.Fixture {
	t.Helper()
	f, err := inventory.ParseFixture(strings.NewReader(doc), importNow)
	if err != nil {
		t.Fatalf("parse fixture: %v", err)
	}
	return f
}

// ms returns the time of an RFC 3339 text (test data).
func ms(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func ptr[T any](v T) *T { return &v }

// The paging world: owner pagerUser holds many copies of many assets, a
// second user and a group hold others, interleaved by userAssetId, and a
// few ids sit just below 2^53.
const (
	pagerUser  = 5001
	otherUser  = 5002
	pagerGroup = 5003
	firstAsset = 6000001
	numAssets  = 30
)

// copyRow is what the model knows of one copy.
type copyRow struct {
	id          int64
	asset       int64
	owner       inventory.Agent
	typ         inventory.AssetType
	limited     inventory.LimitedKind
	moderation  inventory.Moderation
	collectible bool
}

// pagerWorld is the generated paging data set and its model.
type pagerWorld struct {
	fixture *inventory.Fixture
	copies  []copyRow // every copy, by id
	assets  map[int64]inventory.FixtureAsset
}

var pagerTypes = []inventory.AssetType{8, 11, 12, 13, 18, 19} // Hat, Shirt, Pants, Decal, Face, Gear

func newPagerWorld() *pagerWorld {
	w := &pagerWorld{assets: map[int64]inventory.FixtureAsset{}}
	f := &inventory.Fixture{}
	created := ms("2020-01-01T00:00:00Z")
	f.Users = []inventory.User{
		{ID: pagerUser, Name: "pager", DisplayName: "Pager", Privacy: inventory.PrivacyAllUsers, Created: created},
		{ID: otherUser, Name: "other", DisplayName: "Other", Membership: 1, Privacy: inventory.PrivacyFriends, Created: created},
	}
	f.Groups = []inventory.Group{{ID: pagerGroup, Name: "Pager Group"}}
	for i := 0; i < numAssets; i++ {
		a := inventory.FixtureAsset{Asset: inventory.Asset{
			ID: int64(firstAsset + i), Name: fmt.Sprintf("Pager Asset %02d", i), Type: pagerTypes[i%len(pagerTypes)],
			Creator: inventory.Agent{Type: inventory.AgentUser, ID: pagerUser},
			Created: created.Add(time.Duration(i) * time.Hour), Updated: created.Add(time.Duration(i) * 2 * time.Hour)}}
		switch {
		case i == numAssets-1:
			a.Limited, a.CollectibleItemID = inventory.Collectible, "0d8b2a6e-0000-4000-8000-000000000001"
		case i%7 == 3:
			a.Limited = inventory.LimitedUnique
		case i%5 == 1:
			a.Limited = inventory.Limited
		}
		switch {
		case i%9 == 4:
			a.Moderation = inventory.ModerationDisapproved
		case i%4 == 2:
			a.Moderation = inventory.ModerationPending
		}
		if i%3 == 0 {
			a.Price = ptr(int64(10 * i))
		}
		f.Assets = append(f.Assets, a)
		w.assets[a.ID] = a
	}
	add := func(id int64, asset int64, owner inventory.Agent) {
		a := w.assets[asset]
		f.UserAssets = append(f.UserAssets, inventory.FixtureUserAsset{
			UserAsset: inventory.UserAsset{ID: id, AssetID: asset, Owner: owner,
				Created: created.Add(time.Duration(id%1000) * time.Minute), Updated: created.Add(time.Duration(id%1000) * time.Minute)},
			Path: fmt.Sprintf("userAssets[%d]", len(f.UserAssets))})
		w.copies = append(w.copies, copyRow{id: id, asset: asset, owner: owner, typ: a.Type, limited: a.Limited,
			moderation: a.Moderation, collectible: a.Limited != inventory.NotLimited})
	}
	user := inventory.Agent{Type: inventory.AgentUser, ID: pagerUser}
	other := inventory.Agent{Type: inventory.AgentUser, ID: otherUser}
	group := inventory.Agent{Type: inventory.AgentGroup, ID: pagerGroup}
	for i := int64(0); i < 131; i++ {
		add(100000+i*7+i%3, firstAsset+(i*13)%numAssets, user)
		if i%5 == 0 {
			add(100000+i*7+3, firstAsset+(i*11)%numAssets, other)
		}
		if i%9 == 0 {
			add(100000+i*7+5, firstAsset+(i*17)%numAssets, group)
		}
	}
	for i := int64(1); i <= 4; i++ { // ids just below 2^53
		add(inventory.MaxID-10+i, firstAsset+i, user)
	}
	sort.Slice(w.copies, func(i, j int) bool { return w.copies[i].id < w.copies[j].id })
	w.fixture = f
	return w
}

// expect returns the model's answer to q over all rows, in Asc order.
func (w *pagerWorld) expect(q inventory.UserAssetQuery) []copyRow {
	types := map[inventory.AssetType]bool{}
	for _, t := range q.Types {
		types[t] = true
	}
	var out []copyRow
	for _, c := range w.copies {
		switch {
		case c.owner != q.Owner,
			len(types) > 0 && !types[c.typ],
			q.CollectiblesOnly && !c.collectible,
			q.HidePending && c.moderation != inventory.ModerationApproved,
			q.HideDisapproved && c.moderation == inventory.ModerationDisapproved:
			continue
		}
		out = append(out, c)
	}
	if q.MultiType {
		sort.SliceStable(out, func(i, j int) bool { return out[i].typ < out[j].typ })
	}
	return out
}

// owners returns the copies of an asset, in Asc order.
func (w *pagerWorld) owners(asset int64) []copyRow {
	var out []copyRow
	for _, c := range w.copies {
		if c.asset == asset {
			out = append(out, c)
		}
	}
	return out
}

// ExampleFixture returns the suite's example document, parsed: a small
// world with every kind of row (for tests outside the suite).
func ExampleFixture(t testing.TB) *inventory.Fixture { return parse(t, exampleDoc) }

// PagerFixture returns the suite's paging data set: several hundred copies
// of thirty assets held by two users and a group.
func PagerFixture() *inventory.Fixture { return newPagerWorld().fixture }

// PagerOwner is the user who holds most of PagerFixture's copies.
const PagerOwner = pagerUser
