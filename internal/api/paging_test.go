package api_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// walk follows nextPageCursor from the first page and returns the key field
// of every row, and the pages' cursors.
func (e *env) walk(t *testing.T, base, key string, opts ...reqOpt) (ids []float64, pages []page) {
	t.Helper()
	target := base
	for i := 0; i < 1000; i++ {
		p := e.page(target, opts...)
		if i == 0 && p.Prev != nil {
			t.Fatalf("first page has a previousPageCursor")
		}
		if p.Next != nil && *p.Next == "" || p.Prev != nil && *p.Prev == "" {
			t.Fatalf("empty-string cursor")
		}
		for _, r := range p.Data {
			ids = append(ids, r[key].(float64))
		}
		pages = append(pages, p)
		if p.Next == nil {
			return ids, pages
		}
		target = withCursor(base, *p.Next)
	}
	t.Fatal("no last page")
	return nil, nil
}

func TestPagingWalks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		endpoints := []struct {
			path, key string
			total     int
			session   string
		}{
			{"/v2/users/156/inventory/8", "userAssetId", 59, ""},
			{"/v2/users/156/inventory?assetTypes=Hat,Shirt,Pants,Decal,HairAccessory", "assetId", 63, ""},
			{"/v2/assets/48159815/owners", "id", 33, ""},
			{"/v1/users/156/assets/collectibles", "userAssetId", 3, ""},
			{"/v2/collectible-items/521cca19-75bb-4e05-a0af-633b1532c24d/owners", "serialNumber", 2, builderman},
		}
		for _, ep := range endpoints {
			for _, limit := range []int{10, 25, 50, 100} {
				t.Run(fmt.Sprintf("%s limit %d", ep.path, limit), func(t *testing.T) {
					e.t = t
					var opts []reqOpt
					if ep.session != "" {
						opts = append(opts, cookie(ep.session))
					}
					sep := "?"
					if strings.Contains(ep.path, "?") {
						sep = "&"
					}
					asc, pages := e.walk(t, fmt.Sprintf("%s%slimit=%d", ep.path, sep, limit), ep.key, opts...)
					if len(asc) != ep.total {
						t.Fatalf("walked %d rows, want %d", len(asc), ep.total)
					}
					if ep.key != "assetId" { // userAssetIds and serials are unique
						seen := map[float64]bool{}
						for _, id := range asc {
							if seen[id] {
								t.Fatalf("row %v twice", id)
							}
							seen[id] = true
						}
					}
					desc, _ := e.walk(t, fmt.Sprintf("%s%slimit=%d&sortOrder=Desc", ep.path, sep, limit), ep.key, opts...)
					slices.Reverse(desc)
					if !slices.Equal(asc, desc) {
						t.Fatalf("Desc is not the reverse of Asc:\n%v\n%v", asc, desc)
					}
					// Walking back with previousPageCursor returns the same pages.
					for i := len(pages) - 1; i > 0; i-- {
						back := e.page(withCursor(fmt.Sprintf("%s%slimit=%d", ep.path, sep, limit), *pages[i].Prev), opts...)
						if fmt.Sprint(back.Data) != fmt.Sprint(pages[i-1].Data) {
							t.Fatalf("previous of page %d differs from page %d", i+1, i)
						}
						if (back.Prev == nil) != (i-1 == 0) {
							t.Fatalf("page %d previousPageCursor %v", i, back.Prev)
						}
					}
				})
			}
		}
	})
}

func TestCursorBinding(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		p := e.page("/v2/users/156/inventory/8")
		next := *p.Next
		e.run(t, []call{
			{name: "same query", path: withCursor("/v2/users/156/inventory/8", next), want: 200, check: dataLen(10)},
			{name: "other limit is fine", path: withCursor("/v2/users/156/inventory/8?limit=25", next), want: 200, check: dataLen(25)},
			{name: "other user", path: withCursor("/v2/users/1/inventory/8", next), want: 400, code: 0},
			{name: "other type", path: withCursor("/v2/users/156/inventory/11", next), want: 400, code: 0},
			{name: "other sort order", path: withCursor("/v2/users/156/inventory/8?sortOrder=Desc", next), want: 400, code: 0},
			{name: "other endpoint", path: withCursor("/v1/users/156/assets/collectibles", next), want: 400, code: 0},
			{name: "tampered", path: withCursor("/v2/users/156/inventory/8", tamper(next)), want: 400, code: 0},
			{name: "truncated", path: withCursor("/v2/users/156/inventory/8", next[:len(next)/2]), want: 400, code: 0},
			{name: "garbage", path: "/v2/users/156/inventory/8?cursor=%00%ff", want: 400, code: 0},
			{name: "empty is first page", path: "/v2/users/156/inventory/8?cursor=", want: 200, check: func(t *testing.T, r resp) {
				if r.json(t)["previousPageCursor"] != nil {
					t.Fatal("empty cursor is not the first page")
				}
			}},
		})
	})
}

// TestCursorAfterChange: a cursor replayed after the data changed still
// pages from its position: a deleted row vanishes, nothing repeats.
func TestCursorAfterChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		p1 := e.page("/v2/users/156/inventory/11") // one shirt
		if len(p1.Data) != 1 || p1.Next != nil {
			t.Fatalf("shirts: %+v", p1)
		}
		p := e.page("/v2/users/156/inventory/8?limit=25")
		if r := e.csrf("DELETE", "/v2/inventory/asset/30000030", builderman); r.status != 200 {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
		p2 := e.page(withCursor("/v2/users/156/inventory/8?limit=25", *p.Next))
		if len(p2.Data) != 25 {
			t.Fatalf("page 2 after delete: %d rows", len(p2.Data))
		}
		for _, r := range p2.Data {
			if r["assetId"] == 30000030.0 {
				t.Fatal("deleted row listed")
			}
		}
	})
}

func tamper(c string) string {
	b := []byte(c)
	i := len(b) / 3
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// TestCursorEveryAssetType: the multi-type inventory asked for every type
// it allows still pages: the cursor it gives is one it takes back (with
// the types by name in its binding, it was longer than MaxCursorLen and
// page 2 was 400 Invalid cursor).
func TestCursorEveryAssetType(t *testing.T) {
	var all []string
	for i := 1; i <= 200; i++ {
		if at, ok := inventory.ParseAssetType(strconv.Itoa(i)); ok && at.String() != "GamePass" && at.String() != "Badge" {
			all = append(all, at.String())
		}
	}
	if len(all) < 80 {
		t.Fatalf("only %d asset types", len(all))
	}
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		base := "/v2/users/156/inventory?assetTypes=" + strings.Join(all, ",")
		ids, pages := e.walk(t, base, "assetId")
		if len(pages) < 2 {
			t.Fatalf("%d page(s): the fixture's user 156 should have more than 10 copies", len(pages))
		}
		if c := *pages[0].Next; len(c) > inventory.MaxCursorLen {
			t.Fatalf("cursor of %d bytes, over MaxCursorLen", len(c))
		} else {
			t.Logf("every type: a cursor of %d bytes", len(c))
		}
		// The same rows as the five types the user owns, walked alone.
		want, _ := e.walk(t, "/v2/users/156/inventory?assetTypes=Hat,Shirt,Pants,Decal,HairAccessory", "assetId")
		if !slices.Equal(ids, want) {
			t.Fatalf("every type: %d rows, the owned types alone: %d", len(ids), len(want))
		}
	})
}
