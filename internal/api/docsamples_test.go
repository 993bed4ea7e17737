package api_test

import (
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/inventoryd/inventoryd/internal/storetest"
)

// docSample returns the first indented block of a Markdown file whose
// lines start with "{": a document's sample stream.
func docSample(t *testing.T, file string) string {
	t.Helper()
	md, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, line := range strings.Split(string(md), "\n") {
		if rest, ok := strings.CutPrefix(line, "    "); ok && strings.HasPrefix(rest, "{") {
			b.WriteString(rest + "\n")
		} else if b.Len() > 0 {
			break
		}
	}
	if b.Len() == 0 {
		t.Fatalf("%s: no sample stream", file)
	}
	return b.String()
}

// TestBulkImportDocSample: the sample stream at the top of
// docs/bulk-import.md imports, as it stands, into an empty store (an
// import refuses a reference to a row the store and the stream lack, such
// as an unknown creator).
func TestBulkImportDocSample(t *testing.T) {
	sample := docSample(t, "../../docs/bulk-import.md")
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		a := newAdm(t, open, adminKey)
		req := httptest.NewRequest("POST", "/admin/v1/fixtures", strings.NewReader(sample))
		req.Header.Set("Authorization", "Bearer "+adminKey)
		req.Header.Set("Content-Type", "application/x-ndjson")
		rec := httptest.NewRecorder()
		a.h.ServeHTTP(rec, req)
		r := a.must(admResp{rec.Code, rec.Body.Bytes(), rec.Header()}, 200)
		if m := r.obj(t); m["records"] != float64(strings.Count(sample, "\n")) || m["userAssets"] != 1.0 {
			t.Errorf("imported %s, want every line of the sample:\n%s", r.body, sample)
		}
		ua := a.must(a.call("GET", "/admin/v1/user-assets/510938272", ""), 200).obj(t)
		if o := ua["owner"].(map[string]any); o["id"] != 156.0 || ua["serialNumber"] != 149.0 {
			t.Errorf("imported copy %v", ua)
		}
	})
}
