package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/inventoryd/inventoryd/internal/storetest"
)

// parityDoc is the example world with every time and generated value
// written out, so that two stores loading it hold the same data.
const parityDoc = `{
  "users": [
    {"id": 1, "username": "Roblox", "inventoryPrivacy": "AllUsers", "created": "2006-02-27T21:06:40.300Z"},
    {"id": 156, "username": "builderman", "buildersClubMembershipType": 4, "inventoryPrivacy": "AllUsers", "created": "2006-03-08T04:00:00.000Z"},
    {"id": 261, "username": "Shedletsky", "buildersClubMembershipType": 3, "inventoryPrivacy": "Friends", "created": "2006-03-09T00:00:00.000Z"},
    {"id": 2001, "username": "friend_of_shedletsky", "inventoryPrivacy": "NoOne", "created": "2010-01-01T00:00:00.000Z"},
    {"id": 2004, "username": "banned_user", "inventoryPrivacy": "AllUsers", "isBanned": true, "created": "2010-01-01T00:00:00.000Z"}
  ],
  "groups": [{"id": 7, "name": "Builders Club Group"}],
  "friendships": [{"userId": 261, "friendId": 2001}],
  "sessions": [
    {"userId": 156, "cookie": "parity-builderman"},
    {"userId": 2001, "cookie": "parity-friend"}
  ],
  "assets": [
    {"id": 1028606, "name": "Red Baseball Cap", "assetType": "Hat", "creator": {"type": "User", "id": 1},
     "isLimited": true, "recentAveragePrice": 1768, "created": "2007-04-13T00:00:00.000Z"},
    {"id": 48159815, "name": "Shadow Dancer", "assetType": "Hat", "creator": {"type": "User", "id": 1},
     "isLimitedUnique": true, "recentAveragePrice": 5109, "originalPrice": 2000, "assetStock": 500, "created": "2011-01-01T00:00:00.000Z"},
    {"id": 1365767, "name": "Classic Builder Shirt", "assetType": "Shirt", "creator": {"type": "User", "id": 156},
     "priceInRobux": 5, "created": "2012-01-01T00:00:00.000Z"},
    {"id": 1365768, "name": "Pending Pants", "assetType": "Pants", "creator": {"type": "User", "id": 156},
     "moderationStatus": "Pending", "created": "2012-01-02T00:00:00.000Z"},
    {"id": 9000001, "name": "UGC Crown", "assetType": "HairAccessory", "creator": {"type": "Group", "id": 7},
     "collectibleItemId": "521cca19-75bb-4e05-a0af-633b1532c24d", "assetStock": 100, "originalPrice": 80, "created": "2023-01-01T00:00:00.000Z"},
    {"id": 27112438, "name": "Knight Package", "assetType": "Package", "creator": {"type": "User", "id": 1},
     "packageAssetIds": [27112025, 27112039], "created": "2012-06-01T00:00:00.000Z"},
    {"id": 27112025, "name": "Knight Torso", "assetType": "Torso", "creator": {"type": "User", "id": 1}, "created": "2012-06-01T00:00:00.000Z"},
    {"id": 27112039, "name": "Knight Left Arm", "assetType": "LeftArm", "creator": {"type": "User", "id": 1}, "created": "2012-06-01T00:00:00.000Z"}
  ],
  "userAssets": [
    {"userAssetId": 28605, "assetId": 1028606, "owner": {"type": "User", "id": 156}, "created": "2008-01-01T00:00:00.000Z"},
    {"userAssetId": 510938272, "assetId": 48159815, "owner": {"type": "User", "id": 156}, "serialNumber": 149,
     "holdUntil": "2099-01-01T00:00:00.000Z", "created": "2013-01-01T00:00:00.000Z"},
    {"userAssetId": 510938273, "assetId": 48159815, "owner": {"type": "User", "id": 261}, "serialNumber": 150, "created": "2013-01-02T00:00:00.000Z"},
    {"userAssetId": 510938274, "assetId": 48159815, "owner": {"type": "Group", "id": 7}, "serialNumber": 151, "created": "2013-01-03T00:00:00.000Z"},
    {"userAssetId": 600000001, "assetId": 1365767, "owner": {"type": "User", "id": 156}, "created": "2014-01-01T00:00:00.000Z"},
    {"userAssetId": 600000002, "assetId": 1365768, "owner": {"type": "User", "id": 156}, "created": "2014-01-02T00:00:00.000Z"},
    {"userAssetId": 700000001, "assetId": 9000001, "owner": {"type": "User", "id": 156}, "serialNumber": 1,
     "collectibleItemInstanceId": "a8a27d38-ee51-4cf4-8b0a-485d0dfd8607", "created": "2023-02-01T00:00:00.000Z"},
    {"userAssetId": 700000002, "assetId": 9000001, "owner": {"type": "User", "id": 2004}, "serialNumber": 2,
     "collectibleItemInstanceId": "b8a27d38-ee51-4cf4-8b0a-485d0dfd8607", "created": "2023-02-02T00:00:00.000Z"},
    {"userAssetId": 800000001, "assetId": 27112438, "owner": {"type": "User", "id": 261},
     "expireAt": "2099-12-31T00:00:00.000Z", "created": "2015-01-01T00:00:00.000Z"}
  ],
  "gamePasses": [{"id": 12527, "name": "VIP", "placeId": 1818}],
  "badges": [{"id": 2124, "name": "Welcome to Crossroads", "placeId": 1818}],
  "bundles": [{"id": 192, "name": "Knights of Redcliff: Paladin", "bundleType": "BodyParts"}],
  "userItems": [
    {"userId": 156, "itemType": "GamePass", "itemId": 12527, "instanceId": 31000001, "created": "2016-01-01T00:00:00.000Z"},
    {"userId": 156, "itemType": "Badge", "itemId": 2124, "created": "2016-01-02T00:00:00.000Z"},
    {"userId": 261, "itemType": "Bundle", "itemId": 192, "created": "2016-01-03T00:00:00.000Z"}
  ],
  "places": [
    {"placeId": 1818, "universeId": 13058, "name": "Classic: Crossroads", "creator": {"type": "User", "id": 1}},
    {"placeId": 95206881, "universeId": 34296219, "name": "Builderman's Workshop", "creator": {"type": "User", "id": 156}, "priceInRobux": 25}
  ],
  "userPlaces": [{"userId": 261, "placesTab": "Purchased", "placeId": 95206881}],
  "collections": [{"userId": 156, "itemType": "Asset", "itemId": 48159815}]
}`

