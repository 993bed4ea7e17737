package inventorytest

import (
	"bytes"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// retiredCopies: a revoked copy's userAssetId and serial are never given
// again, also in a store its export is imported into (the export's
// retiredCopies), whether the export is a document or a stream; the
// export re-imports to the same export, into a fresh store and into its
// own; a document cannot retire a live copy.
func (s *suite) retiredCopies(t *testing.T) {
	st := s.example(t)
	var top inventory.UserAsset
	for range 3 {
		ua, err := st.Grant(bg, inventory.GrantRequest{AssetID: crownAsset, Owner: user2003})
		must(t, err)
		top = ua
	}
	_, err := st.Revoke(bg, top.ID, nil)
	must(t, err)
	export := func(st inventory.Store) (doc, stream []byte) {
		var d, n bytes.Buffer
		dw, nw := inventory.NewDocumentWriter(&d), inventory.NewNDJSONWriter(&n)
		must(t, st.Export(bg, dw))
		must(t, dw.Close())
		must(t, st.Export(bg, nw))
		return d.Bytes(), n.Bytes()
	}
	doc, stream := export(st)
	if !bytes.Contains(stream, []byte(`{"kind":"retiredCopy","userAssetId":`)) {
		t.Fatalf("the export names no retired copy:\n%s", stream)
	}
	for _, form := range []string{"document", "stream"} {
		t.Run(form, func(t *testing.T) {
			fresh := s.open(t)
			if form == "document" {
				f, err := inventory.ParseFixture(bytes.NewReader(doc), time.Now())
				must(t, err)
				must(t, fresh.Import(bg, f))
			} else {
				_, err := fresh.ImportStream(bg, inventory.NewNDJSONReader(bytes.NewReader(stream), time.Now(), 3).Next, nil)
				must(t, err)
			}
			d2, n2 := export(fresh)
			eq(t, "document export after the round trip", string(d2), string(doc))
			eq(t, "stream export after the round trip", string(n2), string(stream))
			ua, err := fresh.Grant(bg, inventory.GrantRequest{AssetID: crownAsset, Owner: user261})
			must(t, err)
			if ua.ID <= top.ID || *ua.Serial <= *top.Serial {
				t.Fatalf("after the round trip a grant got userAssetId %d, serial %d; the revoked copy had %d, %d",
					ua.ID, *ua.Serial, top.ID, *top.Serial)
			}
		})
	}
	// Into the store it came from: the retired copies are known there.
	f, err := inventory.ParseFixture(bytes.NewReader(doc), time.Now())
	must(t, err)
	f.Hash = ""
	must(t, st.Import(bg, f))
	d3, _ := export(st)
	eq(t, "export after importing its own export", string(d3), string(doc))
	wantErr(t, st.Import(bg, parse(t, `{"retiredCopies": [{"userAssetId": 510938272, "assetId": 48159815, "serialNumber": 149}]}`)),
		inventory.KindInvalid, "retiredCopies[0].userAssetId: copy 510938272 exists (owned by User 156), so it cannot be retired")
}
