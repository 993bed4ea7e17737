package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/inventoryd/inventoryd/internal/storetest"
)

// routeParamKinds classifies every path parameter of the public routes.
// The int64 ones carry ASP.NET's {name:long} constraint: a value that
// breaks it is a route miss (wire-behaviour.md §2.1 [V]), decided before
// the session, CSRF, path enums or query parameters are looked at. The
// others are bound by the action (itemType and assetTypeId by name or
// number, collectibleItemId as a UUID) and have the endpoint's own 400.
var routeParamKinds = map[string]bool{
	"userId": true, "assetId": true, "packageId": true, "itemTargetId": true,
	"itemType": false, "assetTypeId": false, "collectibleItemId": false,
}

// routeMissOthers are values for the other parameters of a route: valid
// ones, and ones that would fail the handler's own checks if the int
// constraint were not decided first.
var routeMissOthers = map[string][]string{
	"userId":            {"156", "999"},
	"assetId":           {"48159815", "999"},
	"packageId":         {"27112438"},
	"itemTargetId":      {"1028606", "999"},
	"itemType":          {"Asset", "Foo", "Avatar"},
	"assetTypeId":       {"8", "999"},
	"collectibleItemId": {"521cca19-75bb-4e05-a0af-633b1532c24d", "nope"},
}

// routeMissValues break the int64 constraint: not a number, overflow,
// a decimal, non-ASCII digits.
var routeMissValues = []string{"abc", "99999999999999999999", "9223372036854775808", "1.0", url.PathEscape("١٢٣"), "0x10"}

// routeMissQueries are queries that are valid, or invalid in every way a
// listing can be.
var routeMissQueries = []string{"", "?limit=7&sortOrder=Up&cursor=garbage&assetTypes=Nope&assetType=Nope&placesTab=Nope&itemsPerPage=0"}

// TestIntConstraintIsRouteMiss: on every public route (inventory v1 and
// v2, the companion routes), a path id that is not an int64 is the 404
// NotFound envelope, whoever asks and whatever else the request gets
// wrong: anonymous, with a session but no CSRF token, with a session and
// a valid token; with the other path parameters valid or invalid; with
// a valid or an invalid query.
func TestIntConstraintIsRouteMiss(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		challenge := e.do(http.MethodPost, "/v2/logout", cookie(builderman))
		tok := challenge.header.Get("x-csrf-token")
		if challenge.status != http.StatusForbidden || tok == "" {
			t.Fatalf("no CSRF token from the logout challenge: %d %s", challenge.status, challenge.body)
		}
		callers := map[string][]reqOpt{
			"anonymous":    nil,
			"session":      {cookie(builderman)},
			"session+csrf": {cookie(builderman), header("x-csrf-token", tok)},
		}
		checked := 0
		for _, r := range hostileRoutes(t) {
			if r.admin() || r.method == "" || len(r.params) == 0 {
				continue
			}
			for _, p := range r.params {
				if _, ok := routeParamKinds[p]; !ok {
					t.Fatalf("%s: path parameter {%s} is not classified in routeParamKinds", r, p)
				}
			}
			for _, bad := range r.params {
				if !routeParamKinds[bad] {
					continue
				}
				for _, target := range routeMissTargets(r.template, bad) {
					for name, opts := range callers {
						t.Run(r.String()+" "+name+" "+target, func(t *testing.T) {
							e.t = t
							got := e.do(r.method, target, opts...)
							if got.status != http.StatusNotFound || string(got.body) != `{"errors":[{"code":0,"message":"NotFound"}]}` {
								t.Fatalf("%s %s (%s): got %d %s, want the 404 NotFound envelope", r.method, target, name, got.status, got.body)
							}
						})
						checked++
					}
				}
			}
		}
		if checked < 100 {
			t.Fatalf("only %d requests checked: routes.go not read?", checked)
		}
	})
}

// routeMissTargets fills template with a bad value for the parameter bad
// and every combination of routeMissOthers for the others, each with
// every routeMissQueries.
func routeMissTargets(template, bad string) []string {
	paths := []string{template}
	for _, m := range paramRe.FindAllStringSubmatch(template, -1) {
		name := m[1]
		vals := routeMissOthers[name]
		if name == bad {
			vals = routeMissValues
		}
		var next []string
		for _, p := range paths {
			for _, v := range vals {
				next = append(next, strings.Replace(p, m[0], v, 1))
			}
		}
		paths = next
	}
	var out []string
	for _, p := range paths {
		for _, q := range routeMissQueries {
			out = append(out, p+q)
		}
	}
	return out
}
