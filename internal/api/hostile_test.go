package api_test

// Hostile input (issue 5): every route of routes.go gets malformed ids,
// queries, cursors, cookies, CSRF headers, methods and bodies, first from
// a table, then from a seeded random generator, through the real handler
// over a store loaded with a small fixture; then raw HTTP over a real
// socket (cli.Run) for what net/http handles before the handler:
// oversized headers and bodies, malformed requests and slow clients.
//
// Every answer must be 200 or a 4xx carrying the Roblox envelope, valid
// against the swagger; never a 5xx, a redirect, a stack trace or a hang;
// and the server must be healthy afterwards.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/api"
	"github.com/inventoryd/inventoryd/internal/api/swagger"
	"github.com/inventoryd/inventoryd/internal/api/swaggertest"
	"github.com/inventoryd/inventoryd/internal/cli"
	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// The fixture's sessions and admin key.
const (
	hostileCookie      = "_|WARNING:-DO-NOT-SHARE-THIS.--hostile-builderman"
	hostileCookieShed  = "hostile-shedletsky"
	hostileCookieSpare = "hostile-spare" // the session logout may end
	hostileAdminKey    = "hostile-admin-key"
	hostileCollectible = "521cca19-75bb-4e05-a0af-633b1532c24d"
)

// hostileFixture is the small data set every hostile test loads: a user
// with more hats than a page, limiteds with a dozen owners of every kind
// (users of every privacy, a banned user, a group), a UGC collectible, a
// package, passes, badges, bundles, places and a collection.
func hostileFixture() []byte {
	type m = map[string]any
	user := func(id int) m { return m{"type": "User", "id": id} }
	doc := m{
		"users": []m{
			{"id": 1, "username": "Roblox"},
			{"id": 156, "username": "builderman", "buildersClubMembershipType": 4},
			{"id": 261, "username": "Shedletsky", "inventoryPrivacy": "Friends"},
			{"id": 2001, "username": "hidden", "inventoryPrivacy": "NoOne"},
			{"id": 2002, "username": "spare"},
			{"id": 2004, "username": "banned", "isBanned": true},
		},
		"groups":      []m{{"id": 7, "name": "Builders"}},
		"friendships": []m{{"userId": 261, "friendId": 2001}},
		"follows":     []m{{"followerId": 2001, "followingId": 156}},
		"sessions": []m{
			{"userId": 156, "cookie": hostileCookie},
			{"userId": 261, "cookie": hostileCookieShed},
			{"userId": 2002, "cookie": hostileCookieSpare},
		},
		"gamePasses": []m{{"id": 500, "name": "Pass", "placeId": 800}},
		"badges":     []m{{"id": 600, "name": "Badge"}},
		"bundles":    []m{{"id": 700, "name": "Bundle", "bundleType": "BodyParts"}},
		"userItems": []m{
			{"userId": 156, "itemType": "GamePass", "itemId": 500},
			{"userId": 156, "itemType": "Badge", "itemId": 600, "instanceId": 6001},
			{"userId": 156, "itemType": "Bundle", "itemId": 700},
		},
		"places": []m{
			{"placeId": 800, "universeId": 8000, "name": "Place", "creator": user(156), "priceInRobux": 10},
			{"placeId": 801, "name": "Group place", "creator": m{"type": "Group", "id": 7}},
		},
		"userPlaces":  []m{{"userId": 156, "placesTab": "MyGames", "placeId": 801}},
		"collections": []m{{"userId": 156, "itemType": "Asset", "itemId": 100}},
	}
	var assets, copies []m
	for i := range 12 {
		assets = append(assets, m{"id": 100 + i, "name": fmt.Sprintf("Hat %d", i), "assetType": "Hat", "creator": user(156)})
		copies = append(copies, m{"assetId": 100 + i, "owner": user(156)})
	}
	assets = append(assets,
		m{"id": 200, "name": "Shirt", "assetType": "Shirt", "creator": user(156)},
		m{"id": 201, "name": "Pending Pants", "assetType": "Pants", "creator": user(156), "moderationStatus": "Pending"},
		m{"id": 202, "name": "Removed Decal", "assetType": "Decal", "creator": user(156), "moderationStatus": "Disapproved"},
		m{"id": 300, "name": "Limited", "assetType": "Hat", "creator": user(1), "isLimited": true, "recentAveragePrice": 100},
		m{"id": 301, "name": "Limited U", "assetType": "Hat", "creator": user(1), "isLimitedUnique": true, "assetStock": 50},
		m{"id": 302, "name": "UGC", "assetType": "HairAccessory", "creator": m{"type": "Group", "id": 7}, "collectibleItemId": hostileCollectible},
		m{"id": 303, "name": "Limited 2", "assetType": "Hat", "creator": user(1), "isLimited": true},
		m{"id": 400, "name": "Package", "assetType": "Package", "creator": user(1), "packageAssetIds": []int{100, 101}},
		m{"id": 401, "name": "Roblox hat", "assetType": "Hat", "creator": user(1)},
	)
	for _, id := range []int{200, 201, 202, 400, 401} {
		copies = append(copies, m{"assetId": id, "owner": user(156)})
	}
	owners := []m{user(156), user(261), user(2001), user(2004), {"type": "Group", "id": 7}, user(2002)}
	for range 12 { // collectibles of one user, past a page
		copies = append(copies, m{"assetId": 303, "owner": user(156)})
	}
	for _, id := range []int{300, 301, 302} {
		for i := range 12 {
			c := m{"assetId": id, "owner": owners[i%len(owners)]}
			if i == 0 {
				c["holdUntil"] = "2999-01-01T00:00:00Z"
			}
			copies = append(copies, c)
		}
	}
	doc["assets"], doc["userAssets"] = assets, copies
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return b
}

// hostileRoute is one registration of routes.go.
type hostileRoute struct {
	method   string // "" for any method
	template string // e.g. /v1/users/{userId}/categories
	params   []string
	query    []string // the swagger's query parameters of the route
}

func (r hostileRoute) String() string { return strings.TrimSpace(r.method + " " + r.template) }

func (r hostileRoute) admin() bool { return strings.HasPrefix(r.template, "/admin/") }

var (
	routeRe = regexp.MustCompile(`\.Handle(?:Func)?\("(?:([A-Z]+) )?(/[^"]*)"`)
	paramRe = regexp.MustCompile(`\{([^}]+)\}`)
)

// hostileRoutes reads the URL surface from routes.go itself, so routes
// added later are fuzzed too.
func hostileRoutes(t testing.TB) []hostileRoute {
	t.Helper()
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	query := swaggerQueryParams(t)
	var out []hostileRoute
	for _, m := range routeRe.FindAllStringSubmatch(string(src), -1) {
		r := hostileRoute{method: m[1], template: m[2]}
		for _, p := range paramRe.FindAllStringSubmatch(r.template, -1) {
			r.params = append(r.params, strings.TrimSuffix(p[1], "..."))
		}
		r.query = query[strings.ToUpper(r.method)+" "+r.template]
		out = append(out, r)
	}
	if len(out) < 20 {
		t.Fatalf("read only %d routes from routes.go", len(out))
	}
	return out
}

// swaggerQueryParams maps "GET /template" to the query parameters the
// swagger declares for it.
func swaggerQueryParams(t testing.TB) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, doc := range [][]byte{swagger.V1, swagger.V2} {
		var d struct {
			Paths map[string]map[string]struct {
				Parameters []struct {
					Name string `json:"name"`
					In   string `json:"in"`
				} `json:"parameters"`
			} `json:"paths"`
		}
		if err := json.Unmarshal(doc, &d); err != nil {
			t.Fatal(err)
		}
		for p, ops := range d.Paths {
			for method, op := range ops {
				for _, pa := range op.Parameters {
					if pa.In == "query" {
						k := strings.ToUpper(method) + " " + p
						out[k] = append(out[k], pa.Name)
					}
				}
			}
		}
	}
	return out
}

