package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/storetest"
)

// Crash safety: "a crash mid-write loses nothing that was acknowledged",
// and an interrupted import leaves the store as it was. The server or the
// import is a separate OS process killed with SIGKILL (no shutdown code
// runs), then the store is opened again and checked.

// binary returns the inventoryd binary to kill: INVENTORYD_BIN, else one
// built for the test.
func binary(t *testing.T) string {
	t.Helper()
	if b := os.Getenv("INVENTORYD_BIN"); b != "" {
		return b
	}
	if testing.Short() {
		t.Skip("short: needs a built inventoryd (INVENTORYD_BIN)")
	}
	bin := filepath.Join(t.TempDir(), "inventoryd")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/inventoryd/inventoryd/cmd/inventoryd")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// proc is an inventoryd serve process that the test kills.
type proc struct {
	cmd  *exec.Cmd
	base string
	log  *syncBuffer
	done chan struct{}
}

func startProc(t *testing.T, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{log: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	p.cmd.Stderr = p.log
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "inventoryd listening on http://"); ok {
				ready <- a
			}
		}
	}()
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("server log:\n%s", tail(p.log.String(), 4000))
		}
	})
	select {
	case a := <-ready:
		p.base = "http://" + a
	case <-p.done:
		t.Fatalf("server did not start\n%s", p.log)
	case <-time.After(2 * time.Minute):
		t.Fatalf("server did not start\n%s", p.log)
	}
	return p
}

func (p *proc) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
}

// admin sends an admin request and returns its status and body; a
// transport error (the server is gone) is status 0.
func (p *proc) admin(method, path, body string) (int, []byte) {
	req, err := http.NewRequest(method, p.base+path, strings.NewReader(body))
	if err != nil {
		return 0, nil
	}
	req.Header.Set("Authorization", "Bearer "+adminKey)
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil
	}
	return res.StatusCode, b
}

type copyRecord struct {
	UserAssetID int64  `json:"userAssetId"`
	AssetID     int64  `json:"assetId"`
	Serial      *int64 `json:"serialNumber"`
	Owner       struct {
		Type string `json:"type"`
		ID   int64  `json:"id"`
	} `json:"owner"`
}

const (
	crashUsers   = 20
	crashLimited = 4100001 // limited-unique, stock crashStock
	crashPlain   = 4100002
	crashStock   = 100000
)

func crashFixture() string {
	var b strings.Builder
	b.WriteString(`{"users": [`)
	for i := 1; i <= crashUsers; i++ {
		if i > 1 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id": %d, "username": "crash%d"}`, i, i)
	}
	fmt.Fprintf(&b, `],
"assets": [
	{"id": %d, "name": "Crash Limited", "assetType": "Hat", "creator": {"type": "User", "id": 1}, "isLimitedUnique": true, "assetStock": %d},
	{"id": %d, "name": "Crash Hat", "assetType": "Hat", "creator": {"type": "User", "id": 1}}]}`, crashLimited, crashStock, crashPlain)
	return b.String()
}

// expected is what the clients were told: each acknowledged copy with its
// acknowledged serial and owner; maybe holds the other owner a copy may
// have when its transfer was in flight at the kill.
type expected struct {
	serial int64 // 0: none
	owner  int64
	maybe  int64 // 0: none
}

// TestCrashLosesNothingAcknowledged: clients grant copies (of a
// limited-unique asset and of a plain one) and transfer them between users
// while the server is killed with SIGKILL. A server started again on the
// same store has every acknowledged grant, with its serial, and every copy
// with its last acknowledged owner (or, for a transfer in flight at the
// kill, the owner before it); the ledger's last entry of each copy names
// that owner; no serial repeats.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	bin := binary(t)
	stores := []struct{ name, db string }{{"sqlite", filepath.Join(t.TempDir(), "crash.db")}}
	if os.Getenv("INVENTORYD_TEST_POSTGRES_URL") != "" {
		stores = append(stores, struct{ name, db string }{"postgres", storetest.PostgresURL(t)})
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) { crashDuringWrites(t, bin, st.db) })
	}
}

