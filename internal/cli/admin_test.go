package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inventoryd/inventoryd/internal/cli"
)

// TestAdminExportImport: `admin export` and `admin import` move a whole
// store, in both forms, in-process (--db) and through a running server
// (--url), and what they move exports the same again.
func TestAdminExportImport(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	mustRun(t, "generate", "--users", "40", "--assets", "20", "--items-per-user", "6", "--seed", "3", "--db", p("src.db"))
	want := mustRun(t, "export", "--db", p("src.db"))
	if got := mustRun(t, "admin", "--db", p("src.db"), "export"); got != want {
		t.Fatalf("admin export differs from export:\n%.300s\n---\n%.300s", got, want)
	}
	ndjson := mustRun(t, "admin", "--db", p("src.db"), "export", "ndjson")
	if !strings.HasPrefix(ndjson, `{"kind":"user"`) {
		t.Fatalf("admin export ndjson: %.200s", ndjson)
	}
	for _, f := range []struct{ name, body string }{{"x.json", want}, {"x.ndjson", ndjson}} {
		if err := os.WriteFile(p(f.name), []byte(f.body), 0o644); err != nil {
			t.Fatal(err)
		}
		db := p(f.name + ".db")
		mustRun(t, "admin", "--db", db, "import", p(f.name))
		if got := mustRun(t, "export", "--db", db); got != want {
			t.Errorf("admin import %s: exports differently", f.name)
		}
	}
	// Standard input: the stream is told from a document by its first line.
	var out, errOut bytes.Buffer
	err := cli.Run(context.Background(), cli.Env{Args: []string{"admin", "--db", p("stdin.db"), "import", "-"},
		Stdin: strings.NewReader(ndjson), Stdout: &out, Stderr: &errOut})
	if err != nil {
		t.Fatalf("import -: %v %s", err, errOut.String())
	}
	if got := mustRun(t, "export", "--db", p("stdin.db")); got != want {
		t.Error("admin import - (ndjson): exports differently")
	}
	if _, err := run(t, "admin", "--db", p("stdin.db"), "export", "yaml"); err == nil {
		t.Error("export yaml accepted")
	}

	// Through a server: import the stream, export it back.
	remote := []string{"admin", "--url", serveForTest(t, p("srv.db")), "--admin-key", "k"}
	mustRun(t, append(remote, "import", p("x.ndjson"))...)
	if got := mustRun(t, append(remote, "export")...); got != want {
		t.Error("admin --url import of the stream: exports differently")
	}
	mustRun(t, append(remote, "reset")...)
	mustRun(t, append(remote, "import", p("x.json"))...)
	if got := mustRun(t, append(remote, "export", "ndjson")...); got != ndjson {
		t.Error("admin --url import of the document: exports differently")
	}
}

