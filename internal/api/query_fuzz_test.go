package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// Fuzz targets for the query parsers: the functions (parseLimit,
// parseSort, queryValues, queryBool) and, through the handlers, the
// parsing written inline in them (assetTypes, itemType, placesTab with
// itemsPerPage and the numeric cursor). They never panic, never answer
// 5xx, and accept only the documented values.

// fzFixture is the fuzz targets' data: one public user with an asset of
// every item type, a place on each tab, and two sessions.
const fzFixture = `{
 "users": [{"id": 156, "username": "builderman"}, {"id": 261, "username": "other"}],
 "sessions": [{"userId": 156, "cookie": "fuzz-session"}, {"userId": 261, "cookie": "_|WARNING:-DO-NOT-SHARE-THIS.--fuzz-other"}],
 "assets": [{"id": 100, "name": "Hat", "assetType": "Hat", "creator": {"type": "User", "id": 156}},
            {"id": 101, "name": "Shirt", "assetType": "Shirt", "creator": {"type": "User", "id": 156}}],
 "userAssets": [{"assetId": 100, "owner": {"type": "User", "id": 156}}, {"assetId": 101, "owner": {"type": "User", "id": 156}}],
 "gamePasses": [{"id": 100, "name": "Pass"}], "badges": [{"id": 100, "name": "Badge"}], "bundles": [{"id": 100, "name": "Bundle"}],
 "userItems": [{"userId": 156, "itemType": "GamePass", "itemId": 100}, {"userId": 156, "itemType": "Badge", "itemId": 100}],
 "places": [{"placeId": 800, "name": "Place", "creator": {"type": "User", "id": 156}}],
 "userPlaces": [{"userId": 156, "placesTab": "MyGames", "placeId": 800}, {"userId": 156, "placesTab": "Purchased", "placeId": 800}]
}`

// fzServer is a Server over a SQLite store loaded with fzFixture.
func fzServer(f *testing.F) *Server {
	st := storetest.SQLite(f)
	fx, err := inventory.ParseFixture(strings.NewReader(fzFixture), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		f.Fatal(err)
	}
	if err := st.Import(context.Background(), fx); err != nil {
		f.Fatal(err)
	}
	s, err := NewServer(context.Background(), st, Config{})
	if err != nil {
		f.Fatal(err)
	}
	return s
}

// fzServe runs one request and checks the envelope on errors; it returns
// the status and the first error code (-1 when none).
func fzServe(t *testing.T, s *Server, r *http.Request) (int, int) {
	t.Helper()
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code >= 500 {
		t.Fatalf("%s %s: %d %s", r.Method, r.URL, w.Code, w.Body)
	}
	if w.Code == http.StatusOK {
		return w.Code, -1
	}
	var b errorBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil || len(b.Errors) != 1 || w.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("%s %s: %d without the envelope: %q", r.Method, r.URL, w.Code, w.Body)
	}
	return w.Code, b.Errors[0].Code
}

func fzRequest(method, path string, q url.Values) *http.Request {
	r := httptest.NewRequest(method, "/", nil)
	r.URL = &url.URL{Path: path, RawQuery: q.Encode()}
	r.RequestURI = r.URL.RequestURI()
	return r
}

