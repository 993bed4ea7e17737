package inventory_test

import (
	"strings"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// TestParseFixtureRanges: values a fixture document refuses, each with
// the path of the field (rev5 #8, #10-#13).
func TestParseFixtureRanges(t *testing.T) {
	const user = `"users":[{"id":1,"username":"a"}]`
	const hat = `{"id":11,"name":"h","assetType":"Hat","creator":{"type":"User","id":1}}`
	for _, c := range []struct{ name, doc, want string }{
		{"past year 9999 in UTC", `{"users":[{"id":1,"username":"a","created":"9999-12-31T23:00:00-05:00"}]}`, `users[0].created: "9999-12-31T23:00:00-05:00" is out of range`},
		{"before year 0001 in UTC", `{"users":[{"id":1,"username":"a","created":"0001-01-01T00:00:00+01:00"}]}`, `users[0].created: "0001-01-01T00:00:00+01:00" is out of range`},
		{"year 0000", `{"userAssets":[{"assetId":1,"owner":{"type":"User","id":1},"holdUntil":"0000-06-01T00:00:00Z"}]}`, `userAssets[0].holdUntil: "0000-06-01T00:00:00Z" is out of range`},
		{"game pass placeId", `{"gamePasses":[{"id":1,"name":"p","placeId":-3}]}`, "gamePasses[0].placeId: must be an integer from 1 to"},
		{"game pass price", `{"gamePasses":[{"id":1,"name":"p","priceInRobux":-5}]}`, "gamePasses[0].priceInRobux: must be from 0 to"},
		{"badge placeId", `{"badges":[{"id":1,"name":"b","placeId":0}]}`, "badges[0].placeId: must be an integer from 1 to"},
		{"place universeId", `{"places":[{"placeId":1,"name":"p","creator":{"type":"Experience","id":1},"universeId":-1}]}`, "places[0].universeId: must be an integer from 1 to"},
		{"place price", `{"places":[{"placeId":1,"name":"p","creator":{"type":"Experience","id":1},"priceInRobux":-9}]}`, "places[0].priceInRobux: must be from 0 to"},
		{"userItem instanceId", `{"userItems":[{"userId":1,"itemType":"GamePass","itemId":1,"instanceId":-4}]}`, "userItems[0].instanceId: must be an integer from 1 to"},
		{"asset price", `{"assets":[{"id":1,"name":"a","assetType":"Hat","creator":{"type":"User","id":1},"priceInRobux":-5}]}`, "assets[0].priceInRobux: must be from 0 to"},
		{"asset stock", `{"assets":[{"id":1,"name":"a","assetType":"Hat","creator":{"type":"User","id":1},"assetStock":9007199254740992}]}`, "assets[0].assetStock: must be from 0 to"},
		{"package content twice", `{` + user + `,"assets":[` + hat + `,{"id":10,"name":"p","assetType":"Package","creator":{"type":"User","id":1},"packageAssetIds":[11,11]}]}`, "assets[1].packageAssetIds[1]: duplicate asset 11"},
		{"package inside itself", `{"assets":[{"id":10,"name":"p","assetType":"Package","creator":{"type":"User","id":1},"packageAssetIds":[10,11]}]}`, "assets[0].packageAssetIds[0]: a package cannot contain itself"},
		{"duplicate userItem", `{"userItems":[{"userId":1,"itemType":"GamePass","itemId":12527},{"userId":1,"itemType":1,"itemId":12527}]}`, "userItems[1]: duplicate userItem (user 1, GamePass 12527)"},
		{"unknown field in a creator", `{"assets":[{"id":1,"name":"a","assetType":"Hat","creator":{"type":"User","id":1,"x":1}}]}`, `assets[0].creator: unknown field "x"`},
		{"userAssetId 0 (absent is not 0)", `{"userAssets":[{"userAssetId":0,"assetId":1,"owner":{"type":"User","id":1}}]}`, "userAssets[0].userAssetId: must be an integer from 1 to"},
		{"unknown field in an owner", `{"userAssets":[{"assetId":1,"owner":{"type":"User","ID":1,"x":1}}]}`, `userAssets[0].owner: unknown field "x"`},
		{"unknown field in a place creator", `{"places":[{"placeId":1,"name":"p","creator":{"type":"User","id":1,"name":"x"}}]}`, `places[0].creator: unknown field "name"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := inventory.ParseFixture(strings.NewReader(c.doc), time.Now())
			if err == nil || !strings.HasPrefix(err.Error(), c.want) || inventory.KindOf(err) != inventory.KindInvalid {
				t.Fatalf("err = %v, want prefix %q", err, c.want)
			}
		})
	}
	// The limits themselves are accepted.
	ok := `{"users":[{"id":1,"username":"a","created":"9999-12-31T23:59:59.999999999Z"},{"id":2,"username":"b","created":"0001-01-01T00:00:00Z"},
	  {"id":3,"username":"c","created":"0001-01-01T00:59:00-01:00"}],
	  "gamePasses":[{"id":1,"name":"p","placeId":1,"priceInRobux":0}],"places":[{"placeId":1,"name":"p","creator":{"type":"Experience","id":1},"universeId":9007199254740991,"priceInRobux":0}],
	  "userItems":[{"userId":1,"itemType":"GamePass","itemId":1,"instanceId":1},{"userId":1,"itemType":"Badge","itemId":1},{"userId":2,"itemType":"GamePass","itemId":1}],
	  "assets":[{"id":10,"name":"p","assetType":"Package","creator":{"type":"User","id":1},"packageAssetIds":[11,12],"priceInRobux":0}]}`
	if _, err := inventory.ParseFixture(strings.NewReader(ok), time.Now()); err != nil {
		t.Fatal(err)
	}
	// A stream names the line, and a nested unknown field's object.
	for in, want := range map[string]string{
		`{"kind":"asset","id":1,"name":"a","assetType":"Hat","creator":{"type":"User","id":1,"x":1}}`:           `line 1: assets.creator: unknown field "x"`,
		`{"kind":"userAsset","assetId":1,"owner":{"type":"User","id":1,"x":1}}`:                                 `line 1: owner: unknown field "x"`,
		`{"kind":"userAsset","assetId":1,"owner":{"type":"User","id":1},"x":1}`:                                 `line 1: unknown field "x"`,
		`{"kind":"badge","id":1,"name":"b","placeId":-1}`:                                                       "line 1: badges.placeId: must be an integer from 1 to",
		`{"kind":"userAsset","assetId":1,"owner":{"type":"User","id":1},"created":"9999-12-31T23:00:00-05:00"}`: `line 1: created: "9999-12-31T23:00:00-05:00" is out of range`,
	} {
		_, err := inventory.NewNDJSONReader(strings.NewReader(in+"\n"), time.Now(), 0).Next()
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: err = %v, want prefix %q", in, err, want)
		}
	}
	// ParseRecord (the admin API's creation bodies) names the nested field.
	_, err := inventory.ParseRecord("assets", []byte(`{"id":1,"name":"a","assetType":"Hat","creator":{"type":"User","id":1,"x":1}}`), time.Now())
	if want := `creator: unknown field "x"`; err == nil || err.Error() != want {
		t.Errorf("ParseRecord: err = %v, want %q", err, want)
	}
}
