package inventory_test

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/generate"
	"github.com/inventoryd/inventoryd/internal/inventory"
)

// BenchmarkNDJSONReader measures the parsing side of a bulk import alone:
// NDJSONReader over a generated stream of 200,000 owned copies (and the
// users, social graph and catalog around them), held in memory.
//
//	go test -run='^$' -bench=NDJSONReader ./internal/inventory/
func BenchmarkNDJSONReader(b *testing.B) {
	var buf bytes.Buffer
	if _, err := generate.Generate(generate.Config{Seed: 1, Users: 4000, Assets: 1000, ItemsPerUser: 50}, inventory.NewNDJSONWriter(&buf)); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := inventory.NewNDJSONReader(bytes.NewReader(data), time.Now(), 0)
		lines := 0
		for {
			f, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			lines += len(f.UserAssets)
		}
		if lines == 0 {
			b.Fatal("no copies read")
		}
	}
	b.ReportMetric(float64(r0lines(data))*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

func r0lines(data []byte) int { return bytes.Count(data, []byte{'\n'}) }