// validParams are values of path parameters that reach deep into the
// handlers (existing rows, every item type, names and numbers).
var validParams = map[string][]string{
	"userid":            {"156", "261", "2001", "2002", "2004", "1", "999999"},
	"assetid":           {"100", "300", "301", "302", "401", "200", "999999"},
	"packageid":         {"400", "100", "999999"},
	"itemtype":          {"Asset", "0", "GamePass", "1", "badge", "2", "Bundle", "3", "Avatar", "4"},
	"itemtargetid":      {"100", "300", "500", "600", "700", "999999"},
	"assettypeid":       {"8", "Hat", "11", "41", "34", "21"},
	"collectibleitemid": {hostileCollectible, strings.ToUpper(hostileCollectible), "00000000-0000-0000-0000-000000000000"},
}

func validParam(rng *rand.Rand, name string) string {
	vs := validParams[strings.ToLower(name)]
	if len(vs) == 0 {
		vs = []string{"1", "156", "100"}
	}
	if rng == nil {
		return vs[0]
	}
	return vs[rng.IntN(len(vs))]
}

// hostilePathValues are path segments as they appear in the request
// target (already escaped where the request line needs it).
var hostilePathValues = []string{
	"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
	"99999999999999999999999999999999", strings.Repeat("9", 5000),
	"-1", "0", "-0", "+1", "000000000000000000000000000156", "1.0", "1e3", "0x10", "1_000",
	"%201", "%09", "abc", "null", "NaN",
	"١٢٣", "１２３", "²", url.PathEscape("１５６"),
	"%FF", "%C0%AF", "%ED%A0%80", "%00", "%0D%0A", "\xff\xfe", "%E2%80%AE",
	"..", ".", "%2E%2E", "%2F", "a%2Fb", "%5C", "%25", "%", "%G0",
	"%22%3E%3Cscript%3Ealert(1)%3C/script%3E", "$%7Bjndi:ldap://x%7D", "%25s%25n",
	strings.Repeat("A", 10000), strings.Repeat("%FF", 3000), "İ", "\u212a",
	"1;1", "1,2", "{userId}", "*", "1@2",
	"00000000-0000-0000-0000-00000000000", "{521cca19-75bb-4e05-a0af-633b1532c24d}",
	"urn:uuid:521cca19-75bb-4e05-a0af-633b1532c24d", "521cca1975bb4e05a0af633b1532c24d", "521CCA19-75BB-4E05-A0AF-633B1532C24D",
	"Asset%00", "GAMEPASS", "5", "99", "Hat,Shirt", "Place", "Badge",
}

// hostileQueryValues are query values as they appear in the target.
var hostileQueryValues = []string{
	"", "-1", "0", "1", "9", "10", "11", "25", "100", "101", "1000", "9223372036854775808", "-9223372036854775809",
	strings.Repeat("9", 10000), "1e1", "10.0", "%2010", "10%20", "+10", "010", "0x0A", "１０", "١٠",
	"%FF", "%00", "%0A", "\xff", "%E2%80%AE", "%C0%AF",
	"Asc", "asc", "ASC", "Desc", "desc", "1", "2", "3", "Ascending", "null", "true", "false", "yes", "TRUE", "tRuE",
	"Hat", "Hat,Shirt", "hat,,shirt", ",,,", "GamePass", "Badge", "34", "21", "8,34", "Hat%2CGamePass", "8,11,12,13,41",
	strings.Repeat("Hat,", 5000), strings.Repeat("8,", 101), "Created", "MyGames", "OtherGames", "Purchased", "4", "5", "6",
	"%3Cscript%3Ealert(1)%3C/script%3E", "a=b", "%26", "%3D", "[]", "%5B%5D", "{}",
}

// hostileBodies are request bodies.
var hostileBodies = sync.OnceValue(func() [][]byte {
	return [][]byte{
		nil,
		[]byte("{}"),
		[]byte("{"),
		[]byte("null"),
		[]byte(`{"users":[{"id":-1}]}`),
		[]byte(`{"users":[{"id":9223372036854775808}]}`),
		[]byte(`{"assets":"x"}`),
		[]byte(`{"unknown":[]}`),
		[]byte("\xff\xfe\x00garbage"),
		bytes.Repeat([]byte("["), 100000),
		bytes.Repeat([]byte("A"), 300<<10), // over MaxBodyBytes
		[]byte(`{"users":[{"id":1,"username":"\ud800"}]}`),
	}
})

// hostileEnv is a server over a loaded store, plus what the random
// generator draws from.
type hostileEnv struct {
	t       *testing.T
	store   inventory.Store
	srv     http.Handler
	routes  []hostileRoute
	logs    *lockedBuffer
	csrf    string   // a valid x-csrf-token for hostileCookie
	cursors []string // real cursors of every paged endpoint
	v       *swaggertest.Validator
	n       int // requests sent
}

