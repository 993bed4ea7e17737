package inventory

import (
	"bytes"
	"strings"
	"testing"
)

// TestRecordsEscapeLikeTheAPI: fixture documents and streams leave &, <
// and > in strings as they are, as the API's bodies do, and still escape
// what JSON needs.
func TestRecordsEscapeLikeTheAPI(t *testing.T) {
	rec := AssetRecord{ID: 1, Name: "A & B <i>\"q\"\n\u0085\u2028", AssetType: "Hat"}
	type sink interface {
		RecordSink
		Close() error
	}
	for name, w := range map[string]func(*bytes.Buffer) sink{
		"document": func(b *bytes.Buffer) sink { return NewDocumentWriter(b) },
		"ndjson":   func(b *bytes.Buffer) sink { return NewNDJSONWriter(b) },
	} {
		var buf bytes.Buffer
		sink := w(&buf)
		for range 2 { // the encoder is reused
			if err := sink.Record("assets", rec); err != nil {
				t.Fatal(err)
			}
		}
		if err := sink.Close(); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if n := strings.Count(out, `"name":"A & B <i>\"q\"\n\u0085\u2028"`); n != 2 {
			t.Errorf("%s: %d records with the name as the API writes it:\n%s", name, n, out)
		}
	}
}
