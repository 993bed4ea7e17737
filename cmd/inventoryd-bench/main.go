// Command inventoryd-bench is inventoryd's load harness (docs/performance.md).
//
//	go run ./cmd/inventoryd-bench -items 1M -conns 64 -duration 5s -out bench-out
//
// For each data set size it (1) generates the data set once (cached under
// -data) and imports it with `inventoryd import`, (2) starts `inventoryd
// serve` on it (SQLite; PostgreSQL too when -pg names a database) and a
// baseline server (this binary, -baseline-serve: the cheapest JSON answer
// net/http gives), (3) drives a closed-loop keep-alive load at each hot
// path with the same load generator, and (4) writes a results table
// (requests/s, p50, p99, ratio of the baseline), results.json and an SVG
// chart to -out. Every load is bounded in time; the harness stops its
// servers when done.
package main

import (
	"github.com/jackc/pgx/v5"

	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

type config struct {
	sizes         []int
	data          string
	conns         int
	dur, warm     time.Duration
	depthDur      time.Duration
	pg            string
	bin           string
	out           string
	docs          string
	only          *regexp.Regexp
	serveArgs     []string
	genOnly       bool
	depth         int
	skipBaseline2 bool
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "inventoryd-bench:", err)
		os.Exit(1)
	}
}