// lockedBuffer is an io.Writer safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newHostileEnv(t *testing.T, open storetest.Opener) *hostileEnv {
	t.Helper()
	st := open(t)
	f, err := inventory.ParseFixture(bytes.NewReader(hostileFixture()), time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Import(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	srv, err := api.NewServer(context.Background(), st, api.Config{AdminKey: hostileAdminKey, CollectionLimit: 3,
		MaxBodyBytes: 256 << 10, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e := &hostileEnv{t: t, store: st, srv: srv, routes: hostileRoutes(t), logs: logs, v: swaggertest.Default(t)}
	// A valid CSRF token: the challenge's.
	w := e.send(hostileReq{method: "POST", target: "/v2/logout", header: http.Header{"Cookie": {".ROBLOSECURITY=" + hostileCookie}}})
	if e.csrf = w.Header().Get("x-csrf-token"); w.Code != http.StatusForbidden || e.csrf == "" {
		t.Fatalf("no CSRF challenge: %d %s", w.Code, w.Body)
	}
	e.cursors = e.collectCursors()
	return e
}

// collectCursors pages every paged endpoint once, in both orders.
func (e *hostileEnv) collectCursors() []string {
	var out []string
	targets := []string{
		"/v2/users/156/inventory/8?limit=10",
		"/v2/users/156/inventory?assetTypes=Hat,Shirt&limit=10",
		"/v1/users/156/assets/collectibles?limit=10",
		"/v2/assets/300/owners?limit=10",
		"/v2/assets/301/owners?limit=10",
		"/v2/collectible-items/" + hostileCollectible + "/owners?limit=10",
	}
	for _, tg := range targets {
		for _, order := range []string{"Asc", "Desc"} {
			target := tg + "&sortOrder=" + order
			w := e.send(hostileReq{method: "GET", target: target, header: http.Header{"Cookie": {".ROBLOSECURITY=" + hostileCookie}}})
			var p struct {
				Next *string `json:"nextPageCursor"`
			}
			if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &p) != nil || p.Next == nil {
				e.t.Fatalf("GET %s: want a page with a next cursor, got %d %s", target, w.Code, w.Body)
			}
			out = append(out, *p.Next)
			// The second page has a previous cursor too.
			w = e.send(hostileReq{method: "GET", target: target + "&cursor=" + url.QueryEscape(*p.Next), header: http.Header{"Cookie": {".ROBLOSECURITY=" + hostileCookie}}})
			var p2 struct {
				Prev *string `json:"previousPageCursor"`
			}
			if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &p2) != nil || p2.Prev == nil {
				e.t.Fatalf("GET %s page 2: %d %s", target, w.Code, w.Body)
			}
			out = append(out, *p2.Prev)
		}
	}
	return out
}

// hostileReq is one request as a client would put it on the wire.
type hostileReq struct {
	method string
	target string // request target, as on the request line
	header http.Header
	body   []byte
	label  string // what the case is, for failures
}

// request builds the *http.Request net/http would hand the handler, or
// nil when net/http itself refuses the target (that is the socket test's
// business).
func (q hostileReq) request() *http.Request {
	u, err := url.ParseRequestURI(q.target)
	if err != nil {
		return nil
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Method, r.URL, r.RequestURI = q.method, u, q.target
	r.Host = "inventory.test"
	if q.header != nil {
		r.Header = q.header.Clone()
	}
	if q.body != nil {
		r.Body = io.NopCloser(bytes.NewReader(q.body))
		r.ContentLength = int64(len(q.body))
	}
	return r
}

// send runs one request through the handler and returns the answer.
func (e *hostileEnv) send(q hostileReq) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	r := q.request()
	if r == nil {
		w.Code = -1
		return w
	}
	e.n++
	e.srv.ServeHTTP(w, r)
	return w
}

// hasStackTrace catches Go stack traces and panic text in a body.
func hasStackTrace(b []byte) bool {
	for _, s := range []string{"goroutine ", ".go:", "runtime/", "panic("} {
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}

// check sends q and asserts the hostile-input contract on the answer.
func (e *hostileEnv) check(q hostileReq) *httptest.ResponseRecorder {
	e.t.Helper()
	w := e.send(q)
	if w.Code == -1 {
		return w // refused by net/http before any handler
	}
	status, ct, body := w.Code, w.Header().Get("Content-Type"), w.Body.Bytes()
	desc := func() string {
		tg := q.target
		if len(tg) > 300 {
			tg = tg[:300] + "..."
		}
		b := string(body)
		if len(b) > 500 {
			b = b[:500] + "..."
		}
		return fmt.Sprintf("[%s] %s %q -> %d (%s) %s", q.label, q.method, tg, status, ct, b)
	}
	if (status < 200 || status > 299) && (status < 400 || status > 499) {
		e.t.Errorf("want a 2xx or a 4xx: %s", desc())
	}
	if hasStackTrace(body) {
		e.t.Errorf("stack trace in the answer: %s", desc())
	}
	path := q.target
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if status == http.StatusOK && strings.HasPrefix(ct, "text/html") {
		if !strings.HasPrefix(strings.ToLower(path), "/docs") {
			e.t.Errorf("HTML outside /docs: %s", desc())
		}
		return w
	}
	if err := e.v.Validate(q.method, path, status, ct, body); err != nil {
		e.t.Errorf("answer breaks the contract: %v: %s", err, desc())
	}
	return w
}

// fill substitutes values for the route's parameters; a catch-all
// pattern ("/") gets a random path.
func fill(template string, val func(name string) string) string {
	return paramRe.ReplaceAllStringFunc(template, func(p string) string {
		return val(strings.TrimSuffix(p[1:len(p)-1], "..."))
	})
}

func (r hostileRoute) sendMethod() string {
	if r.method == "" {
		return "GET"
	}
	return r.method
}

// authFor gives a route the headers that let a request through to its
// checks: the session and CSRF token, or the admin key.
func (e *hostileEnv) authFor(r hostileRoute) http.Header {
	h := http.Header{"Cookie": {".ROBLOSECURITY=" + hostileCookie}, "X-Csrf-Token": {e.csrf}}
	if r.template == "/v2/logout" {
		// Ending builderman's session would starve the later cases.
		h.Set("Cookie", ".ROBLOSECURITY="+hostileCookieSpare)
	}
	if r.admin() && !strings.Contains(r.template, "reset") {
		h.Set("Authorization", "Bearer "+hostileAdminKey)
	}
	return h
}

func (e *hostileEnv) finish() {
	e.t.Helper()
	w := e.send(hostileReq{method: "GET", target: "/healthz"})
	if w.Code != http.StatusOK {
		e.t.Errorf("GET /healthz after %d hostile requests: %d %s", e.n, w.Code, w.Body)
	}
	logs := e.logs.String()
	for _, bad := range []string{"panic", "request failed", "level=ERROR"} {
		if strings.Contains(logs, bad) {
			e.t.Errorf("the server logged %q:\n%s", bad, hostileTail(logs, 4000))
		}
	}
	e.t.Logf("%d requests", e.n)
}

func hostileTail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

var hostileMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT",
	"PROPFIND", "M-SEARCH", "get", "FOO", strings.Repeat("A", 1000), "PRI"}

// TestHostileTable sends the table of malformed inputs to every route.
func TestHostileTable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newHostileEnv(t, open)
		for _, r := range e.routes {
			base := fill(r.template, func(n string) string { return validParam(nil, n) })
			if r.template == "/" {
				base = "/nothing/here"
			}
			auth := e.authFor(r)
			// Every method, with and without credentials.
			for _, m := range hostileMethods {
				e.check(hostileReq{method: m, target: base, label: r.String() + " method"})
				e.check(hostileReq{method: m, target: base, header: auth, label: r.String() + " method+auth"})
			}
			// Every parameter, one at a time.
			for _, p := range r.params {
				for _, v := range hostilePathValues {
					target := fill(r.template, func(n string) string {
						if n == p {
							return v
						}
						return validParam(nil, n)
					})
					e.check(hostileReq{method: r.sendMethod(), target: target, header: auth, label: r.String() + " {" + p + "}"})
				}
			}
			// Extra, missing and doubled segments; dot segments.
			for _, target := range []string{base + "/", base + "//", base + "/x", base + "/..", base + "/.", base + "/%2e%2e",
				strings.Replace(base, "/", "//", 1), path0(base), base + "?", base + "#frag", base + ";x=1", base + "%00",
				strings.ToUpper(base), base + strings.Repeat("/a", 2000)} {
				e.check(hostileReq{method: r.sendMethod(), target: target, header: auth, label: r.String() + " path shape"})
			}
			// Every declared query parameter, one at a time, then all at
			// once, repeated, huge, and with unknown keys.
			for _, k := range r.query {
				for _, v := range hostileQueryValues {
					e.check(hostileReq{method: r.sendMethod(), target: base + "?" + hostileValidQuery(r, k) + k + "=" + v, header: auth, label: r.String() + " ?" + k})
				}
				// Case variants of the key.
				for _, kk := range []string{strings.ToUpper(k), strings.ToLower(k), k + "%00", "%FF" + k} {
					e.check(hostileReq{method: r.sendMethod(), target: base + "?" + kk + "=10", header: auth, label: r.String() + " key case"})
				}
			}
			for _, q := range hostileQueries(r) {
				e.check(hostileReq{method: r.sendMethod(), target: base + "?" + q, header: auth, label: r.String() + " query"})
			}
			// Cookies and CSRF headers.
			for _, h := range hostileHeaders(e.csrf) {
				if r.admin() {
					h.Set("Authorization", auth.Get("Authorization"))
				}
				e.check(hostileReq{method: r.sendMethod(), target: base + "?" + hostileValidQuery(r, ""), header: h, label: r.String() + " headers"})
			}
			// Bodies, with whatever the route needs to read them.
			for i, b := range hostileBodies() {
				for _, m := range []string{r.sendMethod(), "POST"} {
					if m == "POST" && r.sendMethod() != "POST" && i > 3 {
						continue // the large bodies once per route
					}
					h := auth.Clone()
					h.Set("Content-Type", "application/json")
					e.check(hostileReq{method: m, target: base, header: h, body: b, label: r.String() + " body"})
				}
			}
		}
		e.finish()
	})
}

// path0 drops the last segment of p.
func path0(p string) string {
	if i := strings.LastIndexByte(p, '/'); i > 0 {
		return p[:i]
	}
	return p
}

// hostileValidQuery returns the route's required query parameters with
// valid values (but for skip), so that one bad value is what a request is
// about; it ends with "&" when not empty.
func hostileValidQuery(r hostileRoute, skip string) string {
	var b strings.Builder
	for _, k := range r.query {
		if k == skip {
			continue
		}
		switch k {
		case "assetTypes":
			b.WriteString("assetTypes=Hat,Shirt&")
		case "placesTab":
			b.WriteString("placesTab=MyGames&")
		case "itemsPerPage":
			b.WriteString("itemsPerPage=10&")
		case "cursor":
			if r.template == "/v1/users/{userId}/places/inventory" {
				b.WriteString("cursor=&")
			}
		}
	}
	return b.String()
}

