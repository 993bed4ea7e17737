package inventorytest

import (
	"testing"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// streamClashes: a stream whose copies share a serial number of an asset,
// or a collectibleItemInstanceId, with each other or with a copy in the
// store is refused, with the same words on every store, naming the
// serial and asset or the instance id, and nothing of it is kept.
func (s *suite) streamClashes(t *testing.T) {
	if s.o.NoGlobalCopyUniqueness {
		t.Skip("the store does not enforce serials and instance ids across owners")
	}
	const (
		serialMsg   = "userAssets: serialNumber 149 of asset 48159815 is given to two copies"
		instanceMsg = "userAssets: collectibleItemInstanceId a8a27d38-ee51-4cf4-8b0a-485d0dfd8607 is given to two copies"
	)
	stream := func(t *testing.T, st inventory.Store, docs ...string) error {
		var fs []*inventory.Fixture
		for _, d := range docs {
			fs = append(fs, parse(t, d))
		}
		return loads["ImportStream"](st, fs...)
	}
	for _, c := range []struct{ name, doc, want string }{
		{"serial in the store", `{"userAssets": [{"userAssetId": 990001, "assetId": 48159815, "owner": {"type": "User", "id": 2003}, "serialNumber": 149}]}`, serialMsg},
		{"instance id in the store", `{"userAssets": [{"userAssetId": 990001, "assetId": 9000001, "owner": {"type": "User", "id": 2003}, "serialNumber": 9,
			"collectibleItemInstanceId": "a8a27d38-ee51-4cf4-8b0a-485d0dfd8607"}]}`, instanceMsg},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := s.example(t)
			wantErr(t, stream(t, st, c.doc), inventory.KindInvalid, c.want)
			_, err := st.UserAsset(bg, 990001)
			wantKind(t, err, inventory.KindNotFound)
		})
	}
	// Into an empty store (SQLite builds the indexes at the end, and finds
	// the clash then); a stream may repeat a copy's id (an upsert), so the
	// two copies have ids of their own.
	base := `{"users": [{"id": 1, "username": "a"}],
		"assets": [{"id": 48159815, "name": "Shadow Dancer", "assetType": "Hat", "creator": {"type": "User", "id": 1}, "isLimitedUnique": true},
			{"id": 9000001, "name": "UGC Crown", "assetType": "Hat", "creator": {"type": "User", "id": 1},
			 "collectibleItemId": "5e4b3c2a-1d0f-4e9a-8b7c-6d5e4f3a2b1c"}],
		"userAssets": [%s]}`
	// (A document refuses a repeated instance id itself: the second copy
	// comes in a second part of the stream.)
	for _, c := range []struct{ name, copies, more, want string }{
		{"serial twice", `{"userAssetId": 1, "assetId": 48159815, "owner": {"type": "User", "id": 1}, "serialNumber": 149},
			{"userAssetId": 2, "assetId": 48159815, "owner": {"type": "User", "id": 1}, "serialNumber": 149}`, "", serialMsg},
		{"instance id twice", `{"userAssetId": 1, "assetId": 9000001, "owner": {"type": "User", "id": 1}, "serialNumber": 1,
			"collectibleItemInstanceId": "a8a27d38-ee51-4cf4-8b0a-485d0dfd8607"}`,
			`{"userAssets": [{"userAssetId": 2, "assetId": 9000001, "owner": {"type": "User", "id": 1}, "serialNumber": 2,
			"collectibleItemInstanceId": "a8a27d38-ee51-4cf4-8b0a-485d0dfd8607"}]}`, instanceMsg},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := s.open(t)
			docs := []string{fmtDoc(base, c.copies)}
			if c.more != "" {
				docs = append(docs, c.more)
			}
			wantErr(t, stream(t, st, docs...), inventory.KindInvalid, c.want)
			empty, err := st.Empty(bg)
			must(t, err)
			eq(t, "empty after the refused stream", empty, true)
		})
	}
}

func fmtDoc(base, copies string) string {
	i := 0
	for ; i+1 < len(base); i++ {
		if base[i] == '%' && base[i+1] == 's' {
			break
		}
	}
	return base[:i] + copies + base[i+2:]
}