func run() error {
	var c config
	items := flag.String("items", "1M", "data set sizes in owned items, comma-separated (20k, 1M, 10M)")
	flag.StringVar(&c.data, "data", filepath.Join(os.TempDir(), "inventoryd-bench"), "directory for generated data sets (cached across runs)")
	flag.IntVar(&c.conns, "conns", 64, "connections (closed loop: one request in flight each)")
	flag.DurationVar(&c.dur, "duration", 5*time.Second, "measured duration per path")
	flag.DurationVar(&c.warm, "warmup", time.Second, "unmeasured warm-up per path")
	flag.DurationVar(&c.depthDur, "depth-duration", 2*time.Second, "measured duration per point of the latency-vs-depth curve")
	flag.IntVar(&c.depth, "depth", 10_000, "deep page number")
	flag.StringVar(&c.pg, "pg", "", "PostgreSQL URL: also run on PostgreSQL (the data set is imported into it)")
	flag.StringVar(&c.bin, "bin", os.Getenv("INVENTORYD_BIN"), "inventoryd binary (default $INVENTORYD_BIN, else built with go build)")
	flag.StringVar(&c.out, "out", "bench-out", "directory for results.md, results.json and performance.svg")
	flag.StringVar(&c.docs, "docs", "", "also write the results into this markdown file between bench markers (docs/performance.md) and the chart beside it")
	only := flag.String("only", "", "run only the paths matching this regexp (the baseline always runs)")
	serveArgs := flag.String("serve-args", "", "extra arguments for inventoryd serve (e.g. \"--pprof 127.0.0.1:6060\")")
	flag.BoolVar(&c.genOnly, "gen-only", false, "generate and import the data sets, then stop")
	baseline := flag.String("baseline-serve", "", "internal: serve the baseline on this address")
	flag.Parse()
	if *baseline != "" {
		return serveBaseline(*baseline)
	}
	for _, s := range strings.Split(*items, ",") {
		n, err := parseSize(s)
		if err != nil {
			return err
		}
		c.sizes = append(c.sizes, n)
	}
	if *only != "" {
		c.only = regexp.MustCompile(*only)
	}
	if *serveArgs != "" {
		c.serveArgs = strings.Fields(*serveArgs)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if c.bin == "" {
		c.bin = filepath.Join(os.TempDir(), "inventoryd-bench-server")
		fmt.Fprintln(os.Stderr, "building inventoryd ->", c.bin)
		cmd := exec.CommandContext(ctx, "go", "build", "-o", c.bin, "github.com/inventoryd/inventoryd/cmd/inventoryd")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("build inventoryd: %w", err)
		}
	}
	var report Report
	report.Machine = machine()
	report.LoadAvg = loadAvg()
	report.Command = "go run ./cmd/inventoryd-bench " + strings.Join(os.Args[1:], " ")
	report.Conns, report.Duration = c.conns, c.dur.String()
	for _, n := range c.sizes {
		dir := filepath.Join(c.data, "items-"+formatSize(n))
		t0 := time.Now()
		ds := generate(n, 1)
		m := ds.m
		if err := ds.writeManifest(dir); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "data set: %s owned items, %d users, %d assets (generated in %s, %s)\n",
			formatSize(n), m.Users, m.Assets, time.Since(t0).Round(time.Millisecond), dir)
		stores := []struct{ name, db string }{{"sqlite", filepath.Join(dir, "inventoryd.db")}}
		if c.pg != "" {
			stores = append(stores, struct{ name, db string }{"postgres", c.pg})
		}
		for _, st := range stores {
			if err := importData(ctx, c, dir, st.name, st.db, ds); err != nil {
				return err
			}
			if c.genOnly {
				continue
			}
			run, err := runStore(ctx, c, m, st.name, st.db)
			if err != nil {
				return err
			}
			run.Items = n
			report.Runs = append(report.Runs, run)
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
	if c.genOnly {
		return nil
	}
	if err := report.write(c.out, c.docs); err != nil {
		return err
	}
	for _, run := range report.Runs {
		for _, res := range run.Results {
			if res.Errors > 0 {
				return fmt.Errorf("%s: %s: %d requests failed (first: %s)", run.Store, res.Name, res.Errors, res.FirstErr)
			}
		}
	}
	return nil
}

func parseSize(s string) (int, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	mult := 1
	switch {
	case strings.HasSuffix(s, "k"):
		mult, s = 1_000, s[:len(s)-1]
	case strings.HasSuffix(s, "m"):
		mult, s = 1_000_000, s[:len(s)-1]
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}

func formatSize(n int) string {
	switch {
	case n%1_000_000 == 0:
		return strconv.Itoa(n/1_000_000) + "M"
	case n%1_000 == 0:
		return strconv.Itoa(n/1_000) + "k"
	}
	return strconv.Itoa(n)
}

// importData loads the data set into the store: one NDJSON stream
// (data.ndjson, written once per size and cached beside the manifest) through
// `inventoryd import`, the bulk path. SQLite files are cached (a marker file
// remembers a finished import); PostgreSQL is imported on every run (the
// stream carries every id, so importing it again is an upsert that changes
// nothing, and a throw-away cluster at the same URL gets its data).
func importData(ctx context.Context, c config, dir, name, db string, ds *dataset) error {
	marker := filepath.Join(dir, "imported-"+name)
	if name == "sqlite" {
		if _, err := os.Stat(marker); err == nil {
			return nil
		}
		os.Remove(db)
		os.Remove(db + "-wal")
		os.Remove(db + "-shm")
	}
	stream := filepath.Join(dir, "data.ndjson")
	done := stream + ".done"
	if _, err := os.Stat(done); err != nil {
		t0 := time.Now()
		if err := ds.writeNDJSON(stream); err != nil {
			return err
		}
		if err := os.WriteFile(done, nil, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %s in %s\n", stream, time.Since(t0).Round(time.Millisecond))
	}
	fmt.Fprintf(os.Stderr, "importing %s into %s\n", stream, name)
	t0 := time.Now()
	cmd := exec.CommandContext(ctx, c.bin, "import", "--db", db, stream)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("import %s into %s: %w", stream, name, err)
	}
	fmt.Fprintf(os.Stderr, "imported in %s\n", time.Since(t0).Round(time.Millisecond))
	if name == "postgres" {
		// Freshly loaded tables: autovacuum would otherwise vacuum and
		// analyze them while the paths are measured, and the checkpointer
		// write them out (PostgreSQL figures of the same build moved 5x
		// between runs). Do it now, as an operator would after a bulk load.
		t0 := time.Now()
		conn, err := pgx.Connect(ctx, db)
		if err != nil {
			return fmt.Errorf("vacuum %s: %w", name, err)
		}
		defer conn.Close(context.WithoutCancel(ctx))
		if _, err := conn.Exec(ctx, "VACUUM (ANALYZE)"); err != nil {
			return fmt.Errorf("vacuum %s: %w", name, err)
		}
		// And write the dirty buffers out now, not while measuring.
		if _, err := conn.Exec(ctx, "CHECKPOINT"); err != nil {
			return fmt.Errorf("checkpoint %s: %w", name, err)
		}
		fmt.Fprintf(os.Stderr, "VACUUM (ANALYZE) and CHECKPOINT in %s\n", time.Since(t0).Round(time.Millisecond))
	}
	if name == "sqlite" {
		return os.WriteFile(marker, []byte(time.Now().Format(time.RFC3339)+"\n"), 0o644)
	}
	return nil
}

// proc is a started server.
type proc struct {
	cmd  *exec.Cmd
	addr string
	peak atomic.Int64 // peak VmRSS in kB, sampled
	done chan struct{}
}

func start(ctx context.Context, name string, args ...string) (*proc, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			if i := strings.Index(line, "http://"); i >= 0 {
				select {
				case addrc <- strings.TrimSpace(line[i+len("http://"):]):
				default:
				}
			}
		}
	}()
	select {
	case p.addr = <-addrc:
	case <-time.After(5 * time.Minute):
		p.stop()
		return nil, fmt.Errorf("%s did not start", name)
	case <-ctx.Done():
		p.stop()
		return nil, ctx.Err()
	}
	go func() { // sample the resident set while the server runs
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.done:
				return
			case <-t.C:
				if kb := rssKB(cmd.Process.Pid); kb > p.peak.Load() {
					p.peak.Store(kb)
				}
			}
		}
	}()
	return p, nil
}