// hostileQueries are whole query strings: repeated, huge, malformed.
func hostileQueries(r hostileRoute) []string {
	v := hostileValidQuery(r, "")
	qs := []string{
		v + strings.Repeat("limit=10&", 1000),
		v + "limit=10&limit=25&limit=abc",
		v + "limit=abc&limit=10",
		v + "sortOrder=Asc&sortOrder=Desc",
		v + strings.Repeat("assetTypes=Hat&", 500),
		v + "assetTypes=" + strings.Repeat("Hat,", 2000),
		v + strings.Repeat("x", 20000) + "=" + strings.Repeat("y", 20000),
		v + strings.Repeat("&", 2000),
		v + strings.Repeat("a=1&", 1000),
		v + "limit=10;cursor=abc",
		v + "limit=10%26cursor=abc",
		v + "%=%&%%=%%",
		v + "\xff=\xfe&limit=\xff",
		v + "cursor=" + strings.Repeat("A", 20000),
		v + "cursor=%FF%FE",
		v + "cursor=&cursor=abc",
		v + "LIMIT=10&Limit=25&limit=50",
		v + "sortorder=desc&SORTORDER=asc",
		v + "__proto__=1&constructor=2",
		"=",
		"&&&",
		"?",
		"#",
	}
	return qs
}

// hostileHeaders are cookie and CSRF header variants.
func hostileHeaders(csrf string) []http.Header {
	huge := strings.Repeat("A", 60<<10)
	return []http.Header{
		{"Cookie": {".ROBLOSECURITY=" + huge}},
		{"Cookie": {".ROBLOSECURITY=" + strings.Repeat("A", 8193)}},
		{"Cookie": {".ROBLOSECURITY=\xff\xfe\xfd"}},
		{"Cookie": {".ROBLOSECURITY=%FF%00"}},
		{"Cookie": {".ROBLOSECURITY="}},
		{"Cookie": {".ROBLOSECURITY"}},
		{"Cookie": {";;;;=;=;"}},
		{"Cookie": {".ROBLOSECURITY=\"" + hostileCookie + "\""}},
		{"Cookie": {".ROBLOSECURITY=a; .ROBLOSECURITY=" + hostileCookie}},
		{"Cookie": {".ROBLOSECURITY=" + hostileCookie + "; .ROBLOSECURITY=a"}},
		{"Cookie": {strings.Repeat("a=b; ", 1000)}},
		{"Cookie": {".roblosecurity=" + hostileCookie}},
		{"Cookie": {".ROBLOSECURITY=" + hostileCookie, ".ROBLOSECURITY=x"}},
		{"Cookie": {".ROBLOSECURITY=" + hostileCookie}, "X-Csrf-Token": {huge}},
		{"Cookie": {".ROBLOSECURITY=" + hostileCookie}, "X-Csrf-Token": {"\xff\xfe"}},
		{"Cookie": {".ROBLOSECURITY=" + hostileCookie}, "X-Csrf-Token": {csrf + "x"}},
		{"Cookie": {".ROBLOSECURITY=" + hostileCookie}, "X-Csrf-Token": {csrf[:len(csrf)-1]}},
		{"Cookie": {".ROBLOSECURITY=" + hostileCookie}, "X-Csrf-Token": {"", csrf}},
		{"Cookie": {".ROBLOSECURITY=" + hostileCookieShed}, "X-Csrf-Token": {csrf}},
		{"Cookie": {".ROBLOSECURITY=" + hostileCookie}, "X-Csrf-Token": {strings.ToLower(csrf)}},
		{"Authorization": {"Bearer " + huge[:8192]}},
		{"Authorization": {"Bearer"}},
		{"Authorization": {"Basic \xff"}},
		{"X-Forwarded-Proto": {"\xff"}, "X-Forwarded-For": {huge[:8192]}},
		{"Content-Type": {"application/json; charset=\xff"}, "Accept": {"*/*;q=\xff"}},
		{"Accept-Encoding": {"gzip, br, \xff"}, "Range": {"bytes=0-1,2-3,4-5"}},
		{"If-None-Match": {huge[:8192]}, "If-Modified-Since": {"\xff"}},
	}
}

