package api

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

func benchPages(n int) (pageBody[inventoryItem], pageBody[assetOwner], pageBody[userAssetItemV2]) {
	cur := "eyJrIjpbMCwxMjM0NTY3ODldLCJvIjoxLCJiIjpmYWxzZSwibiI6MiwiZCI6ImludmVudG9yeSIsImMiOjEwfQ.c2lnbmF0dXJl"
	tm := robloxTime(time.Date(2020, 1, 2, 3, 4, 5, 6e6, time.UTC))
	serial := int64(17)
	var inv pageBody[inventoryItem]
	var own pageBody[assetOwner]
	var v2 pageBody[userAssetItemV2]
	inv.NextPageCursor, own.NextPageCursor, v2.NextPageCursor = &cur, &cur, &cur
	for i := range n {
		inv.Data = append(inv.Data, inventoryItem{UserAssetID: int64(1e9 + i), AssetID: 20000001, AssetName: fmt.Sprintf("Bench Hat %d", i),
			SerialNumber: &serial, Owner: userModel{UserID: 1000001, Username: "user_1000001", Membership: 4}, Created: tm, Updated: tm})
		own.Data = append(own.Data, assetOwner{ID: int64(1e9 + i), SerialNumber: &serial,
			Owner: &relatedEntity{ID: 1000001, Type: "User", Name: "user_1000001"}, Created: tm, Updated: tm})
		v2.Data = append(v2.Data, userAssetItemV2{AssetID: int64(20000001 + i), Name: fmt.Sprintf("Bench Hat %d", i), AssetType: "Hat", Created: tm})
	}
	return inv, own, v2
}

// BenchmarkEncodePage compares the page appenders with encoding/json.
func BenchmarkEncodePage(b *testing.B) {
	for _, n := range []int{10, 100} {
		inv, own, v2 := benchPages(n)
		for _, c := range []struct {
			name string
			v    pageAppender
		}{{"inventoryItem", inv}, {"assetOwner", own}, {"userAssetItemV2", v2}} {
			b.Run(fmt.Sprintf("%s/%d/append", c.name, n), func(b *testing.B) {
				b.ReportAllocs()
				buf := make([]byte, 0, 4096)
				for b.Loop() {
					buf, _ = c.v.appendJSON(buf[:0])
				}
			})
			b.Run(fmt.Sprintf("%s/%d/encoding-json", c.name, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := json.Marshal(c.v); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
