package sqlstore_test

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/generate"
	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/inventory/inventorytest"
	"github.com/inventoryd/inventoryd/internal/sqlite"
	"github.com/inventoryd/inventoryd/internal/sqlstore"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// writeNDJSON generates a data set into a file and returns its path.
func writeNDJSON(tb testing.TB, cfg generate.Config) (string, generate.Stats) {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "data.ndjson")
	fh, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(fh, 1<<20)
	st, err := generate.Generate(cfg, inventory.NewNDJSONWriter(w))
	if err != nil {
		tb.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		tb.Fatal(err)
	}
	return p, st
}

// BenchmarkBulkImport measures the streaming import of a generated data
// set into a fresh SQLite store: parse and load pipelined, as
// `inventoryd import FILE.ndjson` does. INVENTORYD_BENCH_ITEMS sets the
// number of owned copies (default 200000); docs/performance.md has the
// figures at 1M and 10M and the command for peak memory.
//
//	go test -run='^$' -bench=BulkImport -benchtime=1x ./internal/sqlstore/
func BenchmarkBulkImport(b *testing.B) {
	items := 200_000
	if v := os.Getenv("INVENTORYD_BENCH_ITEMS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatal(err)
		}
		items = n
	}
	users := max(items/50, 10)
	path, gst := writeNDJSON(b, generate.Config{Seed: 1, Users: users, Assets: max(users/4, 10), ItemsPerUser: float64(items) / float64(users)})
	ctx := context.Background()
	b.ResetTimer()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		fh, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		r := inventory.NewNDJSONReader(bufio.NewReaderSize(fh, 1<<20), time.Now(), 0)
		if _, err := st.ImportStream(ctx, inventory.Prefetch(ctx, r.Next, 4), nil); err != nil {
			b.Fatal(err)
		}
		total += time.Since(t0)
		b.StopTimer()
		fh.Close()
		st.Close()
	}
	b.ReportMetric(float64(gst.UserAssets)*float64(b.N)/total.Seconds(), "copies/s")
	b.ReportMetric(float64(gst.UserAssets), "copies")
}

// exportOf returns the store's export as a fixture document.
func exportOf(t *testing.T, st inventory.Store) string {
	t.Helper()
	var buf strings.Builder
	w := inventory.NewDocumentWriter(&buf)
	if err := st.Export(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func importNDJSON(t *testing.T, st inventory.Store, r io.Reader) (inventory.BulkProgress, error) {
	t.Helper()
	rd := inventory.NewNDJSONReader(r, time.Now(), 500)
	return st.ImportStream(context.Background(), rd.Next, nil)
}

// TestGeneratedRoundTrip: a generated data set, streamed in (through the
// index-rebuild path), exported as a document, imported into a fresh
// store and exported again gives the same document; and the NDJSON export
// streams back to the same state.
func TestGeneratedRoundTrip(t *testing.T) {
	defer func(v int64) { *sqlstore.BulkDropIndexesAt = v }(*sqlstore.BulkDropIndexesAt)
	*sqlstore.BulkDropIndexesAt = 300
	path, gst := writeNDJSON(t, generate.Config{Seed: 7, Users: 100, Assets: 60, ItemsPerUser: 10})
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		a := open(t)
		fh, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		st, err := importNDJSON(t, a, fh)
		if err != nil {
			t.Fatal(err)
		}
		if st.UserAssets != gst.UserAssets || st.UserAssets < 600 {
			t.Fatalf("loaded %d copies, generated %d", st.UserAssets, gst.UserAssets)
		}
		doc := exportOf(t, a)

		b := open(t)
		f, err := inventory.ParseFixture(strings.NewReader(doc), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Import(ctx, f); err != nil {
			t.Fatal(err)
		}
		if got := exportOf(t, b); got != doc {
			t.Fatalf("document round trip differs (%d vs %d bytes)", len(got), len(doc))
		}

		var nd strings.Builder
		if err := a.Export(ctx, inventory.NewNDJSONWriter(&nd)); err != nil {
			t.Fatal(err)
		}
		c := open(t)
		if _, err := importNDJSON(t, c, strings.NewReader(nd.String())); err != nil {
			t.Fatal(err)
		}
		if got := exportOf(t, c); got != doc {
			t.Fatalf("NDJSON round trip differs")
		}
		// Every copy has its import row in the ledger.
		h, err := c.History(ctx, generate.UserAssetIDBase+1)
		if err != nil || len(h) != 1 || h[0].Op != inventory.LedgerImport {
			t.Fatalf("history %+v, %v", h, err)
		}
	})
}

// TestImportStreamAtomic: a stream that fails after many rows (past the
// index drop) leaves the store exactly as it was.
func TestImportStreamAtomic(t *testing.T) {
	defer func(v int64) { *sqlstore.BulkDropIndexesAt = v }(*sqlstore.BulkDropIndexesAt)
	*sqlstore.BulkDropIndexesAt = 200
	path, _ := writeNDJSON(t, generate.Config{Seed: 3, Users: 40, Assets: 30, ItemsPerUser: 10})
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		st := open(t)
		if err := st.Import(context.Background(), inventorytest.ExampleFixture(t)); err != nil {
			t.Fatal(err)
		}
		before := exportOf(t, st)
		for name, tail := range map[string]string{
			"bad reference": `{"kind":"userAsset","assetId":424242,"owner":{"type":"User","id":156}}`,
			"bad json":      `{"kind":"userAsset",`,
			"bad kind":      `{"kind":"spaceship"}`,
			"serial clash":  `{"kind":"userAsset","assetId":48159815,"owner":{"type":"User","id":156},"serialNumber":150}`,
			// Checked when the indexes are rebuilt (SQLite): migration
			// 0003 made the instance index one a load drops.
			"instance clash": `{"kind":"userAsset","assetId":9000001,"owner":{"type":"User","id":156},` +
				`"collectibleItemInstanceId":"a8a27d38-ee51-4cf4-8b0a-485d0dfd8607"}`,
		} {
			t.Run(name, func(t *testing.T) {
				_, err := importNDJSON(t, st, strings.NewReader(string(good)+tail+"\n"))
				if inventory.KindOf(err) != inventory.KindInvalid {
					t.Fatalf("got %v, want an invalid-input error", err)
				}
				if after := exportOf(t, st); after != before {
					t.Fatal("a failed stream changed the store")
				}
			})
		}
	})
}

