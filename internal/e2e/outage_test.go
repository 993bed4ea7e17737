package e2e

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/storetest"
)

// proxy is a loopback TCP proxy in front of PostgreSQL that the test can
// cut: a cut blackholes the network (bytes in flight stop, new connections
// are accepted and then ignored), the worst kind of outage for a client, as
// nothing ever fails fast. Healing drops every connection of the outage,
// as a real network partition would, and forwards again.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	up     bool
	gate   chan struct{} // closed while up
	conns  map[net.Conn]bool
	closed bool
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, up: true, gate: make(chan struct{}), conns: map[net.Conn]bool{}}
	close(p.gate)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.Close()
		return false
	}
	p.conns[c] = true
	return true
}

func (p *proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if !p.track(c) {
			return
		}
		p.mu.Lock()
		up := p.up
		p.mu.Unlock()
		if !up {
			continue // blackholed: held open, never answered
		}
		go func() {
			s, err := net.DialTimeout("tcp", p.target, 5*time.Second)
			if err != nil || !p.track(s) {
				c.Close()
				return
			}
			go p.pipe(c, s)
			go p.pipe(s, c)
		}()
	}
}

// pipe copies src to dst; during a cut it holds what it read.
func (p *proxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			gate := p.gate
			p.mu.Unlock()
			<-gate // healing closes these connections, ending the Write
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// cut starts the outage.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.up = false
	p.gate = make(chan struct{})
}

// heal ends it: the connections of the outage are dropped.
func (p *proxy) heal() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
	p.up = true
	close(p.gate)
}

func (p *proxy) close() {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	if !p.up {
		p.up = true
		close(p.gate)
	}
	p.mu.Unlock()
	p.ln.Close()
}

// result is one request of the load.
type result struct {
	path     string
	phase    string
	status   int
	err      error
	body     []byte
	retry    string
	began    time.Time
	duration time.Duration
}

// load drives requests at a server from a few workers and records every
// answer with the phase of the test it began and ended in.
type load struct {
	t       *testing.T
	srv     *server
	paths   []loadPath
	phase   atomic.Value
	mu      sync.Mutex
	results []result
	stop    chan struct{}
	wg      sync.WaitGroup
	stopped bool
	downAt  time.Time // when the database went away
}

// cacheGrace is how long after the database goes silent a read of
// ownership or a session may still be answered from the caches: the
// PostgreSQL change feed counts as down when it has heard nothing from the
// server for a second (internal/postgres/notify.go), and the cache stops
// serving at its next poll (docs/compatibility.md, "Caching"). The bound
// has slack for a loaded machine and the race detector.
const cacheGrace = 2500 * time.Millisecond

// cachedPath reports the paths the caches that follow the change feed
// answer: ownership, and sessions (/v1/users/authenticated).
func cachedPath(p string) bool {
	return strings.Contains(p, "/inventory") || strings.Contains(p, "/is-owned") || strings.Contains(p, "/owners") ||
		p == "/v1/users/authenticated"
}

type loadPath struct{ path, cookie string }

// The outage phases: the database is "up"; "cutting" while the test makes
// it go away; "down"; "restoring" while the test brings it back; then
// "healing" until every path answers 200 again, and "healed".
var phases = []string{"up", "cutting", "down", "restoring", "healing", "healed"}

func startLoad(t *testing.T, srv *server, workers int) *load {
	l := &load{t: t, srv: srv, stop: make(chan struct{}), paths: []loadPath{
		{fmt.Sprintf("/v2/users/%d/inventory?assetTypes=Hat,Gear&limit=10", walker), ""},
		{fmt.Sprintf("/v1/users/156/items/Asset/%d/is-owned", hat), ""},
		{fmt.Sprintf("/v2/assets/%d/owners?limit=10", limitedCap), ""},
		{"/v1/users/authenticated", builderman},
		{"/healthz", ""},
	}}
	l.phase.Store("up")
	for w := 0; w < workers; w++ {
		l.wg.Add(1)
		go l.work(w)
	}
	t.Cleanup(l.halt)
	return l
}

