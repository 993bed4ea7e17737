package cli

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/sqlite"
)

// TestWriteRecordsReplacesOnlyOnSuccess: an export or generate that fails
// part-way (Ctrl-C, a store error) leaves an existing FILE as it was, and
// a new FILE not at all; one that succeeds replaces FILE, keeping its
// permissions. os.Create first left the old content gone and the new one
// truncated.
func TestWriteRecordsReplacesOnlyOnSuccess(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "keep.json")
	if err := os.WriteFile(keep, []byte(`{"precious":true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	fail := errors.New("store went away")
	produce := func(n int, err error) func(inventory.RecordSink) error {
		return func(sink inventory.RecordSink) error {
			for i := range n {
				if err := sink.Record("users", inventory.UserRecord{ID: int64(i + 1), Username: strings.Repeat("u", 1000)}); err != nil {
					return err
				}
			}
			return err
		}
	}
	env := Env{Stdout: new(bytes.Buffer)}
	for _, f := range []string{keep, filepath.Join(dir, "new.ndjson")} {
		// 5000 records of 1 kB: past the 1 MiB buffer, so bytes reach the file.
		if err := writeRecords(env, f, "json", produce(5000, fail)); !errors.Is(err, fail) {
			t.Fatalf("%s: err = %v", f, err)
		}
	}
	if b, _ := os.ReadFile(keep); string(b) != `{"precious":true}` {
		t.Fatalf("keep.json after a failed write: %.40q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("a failed write left %d files, want keep.json alone", len(ents))
	}
	if err := writeRecords(env, keep, "json", produce(2, nil)); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(keep)
	if !strings.Contains(string(b), `"users"`) {
		t.Fatalf("keep.json after a successful write: %.40q", b)
	}
	if fi, err := os.Stat(keep); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after replace: %v %v, want 0600", fi.Mode(), err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("a successful write left %d files, want keep.json alone", len(ents))
	}
	// Not a regular file: written in place, as before.
	if err := writeRecords(env, os.DevNull, "ndjson", produce(2, nil)); err != nil {
		t.Errorf("%s: %v", os.DevNull, err)
	}
}

// TestImportRedactsPassword: the summary of a PostgreSQL import printed
// the URL with its password. PostgreSQL is stood in for by SQLite.
func TestImportRedactsPassword(t *testing.T) {
	dir := t.TempDir()
	saved := openPostgres
	t.Cleanup(func() { openPostgres = saved })
	openPostgres = func(ctx context.Context, _ string) (inventory.Store, error) {
		return sqlite.Open(ctx, filepath.Join(dir, "pg.db"))
	}
	doc := filepath.Join(dir, "a.json")
	if err := os.WriteFile(doc, []byte(`{"users":[{"id":1,"username":"a"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dsn := range []string{"postgres://postgres:hunter2@127.0.0.1:5432/db?sslmode=disable",
		"postgresql://postgres@127.0.0.1/db?password=hunter2&sslmode=disable"} {
		var out bytes.Buffer
		if err := Run(context.Background(), Env{Args: []string{"import", "--db", dsn, doc}, Stdout: &out, Stderr: &out}); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), "hunter2") || !strings.Contains(out.String(), "127.0.0.1") {
			t.Errorf("import --db %s printed %q", dsn, out.String())
		}
	}
	for dsn, want := range map[string]string{
		"x.db":                         "x.db",
		"postgres://u:p@h/db":          "postgres://u:xxxxx@h/db",
		"postgres://u@h/db?password=p": "postgres://u@h/db?password=xxxxx",
	} {
		if got := redactDSN(dsn); got != want {
			t.Errorf("redactDSN(%q) = %q, want %q", dsn, got, want)
		}
	}
}

// TestBarLineFitsTheTerminal: the redrawn bar never reaches the last
// column of the terminal, whatever its width (a fixed 30-column bar made
// 95-106-column lines, which wrap on an 80-column terminal and leave a
// stale row behind on every redraw), and is padded to overwrite a longer
// line before it.
func TestBarLineFitsTheTerminal(t *testing.T) {
	for _, cols := range []int{0, 12, 40, 60, 80, 100, 200} {
		line := barLine(cols, 0.57, 1132374, 981981, 107496, "0:00:07")
		want := cols - 1
		if cols == 0 {
			want = 79
		}
		if len(line) != want {
			t.Errorf("%d columns: a line of %d (%q)", cols, len(line), line)
		}
		if cols >= 40 && !strings.Contains(line, "ETA 0:00:07") {
			t.Errorf("%d columns: no ETA in %q", cols, line)
		}
		if cols >= 80 && !strings.Contains(line, "981,981") {
			t.Errorf("%d columns: no items in %q", cols, line)
		}
		if cols >= 100 && !strings.Contains(line, "1,132,374 rows") {
			t.Errorf("%d columns: no rows in %q", cols, line)
		}
	}
	// Counts in the hundreds of millions cut the line from its end: the
	// ETA, first, stays.
	for _, cols := range []int{40, 80, 100} {
		if line := barLine(cols, 0.5, 123456789, 123456789, 1234567, "1:02:03"); !strings.Contains(line, "ETA 1:02:03") {
			t.Errorf("%d columns, large counts: no ETA in %q", cols, line)
		}
	}
}

// TestServeLocalCutShort: in-process (admin --db), an answer the handler
// cuts short (an export whose store fails after its 200) is an error, not
// a panic and not a whole answer.
func TestServeLocalCutShort(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"users":[`))
		panic(http.ErrAbortHandler)
	})
	req := httptest.NewRequest("GET", "/admin/v1/export", nil)
	if _, _, err := serveLocal(h, req); err == nil {
		t.Fatal("a cut answer came back whole")
	}
}
