package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/api"
	"github.com/inventoryd/inventoryd/internal/api/swaggertest"
	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// Sessions of testdata/fixture.json.
const (
	builderman  = "_|WARNING:-DO-NOT-SHARE-THIS.--Sharing-this-will-allow-someone-to-log-in-as-you-and-to-steal-your-ROBUX-and-items.|_example-builderman"
	shedletsky  = "_|WARNING:-DO-NOT-SHARE-THIS.--Sharing-this-will-allow-someone-to-log-in-as-you-and-to-steal-your-ROBUX-and-items.|_example-shedletsky"
	friendOfShd = "example-friend"
	stranger    = "example-stranger"
	viewer4010  = "viewer-cookie"
)

// env is one server over one freshly loaded store.
type env struct {
	t     *testing.T
	store inventory.Store
	srv   *api.Server
	now   time.Time
}

func loadFixture(t testing.TB, st inventory.Store, path string) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := inventory.ParseFixture(fh, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Import(context.Background(), f); err != nil {
		t.Fatal(err)
	}
}

func newEnv(t *testing.T, open storetest.Opener) *env {
	t.Helper()
	st := open(t)
	loadFixture(t, st, "testdata/fixture.json")
	e := &env{t: t, store: st, now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	e.srv = e.server()
	return e
}

// server builds a new Server over the same store (a restart, or a replica).
func (e *env) server() *api.Server {
	e.t.Helper()
	s, err := api.NewServer(context.Background(), e.store, api.Config{AdminKey: "test-admin-key", CollectionLimit: 3,
		Now: func() time.Time { return e.now }})
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a generic value.
func (r resp) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
	return m
}

// errCode returns the first error's code, or -1.
func (r resp) errCode(t testing.TB) int {
	t.Helper()
	var b struct {
		Errors []struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(r.body, &b); err != nil || len(b.Errors) == 0 {
		return -1
	}
	return b.Errors[0].Code
}

type reqOpt func(*http.Request)

// as is the options of a request by session ("": anonymous).
func as(session string) []reqOpt {
	if session == "" {
		return nil
	}
	return []reqOpt{cookie(session)}
}

func cookie(v string) reqOpt {
	return func(r *http.Request) { r.AddCookie(&http.Cookie{Name: ".ROBLOSECURITY", Value: v}) }
}

func header(k, v string) reqOpt { return func(r *http.Request) { r.Header.Set(k, v) } }

// do sends one request through the handler and validates the answer
// against Roblox's swagger (every response a test sees is validated).
func (e *env) do(method, target string, opts ...reqOpt) resp {
	return e.doOn(e.srv, method, target, nil, opts...)
}

func (e *env) doOn(h http.Handler, method, target string, body *strings.Reader, opts ...reqOpt) resp {
	e.t.Helper()
	var r *http.Request
	if body != nil {
		r = httptest.NewRequest(method, target, body)
	} else {
		r = httptest.NewRequest(method, target, nil)
	}
	for _, o := range opts {
		o(r)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	res := resp{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
	swaggertest.Default(e.t).Check(e.t, method, target, res.status, res.header.Get("Content-Type"), res.body)
	return res
}

// csrf performs the CSRF dance: the first answer must be the challenge;
// the retry carries its token.
func (e *env) csrf(method, target, session string) resp {
	e.t.Helper()
	first := e.do(method, target, cookie(session))
	tok := first.header.Get("x-csrf-token")
	if first.status != http.StatusForbidden || tok == "" || first.errCode(e.t) != 0 {
		e.t.Fatalf("%s %s: want the CSRF challenge, got %d %s", method, target, first.status, first.body)
	}
	return e.do(method, target, cookie(session), header("x-csrf-token", tok))
}

// page is a decoded ApiPageResponse.
type page struct {
	Prev *string          `json:"previousPageCursor"`
	Next *string          `json:"nextPageCursor"`
	Data []map[string]any `json:"data"`
}

func (e *env) page(target string, opts ...reqOpt) page {
	e.t.Helper()
	r := e.do(http.MethodGet, target, opts...)
	if r.status != http.StatusOK {
		e.t.Fatalf("GET %s: %d %s", target, r.status, r.body)
	}
	var p page
	if err := json.Unmarshal(r.body, &p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func withCursor(target, cursor string) string {
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
	}
	return target + sep + "cursor=" + url.QueryEscape(cursor)
}