// FuzzQueryParams: the parameter parsers accept only documented values.
func FuzzQueryParams(f *testing.F) {
	for _, s := range [][5]string{
		{"10", "Asc", "Hat,Shirt", "true", "8"},
		{"25", "desc", "8, 11 ,,12", "False", "Hat"},
		{"100", "2", " hat ", "1", "GamePass"},
		{"", "", "", "", ""},
		{"+10", " Asc ", "Hat\x00", "T", "+8"},
		{"010", "01", ",,,", "yes", "0034"},
		{"1e1", "Ascending", "９", "tRuE", "hAt"},
		{"9223372036854775808", "3", "İ,ı,K", "\xff", "\u212aat"},
		{"-10", "-1", strings.Repeat("Hat,", 200), "0", "92"},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4])
	}
	f.Fuzz(func(t *testing.T, limit, sortOrder, assetTypes, boolean, assetType string) {
		q := url.Values{"limit": {limit}, "sortOrder": {sortOrder}, "assetTypes": {assetTypes}, "b": {boolean}}
		r := fzRequest("GET", "/", q)

		n, err := parseLimit(r.URL.Query(), true)
		fzCheckErr(t, "limit", err)
		if err == nil {
			if !slices.Contains(pageLimits, n) {
				t.Fatalf("parseLimit(%q, enum) = %d", limit, n)
			}
			if want, aerr := fzAtoi(limit); limit != "" && (aerr != nil || want != n) || limit == "" && n != 10 {
				t.Fatalf("parseLimit(%q, enum) = %d", limit, n)
			}
		}
		n, err = parseLimit(r.URL.Query(), false)
		fzCheckErr(t, "limit", err)
		if err == nil && (n < 1 || n > 100) {
			t.Fatalf("parseLimit(%q) = %d", limit, n)
		}

		o, err := parseSort(r.URL.Query())
		fzCheckErr(t, "sortOrder", err)
		if err == nil {
			v := strings.TrimSpace(sortOrder)
			num, nerr := strconv.Atoi(v)
			switch {
			case o != inventory.Asc && o != inventory.Desc:
				t.Fatalf("parseSort(%q) = %d", sortOrder, o)
			case sortOrder == "" && o != inventory.Asc:
				t.Fatalf("parseSort(\"\") = %v", o)
			case sortOrder != "" && !strings.EqualFold(v, o.String()) && (nerr != nil || num != int(o)):
				t.Fatalf("parseSort(%q) = %v: not a documented spelling", sortOrder, o)
			}
		}

		for _, p := range queryValues(r.URL.Query(), "assetTypes") {
			if p == "" || p != strings.TrimSpace(p) || strings.Contains(p, ",") {
				t.Fatalf("queryValues(%q) part %q", assetTypes, p)
			}
		}
		for _, s := range []string{assetType, assetTypes} {
			if at, ok := inventory.ParseAssetType(s); ok {
				if !at.Valid() {
					t.Fatalf("ParseAssetType(%q) = %d, not in the enum", s, at)
				}
				if back, ok := inventory.ParseAssetType(at.String()); !ok || back != at {
					t.Fatalf("ParseAssetType(%q) = %v does not round-trip", s, at)
				}
			}
		}

		bv, err := queryBool(r.URL.Query(), "b")
		fzCheckErr(t, "b", err)
		if err == nil && boolean != "" {
			// Accepted: true or false in some ASCII case, with white
			// space or NULs around (an oracle apart from parseBoolean).
			tb := []byte(strings.TrimFunc(boolean, func(r rune) bool { return unicode.IsSpace(r) || r == 0 }))
			for i, c := range tb {
				if 'A' <= c && c <= 'Z' {
					tb[i] = c + 'a' - 'A'
				}
			}
			if string(tb) != "true" && string(tb) != "false" || (string(tb) == "true") != bv {
				t.Fatalf("queryBool(%q) = %v", boolean, bv)
			}
		}
	})
}

// fzCheckErr: parser errors are 400 envelopes naming the field, with a
// message that is valid UTF-8 and bounded.
func fzCheckErr(t *testing.T, field string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var ae *apiError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest || ae.Field != field {
		t.Fatalf("%s: error %#v, want a 400 for the field", field, err)
	}
	if len(ae.Message) > 200 || strings.ToValidUTF8(ae.Message, "") != ae.Message {
		t.Fatalf("%s: message %q", field, ae.Message)
	}
}