// Cursors and CSRF tokens are signed with each store's own keys; the rest
// of an answer must be the same byte for byte.
var cursorField = regexp.MustCompile(`"(nextPageCursor|previousPageCursor)":"[^"]*"`)

func normalize(b []byte) []byte { return cursorField.ReplaceAll(b, []byte(`"$1":"…"`)) }

// The same data on SQLite and on PostgreSQL gives the same answers: every
// endpoint, pages followed by their cursors, errors, and writes.
func TestStoresAnswerAlike(t *testing.T) {
	pgURL := storetest.PostgresURL(t)
	doc := writeDoc(t, "parity.json", parityWithPages())
	lite := start(t, "--db", filepath.Join(t.TempDir(), "parity.db"), "--fixtures", doc)
	pg := start(t, "--db", pgURL, "--fixtures", doc)

	type req struct {
		method, path, cookie string
	}
	reqs := []req{
		{"GET", "/v2/users/156/inventory?assetTypes=Hat,Shirt,Pants,HairAccessory,Package&limit=10", ""},
		{"GET", "/v2/users/156/inventory?assetTypes=Hat,Shirt,Pants,HairAccessory&limit=10&sortOrder=Desc", ""},
		{"GET", "/v2/users/156/inventory?assetTypes=Pants&limit=10", "parity-builderman"},
		{"GET", "/v2/users/156/inventory/8?limit=10", ""},
		{"GET", "/v2/users/261/inventory?assetTypes=Hat,Package&limit=10", ""},
		{"GET", "/v2/users/261/inventory?assetTypes=Hat,Package&limit=10", "parity-friend"},
		{"GET", "/v2/users/404/inventory?assetTypes=Hat&limit=10", ""},
		{"GET", "/v2/users/156/inventory?assetTypes=Hat&limit=10&cursor=bm90IGEgY3Vyc29y", ""},
		{"GET", "/v2/assets/48159815/owners?limit=10", ""},
		{"GET", "/v2/assets/48159815/owners?limit=10&sortOrder=Desc", "parity-builderman"},
		{"GET", "/v2/assets/1365767/owners?limit=10", ""},
		{"GET", "/v2/collectible-items/521cca19-75bb-4e05-a0af-633b1532c24d/owners?limit=10", "parity-builderman"},
		{"GET", "/v1/packages/27112438/assets", ""},
		{"GET", "/v1/users/156/assets/collectibles?limit=10", ""},
		{"GET", "/v1/users/156/assets/collectibles?limit=10&sortOrder=Desc&assetType=Hat", ""},
		{"GET", "/v1/users/261/can-view-inventory", ""},
		{"GET", "/v1/users/261/can-view-inventory", "parity-friend"},
		{"GET", "/v1/users/156/categories", ""},
		{"GET", "/v1/users/156/categories/favorites", ""},
		{"GET", "/v1/users/156/items/GamePass/12527", ""},
		{"GET", "/v1/users/156/items/Asset/48159815", ""},
		{"GET", "/v1/users/261/items/Bundle/192/is-owned", ""},
		{"GET", "/v1/users/156/items/Badge/9/is-owned", ""},
		{"GET", "/v1/users/261/places/inventory?placesTab=Purchased&itemsPerPage=10&cursor=", "parity-friend"},
		{"GET", "/v1/users/156/places/inventory?placesTab=Created&itemsPerPage=10&cursor=", ""},
		{"GET", "/v1/users/156/places/inventory?placesTab=Created&itemsPerPage=1&cursor=1", ""},
		{"GET", "/v1/users/authenticated", "parity-builderman"},
		{"GET", "/v1/users/authenticated", "no-such-session"},
		{"GET", "/v2/no/such/route", ""},
	}
	compare := func(method, path, cookie string, opts ...reqOpt) (response, response) {
		t.Helper()
		if cookie != "" {
			opts = append(opts, withCookie(cookie))
		}
		var rs [2]response
		for i, s := range []*server{lite, pg} {
			r, err := s.do(method, path, opts...)
			if err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			rs[i] = r
		}
		a, b := rs[0], rs[1]
		if a.status != b.status || a.header.Get("Content-Type") != b.header.Get("Content-Type") ||
			!bytes.Equal(normalize(a.body), normalize(b.body)) {
			t.Errorf("%s %s (cookie %q):\nsqlite   %d %s\npostgres %d %s", method, path, cookie, a.status, a.body, b.status, b.body)
		}
		return a, b
	}
	statuses := map[int]int{}
	pages := 0
	defer func() {
		t.Logf("%d requests compared, first answers by status %v, %d further pages", len(reqs), statuses, pages)
	}()
	for _, rq := range reqs {
		a, b := compare(rq.method, rq.path, rq.cookie)
		statuses[a.status]++
		// Follow the pages, each server with its own cursors.
		for pageNo := 0; a.status == http.StatusOK && pageNo < 20; pageNo++ {
			na, nb := nextCursor(a.body), nextCursor(b.body)
			if na == "" || nb == "" {
				if (na == "") != (nb == "") {
					t.Errorf("%s: one store has a next page, the other not", rq.path)
				}
				break
			}
			var ra, rb response
			for _, pair := range []struct {
				s   *server
				cur string
				out *response
			}{{lite, na, &ra}, {pg, nb, &rb}} {
				var opts []reqOpt
				if rq.cookie != "" {
					opts = append(opts, withCookie(rq.cookie))
				}
				r := pair.s.must(http.StatusOK, http.MethodGet, setCursor(t, rq.path, pair.cur), opts...)
				*pair.out = r
			}
			if !bytes.Equal(normalize(ra.body), normalize(rb.body)) {
				t.Errorf("%s page %d:\nsqlite   %s\npostgres %s", rq.path, pageNo+2, ra.body, rb.body)
			}
			a, b = ra, rb
			pages++
		}
	}
	// Writes: the CSRF dance (tokens differ: each store has its key) and
	// the answers after it.
	for _, w := range []struct{ method, path string }{
		{"POST", "/v1/collections/items/Asset/1365767"},
		{"POST", "/v1/collections/items/Asset/1365767"}, // already there
		{"DELETE", "/v1/collections/items/Asset/1365767"},
		{"DELETE", "/v1/collections/items/Asset/1365767"}, // not there
		{"DELETE", "/v2/inventory/asset/1365767"},
		{"DELETE", "/v2/inventory/asset/1365767"}, // no longer owned
		{"DELETE", "/v2/inventory/asset/1028606"}, // limited: not allowed
	} {
		ca, cb := compare(w.method, w.path, "parity-builderman")
		ta, tb := ca.header.Get("x-csrf-token"), cb.header.Get("x-csrf-token")
		if ta == "" || tb == "" {
			t.Fatalf("%s %s: no CSRF challenge", w.method, w.path)
		}
		var rs [2]response
		for i, p := range []struct {
			s   *server
			tok string
		}{{lite, ta}, {pg, tb}} {
			r, err := p.s.do(w.method, w.path, withCookie("parity-builderman"), withHeader("x-csrf-token", p.tok))
			if err != nil {
				t.Fatal(err)
			}
			rs[i] = r
		}
		if rs[0].status != rs[1].status || !bytes.Equal(rs[0].body, rs[1].body) {
			t.Errorf("%s %s:\nsqlite   %d %s\npostgres %d %s", w.method, w.path, rs[0].status, rs[0].body, rs[1].status, rs[1].body)
		}
	}
	// And the state after the writes.
	compare("GET", "/v2/users/156/inventory?assetTypes=Hat,Shirt,Pants,HairAccessory,Package&limit=100", "parity-builderman")
	compare("GET", "/v1/users/156/items/Asset/1365767/is-owned", "")
}