func (l *load) work(w int) {
	defer l.wg.Done()
	for i := w; ; i++ {
		select {
		case <-l.stop:
			return
		default:
		}
		p := l.paths[i%len(l.paths)]
		var opts []reqOpt
		if p.cookie != "" {
			opts = append(opts, withCookie(p.cookie))
		}
		ph := l.phase.Load().(string)
		began := time.Now()
		r, err := l.srv.do(http.MethodGet, p.path, opts...)
		if end := l.phase.Load().(string); end != ph {
			ph += "→" + end // began in one phase, answered in the next
		}
		res := result{path: p.path, phase: ph, status: r.status, err: err, body: r.body,
			retry: r.header.Get("Retry-After"), began: began, duration: time.Since(began)}
		l.mu.Lock()
		l.results = append(l.results, res)
		l.mu.Unlock()
		if err != nil || r.status != http.StatusOK {
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func (l *load) halt() {
	if !l.stopped {
		l.stopped = true
		close(l.stop)
		l.wg.Wait()
	}
}

func (l *load) count(ph string, pred func(result) bool) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.results {
		if r.phase == ph && pred(r) {
			n++
		}
	}
	return n
}

func answered(r result) bool    { return r.err == nil && r.status == http.StatusOK }
func unavailable(r result) bool { return r.err == nil && r.status == http.StatusServiceUnavailable }

// waitFor polls cond; its bound is a hang detector, not a latency test.
func (l *load) waitFor(what string, cond func() bool) {
	l.t.Helper()
	for i := 0; i < 1200; i++ {
		if cond() {
			return
		}
		if !l.srv.running() {
			l.halt()
			l.t.Fatalf("the server exited while waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
	l.halt()
	l.mu.Lock()
	var last []string
	for _, r := range l.results[max(0, len(l.results)-8):] {
		last = append(last, fmt.Sprintf("%s %s: %d %v %s", r.phase, r.path, r.status, r.err, r.body))
	}
	l.mu.Unlock()
	l.t.Fatalf("timed out waiting for %s; the last answers:\n%s", what, strings.Join(last, "\n"))
}

// outage runs the phases around down (make the database go away) and up
// (bring it back), then checks every answer.
func (l *load) outage(down, up func()) {
	l.t.Helper()
	l.waitFor("load on a healthy database", func() bool { return l.count("up", answered) >= 40 })
	l.phase.Store("cutting")
	down()
	l.downAt = time.Now()
	l.phase.Store("down")
	l.waitFor("503s during the outage", func() bool {
		return l.count("down", unavailable) >= 12 &&
			l.count("down", func(r result) bool { return unavailable(r) && r.path == "/healthz" }) >= 1 &&
			l.count("down", func(r result) bool { return unavailable(r) && strings.Contains(r.path, "inventory") }) >= 1
	})
	l.phase.Store("restoring")
	up()
	l.phase.Store("healing")
	l.waitFor("service to resume", func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		// The last ten answers of every path are 200.
		last := map[string][]bool{}
		for _, r := range l.results {
			if r.phase == "healing" {
				last[r.path] = append(last[r.path], answered(r))
			}
		}
		for _, p := range l.paths {
			v := last[p.path]
			if len(v) < 10 {
				return false
			}
			for _, ok := range v[len(v)-10:] {
				if !ok {
					return false
				}
			}
		}
		return true
	})
	l.phase.Store("healed")
	l.waitFor("load after the outage", func() bool { return l.count("healed", answered) >= 40 })
	l.halt()
	l.check()
}

// check: every answer, in every phase, is 200 or 503 with the envelope
// and a Retry-After; while the database is there, only 200; while it is
// gone, only 503; the server is still running.
func (l *load) check() {
	t := l.t
	byPhase := map[string]map[int]int{}
	var slowest503 time.Duration
	cachedDuringOutage := 0
	for _, r := range l.results {
		if r.err != nil {
			t.Errorf("%s %s: no answer: %v", r.phase, r.path, r.err)
			continue
		}
		if byPhase[r.phase] == nil {
			byPhase[r.phase] = map[int]int{}
		}
		byPhase[r.phase][r.status]++
		switch r.status {
		case http.StatusOK:
		case http.StatusServiceUnavailable:
			code, msg, ok := envelope(r.body)
			if !ok || code != 0 || msg != "Service Unavailable" || r.retry == "" {
				t.Errorf("%s %s: 503 body %s, Retry-After %q", r.phase, r.path, r.body, r.retry)
			}
			slowest503 = max(slowest503, r.duration)
		default:
			t.Errorf("%s %s: %d %s", r.phase, r.path, r.status, r.body)
		}
		if (r.phase == "up" || r.phase == "healed") && r.status != http.StatusOK {
			t.Errorf("%s %s: %d %s, want 200 while the database is there", r.phase, r.path, r.status, r.body)
		}
		if r.phase == "down" && r.status == http.StatusOK && cachedPath(r.path) && r.began.Sub(l.downAt) < cacheGrace {
			cachedDuringOutage++
			continue
		}
		if r.phase == "down" && r.status != http.StatusServiceUnavailable {
			t.Errorf("%s %s: %d %s, want 503 while the database is gone", r.phase, r.path, r.status, r.body)
		}
	}
	if !l.srv.running() {
		t.Error("the server exited")
	}
	var b strings.Builder
	for _, ph := range phases {
		if byPhase[ph] != nil {
			fmt.Fprintf(&b, " %s %v;", ph, byPhase[ph])
		}
		for _, next := range phases {
			if name := ph + "→" + next; byPhase[name] != nil {
				fmt.Fprintf(&b, " %s %v;", name, byPhase[name])
			}
		}
	}
	t.Logf("%d requests by phase and status:%s slowest 503 %v; %d reads answered from the caches in the first %v of the outage",
		len(l.results), b.String(), slowest503.Round(time.Millisecond), cachedDuringOutage, cacheGrace)
}

// outageURL is the store URL with the short limits the outage tests use.
func outageURL(t *testing.T, raw, host string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		u.Host = host
	}
	q := u.Query()
	q.Set("connect_timeout", "1")    // seconds
	q.Set("query_timeout", "1500ms") // the client deadline of every step
	q.Set("pool_max_conns", "6")
	u.RawQuery = q.Encode()
	return u.String()
}

// The network to PostgreSQL goes silent under load and comes back: every
// request answers, within the store's deadlines, 200 or 503 with Roblox's
// error envelope — never a hang, never a 500, never a crash; /healthz says
// 503 while the database is gone; and service resumes by itself.
func TestOutage(t *testing.T) {
	dbURL := storetest.PostgresURL(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	px := newProxy(t, u.Host)
	srv := start(t, "--db", outageURL(t, dbURL, px.addr()), "--fixtures", writeDoc(t, "fixture.json", fixtureDoc()))
	startLoad(t, srv, 4).outage(px.cut, px.heal)
}
