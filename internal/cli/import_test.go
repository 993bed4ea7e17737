package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inventoryd/inventoryd/internal/cli"
)

// writeFiles writes name -> content into dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// userExists reports whether the store at db has the user id.
func userExists(t *testing.T, db string, id int64) bool {
	t.Helper()
	st, err := cli.OpenExistingStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, err = st.User(context.Background(), id)
	return err == nil
}

// TestImportAcrossFiles: `import A B` opens every file and parses every
// document before importing any, so a missing file or a bad document
// refuses the whole import; an error found later (a stream's bad line)
// says which files were imported. a.json used to be committed before
// b.json's error, and the error did not say so.
func TestImportAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	writeFiles(t, dir, map[string]string{
		"a.json":   `{"users":[{"id":1,"username":"a"}]}`,
		"b.json":   `{"users":[{"id":2,"username":"b","bogus":1}]}`,
		"c.ndjson": `{"kind":"user","id":3,"username":"c"}` + "\n",
		"d.ndjson": `{"kind":"user","id":4,"username":"d"}` + "\n" + `{"kind":"follow","followerId":4,"followingId":99}` + "\n",
	})
	if err := os.Mkdir(p("adir"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		files []string
		msg   string
	}{
		{[]string{"a.json", "b.json"}, `b.json: users[0]: unknown field "bogus" (no file imported)`},
		{[]string{"c.ndjson", "nofile.json"}, "nofile.json: no such file or directory (no file imported)"},
		{[]string{"c.ndjson", "adir"}, "adir: is a directory (no file imported)"},
		{[]string{"c.ndjson", "b.json"}, "(no file imported)"},
		{[]string{"a.json", "c.ndjson", "d.ndjson"}, "(imported: " + p("a.json") + ", " + p("c.ndjson") + "; not imported: " + p("d.ndjson") + ")"},
	} {
		db := p(strings.Join(c.files, "+") + ".db")
		args := []string{"import", "--db", db}
		for _, f := range c.files {
			args = append(args, p(f))
		}
		_, err := run(t, args...)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%v: err = %v, want %q", c.files, err, c.msg)
			continue
		}
		if strings.Contains(c.msg, "no such file") || strings.Contains(c.msg, "is a directory") {
			// Refused before the store is opened: no empty store left.
			if _, err := os.Stat(db); !os.IsNotExist(err) {
				t.Errorf("%v: a store was created at %s (%v)", c.files, db, err)
			}
			continue
		}
		if strings.Contains(c.msg, "no file imported") && (userExists(t, db, 1) || userExists(t, db, 3)) {
			t.Errorf("%v: a file was imported before the refusal", c.files)
		}
	}
	if db := p("a.json+c.ndjson+d.ndjson.db"); !userExists(t, db, 3) || userExists(t, db, 4) {
		t.Error("a, c imported and d not: the store disagrees")
	}
}

// TestImportFormatAndStdin: import reads "-" (standard input, as export
// and admin import do), tells a stream by its first line whatever the
// file's name (admin import's rule), and names the line and the limit of
// an overlong NDJSON line.
func TestImportFormatAndStdin(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	stream := `{"kind":"user","id":5,"username":"e"}` + "\n" + `{"kind":"user","id":6,"username":"f"}` + "\n"
	writeFiles(t, dir, map[string]string{"s.json": stream, "S.NDJSON": stream})
	for _, f := range []string{"s.json", "S.NDJSON"} {
		db := p(f + ".db")
		mustRun(t, "import", "--db", db, p(f))
		if !userExists(t, db, 6) {
			t.Errorf("%s: not imported", f)
		}
	}
	for name, in := range map[string]string{"doc": `{"users":[{"id":7,"username":"g"}]}`, "stream": stream} {
		db := p(name + "-stdin.db")
		if out, err := runCtx(context.Background(), in, "import", "--db", db, "-"); err != nil {
			t.Fatalf("import - (%s): %v %s", name, err, out)
		}
		if !userExists(t, db, 7) && !userExists(t, db, 5) {
			t.Errorf("import - (%s): nothing imported", name)
		}
	}
	long := `{"kind":"user","id":1,"username":"a"}` + "\n" + `{"kind":"user","id":2,"username":"` + strings.Repeat("x", 17<<20) + `"}` + "\n"
	writeFiles(t, dir, map[string]string{"long.ndjson": long})
	_, err := run(t, "import", "--db", p("long.db"), p("long.ndjson"))
	if err == nil || !strings.Contains(err.Error(), "line 2: longer than the limit of 16 MiB a line") {
		t.Errorf("overlong line: %v", err)
	}
	if _, err := run(t, "generate", "--users", "3", "--assets", "2", "--items-per-user", "1e300", p("g.json")); err == nil ||
		!strings.Contains(err.Error(), "--items-per-user must be from 0 to 1e+06") {
		t.Errorf("--items-per-user 1e300: %v", err)
	}
}