func (p *proc) stop() {
	select {
	case <-p.done:
		return
	default:
		close(p.done)
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	exited := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(exited) }()
	select {
	case <-exited:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-exited
	}
}

func rssKB(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				return n
			}
		}
	}
	return 0
}

// paths builds the hot paths of a data set.
func paths(m *Manifest) []struct {
	name, note string
	reqs       []request
} {
	type P = struct {
		name, note string
		reqs       []request
	}
	var owned, items, inv10, inv100, byType, coll, canView []request
	for i, p := range m.Owned {
		q := p
		if i%2 == 1 { // half the questions are about items not owned
			q = m.NotOwned[i]
		}
		owned = append(owned, request{path: fmt.Sprintf("/v1/users/%d/items/Asset/%d/is-owned", q[0], q[1])})
		items = append(items, request{path: fmt.Sprintf("/v1/users/%d/items/Asset/%d", q[0], q[1])})
	}
	for _, u := range m.InvUsers {
		inv10 = append(inv10, request{path: fmt.Sprintf("/v2/users/%d/inventory?assetTypes=Hat,Shirt,Pants,TShirt,Face&limit=10", u)})
		inv100 = append(inv100, request{path: fmt.Sprintf("/v2/users/%d/inventory?assetTypes=Hat,Shirt,Pants,TShirt,Face&limit=100", u)})
	}
	for _, u := range m.HatUsers {
		byType = append(byType, request{path: fmt.Sprintf("/v2/users/%d/inventory/8?limit=10", u)})
	}
	for _, u := range m.CollUsers {
		coll = append(coll, request{path: fmt.Sprintf("/v1/users/%d/assets/collectibles?limit=10", u)})
	}
	for i, u := range m.ViewTargets {
		canView = append(canView, request{path: fmt.Sprintf("/v1/users/%d/can-view-inventory", u), cookie: m.Viewers[i]})
	}
	return []P{
		{"is-owned", "512 (user, asset) pairs, half owned", owned},
		{"items", "/v1/users/{id}/items/Asset/{id}, same pairs", items},
		{"inventory v2, limit 10", "5 asset types, 512 users", inv10},
		{"inventory v2, limit 100", "5 asset types, 512 users", inv100},
		{"inventory by type, limit 10", "Hat, 512 users", byType},
		{"collectibles, limit 10", "512 users owning limiteds", coll},
		{"owners of a limited, limit 100", fmt.Sprintf("asset with %d owners, page 1", m.MegaCopies), []request{{path: fmt.Sprintf("/v2/assets/%d/owners?limit=100", m.Mega)}}},
		{"can-view-inventory", "with a session cookie, 512 (viewer, user) pairs", canView},
	}
}

