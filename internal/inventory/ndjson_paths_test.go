package inventory_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// TestNDJSONReferenceErrorsNameTheLine: the store's reference checks name
// the stream's line, as "line N: path: ...", for every kind of record.
func TestNDJSONReferenceErrorsNameTheLine(t *testing.T) {
	const head = `{"kind":"user","id":1,"username":"a"}` + "\n"
	for _, c := range []struct{ line, want string }{
		{`{"kind":"friendship","userId":1,"friendId":5}`, "line 2: friendships.friendId: unknown user 5"},
		{`{"kind":"follow","followerId":5,"followingId":1}`, "line 2: follows.followerId: unknown user 5"},
		{`{"kind":"session","userId":5,"cookie":"c"}`, "line 2: sessions.userId: unknown user 5"},
		{`{"kind":"userItem","userId":1,"itemType":"Badge","itemId":5}`, "line 2: userItems.itemId: unknown badge 5"},
		{`{"kind":"asset","id":9,"name":"p","assetType":"Package","creator":{"type":"User","id":1},"packageAssetIds":[6]}`, "line 2: assets.packageAssetIds[0]: unknown asset 6"},
		{`{"kind":"userAsset","assetId":123,"owner":{"type":"User","id":1}}`, "line 2: assetId: unknown asset 123"},
		{`{"kind":"userPlace","userId":1,"placesTab":"Purchased","placeId":9}`, "line 2: userPlaces.placeId: unknown place 9"},
		{`{"kind":"collection","userId":1,"itemType":"Asset","itemId":123}`, "line 2: collections.itemId: unknown asset 123"},
		{`{"kind":"collection","userId":5,"itemType":"Asset","itemId":123}`, "line 2: collections.userId: unknown user 5"},
	} {
		st := storetest.SQLite(t)
		rd := inventory.NewNDJSONReader(strings.NewReader(head+c.line+"\n"), time.Now(), 0)
		_, err := st.ImportStream(context.Background(), rd.Next, nil)
		if err == nil || !strings.HasSuffix(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.line, err, c.want)
		}
	}
	// A copy's owner, after the copy of a known asset.
	st := storetest.SQLite(t)
	in := head + `{"kind":"asset","id":3,"name":"h","assetType":"Hat","creator":{"type":"User","id":1}}` + "\n" +
		`{"kind":"userAsset","assetId":3,"owner":{"type":"User","id":5}}` + "\n"
	_, err := st.ImportStream(context.Background(), inventory.NewNDJSONReader(strings.NewReader(in), time.Now(), 0).Next, nil)
	if want := "line 3: owner.id: unknown user 5"; err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("err = %v, want %q", err, want)
	}
}
