package cli_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inventoryd/inventoryd/internal/cli"
)

// runCtx runs one command on ctx and returns its standard output (with
// standard error after it on an error).
func runCtx(ctx context.Context, stdin string, args ...string) (string, error) {
	var out, errOut bytes.Buffer
	err := cli.Run(ctx, cli.Env{Args: args, Stdout: &out, Stderr: &errOut, Stdin: strings.NewReader(stdin)})
	return out.String() + errOut.String(), err
}

// smallStore imports a small generated data set into dir/name and returns
// its path and its export.
func smallStore(t *testing.T, dir, name string) (db, export string) {
	t.Helper()
	db = filepath.Join(dir, name)
	mustRun(t, "generate", "--users", "40", "--assets", "20", "--items-per-user", "4", "--seed", "3", "--db", db)
	return db, mustRun(t, "export", "--db", db)
}

// noTempFiles fails if dir holds a file that export or generate left
// behind (a temporary file, or any name not in keep).
func noTempFiles(t *testing.T, dir string, keep ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !strings.Contains(strings.Join(keep, "\x00")+"\x00", e.Name()+"\x00") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// TestExportRefusesTheStore: `export inventoryd.db` (the positional taken
// for the store, --db at its default) and `export --db x.db x.db` emptied
// the store before failing. The store, its side files, a link to it and
// any other SQLite database are refused as the output, and nothing is
// touched.
func TestExportRefusesTheStore(t *testing.T) {
	dir := t.TempDir()
	db, want := smallStore(t, dir, "inventoryd.db")
	other, _ := smallStore(t, dir, "other.db")
	link := filepath.Join(dir, "link.db")
	if err := os.Link(db, link); err != nil {
		t.Fatal(err)
	}
	otherBefore, err := os.ReadFile(other)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("default store", func(t *testing.T) {
		t.Chdir(dir)
		_, err := run(t, "export", "inventoryd.db")
		if err == nil || !strings.Contains(err.Error(), "is the store") {
			t.Fatalf("err = %v", err)
		}
	})
	for _, c := range []struct {
		name string
		args []string
		msg  string
	}{
		{"same path", []string{"export", "--db", db, db}, "is the store"},
		{"hard link", []string{"export", "--db", db, link}, "is the store"},
		{"wal", []string{"export", "--db", db, db + "-wal"}, "is the store"},
		{"journal", []string{"export", "--db", db, db + "-journal"}, "is the store"},
		{"another store", []string{"export", "--db", db, other}, "is a SQLite database"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := run(t, c.args...)
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("err = %v, want one saying %q", err, c.msg)
			}
		})
	}
	if got := mustRun(t, "export", "--db", db); got != want {
		t.Error("a refused export changed the store")
	}
	if got, _ := os.ReadFile(other); !bytes.Equal(got, otherBefore) {
		t.Error("a refused export changed another store")
	}
}

// TestGenerateStopsOnCancel: generate to a file or standard output stops
// when its context is done (Ctrl-C, SIGTERM: cmd/inventoryd cancels it),
// fails, and leaves no file, and an existing FILE as it was. It ignored
// the context, wrote everything and exited 0. The context is cancelled
// before the run: no timing involved.
func TestGenerateStopsOnCancel(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	gen := []string{"generate", "--users", "3000", "--assets", "100", "--seed", "1"}
	keep := filepath.Join(dir, "keep.json")
	if err := os.WriteFile(keep, []byte(`{"precious":true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{filepath.Join(dir, "new.ndjson"), keep, "-"} {
		got, err := runCtx(ctx, "", append(gen, out)...)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("generate %s: err = %v, want context.Canceled", filepath.Base(out), err)
		}
		if out == "-" && len(got) > 1<<20 {
			t.Errorf("generate -: %d bytes written after the cancel", len(got))
		}
	}
	if b, _ := os.ReadFile(keep); string(b) != `{"precious":true}` {
		t.Errorf("keep.json is now %.40q", b)
	}
	noTempFiles(t, dir, "keep.json")
	// generate --db already stopped; it still does, creating nothing it keeps.
	if _, err := runCtx(ctx, "", append(gen, "--db", filepath.Join(dir, "g.db"))...); err == nil {
		t.Error("generate --db: cancelled run succeeded")
	}
}

// TestReadCommandsNeedAStore: export of a store that does not exist was
// an empty document and exit 0 (and created the store); a bad flag was
// found after the store was created.
func TestReadCommandsNeedAStore(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"export", "--db", p("tpyo.db"), p("out.json")}, "no store at " + p("tpyo.db")},
		{[]string{"export", "--db", p("tpyo.db")}, "no store at"},
		{[]string{"export", "--db", p("fmt.db"), "--format", "xml", p("out.json")}, `unknown format "xml"`},
		{[]string{"generate", "--users", "3", "--assets", "2", "--format", "xml", "--db", p("fmt.db")}, `unknown format "xml"`},
		{[]string{"generate", "--users", "3", "--assets", "2", "--format", "xml", p("out.json")}, `unknown format "xml"`},
	} {
		_, err := run(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%v: err = %v, want %q", c.args, err, c.msg)
		}
	}
	t.Run("default store", func(t *testing.T) {
		t.Chdir(dir)
		if _, err := run(t, "export"); err == nil || !strings.Contains(err.Error(), "no store at inventoryd.db") {
			t.Errorf("export without --db: %v", err)
		}
	})
	noTempFiles(t, dir)
	// An existing store still exports.
	db, _ := smallStore(t, dir, "s.db")
	if _, err := cli.OpenExistingStore(context.Background(), db); err != nil {
		t.Errorf("OpenExistingStore(existing): %v", err)
	}
}
