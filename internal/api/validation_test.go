package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/inventoryd/inventoryd/internal/storetest"
)

// errorField returns the first error's code, message and field.
func errorField(t *testing.T, r resp) (int, string, string) {
	t.Helper()
	var b struct {
		Errors []struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(r.body, &b); err != nil || len(b.Errors) == 0 {
		t.Fatalf("not an error envelope: %d %s", r.status, r.body)
	}
	return b.Errors[0].Code, b.Errors[0].Message, b.Errors[0].Field
}

// orderCase is one request and the error it must get: status, code and,
// for binding errors, the field.
type orderCase struct {
	name, path, session string
	status, code        int
	field               string
}

func (e *env) runOrder(t *testing.T, cases []orderCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			r := e.do(http.MethodGet, c.path, as(c.session)...)
			if r.status != c.status {
				t.Fatalf("GET %s: got %d %s, want %d", c.path, r.status, r.body, c.status)
			}
			code, _, field := errorField(t, r)
			if code != c.code || field != c.field {
				t.Fatalf("GET %s: got code %d field %q (%s), want code %d field %q", c.path, code, field, r.body, c.code, c.field)
			}
		})
	}
}

// TestValidationBeforeLookups pins the order of checks on the listing
// endpoints (docs/compatibility.md, "Order of checks"): route (int path
// ids, 404), session (401), then everything decidable from the request
// alone — path enums, the filters, limit, sortOrder, cursor — and only
// then what needs the store: the subject exists (400), the viewer may
// see it (403). As in ASP.NET, where binding runs before the action.
func TestValidationBeforeLookups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		var cases []orderCase
		// Subjects that fail a store check, per endpoint: unknown, banned,
		// hidden from the anonymous viewer, hidden from a signed-in one.
		listings := []struct {
			name, prefix, session, sep string
		}{
			{"v2 inventory unknown user", "/v2/users/999/inventory?assetTypes=Hat", "", "&"},
			{"v2 inventory banned user", "/v2/users/2004/inventory?assetTypes=Hat", "", "&"},
			{"v2 inventory hidden", "/v2/users/261/inventory?assetTypes=Hat", "", "&"},
			{"v2 inventory by type unknown user", "/v2/users/999/inventory/8", "", "?"},
			{"v2 inventory by type hidden", "/v2/users/2001/inventory/8", stranger, "?"},
			{"v1 collectibles unknown user", "/v1/users/999/assets/collectibles", "", "?"},
			{"v1 collectibles NoOne", "/v1/users/4005/assets/collectibles", "", "?"},
			{"v1 collectibles hidden", "/v1/users/261/assets/collectibles", stranger, "?"},
			{"v2 asset owners unknown asset", "/v2/assets/999/owners", "", "?"},
			{"v2 asset owners not limited", "/v2/assets/1365767/owners", "", "?"},
			{"v2 collectible-item owners unknown item", "/v2/collectible-items/00000000-0000-4000-8000-000000000000/owners", builderman, "?"},
		}
		for _, l := range listings {
			cases = append(cases,
				orderCase{l.name + " bad limit", l.prefix + l.sep + "limit=101", l.session, 400, 0, "limit"},
				orderCase{l.name + " bad sortOrder", l.prefix + l.sep + "sortOrder=Up", l.session, 400, 0, "sortOrder"},
				orderCase{l.name + " garbage cursor", l.prefix + l.sep + "cursor=garbage", l.session, 400, 0, "cursor"},
				// Among the paging parameters: limit, then sortOrder, then cursor.
				orderCase{l.name + " all three bad", l.prefix + l.sep + "cursor=garbage&sortOrder=Up&limit=101", l.session, 400, 0, "limit"},
				orderCase{l.name + " sortOrder and cursor bad", l.prefix + l.sep + "cursor=garbage&sortOrder=Up", l.session, 400, 0, "sortOrder"},
			)
		}
		// The collectible-item owners limit has no enum (1..100) and is
		// checked the same way.
		cases = append(cases,
			orderCase{"collectible-item owners limit 0, unknown item", "/v2/collectible-items/00000000-0000-4000-8000-000000000000/owners?limit=0", builderman, 400, 0, "limit"},
		)

		// Filters and path enums come before the paging parameters, and
		// before the subject.
		cases = append(cases,
			orderCase{"v2 inventory bad assetTypes, unknown user", "/v2/users/999/inventory?assetTypes=Nope", "", 400, 2, ""},
			orderCase{"v2 inventory no assetTypes, hidden", "/v2/users/261/inventory", "", 400, 2, ""},
			orderCase{"v2 inventory bad assetTypes before limit", "/v2/users/156/inventory?assetTypes=Nope&limit=7", "", 400, 2, ""},
			orderCase{"v2 inventory bad boolean, unknown user", "/v2/users/999/inventory?assetTypes=Hat&showApprovedOnly=maybe", "", 400, 0, "showApprovedOnly"},
			orderCase{"v2 inventory bad boolean before limit", "/v2/users/156/inventory?assetTypes=Hat&limit=7&filterDisapprovedAssets=maybe", "", 400, 0, "filterDisapprovedAssets"},
			orderCase{"v2 by type unknown type, unknown user", "/v2/users/999/inventory/999", "", 400, 2, ""},
			orderCase{"v2 by type unknown type before limit", "/v2/users/156/inventory/999?limit=7", "", 400, 2, ""},
			orderCase{"v1 collectibles bad assetType, unknown user", "/v1/users/999/assets/collectibles?assetType=Nope", "", 400, 0, ""},
			orderCase{"v1 collectibles bad assetType before limit", "/v1/users/156/assets/collectibles?assetType=Nope&limit=7", "", 400, 0, ""},
			orderCase{"v1 places bad itemsPerPage, hidden tab", "/v1/users/261/places/inventory?placesTab=Purchased&itemsPerPage=0&cursor=0", "", 400, 6, ""},
			orderCase{"v1 places bad cursor, hidden tab", "/v1/users/261/places/inventory?placesTab=Purchased&itemsPerPage=10&cursor=x", "", 400, 6, ""},
		)

		// The session (401) comes before the query; the item id's UUID
		// shape (400 code 1) is part of the request and comes before it.
		cases = append(cases,
			orderCase{"collectible-item owners anonymous, bad limit", "/v2/collectible-items/521cca19-75bb-4e05-a0af-633b1532c24d/owners?limit=0", "", 401, 0, ""},
			orderCase{"collectible-item owners not a UUID, bad limit", "/v2/collectible-items/nope/owners?limit=0", builderman, 400, 1, ""},
		)
		e.runOrder(t, cases)

		// A well-formed cursor issued for another subject fails its binding
		// (it names the user or asset of the path) before the subject is
		// looked up.
		t.Run("cursor of another user, hidden user", func(t *testing.T) {
			e.t = t
			p := e.page("/v2/users/156/inventory/8")
			if p.Next == nil {
				t.Fatal("no next page to take a cursor from")
			}
			for _, path := range []string{"/v2/users/261/inventory/8", "/v2/users/999/inventory/8"} {
				r := e.do(http.MethodGet, withCursor(path, *p.Next))
				if code, _, field := errorField(t, r); r.status != 400 || code != 0 || field != "cursor" {
					t.Fatalf("GET %s with 156's cursor: %d %s, want the 400 cursor error", path, r.status, r.body)
				}
			}
		})
	})
}