// TestImportStreamRepeatsRows: a stream may give a user or a copy again a
// few lines later (an update); both stores take the last one. PostgreSQL
// refuses a multi-row upsert that touches a row twice, so the batch is
// flushed at a repeated id. The ledger rows of new copies are written as
// the load goes (here after every copy): a copy updated after its row was
// written still ends with one import row, of its last owner.
func TestImportStreamRepeatsRows(t *testing.T) {
	defer func(v int64) { *sqlstore.BulkDropIndexesAt = v }(*sqlstore.BulkDropIndexesAt)
	*sqlstore.BulkDropIndexesAt = 1
	stream := strings.Join([]string{
		`{"kind":"user","id":9001,"username":"first"}`,
		`{"kind":"user","id":9002,"username":"other"}`,
		`{"kind":"asset","id":77,"name":"Hat","assetType":"Hat","creator":{"type":"User","id":9001}}`,
		`{"kind":"userAsset","userAssetId":700,"assetId":77,"owner":{"type":"User","id":9001}}`,
		`{"kind":"userAsset","userAssetId":701,"assetId":77,"owner":{"type":"User","id":9001}}`,
		`{"kind":"user","id":9001,"username":"renamed"}`,
		`{"kind":"userAsset","userAssetId":700,"assetId":77,"owner":{"type":"User","id":9002}}`,
	}, "\n") + "\n"
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		st := open(t)
		// Chunks of 4 lines: within a chunk a repeat is a duplicate (one
		// document); across chunks it is an update, in the same batch.
		rd := inventory.NewNDJSONReader(strings.NewReader(stream), time.Now(), 4)
		if _, err := st.ImportStream(ctx, rd.Next, nil); err != nil {
			t.Fatal(err)
		}
		u, err := st.User(ctx, 9001)
		if err != nil || u.Name != "renamed" {
			t.Fatalf("user %+v, %v", u, err)
		}
		ua, err := st.UserAsset(ctx, 700)
		if err != nil || ua.Owner.ID != 9002 {
			t.Fatalf("copy %+v, %v", ua, err)
		}
		h, err := st.History(ctx, 700)
		if err != nil || len(h) != 1 || h[0].Op != inventory.LedgerImport || h[0].To == nil || h[0].To.ID != 9002 {
			t.Fatalf("history %+v, %v", h, err)
		}
		if h, err := st.History(ctx, 701); err != nil || len(h) != 1 || h[0].To == nil || h[0].To.ID != 9001 {
			t.Fatalf("history of 701 %+v, %v", h, err)
		}
	})
}