func crashDuringWrites(t *testing.T, bin, db string) {
	doc := writeDoc(t, "crash.json", crashFixture())
	p := startProc(t, bin, "--db", db, "--fixtures", doc, "--admin-key", adminKey)

	var (
		mu    sync.Mutex
		want  = map[int64]*expected{}
		acks  atomic.Int64
		wg    sync.WaitGroup
		stopc = make(chan struct{})
	)
	const workers = 8
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			var mine []int64 // copies this worker granted: only it transfers them
			for {
				select {
				case <-stopc:
					return
				default:
				}
				if len(mine) == 0 || rng.IntN(2) == 0 {
					asset := int64(crashPlain)
					if rng.IntN(2) == 0 {
						asset = crashLimited
					}
					owner := 1 + rng.Int64N(crashUsers)
					status, body := p.admin("POST", "/admin/v1/user-assets",
						fmt.Sprintf(`{"assetId": %d, "owner": {"type": "User", "id": %d}}`, asset, owner))
					if status == 0 {
						return // killed: an unacknowledged grant may or may not be there
					}
					if status != http.StatusCreated {
						t.Errorf("grant: %d %s", status, body)
						return
					}
					var c copyRecord
					if err := json.Unmarshal(body, &c); err != nil || c.Owner.ID != owner || c.AssetID != asset {
						t.Errorf("grant answer %s: %v", body, err)
						return
					}
					e := &expected{owner: owner}
					if c.Serial != nil {
						e.serial = *c.Serial
					}
					if asset == crashLimited && e.serial == 0 {
						t.Errorf("grant of the limited-unique asset without a serial: %s", body)
						return
					}
					mu.Lock()
					want[c.UserAssetID] = e
					mu.Unlock()
					mine = append(mine, c.UserAssetID)
					acks.Add(1)
					continue
				}
				id := mine[rng.IntN(len(mine))]
				mu.Lock()
				e := want[id]
				from := e.owner
				mu.Unlock()
				to := 1 + rng.Int64N(crashUsers)
				if to == from {
					to = from%crashUsers + 1
				}
				mu.Lock()
				e.maybe = to // in flight
				mu.Unlock()
				status, body := p.admin("POST", fmt.Sprintf("/admin/v1/user-assets/%d/transfer", id),
					fmt.Sprintf(`{"from": {"type": "User", "id": %d}, "to": {"type": "User", "id": %d}}`, from, to))
				if status == 0 {
					return // killed in flight: e.maybe stays
				}
				if status != http.StatusOK {
					t.Errorf("transfer %d: %d %s", id, status, body)
					return
				}
				mu.Lock()
				e.owner, e.maybe = to, 0
				mu.Unlock()
				acks.Add(1)
			}
		}()
	}
	// Kill once enough writes are acknowledged that some surely sit in the
	// store's log rather than its main file, with requests in flight.
	deadline := time.Now().Add(time.Minute)
	for acks.Load() < 400 && time.Now().Before(deadline) && !t.Failed() {
		time.Sleep(5 * time.Millisecond)
	}
	p.kill(t)
	close(stopc)
	wg.Wait()
	if t.Failed() {
		return
	}
	if n := acks.Load(); n < 400 {
		t.Fatalf("only %d writes acknowledged in a minute", n)
	}

	q := startProc(t, bin, "--db", db, "--admin-key", adminKey)
	serials := map[int64]int64{}
	for id, e := range want {
		status, body := q.admin("GET", fmt.Sprintf("/admin/v1/user-assets/%d", id), "")
		if status != http.StatusOK {
			t.Errorf("acknowledged copy %d after the crash: %d %s", id, status, body)
			continue
		}
		var c copyRecord
		if err := json.Unmarshal(body, &c); err != nil {
			t.Fatal(err)
		}
		if c.Owner.ID != e.owner && (e.maybe == 0 || c.Owner.ID != e.maybe) {
			t.Errorf("copy %d owned by %d after the crash, acknowledged owner %d (in flight: %d)", id, c.Owner.ID, e.owner, e.maybe)
		}
		var got int64
		if c.Serial != nil {
			got = *c.Serial
		}
		if got != e.serial {
			t.Errorf("copy %d has serial %d after the crash, acknowledged %d", id, got, e.serial)
		}
		if got != 0 {
			if other, dup := serials[got]; dup {
				t.Errorf("serial %d on copies %d and %d", got, other, id)
			}
			serials[got] = id
		}
		status, body = q.admin("GET", fmt.Sprintf("/admin/v1/user-assets/%d/history", id), "")
		if status != http.StatusOK {
			t.Errorf("history of %d: %d %s", id, status, body)
			continue
		}
		var h struct {
			Data []struct {
				To *struct {
					ID int64 `json:"id"`
				} `json:"to"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &h); err != nil || len(h.Data) == 0 {
			t.Fatalf("history of %d: %s (%v)", id, body, err)
		}
		if last := h.Data[len(h.Data)-1].To; last == nil || last.ID != c.Owner.ID {
			t.Errorf("copy %d: the ledger's last owner is %+v, the copy's %d", id, last, c.Owner.ID)
		}
	}
	// The store goes on where it stopped: the next grant of the limited
	// takes a serial no copy has.
	status, body := q.admin("POST", "/admin/v1/user-assets", fmt.Sprintf(`{"assetId": %d, "owner": {"type": "User", "id": 1}}`, crashLimited))
	if status != http.StatusCreated {
		t.Fatalf("grant after the crash: %d %s", status, body)
	}
	var c copyRecord
	if err := json.Unmarshal(body, &c); err != nil || c.Serial == nil {
		t.Fatalf("grant after the crash: %s (%v)", body, err)
	}
	if other, dup := serials[*c.Serial]; dup {
		t.Errorf("the grant after the crash repeats serial %d of copy %d", *c.Serial, other)
	}
	if _, dup := want[c.UserAssetID]; dup {
		t.Errorf("the grant after the crash repeats userAssetId %d", c.UserAssetID)
	}
	t.Logf("%d writes acknowledged before SIGKILL, %d copies checked", acks.Load(), len(want))
}

// TestCrashDuringImport: `inventoryd import` of a generated stream is killed
// with SIGKILL part-way; the store is then exactly as before the import
// (same export), and importing the stream again completes.
func TestCrashDuringImport(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	run := func(args ...string) []byte {
		t.Helper()
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("inventoryd %s: %v\n%s", strings.Join(args, " "), err, tail(string(out), 2000))
		}
		return out
	}
	stream := filepath.Join(dir, "big.ndjson")
	run("generate", "--users", "4000", "--assets", "800", "--items-per-user", "50", "--seed", "5", stream)
	stores := []struct{ name, db string }{{"sqlite", filepath.Join(dir, "store.db")}}
	if os.Getenv("INVENTORYD_TEST_POSTGRES_URL") != "" {
		stores = append(stores, struct{ name, db string }{"postgres", storetest.PostgresURL(t)})
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			// The store already holds data the import would change.
			run("import", "--db", st.db, writeDoc(t, "before.json", crashFixture()))
			before := run("export", "--db", st.db, "--format", "json")

			cmd := exec.Command(bin, "import", "--db", st.db, stream)
			var out syncBuffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			// Kill it once it has loaded copies (its progress lines say
			// so), before it commits.
			killed := false
			var started time.Time
			var killedAfter time.Duration // from the first progress line
			deadline := time.After(2 * time.Minute)
		wait:
			for {
				select {
				case err := <-done:
					t.Fatalf("the import finished before it could be killed (%v):\n%s", err, tail(out.String(), 2000))
				case <-deadline:
					t.Fatalf("no progress in 2 minutes:\n%s", tail(out.String(), 2000))
				case <-time.After(2 * time.Millisecond):
					// The periodic progress lines come every 5 s, and
					// a store faster than the PostgreSQL here could
					// finish before one: 4 s into the load is enough too
					// (the stream's first lines are users and assets,
					// copies after). SQLite reaches its index rebuild
					// sooner, the moment this most wants to test.
					o := out.String()
					if started.IsZero() && lastProgress(o) != "" {
						started = time.Now()
					}
					if loadedSome(o) || (!started.IsZero() && time.Since(started) > 4*time.Second) {
						if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
							t.Fatal(err)
						}
						killed, killedAfter = true, time.Since(started)
						break wait
					}
				}
			}
			<-done
			if !killed {
				t.Fatal("not killed")
			}
			after := run("export", "--db", st.db, "--format", "json")
			if !bytes.Equal(normalizeExport(t, before), normalizeExport(t, after)) {
				t.Fatalf("the store changed after a killed import:\nbefore %d bytes, after %d bytes:\n%s", len(before), len(after), tail(string(after), 1500))
			}
			run("import", "--db", st.db, stream)
			full := run("export", "--db", st.db, "--format", "json")
			var doc struct {
				UserAssets []json.RawMessage `json:"userAssets"`
			}
			if err := json.Unmarshal(full, &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.UserAssets) < 100_000 {
				t.Fatalf("after the second import: %d copies, want the whole stream's", len(doc.UserAssets))
			}
			t.Logf("killed %s after the first progress line; the last: %s", killedAfter.Round(time.Millisecond), lastProgress(out.String()))
		})
	}
}

// loadedSome reports whether an import's output shows owned items loaded:
// a periodic line with a count above zero, or the line that starts the
// index rebuild (SQLite), printed when every row is in the uncommitted
// transaction.
func loadedSome(out string) bool {
	line := lastProgress(out)
	if strings.HasSuffix(line, "ETA index") {
		return true
	}
	i := strings.Index(line, " owned items")
	if i < 0 {
		return false
	}
	f := strings.Fields(line[:i])
	return len(f) > 0 && f[len(f)-1] != "0"
}

func lastProgress(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "progress:") {
			return lines[i]
		}
	}
	return ""
}

// normalizeExport drops the export's own timestamp, if any, so that two
// exports of one state compare equal.
func normalizeExport(t *testing.T, b []byte) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	delete(m, "exportedAt")
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
