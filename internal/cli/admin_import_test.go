package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAdminImportTellsAStreamByItsFirstLine: `admin import FILE` takes a
// file whose first line is a record with a "kind" as a stream, whatever
// its name, as standard input already was (docs/admin-api.md), a leading
// byte order mark included.
func TestAdminImportTellsAStreamByItsFirstLine(t *testing.T) {
	dir := t.TempDir()
	stream := `{"kind":"user","id":1,"username":"a"}` + "\n" + `{"kind":"group","id":7,"name":"g"}` + "\n"
	for name, body := range map[string]string{"k4.json": stream, "k.txt": stream, "bom.json": "\uFEFF" + stream} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		db := filepath.Join(dir, name+".db")
		if out, err := run(t, "admin", "--db", db, "import", p); err != nil {
			t.Fatalf("admin import %s: %v %s", name, err, out)
		}
		if got := mustRun(t, "export", "--db", db); !strings.Contains(got, `"username":"a"`) || !strings.Contains(got, `"name":"g"`) {
			t.Errorf("admin import %s: export %s", name, got)
		}
	}
	// A document is still a document, its first line not a whole record.
	doc := filepath.Join(dir, "doc.json")
	if err := os.WriteFile(doc, []byte("{\n\"users\":[{\"id\":2,\"username\":\"b\"}]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "admin", "--db", filepath.Join(dir, "doc.db"), "import", doc)
}