// parityWithPages adds enough rows to parityDoc for listings of several
// pages: 24 more assets and copies for builderman, 12 more owners of
// Shadow Dancer.
func parityWithPages() string {
	var assets, copies strings.Builder
	for i := 0; i < 24; i++ {
		typ := []string{"Hat", "Shirt", "Pants"}[i%3]
		fmt.Fprintf(&assets, `{"id": %d, "name": "Parity %d", "assetType": %q, "creator": {"type": "User", "id": 156}, "created": "2020-01-01T00:00:%02d.000Z"},`,
			7100001+i, i, typ, i)
		fmt.Fprintf(&copies, `{"userAssetId": %d, "assetId": %d, "owner": {"type": "User", "id": 156}, "created": "2020-02-01T00:00:%02d.000Z"},`,
			900000+i*7, 7100001+i, i)
	}
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&copies, `{"userAssetId": %d, "assetId": 48159815, "owner": {"type": "User", "id": 2001}, "serialNumber": %d, "created": "2021-01-01T00:00:%02d.000Z"},`,
			510938300+i, 200+i, i)
	}
	doc := strings.Replace(parityDoc, `"assets": [`, `"assets": [`+assets.String(), 1)
	return strings.Replace(doc, `"userAssets": [`, `"userAssets": [`+copies.String(), 1)
}

// setCursor returns path with its cursor parameter set to cur.
func setCursor(t *testing.T, path, cur string) string {
	u, err := url.Parse(path)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("cursor", cur)
	u.RawQuery = q.Encode()
	return u.String()
}

var nextField = regexp.MustCompile(`"nextPageCursor":"([^"]*)"`)

func nextCursor(b []byte) string {
	if m := nextField.FindSubmatch(b); m != nil {
		return string(m[1])
	}
	return ""
}