// runStore measures every path on one store.
func runStore(ctx context.Context, c config, m *Manifest, storeName, db string) (Run, error) {
	run := Run{Store: storeName}
	self, err := os.Executable()
	if err != nil {
		return run, err
	}
	base, err := start(ctx, "baseline", self, "-baseline-serve", "127.0.0.1:0")
	if err != nil {
		return run, err
	}
	defer base.stop()
	args := append([]string{c.bin, "serve", "--db", db, "--addr", "127.0.0.1:0"}, c.serveArgs...)
	srv, err := start(ctx, "inventoryd", args...)
	if err != nil {
		return run, err
	}
	defer srv.stop()
	fmt.Fprintf(os.Stderr, "%s: inventoryd on %s (pid %d), baseline on %s\n", storeName, srv.addr, srv.cmd.Process.Pid, base.addr)

	measure := func(name, note, addr string, reqs []request, dur time.Duration) result {
		pid := srv.cmd.Process.Pid
		if addr == base.addr {
			pid = base.cmd.Process.Pid
		}
		r := load(name, addr, pid, reqs, c.conns, c.warm, dur)
		r.Note = note
		fmt.Fprintf(os.Stderr, "  %-32s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %7.1f µs CPU/req  errors %d %s\n", name, r.RPS, r.P50, r.P99, r.CPUus, r.Errors, r.FirstErr)
		return r
	}
	baseReq := []request{{path: "/baseline"}}
	b1 := measure("baseline (before)", "net/http, 16-byte JSON body", base.addr, baseReq, c.dur)
	var rows []result
	for _, p := range paths(m) {
		if c.only != nil && !c.only.MatchString(p.name) {
			continue
		}
		if ctx.Err() != nil {
			return run, ctx.Err()
		}
		rows = append(rows, measure(p.name, p.note, srv.addr, p.reqs, c.dur))
	}
	// Page depth: walk nextPageCursor from page 1 of the whale's hats and
	// keep the cursors of pages 10^k; then load each page.
	if c.only == nil || c.only.MatchString("page") {
		depthRows, curve, err := depth(ctx, c, m, srv.addr, measure)
		if err != nil {
			return run, err
		}
		rows = append(rows, depthRows...)
		run.Depth = curve
	}
	b2 := measure("baseline (after)", "net/http, 16-byte JSON body", base.addr, baseReq, c.dur)
	baseRPS := (b1.RPS + b2.RPS) / 2
	b1.Ratio, b2.Ratio = b1.RPS/baseRPS, b2.RPS/baseRPS
	for i := range rows {
		rows[i].Ratio = rows[i].RPS / baseRPS
	}
	run.Results = append(append([]result{b1}, rows...), b2)
	run.PeakRSSMB = float64(srv.peak.Load()) / 1024
	run.BaselineRPS = baseRPS
	return run, nil
}

type depthPoint struct {
	Page int     `json:"page"`
	RPS  float64 `json:"rps"`
	P50  float64 `json:"p50_ms"`
	P99  float64 `json:"p99_ms"`
}

