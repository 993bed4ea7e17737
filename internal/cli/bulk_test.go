package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/cli"
)

// run runs one command and returns its standard output.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := cli.Run(context.Background(), cli.Env{Args: args, Stdout: &out, Stderr: &errOut, Stdin: strings.NewReader("")})
	if err != nil {
		return out.String() + errOut.String(), err
	}
	return out.String(), nil
}

// serveForTest runs `inventoryd serve` in-process on db, with the admin
// key "k", until the test ends, and returns its base URL.
func serveForTest(t *testing.T, db string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- cli.Run(ctx, cli.Env{Args: []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--admin-key", "k"},
			Stdout: io.Discard, Stderr: io.Discard, Ready: func(a string) { ready <- a }})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
		}
	})
	select {
	case addr := <-ready:
		return "http://" + addr
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	return ""
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, err := run(t, args...)
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return out
}

// TestGenerateImportExport: generate a stream, import it with progress
// lines (stdout is not a terminal), export both forms, and check that
// both re-import to the same export; generate --db loads the same set.
func TestGenerateImportExport(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	gen := []string{"--users", "60", "--assets", "30", "--items-per-user", "8", "--seed", "5"}
	mustRun(t, append(append([]string{"generate"}, gen...), p("g.ndjson"))...)
	out := mustRun(t, "import", "--db", p("a.db"), p("g.ndjson"))
	if !strings.Contains(out, "owned items in") || !strings.Contains(out, "progress: ") || !strings.Contains(out, "peak RSS") {
		t.Errorf("import output: %q", out)
	}
	mustRun(t, "export", "--db", p("a.db"), p("a.json"))
	mustRun(t, "export", "--db", p("a.db"), p("a.ndjson"))
	want, _ := os.ReadFile(p("a.json"))
	for _, f := range []string{"a.json", "a.ndjson"} {
		db := p(f + ".db")
		mustRun(t, "import", "--db", db, p(f))
		got := mustRun(t, "export", "--db", db)
		if got != string(want) {
			t.Errorf("%s: re-import exports differently", f)
		}
	}
	mustRun(t, append(append([]string{"generate"}, gen...), "--db", p("direct.db"))...)
	if got := mustRun(t, "export", "--db", p("direct.db")); got != string(want) {
		t.Error("generate --db loads a different data set than generate + import")
	}
}

// TestAdminCommand runs operations in-process (--db) and against a
// running server (--url), and checks error answers exit non-zero.
func TestAdminCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	mustRun(t, "admin", "--db", db, "user-create", `{"id":42,"username":"alice"}`)
	out := mustRun(t, "admin", "--db", db, "ban", "42")
	var u map[string]any
	if err := json.Unmarshal([]byte(out), &u); err != nil || u["isBanned"] != true {
		t.Fatalf("ban: %s", out)
	}
	mustRun(t, "admin", "--db", db, "group-create", `{"id":7,"name":"G"}`)
	mustRun(t, "admin", "--db", db, "asset-create", `{"id":9,"name":"Hat","assetType":"Hat","creator":{"type":"Group","id":7},"isLimitedUnique":true,"assetStock":1}`)
	out = mustRun(t, "admin", "--db", db, "grant", `{"assetId":9,"owner":{"type":"User","id":42}}`)
	if !strings.Contains(out, `"serialNumber": 1`) {
		t.Errorf("grant: %s", out)
	}
	if out, err := run(t, "admin", "--db", db, "grant", `{"assetId":9,"owner":{"type":"User","id":42}}`); err == nil || !strings.Contains(out, `"errors"`) {
		t.Errorf("sold-out grant: %v %s", err, out)
	}
	if _, err := run(t, "admin", "--db", db, "nope"); err == nil {
		t.Error("unknown operation accepted")
	}
	if _, err := run(t, "admin", "user-get", "42"); err == nil {
		t.Error("no --db or --url accepted")
	}

	// The same against a server.
	url := serveForTest(t, db)
	out = mustRun(t, "admin", "--url", url, "--admin-key", "k", "user-get", "42")
	if !strings.Contains(out, `"username": "alice"`) {
		t.Errorf("remote user-get: %s", out)
	}
	if _, err := run(t, "admin", "--url", url, "--admin-key", "wrong", "user-get", "42"); err == nil {
		t.Error("wrong key accepted")
	}
	out = mustRun(t, "admin", "--url", url, "--admin-key", "k", "session-create", "42")
	var s struct{ Cookie string }
	if err := json.Unmarshal([]byte(out), &s); err != nil || s.Cookie == "" {
		t.Fatalf("session: %s", out)
	}
	req, _ := http.NewRequest("GET", url+"/v1/users/authenticated", nil)
	req.AddCookie(&http.Cookie{Name: ".ROBLOSECURITY", Value: s.Cookie})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("the new session does not authenticate: %d", res.StatusCode)
	}
}

