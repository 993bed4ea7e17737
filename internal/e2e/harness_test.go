// Package e2e runs whole inventoryd servers against one PostgreSQL: two
// replicas that must behave as one service, and a server whose database
// goes away and comes back. Servers run in-process through cli.Run — or,
// when INVENTORYD_BIN names a built binary, as separate processes.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/cli"
)

// server is one running inventoryd.
type server struct {
	t    *testing.T
	base string // http://host:port
	log  *syncBuffer
	done chan error
}

// syncBuffer collects a server's log, shown when a test fails.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() > 1<<20 { // keep the tail
		s.b.Reset()
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start runs `inventoryd serve --addr 127.0.0.1:0 args...` and waits until
// it listens. It is stopped when the test ends.
func start(t *testing.T, args ...string) *server {
	t.Helper()
	args = append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)
	s := &server{t: t, log: &syncBuffer{}, done: make(chan error, 1)}
	ready := make(chan string, 1)
	var stop func()
	if bin := os.Getenv("INVENTORYD_BIN"); bin != "" {
		cmd := exec.Command(bin, args...)
		cmd.Stderr = s.log
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if a, ok := strings.CutPrefix(sc.Text(), "inventoryd listening on http://"); ok {
					ready <- a
				}
			}
		}()
		go func() { s.done <- cmd.Wait() }()
		stop = func() { _ = cmd.Process.Signal(os.Interrupt) }
	} else {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			s.done <- cli.Run(ctx, cli.Env{Args: args, Stdout: io.Discard, Stderr: s.log,
				Ready: func(addr string) { ready <- addr }})
		}()
		stop = cancel
	}
	select {
	case addr := <-ready:
		s.base = "http://" + addr
	case err := <-s.done:
		t.Fatalf("server did not start: %v\n%s", err, s.log)
	case <-time.After(2 * time.Minute):
		stop()
		t.Fatalf("server did not start\n%s", s.log)
	}
	t.Cleanup(func() {
		stop()
		select {
		case err := <-s.done:
			if err != nil && !strings.Contains(err.Error(), "signal") {
				t.Errorf("server ended with %v", err)
			}
		case <-time.After(time.Minute):
			t.Errorf("server did not stop")
		}
		if t.Failed() {
			t.Logf("server log:\n%s", tail(s.log.String(), 4000))
		}
	})
	return s
}

// running reports whether the server is still up (it has not returned).
func (s *server) running() bool {
	select {
	case err := <-s.done:
		s.done <- err
		return false
	default:
		return true
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// client has a timeout only as a hang detector: a request the server does
// not answer in this time is a failure, whatever it is doing.
var client = &http.Client{Timeout: 60 * time.Second}

type response struct {
	status int
	header http.Header
	body   []byte
}

type reqOpt func(*http.Request)

func withCookie(v string) reqOpt {
	return func(r *http.Request) { r.AddCookie(&http.Cookie{Name: ".ROBLOSECURITY", Value: v}) }
}

func withHeader(k, v string) reqOpt { return func(r *http.Request) { r.Header.Set(k, v) } }

func withBody(contentType, body string) reqOpt {
	return func(r *http.Request) {
		r.Header.Set("Content-Type", contentType)
		r.Body = io.NopCloser(strings.NewReader(body))
		r.ContentLength = int64(len(body))
	}
}

func (s *server) do(method, path string, opts ...reqOpt) (response, error) {
	req, err := http.NewRequest(method, s.base+path, nil)
	if err != nil {
		return response{}, err
	}
	for _, o := range opts {
		o(req)
	}
	res, err := client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: b}, err
}

// must is do that fails the test on a transport error or another status.
func (s *server) must(status int, method, path string, opts ...reqOpt) response {
	s.t.Helper()
	r, err := s.do(method, path, opts...)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	if r.status != status {
		s.t.Fatalf("%s %s on %s: %d %s, want %d", method, path, s.base, r.status, r.body, status)
	}
	return r
}

// envelope decodes Roblox's error answer {"errors":[{"code":N,"message":M}]}.
func envelope(b []byte) (code int, message string, ok bool) {
	var e struct {
		Errors []struct {
			Code    *int    `json:"code"`
			Message *string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(b, &e); err != nil || len(e.Errors) != 1 || e.Errors[0].Code == nil || e.Errors[0].Message == nil {
		return 0, "", false
	}
	return *e.Errors[0].Code, *e.Errors[0].Message, true
}

// writeDoc writes a fixture document into the test's temp dir.
func writeDoc(t *testing.T, name, doc string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The fixture of these tests: builderman with a session and a deletable
// shirt, and a user with one copy of each of walkAssets assets.
const (
	builderman   = "_|WARNING:-DO-NOT-SHARE-THIS.--Sharing-this-will-allow-someone-to-log-in-as-you-and-to-steal-your-ROBUX-and-items.|_e2e-builderman"
	walker       = 3001
	walkAssets   = 95
	shirt        = 1365767
	hat          = 1028607
	limitedCap   = 1028606
	adminKey     = "e2e-admin-key"
	walkerCookie = "e2e-walker-cookie"
)

func fixtureDoc() string {
	var b strings.Builder
	b.WriteString(`{"users": [
	{"id": 1, "username": "Roblox"},
	{"id": 156, "username": "builderman", "buildersClubMembershipType": 4},
	{"id": 3001, "username": "walker"}],
"sessions": [{"userId": 156, "cookie": "` + builderman + `"}],
"assets": [
	{"id": 1365767, "name": "Classic Builder Shirt", "assetType": "Shirt", "creator": {"type": "User", "id": 156}, "priceInRobux": 5},
	{"id": 1028607, "name": "Builder Hat", "assetType": "Hat", "creator": {"type": "User", "id": 156}},
	{"id": 1028606, "name": "Red Baseball Cap", "assetType": "Hat", "creator": {"type": "User", "id": 1}, "isLimited": true}`)
	types := []string{"Hat", "Shirt", "Gear"}
	for i := 0; i < walkAssets; i++ {
		fmt.Fprintf(&b, `,
	{"id": %d, "name": "Walk %d", "assetType": %q, "creator": {"type": "User", "id": 3001}}`, 7000001+i, i, types[i%3])
	}
	b.WriteString(`],
"userAssets": [
	{"userAssetId": 600000001, "assetId": 1365767, "owner": {"type": "User", "id": 156}},
	{"userAssetId": 600000002, "assetId": 1028607, "owner": {"type": "User", "id": 156}},
	{"userAssetId": 28605, "assetId": 1028606, "owner": {"type": "User", "id": 156}}`)
	for i := 0; i < walkAssets; i++ {
		fmt.Fprintf(&b, `,
	{"userAssetId": %d, "assetId": %d, "owner": {"type": "User", "id": 3001}}`, 910000+i*3, 7000001+i)
	}
	b.WriteString("]}")
	return b.String()
}