func depth(ctx context.Context, c config, m *Manifest, addr string, measure func(name, note, addr string, reqs []request, dur time.Duration) result) ([]result, []depthPoint, error) {
	first := fmt.Sprintf("/v2/users/%d/inventory/8?limit=10", m.Whale)
	pages := (m.WhaleHats + 9) / 10
	target := min(c.depth, pages)
	client := &http.Client{Timeout: 30 * time.Second}
	cursors := map[int]string{1: ""}
	cur := ""
	t0 := time.Now()
	for page := 1; page < target; page++ {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		u := "http://" + addr + first
		if cur != "" {
			u += "&cursor=" + url.QueryEscape(cur)
		}
		b, err := get(client, u)
		if err != nil {
			return nil, nil, err
		}
		var body struct {
			Next *string `json:"nextPageCursor"`
		}
		if err := json.Unmarshal(b, &body); err != nil || body.Next == nil {
			return nil, nil, fmt.Errorf("walk: page %d has no next cursor", page)
		}
		cur = *body.Next
		if isPow10(page+1) || page+1 == target {
			cursors[page+1] = cur
		}
	}
	client.CloseIdleConnections()
	fmt.Fprintf(os.Stderr, "  walked %d pages in %s\n", target, time.Since(t0).Round(time.Millisecond))
	withCursor := func(p int) []request {
		if cursors[p] == "" {
			return []request{{path: first}}
		}
		return []request{{path: first + "&cursor=" + url.QueryEscape(cursors[p])}}
	}
	note := fmt.Sprintf("user with %d hats, by type, limit 10", m.WhaleHats)
	// Page 1 and the deep page alternate in slots (ABAB...), so that a
	// change in the machine's load during the run falls on both alike:
	// measured one after the other, their ratio moved by ±0.15 between
	// runs of one build (docs/performance.md, "Round five").
	const slots = 4
	slot := max(c.dur/slots, 100*time.Millisecond)
	var a, b []result
	for k := range slots {
		a = append(a, measure(fmt.Sprintf("page 1 (slot %d/%d)", k+1, slots), note, addr, withCursor(1), slot))
		b = append(b, measure(fmt.Sprintf("page %d (slot %d/%d)", target, k+1, slots), note, addr, withCursor(target), slot))
	}
	rows := []result{merge("page 1", a, slot), merge(fmt.Sprintf("page %d", target), b, slot)}
	rows[0].Note = note + "; alternating with the deep page in 4 slots"
	rows[1].Note = note + "; cursor from walking; alternating with page 1 in 4 slots"
	for _, r := range rows {
		fmt.Fprintf(os.Stderr, "  %-32s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %7.1f µs CPU/req  errors %d %s\n", r.Name, r.RPS, r.P50, r.P99, r.CPUus, r.Errors, r.FirstErr)
	}
	var curve []depthPoint
	for p := 1; p <= target; p *= 10 {
		r := measure(fmt.Sprintf("depth curve: page %d", p), "", addr, withCursor(p), c.depthDur)
		curve = append(curve, depthPoint{Page: p, RPS: r.RPS, P50: r.P50, P99: r.P99})
	}
	if !isPow10(target) {
		curve = append(curve, depthPoint{Page: target, RPS: rows[1].RPS, P50: rows[1].P50, P99: rows[1].P99})
	}
	return rows, curve, nil
}

func isPow10(n int) bool {
	for n >= 10 && n%10 == 0 {
		n /= 10
	}
	return n == 1
}

// serveBaseline is the baseline server: the cheapest JSON answer net/http
// gives (a fixed body, the same three headers inventoryd sets).
func serveBaseline(addr string) error {
	body := []byte(`{"canView":true}`)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Type", "application/json; charset=utf-8")
		hd.Set("Cache-Control", "no-cache")
		hd.Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("baseline listening on http://%s\n", ln.Addr())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func machine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "model name") {
				if i := strings.Index(line, ":"); i >= 0 {
					m.CPU = strings.TrimSpace(line[i+1:])
				}
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0])
		if len(f) >= 2 {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			m.MemGB = float64(kb) / (1 << 20)
		}
	}
	return m
}