// TestGenerateBadFlags: every numeric flag of generate is checked before
// anything is written, and the error names the flag; no output file and
// no store are left behind.
func TestGenerateBadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ flag, value string }{
		{"--users", "0"}, {"--users", "-5"}, {"--assets", "0"}, {"--assets", "-1"},
		{"--items-per-user", "-1"}, {"--items-per-user", "NaN"}, {"--items-per-user", "Inf"},
		{"--private-share", "-0.5"}, {"--private-share", "1.5"}, {"--private-share", "NaN"},
		{"--friends-per-user", "-1"}, {"--friends-per-user", "NaN"}, {"--follows-per-user", "-3"}, {"--follows-per-user", "+Inf"},
	} {
		out := filepath.Join(dir, "g.json")
		db := filepath.Join(dir, "g.db")
		for _, args := range [][]string{{"generate", "--users", "5", "--assets", "5", c.flag, c.value, out},
			{"generate", "--users", "5", "--assets", "5", c.flag, c.value, "--db", db}} {
			msg, err := run(t, args...)
			if err == nil || !strings.Contains(err.Error(), c.flag+" must be") {
				t.Errorf("%v: err %v (%s), want one naming %s", args, err, msg, c.flag)
			}
			for _, p := range []string{out, db} {
				if _, err := os.Stat(p); !os.IsNotExist(err) {
					t.Errorf("%v left %s behind (%v)", args, filepath.Base(p), err)
					os.Remove(p)
				}
			}
		}
	}
	// The bounds themselves are accepted.
	out := filepath.Join(dir, "ok.ndjson")
	mustRun(t, "generate", "--users", "1", "--assets", "1", "--items-per-user", "0", "--private-share", "1", out)
	if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
		t.Fatalf("generate at the bounds: %v", err)
	}
}

// TestFlagsAfterFiles: generate, import and export take their flags before
// or after the file names alike; "--" ends the flags.
func TestFlagsAfterFiles(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	mustRun(t, "generate", "--users", "30", "--assets", "12", "--items-per-user", "3", "--seed", "9", p("first.ndjson"))
	mustRun(t, "generate", p("after.ndjson"), "--users", "30", "--assets", "12", "--items-per-user", "3", "--seed", "9")
	read := func(name string) []byte {
		t.Helper()
		b, err := os.ReadFile(p(name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if !bytes.Equal(read("first.ndjson"), read("after.ndjson")) {
		t.Fatal("generate FILE --flags made a different data set than generate --flags FILE")
	}
	if _, err := run(t, "generate", "--users", "3", "--assets", "2", p("x.ndjson"), p("y.ndjson")); err == nil {
		t.Error("generate with two FILEs accepted")
	}
	mustRun(t, "import", p("first.ndjson"), "--db", p("a.db"))
	mustRun(t, "import", "--db", p("b.db"), "--", p("after.ndjson"))
	mustRun(t, "export", p("a.json"), "--db", p("a.db"))
	mustRun(t, "export", "--db", p("b.db"), p("b.json"))
	ea, eb := read("a.json"), read("b.json")
	if len(ea) < 100 || !bytes.Equal(ea, eb) {
		t.Fatalf("exports differ or are empty (%d and %d bytes)", len(ea), len(eb))
	}
	if _, err := os.Stat(filepath.Join(dir, "--db")); err == nil {
		t.Error("a flag was taken for a file name")
	}
}