// TestHostileCursors: cursors of every shape on every paged endpoint.
func TestHostileCursors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newHostileEnv(t, open)
		auth := http.Header{"Cookie": {".ROBLOSECURITY=" + hostileCookie}}
		type paged struct{ target, other string }
		endpoints := []paged{
			{"/v2/users/156/inventory/8?limit=10", "/v2/users/2002/inventory/8?limit=10"},
			{"/v2/users/156/inventory?assetTypes=Hat,Shirt&limit=10", "/v2/users/156/inventory?assetTypes=Hat&limit=10"},
			{"/v1/users/156/assets/collectibles?limit=10", "/v1/users/156/assets/collectibles?limit=10&assetType=Hat"},
			{"/v2/assets/300/owners?limit=10", "/v2/assets/301/owners?limit=10"},
			{"/v2/collectible-items/" + hostileCollectible + "/owners?limit=10", "/v2/assets/302/owners?limit=10"},
		}
		get := func(target, cursor, label string) *httptest.ResponseRecorder {
			if cursor != "\x00none" {
				target += "&cursor=" + cursor
			}
			return e.check(hostileReq{method: "GET", target: target, header: auth, label: label})
		}
		next := func(w *httptest.ResponseRecorder) string {
			var p struct {
				Next *string `json:"nextPageCursor"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Next == nil {
				t.Fatalf("no next cursor: %d %s", w.Code, w.Body)
			}
			return *p.Next
		}
		bad := func(w *httptest.ResponseRecorder, label string) {
			t.Helper()
			if w.Code != http.StatusBadRequest {
				t.Errorf("%s: %d %s, want 400 Invalid cursor", label, w.Code, w.Body)
			}
		}
		// A cursor of each endpoint, for the cross-endpoint cases.
		own := map[string]string{}
		for _, ep := range endpoints {
			own[ep.target] = next(get(ep.target, "\x00none", "first page"))
		}
		for _, ep := range endpoints {
			c := own[ep.target]
			raw, err := base64.RawURLEncoding.DecodeString(c)
			if err != nil {
				t.Fatalf("cursor %q is not base64url: %v", c, err)
			}
			// Accepted: empty, and the same cursor in other base64 forms.
			for _, ok := range []string{"", url.QueryEscape(base64.StdEncoding.EncodeToString(raw)), url.QueryEscape(base64.URLEncoding.EncodeToString(raw))} {
				if w := get(ep.target, ok, "accepted cursor"); w.Code != http.StatusOK {
					t.Errorf("%s cursor %q: %d %s", ep.target, ok, w.Code, w.Body)
				}
			}
			// A different limit is fine; a different order is not.
			if w := get(strings.Replace(ep.target, "limit=10", "limit=25", 1), c, "other limit"); w.Code != http.StatusOK {
				t.Errorf("%s with limit 25: %d %s", ep.target, w.Code, w.Body)
			}
			bad(get(ep.target+"&sortOrder=Desc", c, "other order"), ep.target+" other order")
			bad(get(ep.other, c, "other subject"), ep.target+" used on "+ep.other)
			for other, oc := range own {
				if other != ep.target {
					bad(get(ep.target, oc, "other endpoint"), other+" cursor on "+ep.target)
				}
			}
			// Truncated, extended, flipped, re-signed, garbage.
			flip := []byte(c)
			flip[len(flip)/2] ^= 1
			payload, _, _ := bytes.Cut(raw, []byte{'\n'})
			forged := base64.RawURLEncoding.EncodeToString(append(append([]byte{}, payload...), []byte("\n"+strings.Repeat("0", 64))...))
			tampered := base64.RawURLEncoding.EncodeToString(bytes.Replace(raw, []byte(`"pageNumber":2`), []byte(`"pageNumber":9`), 1))
			for _, g := range []string{c[:len(c)/2], c[:len(c)-1], c + "A", c + "AAAA", string(flip), forged, tampered,
				c[1:], strings.ToUpper(c), url.QueryEscape(c + "\xff"), "%FF", "%00", "null", "undefined", "0", "-1", "1",
				"abc", "====", "=", "%3D", "YWJj", base64.RawURLEncoding.EncodeToString([]byte("{}\n")),
				base64.RawURLEncoding.EncodeToString([]byte("\n")), base64.RawURLEncoding.EncodeToString(payload),
				strings.Repeat("A", 1023), strings.Repeat("A", 1025), strings.Repeat("A", 100000), strings.Repeat(c, 10),
				"%F0%9F%98%80", url.QueryEscape("١٢٣"), "eyJrZXkiOiIxIn0", "../../etc/passwd", "%0A%0D"} {
				bad(get(ep.target, g, "garbage cursor"), fmt.Sprintf("%s cursor %.60q", ep.target, g))
			}
		}
		// Replayed after the data changed: new copies before and after the
		// cursor's key, the copy at the key given up, the previous page
		// emptied. Cursors stay valid; pages stay well-formed.
		first := get("/v2/users/156/inventory/8?limit=10", "\x00none", "replay")
		c := next(first)
		w2 := get("/v2/users/156/inventory/8?limit=10", url.QueryEscape(c), "replay page 2")
		var p2 struct {
			Prev *string `json:"previousPageCursor"`
		}
		if err := json.Unmarshal(w2.Body.Bytes(), &p2); err != nil || p2.Prev == nil {
			t.Fatalf("page 2: %d %s", w2.Code, w2.Body)
		}
		more := `{"assets":[{"id":150,"name":"New hat","assetType":"Hat","creator":{"type":"User","id":156}}],
			"userAssets":[{"assetId":150,"owner":{"type":"User","id":156}},{"assetId":150,"owner":{"type":"User","id":156}}]}`
		f, err := inventory.ParseFixture(strings.NewReader(more), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.Import(context.Background(), f); err != nil {
			t.Fatal(err)
		}
		for id := 100; id < 112; id++ { // give up every hat the first page showed
			w := e.check(hostileReq{method: "DELETE", target: fmt.Sprintf("/v2/inventory/asset/%d", id),
				header: http.Header{"Cookie": {".ROBLOSECURITY=" + hostileCookie}, "X-Csrf-Token": {e.csrf}}, label: "give up"})
			if w.Code != http.StatusOK {
				t.Fatalf("give up %d: %d %s", id, w.Code, w.Body)
			}
		}
		for _, cur := range []string{c, *p2.Prev} {
			if w := get("/v2/users/156/inventory/8?limit=10", url.QueryEscape(cur), "replayed"); w.Code != http.StatusOK {
				t.Errorf("replayed cursor after changes: %d %s", w.Code, w.Body)
			}
		}
		for _, cur := range e.cursors {
			for _, order := range []string{"", "&sortOrder=Asc", "&sortOrder=Desc"} {
				for _, ep := range endpoints {
					get(ep.target+order, url.QueryEscape(cur), "replayed anywhere")
				}
			}
		}
		// The places inventory's numeric cursor.
		for _, v := range []string{"", "0", "1", "-1", "abc", "1.5", "1e3", "2147483647", "2147483648", "9223372036854775808",
			strings.Repeat("9", 5000), "%FF", "１", url.QueryEscape(own[endpoints[0].target])} {
			for _, tab := range []string{"Created", "MyGames", "0", "4"} {
				e.check(hostileReq{method: "GET", target: "/v1/users/156/places/inventory?placesTab=" + tab + "&itemsPerPage=10&cursor=" + v,
					header: auth, label: "places cursor"})
			}
		}
		e.finish()
	})
}

// TestHostileFuzz sends seeded random requests to every route.
func TestHostileFuzz(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newHostileEnv(t, open)
		rng := rand.New(rand.NewPCG(0x1a2b3c4d, 5)) // fixed seed: reproducible
		const count = 3000
		hit := map[string]int{}
		for i := range count {
			r := e.routes[rng.IntN(len(e.routes))]
			hit[r.String()]++
			q := e.randomRequest(rng, r)
			q.label = fmt.Sprintf("random #%d %s", i, r)
			e.check(q)
		}
		for _, r := range e.routes {
			if hit[r.String()] == 0 {
				t.Errorf("route %s was never hit", r)
			}
		}
		e.finish()
	})
}

// randomRequest draws one request for r.
func (e *hostileEnv) randomRequest(rng *rand.Rand, r hostileRoute) hostileReq {
	q := hostileReq{method: r.sendMethod(), header: http.Header{}}
	if rng.IntN(8) == 0 {
		q.method = hostileMethods[rng.IntN(len(hostileMethods))]
	}
	target := fill(r.template, func(n string) string {
		switch rng.IntN(10) {
		case 0, 1, 2:
			return hostilePathValues[rng.IntN(len(hostilePathValues))]
		case 3:
			return randomSegment(rng)
		}
		return validParam(rng, n)
	})
	if r.template == "/" {
		target = "/" + randomSegment(rng) + "/" + randomSegment(rng)
	}
	// Query: the declared keys and some others, valid or not.
	keys := append(slices.Clone(r.query), "limit", "cursor", "sortOrder", "assetTypes", "placesTab", "itemsPerPage", "x")
	var qs []string
	for range rng.IntN(6) {
		k := keys[rng.IntN(len(keys))]
		if rng.IntN(10) == 0 {
			k = strings.ToUpper(k)
		}
		qs = append(qs, k+"="+e.randomValue(rng, k))
	}
	if rng.IntN(3) > 0 {
		qs = append(qs, strings.TrimSuffix(hostileValidQuery(r, ""), "&"))
	}
	rng.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
	if len(qs) > 0 {
		target += "?" + strings.Join(qs, "&")
	}
	q.target = target
	// Session, CSRF token, admin key.
	switch rng.IntN(6) {
	case 0:
	case 1, 2:
		c := hostileCookie
		if r.template == "/v2/logout" {
			c = hostileCookieSpare
		}
		q.header.Set("Cookie", ".ROBLOSECURITY="+c)
	case 3:
		q.header.Set("Cookie", ".ROBLOSECURITY="+hostileCookieShed)
	case 4:
		q.header.Set("Cookie", ".ROBLOSECURITY="+randomSegment(rng))
	case 5:
		q.header.Set("Cookie", string(randomBytes(rng, rng.IntN(10000))))
	}
	switch rng.IntN(4) {
	case 0, 1:
		q.header.Set("X-Csrf-Token", e.csrf)
	case 2:
		q.header.Set("X-Csrf-Token", string(randomBytes(rng, rng.IntN(200))))
	}
	if r.admin() {
		switch rng.IntN(3) {
		case 0:
			if !strings.Contains(r.template, "reset") {
				q.header.Set("Authorization", "Bearer "+hostileAdminKey)
			}
		case 1:
			q.header.Set("Authorization", "Bearer "+string(randomBytes(rng, 20)))
		}
	}
	// Body.
	switch rng.IntN(5) {
	case 0:
		q.body = randomBytes(rng, rng.IntN(4096))
	case 1:
		bodies := hostileBodies()
		q.body = bodies[rng.IntN(len(bodies))]
	}
	return q
}

// randomValue draws a query value for key k.
func (e *hostileEnv) randomValue(rng *rand.Rand, k string) string {
	switch rng.IntN(6) {
	case 0:
		return hostileQueryValues[rng.IntN(len(hostileQueryValues))]
	case 1:
		return randomSegment(rng)
	case 2:
		if strings.EqualFold(k, "cursor") {
			c := e.cursors[rng.IntN(len(e.cursors))]
			switch rng.IntN(4) {
			case 0:
				c = c[:rng.IntN(len(c))]
			case 1:
				b := []byte(c)
				b[rng.IntN(len(b))] ^= byte(1 + rng.IntN(64))
				c = string(b)
			}
			return url.QueryEscape(c)
		}
	}
	switch strings.ToLower(k) {
	case "limit":
		return []string{"10", "25", "50", "100", "1", "7"}[rng.IntN(6)]
	case "sortorder":
		return []string{"Asc", "Desc", "1", "2", "desc"}[rng.IntN(5)]
	case "assettypes":
		return []string{"Hat", "Hat,Shirt", "8,11,12", "HairAccessory", "Pants,Decal"}[rng.IntN(5)]
	case "placestab":
		return []string{"Created", "MyGames", "OtherGames", "Purchased", "0", "5"}[rng.IntN(6)]
	case "itemsperpage":
		return strconv.Itoa(rng.IntN(120))
	case "cursor":
		return url.QueryEscape(e.cursors[rng.IntN(len(e.cursors))])
	}
	return randomSegment(rng)
}

// randomSegment is a short random string, percent-escaped or raw.
func randomSegment(rng *rand.Rand) string {
	switch rng.IntN(5) {
	case 0:
		return strconv.FormatInt(rng.Int64()-rng.Int64(), 10)
	case 1:
		return strings.Repeat(strconv.Itoa(rng.IntN(10)), 1+rng.IntN(40))
	case 2:
		return url.PathEscape(string(randomBytes(rng, 1+rng.IntN(30))))
	case 3:
		runes := []rune{'٣', '１', '²', 'ß', 'İ', '\u202e', '\u0000', '😀', 'a', '9', '-', '+', '.'}
		var b strings.Builder
		for range 1 + rng.IntN(10) {
			b.WriteRune(runes[rng.IntN(len(runes))])
		}
		return url.PathEscape(b.String())
	}
	b := randomBytes(rng, 1+rng.IntN(20))
	var s strings.Builder
	for _, c := range b {
		fmt.Fprintf(&s, "%%%02X", c)
	}
	return s.String()
}

func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	return b
}

// The real socket: what net/http does before any handler runs, and slow
// clients.

// hostileServe starts `inventoryd serve` in-process with short timeouts
// and small limits, and stops it when the test ends.
func hostileServe(t *testing.T) (addr string, logs *lockedBuffer) {
	t.Helper()
	dir := t.TempDir()
	fx := filepath.Join(dir, "fixture.json")
	if err := os.WriteFile(fx, hostileFixture(), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	logs = &lockedBuffer{}
	go func() {
		done <- cli.Run(ctx, cli.Env{
			Args: []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "inventoryd.db"),
				"--fixtures", fx, "--admin-key", hostileAdminKey,
				"--read-header-timeout", "500ms", "--read-timeout", "1500ms", "--write-timeout", "3s", "--idle-timeout", "1s",
				"--max-header-bytes", "8192", "--max-body-bytes", "65536"},
			Ready:  func(a string) { ready <- a },
			Stdout: io.Discard,
			Stderr: logs,
		})
	}()
	select {
	case addr = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v\n%s", err, logs)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not start")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
		for _, bad := range []string{"panic", "request failed", "level=ERROR"} {
			if s := logs.String(); strings.Contains(s, bad) {
				t.Errorf("the server logged %q:\n%s", bad, hostileTail(s, 4000))
			}
		}
	})
	return addr, logs
}

// hangLimit bounds every wait on the socket, so that a server that keeps
// a connection open fails the test instead of hanging it.
const hangLimit = 20 * time.Second

// rawResult is what came back on a raw connection.
type rawResult struct {
	resp   *http.Response
	body   []byte
	closed bool // the server closed the connection after (or instead of) answering
	err    error
}

// rawExchange writes req (in the background, so that a server that
// answers early does not block it) and reads one answer, then waits for
// the server to close the connection when closeWanted.
func rawExchange(t *testing.T, addr string, write func(net.Conn) error, closeWanted bool) rawResult {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(hangLimit))
	go func() { _ = write(c) }()
	var res rawResult
	br := bufio.NewReader(c)
	res.resp, res.err = http.ReadResponse(br, nil)
	if res.err == nil {
		res.body, res.err = io.ReadAll(io.LimitReader(res.resp.Body, 1<<20))
		res.resp.Body.Close()
	}
	if closeWanted || res.resp == nil {
		_, err := br.ReadByte()
		for err == nil {
			_, err = br.ReadByte()
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Errorf("the server kept the connection open past %v", hangLimit)
		} else {
			res.closed = true
		}
	}
	return res
}

func writeAll(parts ...[]byte) func(net.Conn) error {
	return func(c net.Conn) error {
		for _, p := range parts {
			if _, err := c.Write(p); err != nil {
				return err
			}
		}
		return nil
	}
}

// wantEnvelope asserts a raw answer is status with a JSON envelope.
func wantEnvelope(t *testing.T, label string, res rawResult, status int) {
	t.Helper()
	if res.resp == nil {
		t.Errorf("%s: no answer (%v)", label, res.err)
		return
	}
	if res.resp.StatusCode != status {
		t.Errorf("%s: status %d, want %d; body %.300s", label, res.resp.StatusCode, status, res.body)
	}
	if err := swaggertest.Default(t).Validate("GET", "/x", res.resp.StatusCode, res.resp.Header.Get("Content-Type"), res.body); err != nil {
		t.Errorf("%s: %v; body %.300s", label, err, res.body)
	}
	if hasStackTrace(res.body) {
		t.Errorf("%s: stack trace in %s", label, res.body)
	}
}

// TestHostileSocket sends what only a real connection can: requests
// net/http refuses before the handler, oversized headers and bodies, and
// slow clients; then checks the server still answers.
func TestHostileSocket(t *testing.T) {
	addr, _ := hostileServe(t)
	big := strings.Repeat("A", 64<<10)
	const host = "Host: inventory.test\r\n"
	t.Run("framework", func(t *testing.T) {
		for _, tc := range []struct {
			label  string
			req    string
			status int
		}{
			{"oversized header", "GET /healthz HTTP/1.1\r\n" + host + "X-Big: " + big + "\r\n\r\n", 431},
			{"oversized cookie", "GET /v1/users/156/can-view-inventory HTTP/1.1\r\n" + host + "Cookie: .ROBLOSECURITY=" + big + "\r\n\r\n", 431},
			{"oversized csrf", "POST /v2/logout HTTP/1.1\r\n" + host + "X-Csrf-Token: " + big + "\r\n\r\n", 431},
			{"oversized url", "GET /v1/users/156/categories?x=" + big + " HTTP/1.1\r\n" + host + "\r\n", 431},
			{"many headers", "GET /healthz HTTP/1.1\r\n" + host + strings.Repeat("X-A: b\r\n", 5000) + "\r\n", 431},
			{"garbage request line", "GARBAGE\r\n\r\n", 400},
			{"empty request line", "\r\n\r\n\r\n", 400},
			{"HTTP/2.0 without preface", "GET /healthz HTTP/2.0\r\n" + host + "\r\n", 400},
			{"HTTP/3.0", "GET /healthz HTTP/3.0\r\n" + host + "\r\n", 400},
			{"HTTP/0.9", "GET /healthz HTTP/0.9\r\n" + host + "\r\n", 400},
			{"bad version", "GET /healthz HTTP/1.x\r\n" + host + "\r\n", 400},
			{"no Host", "GET /healthz HTTP/1.1\r\n\r\n", 400},
			{"two Hosts", "GET /healthz HTTP/1.1\r\n" + host + host + "\r\n", 400},
			{"bad Host", "GET /healthz HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
			{"Host with invalid UTF-8", "GET /healthz HTTP/1.1\r\nHost: \xff\xfe\r\n\r\n", 400},
			{"bad header name", "GET /healthz HTTP/1.1\r\n" + host + "Bad Header: x\r\n\r\n", 400},
			{"control byte in header", "GET /healthz HTTP/1.1\r\n" + host + "X-A: a\x01b\r\n\r\n", 400},
			{"header without colon", "GET /healthz HTTP/1.1\r\n" + host + "nocolon\r\n\r\n", 400},
			{"obsolete line folding", "GET /healthz HTTP/1.1\r\n" + host + "X-A: a\r\n b\r\n\r\n", 200},
			{"junk method", "G@T /healthz HTTP/1.1\r\n" + host + "\r\n", 400},
			{"control byte in target", "GET /heal\x01thz HTTP/1.1\r\n" + host + "\r\n", 400},
			{"space in target", "GET /v1/users/1 56/categories HTTP/1.1\r\n" + host + "\r\n", 400},
			{"unknown transfer encoding", "POST /v2/logout HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n\r\n", 400},
			{"chunked and length", "POST /v2/logout HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", 403},
			{"bad content length", "POST /v2/logout HTTP/1.1\r\n" + host + "Content-Length: 99999999999999999999\r\n\r\n", 400},
			{"negative content length", "POST /v2/logout HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n", 400},
			{"two content lengths", "POST /v2/logout HTTP/1.1\r\n" + host + "Content-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
			{"TLS client hello", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + strings.Repeat("\x00", 64), 400},
			{"unsupported expectation", "GET /healthz HTTP/1.1\r\n" + host + "Expect: the-unexpected\r\n\r\n", 417},
			{"CONNECT", "CONNECT inventory.test:443 HTTP/1.1\r\n" + host + "\r\n", 404},
			{"OPTIONS *", "OPTIONS * HTTP/1.1\r\n" + host + "\r\n", 404},
			{"absolute URI", "GET http://evil.test/healthz?x=1 HTTP/1.1\r\n" + host + "\r\n", 200},
			{"dot segments", "GET /v1/users/156/../156/categories HTTP/1.1\r\n" + host + "\r\n", 404},
			{"double slash", "GET //v1/users/156/categories HTTP/1.1\r\n" + host + "\r\n", 404},
			{"raw invalid UTF-8 in path", "GET /v1/users/\xff\xfe/categories HTTP/1.1\r\n" + host + "\r\n", 404},
			{"raw invalid UTF-8 in query", "GET /v2/users/156/inventory?assetTypes=\xff HTTP/1.1\r\n" + host + "\r\n", 400},
			{"invalid UTF-8 cookie", "GET /v1/users/156/can-view-inventory HTTP/1.1\r\n" + host + "Cookie: .ROBLOSECURITY=\xff\xfe\r\n\r\n", 200},
			{"invalid UTF-8 csrf", "DELETE /v2/inventory/asset/100 HTTP/1.1\r\n" + host + "Cookie: .ROBLOSECURITY=" + hostileCookie + "\r\nX-Csrf-Token: \xff\xfe\r\n\r\n", 403},
			{"junk method on a route", "BREW /v1/users/156/categories HTTP/1.1\r\n" + host + "\r\n", 404},
			{"PRI preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 404},
		} {
			res := rawExchange(t, addr, writeAll([]byte(tc.req)), false)
			wantEnvelopeOrOK(t, tc.label, res, tc.status)
		}
	})
	t.Run("bodies", func(t *testing.T) {
		t.Parallel()
		admin := "POST /admin/v1/fixtures HTTP/1.1\r\n" + host + "Authorization: Bearer " + hostileAdminKey + "\r\n"
		// Declared larger than --max-body-bytes.
		res := rawExchange(t, addr, writeAll([]byte(admin+"Content-Length: 1000000\r\n\r\n"), bytes.Repeat([]byte("{"), 1000000)), true)
		wantEnvelope(t, "oversized body", res, http.StatusRequestEntityTooLarge)
		// Chunked, growing past the limit.
		chunk := fmt.Sprintf("%x\r\n%s\r\n", 8192, strings.Repeat(" ", 8192))
		res = rawExchange(t, addr, writeAll([]byte(admin+"Transfer-Encoding: chunked\r\n\r\n"), []byte(strings.Repeat(chunk, 20)+"0\r\n\r\n")), true)
		wantEnvelope(t, "oversized chunked body", res, http.StatusRequestEntityTooLarge)
		// Malformed chunked body.
		res = rawExchange(t, addr, writeAll([]byte(admin+"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")), true)
		wantEnvelope(t, "malformed chunked body", res, http.StatusBadRequest)
		// Short body: the client promises more than it sends, then hangs up.
		res = rawExchange(t, addr, func(c net.Conn) error {
			_, err := c.Write([]byte(admin + "Content-Length: 1000\r\n\r\n{\"users\":["))
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.CloseWrite()
			}
			return err
		}, true)
		wantEnvelope(t, "truncated body", res, http.StatusBadRequest)
		// A large body on routes that never read one.
		for _, target := range []string{"/v2/logout", "/v1/users/156/categories", "/v2/inventory/asset/100"} {
			res = rawExchange(t, addr, writeAll([]byte("POST "+target+" HTTP/1.1\r\n"+host+"Content-Length: 10000000\r\n\r\n"), bytes.Repeat([]byte("x"), 1<<20)), true)
			if res.resp == nil || res.resp.StatusCode >= 500 {
				t.Errorf("large body on %s: %+v", target, res)
			}
		}
	})
	t.Run("slow headers", func(t *testing.T) {
		t.Parallel()
		// Slowloris: a header line every 100ms, never the blank line. The
		// read-header timeout ends the connection without an answer.
		res := rawExchange(t, addr, func(c net.Conn) error {
			if _, err := c.Write([]byte("GET /healthz HTTP/1.1\r\n" + host)); err != nil {
				return err
			}
			for i := 0; ; i++ {
				time.Sleep(100 * time.Millisecond)
				if _, err := fmt.Fprintf(c, "X-Slow-%d: x\r\n", i); err != nil {
					return err
				}
			}
		}, true)
		if !res.closed {
			t.Errorf("slowloris headers: connection not closed")
		}
		// Stalled request line.
		res = rawExchange(t, addr, writeAll([]byte("GET /hea")), true)
		if !res.closed {
			t.Errorf("stalled request line: connection not closed")
		}
		// Nothing at all.
		res = rawExchange(t, addr, writeAll(), true)
		if !res.closed {
			t.Errorf("silent client: connection not closed")
		}
	})
	t.Run("slow body", func(t *testing.T) {
		t.Parallel()
		// A body that trickles and stops: the read timeout ends it; the
		// upload is answered 400, not 5xx.
		admin := "POST /admin/v1/fixtures HTTP/1.1\r\n" + host + "Authorization: Bearer " + hostileAdminKey + "\r\nContent-Length: 1000\r\n\r\n"
		res := rawExchange(t, addr, func(c net.Conn) error {
			if _, err := c.Write([]byte(admin)); err != nil {
				return err
			}
			for range 5 {
				time.Sleep(100 * time.Millisecond)
				if _, err := c.Write([]byte(" ")); err != nil {
					return err
				}
			}
			return nil // and stall
		}, true)
		wantEnvelope(t, "stalled body", res, http.StatusBadRequest)
		// A route that ignores the body answers at once; the stalled body
		// then costs the connection, within the read timeout.
		res = rawExchange(t, addr, writeAll([]byte("POST /v2/logout HTTP/1.1\r\n"+host+"Content-Length: 1000\r\n\r\nabc")), true)
		wantEnvelope(t, "stalled body, unread", res, http.StatusForbidden) // the CSRF challenge
		if !res.closed {
			t.Errorf("stalled body: connection not closed")
		}
	})
	t.Run("idle keep-alive", func(t *testing.T) {
		t.Parallel()
		res := rawExchange(t, addr, writeAll([]byte("GET /healthz HTTP/1.1\r\n"+host+"\r\n")), true)
		if res.resp == nil || res.resp.StatusCode != http.StatusOK || !res.closed {
			t.Errorf("idle keep-alive connection: %+v", res)
		}
	})
	t.Run("slow reader", func(t *testing.T) {
		t.Parallel()
		// Pipelined requests whose answers are never read: the write
		// timeout ends the connection.
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(hangLimit))
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(4096)
		}
		req := []byte("GET /docs HTTP/1.1\r\n" + host + "\r\n")
		var werr error
		for i := 0; i < 2000 && werr == nil; i++ {
			_, werr = c.Write(req)
		}
		time.Sleep(200 * time.Millisecond)
		// Drain: the server must have given up and closed at some point.
		_, err = io.Copy(io.Discard, c)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Errorf("slow reader: the server kept writing past %v", hangLimit)
		}
	})
	// Still healthy.
	t.Cleanup(func() {
		c := &http.Client{Timeout: hangLimit}
		resp, err := c.Get("http://" + addr + "/healthz")
		if err != nil {
			t.Errorf("GET /healthz after the hostile socket tests: %v", err)
			return
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET /healthz after the hostile socket tests: %d", resp.StatusCode)
		}
	})
}

// wantEnvelopeOrOK is wantEnvelope, allowing a 200 JSON answer where the
// case expects one.
func wantEnvelopeOrOK(t *testing.T, label string, res rawResult, status int) {
	t.Helper()
	if status != http.StatusOK {
		wantEnvelope(t, label, res, status)
		return
	}
	if res.resp == nil || res.resp.StatusCode != http.StatusOK {
		t.Errorf("%s: %+v, want 200", label, res)
	}
}

// TestHostileQueryKeyOrder: differently-cased spellings of one query key
// bind in request order, the same on every request (they were merged in
// map iteration order, so ?LIMIT=abc&limit=10 flipped between 200 and 400).
func TestHostileQueryKeyOrder(t *testing.T) {
	e := newHostileEnv(t, storetest.SQLite)
	for range 12 {
		for target, want := range map[string]int{
			"/v2/users/156/inventory/8?LIMIT=abc&limit=10":                http.StatusBadRequest,
			"/v2/users/156/inventory/8?limit=10&LIMIT=abc":                http.StatusOK,
			"/v2/users/156/inventory/8?Limit=25&limit=abc&LIMIT=abc":      http.StatusOK,
			"/v2/users/156/inventory/8?sortorder=sideways&SortOrder=Desc": http.StatusBadRequest,
		} {
			if w := e.check(hostileReq{method: "GET", target: target, label: "key order"}); w.Code != want {
				t.Fatalf("GET %s: %d %s, want %d", target, w.Code, w.Body, want)
			}
		}
	}
}

// TestHostileSocketBodies: a body is read whole before anything changes;
// a client that half-closes after a whole request gets no 5xx and no
// error is logged (it was a 500 "context canceled" and an ERROR line:
// net/http cancels the request on the EOF, and the work for it stops, so
// the answer is the page from memory or a 400 "cancelled"); and
// `Expect: 100-continue` on a
// route that never reads the body is answered at once, not after the read
// timeout (the handler's request now is a copy, and net/http keeps its
// own body reader). Each case was found by a black-box review.
func TestHostileSocketBodies(t *testing.T) {
	addr, logs := hostileServe(t)
	const host = "Host: inventory.test\r\n"
	cookie := "Cookie: .ROBLOSECURITY=" + hostileCookie + "\r\n"
	// A CSRF token: the challenge of a write without one.
	res := rawExchange(t, addr, writeAll([]byte("POST /v2/logout HTTP/1.1\r\n"+host+cookie+"Content-Length: 0\r\n\r\n")), false)
	if res.resp == nil || res.resp.Header.Get("X-Csrf-Token") == "" {
		t.Fatalf("no CSRF challenge: %+v", res)
	}
	privacy := "POST /v1/inventory-privacy HTTP/1.1\r\n" + host + cookie + "X-Csrf-Token: " + res.resp.Header.Get("X-Csrf-Token") + "\r\nContent-Type: application/json\r\n"
	halfClose := func(req string) func(net.Conn) error {
		return func(c net.Conn) error {
			_, err := c.Write([]byte(req))
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.CloseWrite()
			}
			return err
		}
	}
	setting := func() string {
		r := rawExchange(t, addr, writeAll([]byte("GET /v1/inventory-privacy HTTP/1.1\r\n"+host+cookie+"\r\n")), false)
		return string(r.body)
	}
	before := setting()
	if !strings.Contains(before, `"inventoryPrivacy"`) || strings.Contains(before, "NoOne") {
		t.Fatalf("privacy before: %s", before)
	}
	for _, tc := range []struct {
		label string
		write func(net.Conn) error
		code  int
	}{
		{"body shorter than its length", halfClose(privacy + "Content-Length: 100\r\n\r\n" + `{"inventoryPrivacy":"NoOne"}`), 0},
		{"chunked body without its end", halfClose(privacy + "Transfer-Encoding: chunked\r\n\r\n1c\r\n" + `{"inventoryPrivacy":"NoOne"}` + "\r\n"), 0},
		{"junk after a chunk", halfClose(privacy + "Transfer-Encoding: chunked\r\n\r\n1c\r\n" + `{"inventoryPrivacy":"NoOne"}` + "GARBAGE\r\n0\r\n\r\n"), 0},
		{"bad chunk size", writeAll([]byte(privacy + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")), 0},
		{"junk after the document", writeAll([]byte(privacy + "Content-Length: 36\r\n\r\n" + `{"inventoryPrivacy":"NoOne"} garbage`)), 1},
	} {
		r := rawExchange(t, addr, tc.write, false)
		wantEnvelope(t, tc.label, r, http.StatusBadRequest)
		if r.resp != nil && !strings.Contains(string(r.body), fmt.Sprintf(`"code":%d`, tc.code)) {
			t.Errorf("%s: %s, want code %d", tc.label, r.body, tc.code)
		}
		if after := setting(); after != before {
			t.Errorf("%s: the setting changed: %s -> %s", tc.label, before, after)
		}
	}
	users := "POST /v1/users HTTP/1.1\r\n" + host + "Content-Type: application/json\r\nContent-Length: 26\r\n\r\n" + `{"userIds":[156]} garbage`
	wantEnvelope(t, "users: junk after the document", rawExchange(t, addr, writeAll([]byte(users)), false), http.StatusBadRequest)

	// Half-closed after a whole request: no 5xx.
	admin := "Authorization: Bearer " + hostileAdminKey + "\r\n"
	for range 5 {
		for _, target := range []string{"/v2/assets/1365767/owners?limit=100", "/v1/users/156", "/v1/users/156/items/Asset/1365767", "/healthz", "/admin/v1/export"} {
			r := rawExchange(t, addr, halfClose("GET "+target+" HTTP/1.1\r\n"+host+admin+"\r\n"), true)
			if r.resp == nil || r.resp.StatusCode >= 500 {
				t.Errorf("GET %s, then a half-close: %+v %s", target, r.resp, r.body)
			}
		}
	}
	if strings.Contains(logs.String(), "context canceled") {
		t.Errorf("a half-closed client was logged as a failure:\n%s", hostileTail(logs.String(), 2000))
	}

	// Expect: 100-continue, a body never sent, a route that reads none:
	// the answer comes before the read timeout (1.5 s here) would end a
	// wait for the body.
	for _, req := range []string{
		"POST /nonexistent HTTP/1.1\r\n",
		"GET /v1/users/156/can-view-inventory HTTP/1.1\r\n",
		"POST /admin/v1/fixtures HTTP/1.1\r\n",
	} {
		t0 := time.Now()
		r := rawExchange(t, addr, writeAll([]byte(req+host+"Expect: 100-continue\r\nContent-Length: 2000\r\n\r\n")), false)
		if r.resp == nil || r.resp.StatusCode == http.StatusContinue || r.resp.StatusCode >= 500 {
			t.Errorf("%s with Expect: 100-continue: %+v", strings.TrimSpace(req), r)
		} else if d := time.Since(t0); d >= 1500*time.Millisecond {
			t.Errorf("%s with Expect: 100-continue: answered after %v, the read timeout", strings.TrimSpace(req), d)
		}
	}
}