// TestIntegerSyntax: path ids and int query parameters are read as .NET
// reads them (Int64/Int32.TryParse with NumberStyles.Integer, the style of
// ASP.NET's {id:long} constraint and of int query binding): white space
// around, a sign, leading zeros; nothing else. In a query a '+' is a space
// (form encoding), so limit=+25 is " 25", and %2B25 is "+25": both 25.
func TestIntegerSyntax(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		hats := "/v2/users/156/inventory/8?limit="
		e.run(t, []call{
			{name: "limit +25 (a space)", path: hats + "+25", want: 200, check: dataLen(25)},
			{name: "limit %2B25 (a sign)", path: hats + "%2B25", want: 200, check: dataLen(25)},
			{name: "limit space and sign", path: hats + "+%2B25", want: 200, check: dataLen(25)},
			{name: "limit leading zeros", path: hats + "025", want: 200, check: dataLen(25)},
			{name: "limit many leading zeros", path: hats + "0000000000000000000000000025", want: 200, check: dataLen(25)},
			{name: "limit white space around", path: hats + "%09%2025%0D%0A", want: 200, check: dataLen(25)},
			{name: "limit two signs", path: hats + "%2B%2B25", want: 400, code: 0, check: messageIs("Allowed values: 10, 25, 50, 100")},
			{name: "limit negative", path: hats + "-25", want: 400, code: 0},
			{name: "limit space inside", path: hats + "2%205", want: 400, code: 0},
			{name: "limit only white space", path: hats + "%20", want: 400, code: 0},
			{name: "limit decimal", path: hats + "25.0", want: 400, code: 0},
			{name: "limit hex", path: hats + "0x19", want: 400, code: 0},
			{name: "limit no-break space", path: hats + "%C2%A025", want: 400, code: 0},
			{name: "limit full-width digits", path: hats + "%EF%BC%92%EF%BC%95", want: 400, code: 0},
			{name: "limit overflow", path: hats + "4294967321", want: 400, code: 0},
			{name: "collectible-item owners limit +1", path: "/v2/collectible-items/521cca19-75bb-4e05-a0af-633b1532c24d/owners?limit=+1", session: builderman, want: 200, check: dataLen(1)},
			{name: "collectible-item owners limit %2B001", path: "/v2/collectible-items/521cca19-75bb-4e05-a0af-633b1532c24d/owners?limit=%2B001", session: builderman, want: 200, check: dataLen(1)},
			{name: "places itemsPerPage and cursor +1", path: "/v1/users/156/places/inventory?placesTab=Created&itemsPerPage=+1&cursor=%2B1", want: 200, check: func(t *testing.T, r resp) {
				dataLen(1)(t, r)
				if p := r.json(t); p["previousPageCursor"] != "0" {
					t.Fatalf("cursor +1 is offset 1: %s", r.body)
				}
			}},
			{name: "places tab +4 (a space)", path: "/v1/users/156/places/inventory?placesTab=+4&itemsPerPage=10&cursor=0", session: builderman, want: 200, check: dataLen(0)},
			{name: "places tab %2B05", path: "/v1/users/156/places/inventory?placesTab=%2B05&itemsPerPage=10&cursor=0", session: builderman, want: 200, check: dataLen(0)},
			{name: "places itemsPerPage decimal", path: "/v1/users/156/places/inventory?placesTab=Created&itemsPerPage=1.0&cursor=0", want: 400, code: 6},
			{name: "path id with a sign", path: "/v1/users/%2B156/can-view-inventory", want: 200, check: bodyIs(`{"canView":true}`)},
			{name: "path id with white space", path: "/v1/users/%20156%09/can-view-inventory", want: 200, check: bodyIs(`{"canView":true}`)},
			{name: "path id with many leading zeros", path: "/v1/users/000000000000000000000000000156/can-view-inventory", want: 200, check: bodyIs(`{"canView":true}`)},
			{name: "path id with a no-break space", path: "/v1/users/%C2%A0156/can-view-inventory", want: 404, code: 0},
			{name: "path id only white space", path: "/v1/users/%20/can-view-inventory", want: 404, code: 0},
			{name: "path id space inside", path: "/v1/users/15%206/can-view-inventory", want: 404, code: 0},
		})
	})
}

