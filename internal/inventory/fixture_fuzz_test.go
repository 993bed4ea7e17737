package inventory_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// FuzzParseFixture: ParseFixture never panics and refuses a document only
// with a KindInvalid error; a document it accepts imports into a SQLite
// store either completely or with a client-class error (invalid,
// conflict, not found), never a 5xx-class one (internal, unavailable),
// and importing it again is a no-op. One store serves every input of a
// worker, so documents meet the rows of earlier ones (id, serial and
// collectibleItemId conflicts).
func FuzzParseFixture(f *testing.F) {
	for _, p := range []string{"../demo/example.json", "../demo/more.json"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"users":null}`, `{"users":[null]}`, `{"unknown":[]}`, `{"users":{}}`,
		`{"users":[{"id":1,"username":"a"},{"id":1,"username":"b"}]}`,
		`{"users":[{"id":9007199254740991,"username":"max","created":"9999-12-31T23:59:59.999999999Z"}]}`,
		`{"users":[{"id":9007199254740992,"username":"over"}]}`,
		`{"users":[{"id":2,"username":"\u0000\ud800\uffff","displayName":"` + strings.Repeat("x", 2000) + `","inventoryPrivacy":3}]}`,
		`{"users":[{"id":3,"username":"t","created":"0000-01-01T00:00:00+14:00"}]}`,
		`{"users":[{"id":4,"username":"u","buildersClubMembershipType":4,"inventoryPrivacy":"noone","isBanned":true}]}`,
		`{"groups":[{"id":7,"name":"g"}],"assets":[{"id":10,"name":"a","assetType":"Hat","creator":{"type":"Group","id":7},
		  "collectibleItemId":"521CCA19-75BB-4E05-A0AF-633B1532C24D"}],"userAssets":[{"assetId":10,"owner":{"type":"Group","id":7},"serialNumber":1}]}`,
		`{"users":[{"id":5,"username":"v"}],"assets":[{"id":11,"name":"b","assetType":8,"creator":{"type":"User","id":5},"isLimitedUnique":true}],
		  "userAssets":[{"assetId":11,"owner":{"type":"User","id":5},"serialNumber":2},{"assetId":11,"owner":{"type":"User","id":5}},
		  {"userAssetId":9007199254740991,"assetId":11,"owner":{"type":"User","id":5},"holdUntil":"2999-01-01T00:00:00Z"}]}`,
		`{"assets":[{"id":12,"name":"c","assetType":"Package","creator":{"type":"User","id":1},"packageAssetIds":[12,12,99]}]}`,
		`{"users":[{"id":6,"username":"w"}],"gamePasses":[{"id":1,"name":"p","placeId":-1,"priceInRobux":-5}],
		  "userItems":[{"userId":6,"itemType":"GamePass","itemId":1,"instanceId":-9223372036854775808}]}`,
		`{"users":[{"id":8,"username":"x"}],"places":[{"placeId":1,"name":"pl","creator":{"type":"Experience","id":42}}],
		  "userPlaces":[{"userId":8,"placesTab":"Purchased","placeId":1},{"userId":8,"placesTab":3,"placeId":1}]}`,
		`{"users":[{"id":9,"username":"y"}],"bundles":[{"id":1,"name":"bu"}],"collections":[{"userId":9,"itemType":"Bundle","itemId":1},{"userId":9,"itemType":"Bundle","itemId":1}]}`,
		`{"users":[{"id":20,"username":"f1"},{"id":21,"username":"f2"}],"friendships":[{"userId":20,"friendId":21},{"userId":21,"friendId":20}],
		  "follows":[{"followerId":20,"followingId":21}],"sessions":[{"userId":20,"cookie":"c"},{"userId":21,"cookie":"c"}]}`,
		`{"users":[{"id":1e2,"username":"float"}]}`, `{"users":[{"id":"1","username":"str"}]}`, `{"users":[{"id":1,"username":"a","extra":1}]}`,
		"{\"users\":[{\"id\":1,\"username\":\"\xff\xfe\"}]}",
	} {
		f.Add([]byte(s))
	}
	st := storetest.SQLite(f)
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, doc []byte) {
		fx, err := inventory.ParseFixture(bytes.NewReader(doc), now)
		if err != nil {
			var de *inventory.Error
			if !errors.As(err, &de) || de.Kind != inventory.KindInvalid {
				t.Fatalf("ParseFixture refused with %T %v, want a KindInvalid error", err, err)
			}
			return
		}
		ctx := context.Background()
		if err := st.Import(ctx, fx); err != nil {
			switch inventory.KindOf(err) {
			case inventory.KindInvalid, inventory.KindConflict, inventory.KindNotFound:
				return // refused whole, with a message for the client
			}
			t.Fatalf("Import of an accepted document failed with a server-class error: %v\ndocument: %.2000s", err, doc)
		}
		if err := st.Import(ctx, fx); err != nil {
			t.Fatalf("importing the same document again: %v", err)
		}
		if err := st.Ping(ctx); err != nil {
			t.Fatalf("store unusable after an import: %v", err)
		}
	})
}
