package inventory_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

func TestParseExample(t *testing.T) {
	fh, err := os.Open("../demo/example.json")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := inventory.ParseFixture(fh, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Users) != 7 || len(f.Assets) != 9 || len(f.UserAssets) != 10 || f.Users[2].Privacy != inventory.PrivacyFriends {
		t.Fatalf("parsed %d users, %d assets, %d copies", len(f.Users), len(f.Assets), len(f.UserAssets))
	}
	if a := f.Assets[5]; a.Limited != inventory.Collectible || a.Type != 41 || a.Creator.Type != inventory.AgentGroup {
		t.Fatalf("UGC crown: %+v", a)
	}
}

func TestParseFixtureErrors(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"not json", `{`, "document:"},
		{"unknown section", `{"people":[]}`, "people: unknown section"},
		{"unknown field", `{"users":[{"id":1,"username":"a","nick":"b"}]}`, `users[0]: unknown field "nick"`},
		{"bad id", `{"users":[{"id":0,"username":"a"}]}`, "users[0].id: must be an integer"},
		{"huge id", `{"users":[{"id":9007199254740992,"username":"a"}]}`, "users[0].id: must be an integer"},
		{"no username", `{"users":[{"id":1}]}`, "users[0].username: is required"},
		{"bad privacy", `{"users":[{"id":1,"username":"a","inventoryPrivacy":"Everyone"}]}`, `users[0].inventoryPrivacy: unknown privacy "Everyone"`},
		{"privacy out of range", `{"users":[{"id":1,"username":"a","inventoryPrivacy":7}]}`, `users[0].inventoryPrivacy`},
		{"duplicate user", `{"users":[{"id":1,"username":"a"},{"id":1,"username":"b"}]}`, "users[1].id: duplicate user 1"},
		{"bad asset type", `{"assets":[{"id":1,"name":"a","assetType":"Hats","creator":{"type":"User","id":1}}]}`, `assets[0].assetType: unknown asset type "Hats"`},
		{"no creator", `{"assets":[{"id":1,"name":"a","assetType":8}]}`, "assets[0].creator: is required"},
		{"bad creator type", `{"assets":[{"id":1,"name":"a","assetType":8,"creator":{"type":"Bot","id":1}}]}`, "assets[0].creator.type"},
		{"bad uuid", `{"assets":[{"id":1,"name":"a","assetType":8,"creator":{"type":"User","id":1},"collectibleItemId":"x"}]}`, "assets[0].collectibleItemId"},
		{"contents of a hat", `{"assets":[{"id":1,"name":"a","assetType":8,"creator":{"type":"User","id":1},"packageAssetIds":[2]}]}`, "assets[0].packageAssetIds"},
		{"bad date", `{"userAssets":[{"assetId":1,"owner":{"type":"User","id":1},"holdUntil":"tomorrow"}]}`, "userAssets[0].holdUntil"},
		{"bad serial", `{"userAssets":[{"assetId":1,"owner":{"type":"User","id":1},"serialNumber":0}]}`, "userAssets[0].serialNumber"},
		{"bad item type", `{"userItems":[{"userId":1,"itemType":"Asset","itemId":1}]}`, "userItems[0].itemType"},
		{"created tab", `{"userPlaces":[{"userId":1,"placesTab":"Created","placeId":1}]}`, "userPlaces[0].placesTab"},
		{"bad collection type", `{"collections":[{"userId":1,"itemType":"Badge","itemId":1}]}`, "collections[0].itemType"},
		{"section not an array", `{"users":{}}`, "users: must be an array"},
		{"self friend", `{"friendships":[{"userId":1,"friendId":1}]}`, "friendships[0].friendId"},
		{"NUL in a name", `{"users":[{"id":1,"username":"a\u0000b"}]}`, "users[0].username: contains a NUL character"},
		{"NUL in a display name", `{"users":[{"id":1,"username":"a","displayName":"\u0000"}]}`, "users[0].displayName: contains a NUL character"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := inventory.ParseFixture(strings.NewReader(c.doc), time.Now())
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("err = %v, want prefix %q", err, c.want)
			}
			if inventory.KindOf(err) != inventory.KindInvalid {
				t.Fatalf("kind %v", inventory.KindOf(err))
			}
		})
	}
}

