package cli_test

import (
	"bytes"
	"context"
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
