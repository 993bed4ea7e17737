package sqlstore_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/generate"
	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/sqlite"
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