// TestAdminSameInBothModes: odd and bad arguments give the same answer
// in-process (--db) as through a running server (--url), and never a
// panic: every path argument is escaped, so it stays one path segment, and
// a bad method or path is an error before any request.
func TestAdminSameInBothModes(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	doc := p("d.json")
	if err := os.WriteFile(doc, []byte(`{"users":[
		{"id":42,"username":"alice","created":"2020-01-02T03:04:05Z"},
		{"id":43,"username":"bob","created":"2020-01-02T03:04:05Z"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "import", "--db", p("local.db"), doc)
	local := []string{"admin", "--db", p("local.db")}
	remote := []string{"admin", "--url", serveForTest(t, p("srv.db")), "--admin-key", "k"}
	mustRun(t, append(remote, "import", doc)...)

	for _, tc := range []struct {
		name string
		args []string
		ok   bool
	}{
		{"plain", []string{"user-get", "42"}, true},
		{"space in item type", []string{"item-grant", "42", "Game Pass", "1"}, false},
		{"space in places tab", []string{"place-add", "42", "My Games", "1"}, false},
		{"space", []string{"user-get", "a b"}, false},
		{"percent", []string{"user-get", "100%"}, false},
		{"bad escape", []string{"user-get", "%zz"}, false},
		{"tab", []string{"user-get", "42\t"}, true}, // the handler trims it, in both modes
		{"fragment", []string{"user-get", "42#x"}, false},
		{"query", []string{"user-get", "42?x=1"}, false},
		{"slash", []string{"user-get", "42/friends/43"}, false},
		{"dot dot", []string{"user-get", ".."}, false},
		{"request lower-case method", []string{"request", "get", "/admin/v1/users/42"}, true},
		{"request relative path", []string{"request", "GET", "admin/v1/users/42"}, false},
		{"request empty path", []string{"request", "GET", ""}, false},
		{"request bad method", []string{"request", "GE T", "/x"}, false},
		{"request bad escape", []string{"request", "GET", "/admin/v1/users/100%"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, gotErr := run(t, append(local, tc.args...)...)
			want, wantErr := run(t, append(remote, tc.args...)...)
			if (gotErr == nil) != tc.ok || (wantErr == nil) != tc.ok {
				t.Fatalf("want ok=%v; --db: %v %s; --url: %v %s", tc.ok, gotErr, got, wantErr, want)
			}
			if got != want || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Errorf("--db and --url differ:\n--db:  %v %s\n--url: %v %s", gotErr, got, wantErr, want)
			}
		})
	}
}

// TestAdminArguments: flags go before or after the operation; --db and
// --url together are refused; an argument error is one line plus a
// pointer to -h (not the whole usage); a missing key says so; a --db that
// does not exist is refused rather than created (import alone creates,
// as `inventoryd import` does).
func TestAdminArguments(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	doc := p("d.json")
	if err := os.WriteFile(doc, []byte(`{"users":[{"id":42,"username":"alice"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "import", "--db", p("s.db"), doc)
	srv := serveForTest(t, p("srv.db"))

	if out := mustRun(t, "admin", "user-get", "42", "--db", p("s.db")); !strings.Contains(out, `"username": "alice"`) {
		t.Errorf("flag after the operation: %s", out)
	}
	for _, tc := range []struct {
		name string
		args []string
		want []string // in the error or its output
	}{
		{"db and url", []string{"--db", p("s.db"), "--url", srv, "user-get", "42"}, []string{"--db or --url, not both"}},
		{"no key", []string{"--url", srv, "user-get", "42"}, []string{"401", "pass --admin-key or set INVENTORYD_ADMIN_KEY"}},
		{"missing store", []string{"--db", p("tpyo.db"), "user-get", "42"}, []string{"no store at " + p("tpyo.db")}},
		{"wrong arguments", []string{"--db", p("s.db"), "user-get"}, []string{"want arguments USER", "inventoryd admin -h"}},
		{"unknown operation", []string{"--db", p("s.db"), "user-gte", "42"}, []string{`unknown operation "user-gte"`, "inventoryd admin -h"}},
		{"missing file", []string{"--db", p("s.db"), "import", p("nofile.json")}, []string{"nofile.json", "inventoryd admin -h"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := run(t, append([]string{"admin"}, tc.args...)...)
			if err == nil {
				t.Fatalf("accepted: %s", out)
			}
			all := err.Error() + "\n" + out
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("%q lacks %q", all, w)
				}
			}
			if strings.Contains(all, "operations:") {
				t.Errorf("an argument error printed the whole usage:\n%s", all)
			}
		})
	}
	if _, err := os.Stat(p("tpyo.db")); err == nil {
		t.Error("admin --db created the missing store")
	}
	// -h and no arguments at all still list the operations.
	for _, args := range [][]string{{"admin", "-h"}, {"admin"}} {
		var errOut bytes.Buffer
		cli.Run(context.Background(), cli.Env{Args: args, Stdout: &errOut, Stderr: &errOut})
		if !strings.Contains(errOut.String(), "operations:") || !strings.Contains(errOut.String(), "item-grant") {
			t.Errorf("%v: %s", args, errOut.String())
		}
	}
}

// TestAdminOptionalArguments: the command line takes what the HTTP API
// does for these two: item-grant's optional body ({"instanceId",
// "created"}) and a conditional revoke (only while that owner has the
// copy).
func TestAdminOptionalArguments(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	doc := p("d.json")
	if err := os.WriteFile(doc, []byte(`{"users":[{"id":42,"username":"alice"},{"id":43,"username":"bob"}],
		"gamePasses":[{"id":7,"name":"pass"}],
		"assets":[{"id":11,"name":"hat","assetType":"Hat","creator":{"type":"User","id":42}}],
		"userAssets":[{"userAssetId":500,"assetId":11,"owner":{"type":"User","id":42}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "import", "--db", p("s.db"), doc)
	db := []string{"admin", "--db", p("s.db")}
	mustRun(t, append(db, "item-grant", "42", "GamePass", "7", `{"instanceId":99}`)...)
	if out := mustRun(t, append(db, "export")...); !strings.Contains(out, `"instanceId": 99`) && !strings.Contains(out, `"instanceId":99`) {
		t.Errorf("item-grant's body was not applied:\n%s", out)
	}
	if _, err := run(t, append(db, "revoke", "500", "User", "43")...); err == nil || !strings.Contains(err.Error(), "409") {
		t.Errorf("revoke while another user owns it: %v", err)
	}
	if _, err := run(t, append(db, "revoke", "500", "User")...); err == nil || !strings.Contains(err.Error(), "want arguments") {
		t.Errorf("revoke with an owner type and no id: %v", err)
	}
	mustRun(t, append(db, "revoke", "500", "User", "42")...)
	if _, err := run(t, append(db, "request", "GET", "/admin/v1/user-assets/500")...); err == nil {
		t.Error("the copy is still there")
	}
}
