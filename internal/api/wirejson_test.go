package api

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"
)

// TestAppendersMatchEncodingJSON checks that the hand-written appenders
// write exactly what marshalJSON (encoding/json with Newtonsoft's
// escaping) writes.
func TestAppendersMatchEncodingJSON(t *testing.T) {
	strs := []string{"", "plain", `quote " and \ backslash`, "<script>&amp;</script>", "tab\tnl\ncr\rbs\bff\f",
		"\x00\x01\x1f\x7f", "héllo wörld ☃ 🎩", "bad \xff\xfe utf8 \xc3", "line\u2028sep\u2029", "next\u0085line", "Bench Hat 42", "A & B <i> 'q'"}
	n := int64(42)
	neg := int64(-7)
	tm := robloxTime(time.Date(2024, 2, 29, 23, 59, 58, 123456789, time.FixedZone("x", 3600)))
	zero := robloxTime(time.Time{})
	check := func(name string, v any) {
		t.Helper()
		want, err := marshalJSON(v)
		if err != nil {
			t.Fatal(err)
		}
		var got []byte
		switch x := v.(type) {
		case pageAppender:
			var ok bool
			got, ok = x.appendJSON(nil)
			if !ok {
				t.Fatalf("%s: no appender", name)
			}
		case jsonAppender:
			got = x.appendJSON(nil)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
	for _, s := range strs {
		s := s
		owner := &relatedEntity{ID: n, Type: "User", Name: s}
		check("assetOwner", &assetOwner{ID: n, CollectibleItemInstanceID: &s, SerialNumber: &neg, Owner: owner, Created: tm, Updated: zero})
		check("assetOwner nil", &assetOwner{ID: 0, Created: zero, Updated: tm})
		check("userAssetItemV2", &userAssetItemV2{AssetID: n, Name: s, AssetType: "Hat", Created: tm})
		check("inventoryItem", &inventoryItem{UserAssetID: n, AssetID: -n, AssetName: s, CollectibleItemID: &s, CollectibleItemInstanceID: nil,
			SerialNumber: &n, Owner: userModel{UserID: 1, Username: s, Membership: 4}, Created: tm, Updated: tm, ExpireAt: &tm})
		check("inventoryItem nil", &inventoryItem{Created: zero, Updated: zero})
		check("collectibleUserAsset", &collectibleUserAsset{UserAssetID: n, SerialNumber: &n, AssetID: n, Name: s, RecentAveragePrice: &n, IsOnHold: true})
		check("collectibleUserAsset nil", &collectibleUserAsset{Name: s})
		check("collectibleItemOwner", &collectibleItemOwner{CollectibleItemInstanceID: &s, SerialNumber: &n, Owner: owner})
		check("collectibleItemOwner nil", &collectibleItemOwner{})
		check("itemModel", &itemModel{ID: n, Name: s, Type: "Asset", InstanceID: &n})
		check("itemModel nil", &itemModel{Name: s})
		check("page", pageBody[userAssetItemV2]{PreviousPageCursor: &s, Data: []userAssetItemV2{{AssetID: 1, Name: s, Created: tm}, {AssetID: 2, Created: zero}}})
		check("page empty", pageBody[inventoryItem]{NextPageCursor: &s, Data: []inventoryItem{}})
		check("page nil", pageBody[assetOwner]{})
		check("page items", pageBody[itemModel]{Data: []itemModel{{ID: 1, Name: s, Type: "Asset"}}})
	}
}

func TestAppendTimeLayout(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	times := []time.Time{{}, time.Unix(0, 0), time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 2, 28, 7, 8, 9, 5_000_000, time.FixedZone("x", 3600))}
	for range 100_000 {
		times = append(times, time.UnixMilli(rng.Int64N(1<<45)-1<<44).Add(time.Duration(rng.IntN(1e6))))
	}
	for _, tm := range times {
		u := tm.UTC()
		if got, want := string(appendTimeLayout(nil, u)), u.Format(timeLayout); got != want {
			t.Fatalf("%v: %s, want %s", tm, got, want)
		}
	}
}