// TestParseFixtureTypeErrors: a value of the wrong type is refused with a
// message naming its path and what it takes (as the admin API words its
// bodies), never a Go type; so is a document that is not an object.
func TestParseFixtureTypeErrors(t *testing.T) {
	const creator = `"creator":{"type":"User","id":1}`
	for doc, want := range map[string]string{
		`null`:                                   "document: must be a JSON object",
		`[]`:                                     "document: must be a JSON object",
		`"users"`:                                "document: must be a JSON object",
		`{"users":[1]}`:                          "users[0]: must be a JSON object",
		`{"users":[{"id":"x","username":"a"}]}`:  "users[0].id: must be an integer",
		`{"users":[{"id":1.5,"username":"a"}]}`:  "users[0].id: must be an integer",
		`{"users":[{"id":1e30,"username":"a"}]}`: "users[0].id: must be an integer",
		`{"users":[{"id":1,"username":true}]}`:   "users[0].username: must be a string",
		`{"users":[{"id":1,"username":"a"},{"id":2,"username":"b","isBanned":1}]}`:                    "users[1].isBanned: must be true or false",
		`{"users":[{"id":1,"username":"a","buildersClubMembershipType":"4"}]}`:                        "users[0].buildersClubMembershipType: must be an integer",
		`{"users":[{"id":1,"username":"a","inventoryPrivacy":{}}]}`:                                   "users[0].inventoryPrivacy: must be a name or a number",
		`{"assets":[{"id":1,"name":"a","assetType":"Hat","creator":[]}]}`:                             "assets[0].creator: must be a JSON object",
		`{"assets":[{"id":1,"name":"a","assetType":"Hat","creator":{"type":"User","id":"1"}}]}`:       "assets[0].creator.id: must be an integer",
		`{"assets":[{"id":1,"name":"a","assetType":"Hat","creator":{"type":null,"id":1}}]}`:           `assets[0].creator.type: unknown type ""`,
		`{"assets":[{"id":1,"name":"a","assetType":"Hat",` + creator + `,"assetStock":"5"}]}`:         "assets[0].assetStock: must be an integer",
		`{"assets":[{"id":1,"name":"a","assetType":32,` + creator + `,"packageAssetIds":[2,3,"4"]}]}`: "assets[0].packageAssetIds[2]: must be an integer",
		`{"assets":[{"id":1,"name":"a","assetType":32,` + creator + `,"packageAssetIds":{}}]}`:        "assets[0].packageAssetIds: must be an array of integers",
		`{"userAssets":[{"assetId":1,"owner":{"type":"User","id":1},"serialNumber":"1"}]}`:            "userAssets[0].serialNumber: must be an integer",
		`{"userAssets":[{"assetId":1,"owner":{"type":"User","id":1},"created":1}]}`:                   "userAssets[0].created: must be a string",
		`{"gamePasses":[{"id":1,"name":"p","placeId":"1"}]}`:                                          "gamePasses[0].placeId: must be an integer",
		`{"userItems":[{"userId":1,"itemType":"Badge","itemId":1,"instanceId":false}]}`:               "userItems[0].instanceId: must be an integer",
		`{"collections":[{"userId":1,"itemType":["Asset"],"itemId":1}]}`:                              "collections[0].itemType: must be a name or a number",
	} {
		_, err := inventory.ParseFixture(strings.NewReader(doc), time.Now())
		if err == nil || err.Error() != want || inventory.KindOf(err) != inventory.KindInvalid {
			t.Errorf("%s: err = %v, want %q", doc, err, want)
		}
	}
}

// TestParseRecordErrors: an admin body's errors name the field without
// the section, or "body" for the record as a whole.
func TestParseRecordErrors(t *testing.T) {
	for _, c := range []struct{ section, body, want string }{
		{"users", `{"id":"x","username":"a"}`, "id: must be an integer"},
		{"users", `{"id":1}`, "username: is required"},
		{"users", `{"id":1,"username":"a","nick":"b"}`, `body: unknown field "nick"`},
		{"assets", `{"id":1,"name":"a","assetType":"Hat","creator":{"type":"User","id":true}}`, "creator.id: must be an integer"},
		{"assets", `{"id":1,"name":"a","assetType":"Hat","creator":{"type":"User","id":1},"priceInRobux":-1}`, "priceInRobux: must be from 0 to 9007199254740991"},
		{"places", `{"placeId":1,"name":"p","creator":{"type":"Experience","id":1},"universeId":"2"}`, "universeId: must be an integer"},
		{"users", `[]`, "body: must be a JSON object"},
	} {
		_, err := inventory.ParseRecord(c.section, []byte(c.body), time.Now())
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s: err = %v, want %q", c.section, c.body, err, c.want)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	c := inventory.NewCursors([]byte("k"))
	in := inventory.Cursor{Key: inventory.Key{Type: 8, ID: 510938272}, Order: inventory.Desc, Backward: true, PageNumber: 3, Discriminator: "d;Desc", Count: 25}
	s := c.Encode(in)
	out, err := c.Decode(s, "d;Desc")
	if err != nil || out != in {
		t.Fatalf("round trip: %+v, %v", out, err)
	}
	if _, err := c.Decode(s, "other;Desc"); err == nil {
		t.Fatal("cursor accepted for another query")
	}
	if _, err := inventory.NewCursors([]byte("other key")).Decode(s, "d;Desc"); err == nil {
		t.Fatal("cursor accepted under another key")
	}
}

func TestCanView(t *testing.T) {
	anon, v := inventory.Viewer{}, inventory.Viewer{UserID: 2}
	none := inventory.Relation{}
	cases := []struct {
		p    inventory.Privacy
		v    inventory.Viewer
		rel  inventory.Relation
		want bool
	}{
		{inventory.PrivacyAllUsers, anon, none, true},
		{inventory.PrivacyAllAuthenticatedUsers, anon, none, false},
		{inventory.PrivacyAllAuthenticatedUsers, v, none, true},
		{inventory.PrivacyFriendsFollowingAndFollowers, v, inventory.Relation{ViewerFollows: true}, true},
		{inventory.PrivacyFriendsAndFollowing, v, inventory.Relation{ViewerFollows: true}, false},
		{inventory.PrivacyFriendsAndFollowing, v, inventory.Relation{OwnerFollows: true}, true},
		{inventory.PrivacyFriends, v, inventory.Relation{OwnerFollows: true}, false},
		{inventory.PrivacyFriends, v, inventory.Relation{Friends: true}, true},
		{inventory.PrivacyNoOne, v, inventory.Relation{Friends: true}, false},
		{inventory.PrivacyNoOne, inventory.Viewer{UserID: 1}, none, true},
	}
	for _, c := range cases {
		if got := inventory.CanView(1, c.p, c.v, c.rel); got != c.want {
			t.Errorf("CanView(%v, %+v, %+v) = %v, want %v", c.p, c.v, c.rel, got, c.want)
		}
	}
}