// TestBooleanSyntax: filterDisapprovedAssets and showApprovedOnly read as
// .NET's Boolean.TryParse reads them (ASP.NET's bool binding; the parser's
// own cases are TestParseBoolean).
func TestBooleanSyntax(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		// User 156 has Pending Pants and a Disapproved Decal.
		inv := "/v2/users/156/inventory?assetTypes=Pants,Decal&filterDisapprovedAssets="
		e.run(t, []call{
			{name: "mixed case", path: inv + "tRuE", want: 200, check: dataLen(1)},
			{name: "white space around", path: inv + "+false%09", want: 200, check: dataLen(2)},
			{name: "showApprovedOnly upper case", path: "/v2/users/156/inventory?assetTypes=Pants,Decal&showApprovedOnly=TRUE", want: 200, check: dataLen(0)},
			{name: "a Unicode fold is not a boolean", path: inv + "fal%C5%BFe", want: 400, code: 0},
			{name: "one is not a boolean", path: inv + "1", want: 400, code: 0, check: messageIs("The value '1' is not valid for filterDisapprovedAssets.")},
			{name: "t is not a boolean", path: "/v2/users/156/inventory?assetTypes=Hat&showApprovedOnly=t", want: 400, code: 0, check: messageIs("The value 't' is not valid for showApprovedOnly.")},
		})
	})
}

// TestSortOrderMessage: a bad sortOrder is told the values of the
// endpoint's own schema, in the "Allowed values: ..." form of §2.5:
// collectible-item owners declares the integer enum {1, 2}, the other
// listings the string enum {Asc, Desc}. Names and numbers are accepted on
// both (§2.5 [I]).
func TestSortOrderMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		item := "/v2/collectible-items/521cca19-75bb-4e05-a0af-633b1532c24d/owners?sortOrder="
		e.run(t, []call{
			{name: "collectible-item owners 3", path: item + "3", session: builderman, want: 400, code: 0, check: messageIs("Allowed values: 1, 2")},
			{name: "collectible-item owners Up", path: item + "Up", session: builderman, want: 400, code: 0, check: messageIs("Allowed values: 1, 2")},
			{name: "collectible-item owners 2", path: item + "2", session: builderman, want: 200, check: dataLen(2)},
			{name: "collectible-item owners Desc", path: item + "Desc", session: builderman, want: 200, check: dataLen(2)},
			{name: "asset owners Up", path: "/v2/assets/48159815/owners?sortOrder=Up", want: 400, code: 0, check: messageIs("Allowed values: Asc, Desc")},
			{name: "v2 inventory 3", path: "/v2/users/156/inventory/8?sortOrder=3", want: 400, code: 0, check: messageIs("Allowed values: Asc, Desc")},
			{name: "v1 collectibles Up", path: "/v1/users/156/assets/collectibles?sortOrder=Up", want: 400, code: 0, check: messageIs("Allowed values: Asc, Desc")},
		})
	})
}
