package sqlstore_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
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
	// Generated sets have no collections: add some, out of id order, which
	// the stream import and both round trips must keep.
	user := int64(generate.UserIDBase + 3)
	coll := []inventory.CollectionItem{{Type: inventory.ItemAsset, ItemID: generate.AssetIDBase + 40},
		{Type: inventory.ItemBundle, ItemID: generate.BundleIDBase + 1}, {Type: inventory.ItemAsset, ItemID: generate.AssetIDBase + 7},
		{Type: inventory.ItemAsset, ItemID: generate.AssetIDBase + 21}, {Type: inventory.ItemBundle, ItemID: generate.BundleIDBase}}
	fh, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range coll {
		fmt.Fprintf(fh, "{\"kind\":\"collection\",\"userId\":%d,\"itemType\":%q,\"itemId\":%d}\n", user, it.Type.String(), it.ItemID)
	}
	fmt.Fprintf(fh, "{\"kind\":\"collection\",\"userId\":%d,\"itemType\":\"Asset\",\"itemId\":%d}\n", user+1, generate.AssetIDBase+2)
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}
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
		if got, err := a.CollectionItems(ctx, user); err != nil || !slices.Equal(got, coll) {
			t.Fatalf("collection after the stream import %v (%v), want the stream's order %v", got, err, coll)
		}
		doc := exportOf(t, a)

		b := open(t)
		importDoc(t, b, doc)
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

// TestCollectionOrderRoundTrip: a profile collection is listed in the
// order its items were added, and that order survives export and import:
// the document and the NDJSON stream (here in batches smaller than a
// collection) re-import to the same export, and a later document appends
// to a collection in its own order.
func TestCollectionOrderRoundTrip(t *testing.T) {
	const base = `{"users":[{"id":1,"username":"one"},{"id":2,"username":"two"}],
		"assets":[` + `{"id":100,"name":"a","assetType":"Hat","creator":{"type":"User","id":1}},
		{"id":200,"name":"b","assetType":"Hat","creator":{"type":"User","id":1}},
		{"id":300,"name":"c","assetType":"Hat","creator":{"type":"User","id":1}},
		{"id":400,"name":"d","assetType":"Hat","creator":{"type":"User","id":1}}],
		"bundles":[{"id":7,"name":"e","bundleType":"BodyParts"}]}`
	asset := func(id int64) inventory.CollectionItem {
		return inventory.CollectionItem{Type: inventory.ItemAsset, ItemID: id}
	}
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		want := map[int64][]inventory.CollectionItem{
			1: {asset(400), asset(300), {Type: inventory.ItemBundle, ItemID: 7}, asset(200), asset(100)},
			2: {asset(200), asset(400)},
		}
		checkOrder := func(t *testing.T, st inventory.Store, what string) {
			t.Helper()
			for user, items := range want {
				if got, err := st.CollectionItems(ctx, user); err != nil || !slices.Equal(got, items) {
					t.Fatalf("%s: collection of user %d is %v (%v), want %v", what, user, got, err, items)
				}
			}
		}
		a := open(t)
		importDoc(t, a, base)
		// Added one by one, a millisecond apart, as through the public API.
		clock, ok := a.(interface{ SetClock(func() time.Time) })
		if !ok {
			t.Fatalf("%T has no SetClock", a)
		}
		tick := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
		clock.SetClock(func() time.Time { tick = tick.Add(time.Millisecond); return tick })
		for _, user := range []int64{2, 1} {
			for _, it := range want[user] {
				if err := a.AddCollectionItem(ctx, user, it, 100); err != nil {
					t.Fatal(err)
				}
			}
		}
		clock.SetClock(time.Now)
		checkOrder(t, a, "added")
		doc := exportOf(t, a)
		parsed, err := inventory.ParseFixture(strings.NewReader(doc), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		var listed []inventory.CollectionItem
		for _, c := range parsed.Collections {
			if c.UserID == 1 {
				listed = append(listed, c.Item)
			}
		}
		if !slices.Equal(listed, want[1]) {
			t.Fatalf("export lists %v, want %v", listed, want[1])
		}

		b := open(t)
		if err := b.Import(ctx, parsed); err != nil {
			t.Fatal(err)
		}
		checkOrder(t, b, "document import")
		if got := exportOf(t, b); got != doc {
			t.Fatalf("document round trip differs:\n%s\nwant\n%s", got, doc)
		}

		var nd strings.Builder
		if err := a.Export(ctx, inventory.NewNDJSONWriter(&nd)); err != nil {
			t.Fatal(err)
		}
		c := open(t)
		rd := inventory.NewNDJSONReader(strings.NewReader(nd.String()), time.Now(), 3)
		if _, err := c.ImportStream(ctx, rd.Next, nil); err != nil {
			t.Fatal(err)
		}
		checkOrder(t, c, "stream import")
		if got := exportOf(t, c); got != doc {
			t.Fatalf("NDJSON round trip differs:\n%s\nwant\n%s", got, doc)
		}

		// A later document appends, in its order, after what is stored.
		more, err := inventory.ParseFixture(strings.NewReader(`{"collections":[{"userId":2,"itemType":"Asset","itemId":300},
			{"userId":2,"itemType":"Bundle","itemId":7},{"userId":2,"itemType":"Asset","itemId":100}]}`), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Import(ctx, more); err != nil {
			t.Fatal(err)
		}
		want[2] = append(want[2], asset(300), inventory.CollectionItem{Type: inventory.ItemBundle, ItemID: 7}, asset(100))
		checkOrder(t, b, "second document")
	})
}