// FuzzQueryHandlers: the parsing inline in the handlers (assetTypes of
// v2 inventory, itemType of the items endpoints, placesTab/itemsPerPage/
// cursor of the places inventory) answers 200 only for documented values
// and the endpoint's 400 code otherwise; nothing answers 5xx.
func FuzzQueryHandlers(f *testing.F) {
	s := fzServer(f)
	for _, v := range [][5]string{
		{"Hat,Shirt", "Asset", "MyGames", "10", ""},
		{"8", "gamepass", "0", "1", "0"},
		{"Hat,GamePass", "1", "Created", "100", "5"},
		{"", "Avatar", "4", "101", "-1"},
		{",", "5", "6", "0", "abc"},
		{"badge", "Bundle", "purchased", "50", "1073741824"},
		{strings.Repeat("8,", 101), "3", "5", "10", "1073741825"},
		{"9,Hat, 11", " asset ", " MyGames", "+10", "+1"},
		{"\xff", "\xff", "\xff", "\xff", "\xff"},
	} {
		f.Add(v[0], v[1], v[2], v[3], v[4])
	}
	f.Fuzz(func(t *testing.T, assetTypes, itemType, placesTab, itemsPerPage, cursor string) {
		// assetTypes: 200 iff 1..100 parts, each a documented asset type
		// other than GamePass and Badge; else 400 code 2.
		status, code := fzServe(t, s, fzRequest("GET", "/v2/users/156/inventory", url.Values{"assetTypes": {assetTypes}}))
		parts := fzSplit(assetTypes)
		valid := len(parts) >= 1 && len(parts) <= 100
		for _, p := range parts {
			at, ok := inventory.ParseAssetType(p)
			valid = valid && ok && at != inventory.AssetTypeGamePass && at != inventory.AssetTypeBadge
		}
		if valid != (status == http.StatusOK) || !valid && (status != http.StatusBadRequest || code != 2) {
			t.Fatalf("assetTypes=%q: %d code %d (documented: %v)", assetTypes, status, code, valid)
		}

		// itemType: documented names (any case) and numbers 0..3.
		for _, target := range []string{"/v1/users/156/items/" + url.PathEscape(itemType) + "/100",
			"/v1/users/156/items/" + url.PathEscape(itemType) + "/100/is-owned"} {
			r := httptest.NewRequest("GET", "/", nil)
			u, err := url.ParseRequestURI(target)
			if err != nil {
				continue
			}
			r.URL, r.RequestURI = u, target
			status, code = fzServe(t, s, r)
			// The router lower-cases paths, so the value the handler sees
			// may be the lower-cased one.
			it, ok := inventory.ParseItemType(itemType)
			it2, ok2 := inventory.ParseItemType(strings.ToLower(itemType))
			documented := ok && it != inventory.ItemAvatar || ok2 && it2 != inventory.ItemAvatar
			if status == http.StatusOK && !documented {
				t.Fatalf("%s: 200 for an undocumented item type", target)
			}
			if status == http.StatusBadRequest && code == 6 && documented && !strings.ContainsAny(itemType, "/?#") && len(itemType) <= 20 {
				t.Fatalf("%s: 400 code 6 for a documented item type", target)
			}
		}

		// placesTab 0..5 or a tab name, itemsPerPage 1..100, cursor empty
		// or an offset 0..2^30; else 400 code 6.
		status, code = fzServe(t, s, fzRequest("GET", "/v1/users/156/places/inventory",
			url.Values{"placesTab": {placesTab}, "itemsPerPage": {itemsPerPage}, "cursor": {cursor}}))
		_, tabOK := inventory.ParsePlacesTab(placesTab)
		tab, tabErr := fzAtoi(placesTab)
		tabOK = tabOK || tabErr == nil && (tab == 4 || tab == 5)
		per, perErr := fzAtoi(itemsPerPage)
		off, offErr := fzAtoi(cursor)
		valid = tabOK && perErr == nil && per >= 1 && per <= 100 && (cursor == "" || offErr == nil && off >= 0 && off <= 1<<30)
		if valid != (status == http.StatusOK) || !valid && (status != http.StatusBadRequest || code != 6) {
			t.Fatalf("placesTab=%q itemsPerPage=%q cursor=%q: %d code %d (documented: %v)", placesTab, itemsPerPage, cursor, status, code, valid)
		}
	})
}

// fzAtoi is the documented reading of an int query parameter (.NET's
// NumberStyles.Integer): strconv.Atoi after trimming .NET's white space.
func fzAtoi(v string) (int, error) {
	return strconv.Atoi(strings.Trim(v, "\t\n\v\f\r "))
}

// fzSplit is the documented reading of a csv parameter: comma-separated,
// parts trimmed, empty parts dropped.
func fzSplit(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
