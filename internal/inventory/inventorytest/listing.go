package inventorytest

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// The page sizes Roblox offers (wire-behaviour.md §2.5).
var limits = []int{10, 25, 50, 100}

// lister is one keyset listing under test.
type lister struct {
	name  string
	multi bool // keys are (type, id)
	list  func(p inventory.Page) ([]inventory.UserAsset, error)
	want  []copyRow // the model's rows, Asc
}

func key(multi bool, u inventory.UserAsset) inventory.Key {
	if multi {
		return inventory.Key{Type: int64(u.Asset.Type), ID: u.ID}
	}
	return inventory.Key{ID: u.ID}
}

// walk pages forward through l from the start and returns the pages.
func walk(t *testing.T, l lister, order inventory.SortOrder, limit int) [][]inventory.UserAsset {
	t.Helper()
	var pages [][]inventory.UserAsset
	var after *inventory.Key
	for n := 0; ; n++ {
		if n > 10000 {
			t.Fatal("paging does not end")
		}
		rows, err := l.list(inventory.Page{After: after, Order: order, Limit: limit})
		must(t, err)
		if len(rows) > limit {
			t.Fatalf("page of %d rows at limit %d", len(rows), limit)
		}
		if len(rows) == 0 {
			break
		}
		pages = append(pages, rows)
		k := key(l.multi, rows[len(rows)-1])
		after = &k
		if len(rows) < limit {
			// A short page is the last one: the next is empty.
			rows, err := l.list(inventory.Page{After: after, Order: order, Limit: limit})
			must(t, err)
			eq(t, "rows after a short page", len(rows), 0)
			break
		}
	}
	return pages
}

// checkListing walks l at every limit in both orders: each row exactly once
// and in key order, Desc the reverse of Asc, and every backward page from a
// page's first row equal to the page before it.
func checkListing(t *testing.T, l lister) {
	t.Helper()
	if len(l.want) == 0 {
		t.Fatalf("%s: the model selects no rows", l.name)
	}
	for _, limit := range limits {
		var asc []int64
		for _, order := range []inventory.SortOrder{inventory.Asc, inventory.Desc} {
			pages := walk(t, l, order, limit)
			var got []int64
			seen := map[int64]bool{}
			for _, p := range pages {
				for _, r := range p {
					if seen[r.ID] {
						t.Fatalf("%s limit %d %v: row %d twice", l.name, limit, order, r.ID)
					}
					seen[r.ID] = true
					got = append(got, r.ID)
				}
			}
			want := make([]int64, len(l.want))
			for i, c := range l.want {
				want[i] = c.id
			}
			if order == inventory.Desc {
				reverse(want)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s limit %d %v:\n got %v\nwant %v", l.name, limit, order, got, want)
			}
			if order == inventory.Asc {
				asc = got
			} else {
				back := append([]int64(nil), got...)
				reverse(back)
				if fmt.Sprint(back) != fmt.Sprint(asc) {
					t.Fatalf("%s limit %d: Desc is not the reverse of Asc", l.name, limit)
				}
			}
			// Backward pages.
			for i, p := range pages {
				k := key(l.multi, p[0])
				prev, err := l.list(inventory.Page{After: &k, Order: order, Backward: true, Limit: limit})
				must(t, err)
				var want []inventory.UserAsset
				if i > 0 {
					want = pages[i-1]
				}
				if ids(prev) != ids(want) {
					t.Fatalf("%s limit %d %v: backward from page %d:\n got %s\nwant %s", l.name, limit, order, i+1, ids(prev), ids(want))
				}
			}
			// A backward page from past the end is the last full page.
			if len(pages) > 0 {
				last := pages[len(pages)-1]
				k := key(l.multi, last[len(last)-1])
				prev, err := l.list(inventory.Page{After: &k, Order: order, Backward: true, Limit: limit})
				must(t, err)
				all := flatten(pages)
				start := max(0, len(all)-1-limit)
				if ids(prev) != ids(all[start:len(all)-1]) {
					t.Fatalf("%s limit %d %v: backward from the last row:\n got %s\nwant %s", l.name, limit, order, ids(prev), ids(all[start:len(all)-1]))
				}
			}
		}
	}
}

func flatten(pages [][]inventory.UserAsset) []inventory.UserAsset {
	var out []inventory.UserAsset
	for _, p := range pages {
		out = append(out, p...)
	}
	return out
}

func ids(rows []inventory.UserAsset) string {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return fmt.Sprint(out)
}

func reverse[T any](xs []T) {
	for i, j := 0, len(xs)-1; i < j; i, j = i+1, j-1 {
		xs[i], xs[j] = xs[j], xs[i]
	}
}

// listAll returns every row of q (Asc, by pages of 100).
func listAll(t testing.TB, st inventory.Store, q inventory.UserAssetQuery) []inventory.UserAsset {
	t.Helper()
	var out []inventory.UserAsset
	q.Page = inventory.Page{Order: inventory.Asc, Limit: 100}
	for {
		rows, err := st.ListUserAssets(bg, q)
		must(t, err)
		out = append(out, rows...)
		if len(rows) < 100 {
			return out
		}
		k := key(q.MultiType, rows[len(rows)-1])
		q.Page.After = &k
	}
}

// ownersAll returns every copy of an asset (Asc).
func ownersAll(t testing.TB, st inventory.Store, asset int64) []inventory.UserAsset {
	t.Helper()
	var out []inventory.UserAsset
	p := inventory.Page{Order: inventory.Asc, Limit: 100}
	for {
		rows, err := st.ListAssetOwners(bg, asset, p)
		must(t, err)
		out = append(out, rows...)
		if len(rows) < 100 {
			return out
		}
		k := inventory.Key{ID: rows[len(rows)-1].ID}
		p.After = &k
	}
}

func (s *suite) listings(t *testing.T) {
	st := s.open(t)
	w := newPagerWorld()
	must(t, st.Import(bg, w.fixture))
	user := inventory.Agent{Type: inventory.AgentUser, ID: pagerUser}
	group := inventory.Agent{Type: inventory.AgentGroup, ID: pagerGroup}
	queries := []struct {
		name string
		q    inventory.UserAssetQuery
	}{
		{"all", inventory.UserAssetQuery{Owner: user}},
		{"one type", inventory.UserAssetQuery{Owner: user, Types: []inventory.AssetType{8}}},
		{"types", inventory.UserAssetQuery{Owner: user, Types: []inventory.AssetType{8, 13, 19}}},
		{"types multi", inventory.UserAssetQuery{Owner: user, Types: []inventory.AssetType{19, 8, 13}, MultiType: true}},
		{"all multi", inventory.UserAssetQuery{Owner: user, MultiType: true}},
		{"collectibles", inventory.UserAssetQuery{Owner: user, CollectiblesOnly: true}},
		{"collectibles of a type", inventory.UserAssetQuery{Owner: user, CollectiblesOnly: true, Types: []inventory.AssetType{11}}},
		{"hide disapproved", inventory.UserAssetQuery{Owner: user, HideDisapproved: true}},
		{"hide pending", inventory.UserAssetQuery{Owner: user, HidePending: true, HideDisapproved: true}},
		{"hide pending multi", inventory.UserAssetQuery{Owner: user, HidePending: true, Types: []inventory.AssetType{8, 12}, MultiType: true}},
		{"group", inventory.UserAssetQuery{Owner: group}},
		{"group multi", inventory.UserAssetQuery{Owner: group, MultiType: true}},
	}
	for _, c := range queries {
		t.Run(c.name, func(t *testing.T) {
			q := c.q
			checkListing(t, lister{name: c.name, multi: q.MultiType, want: w.expect(q),
				list: func(p inventory.Page) ([]inventory.UserAsset, error) {
					q.Page = p
					return st.ListUserAssets(bg, q)
				}})
		})
	}
	t.Run("rows", func(t *testing.T) {
		rows := listAll(t, st, inventory.UserAssetQuery{Owner: user})
		byID := map[int64]copyRow{}
		for _, c := range w.copies {
			byID[c.id] = c
		}
		for _, r := range rows {
			c := byID[r.ID]
			a := w.assets[c.asset]
			eq(t, "asset id", r.AssetID, c.asset)
			eq(t, "owner", r.Owner, c.owner)
			eq(t, "joined asset id", r.Asset.ID, a.ID)
			eq(t, "joined name", r.Asset.Name, a.Name)
			eq(t, "joined type", r.Asset.Type, a.Type)
			eq(t, "joined limited", r.Asset.Limited, a.Limited)
			eq(t, "joined moderation", r.Asset.Moderation, a.Moderation)
			eq(t, "joined creator", r.Asset.Creator, a.Creator)
			eqPtr(t, "joined price", r.Asset.Price, a.Price)
			eqTime(t, "joined created", r.Asset.Created, a.Created)
			eqTime(t, "joined updated", r.Asset.Updated, a.Updated)
			eq(t, "joined collectible item", r.Asset.CollectibleItemID, a.CollectibleItemID)
			if a.Limited.HasSerials() != (r.Serial != nil) {
				t.Fatalf("copy %d of %v asset: serial %v", r.ID, a.Limited, show(r.Serial))
			}
			if (a.Limited == inventory.Collectible) != (r.InstanceID != "") {
				t.Fatalf("copy %d: instance id %q", r.ID, r.InstanceID)
			}
			eqTime(t, "created", r.Created, ms("2020-01-01T00:00:00Z").Add(time.Duration(r.ID%1000)*time.Minute))
		}
		last := rows[len(rows)-1]
		eq(t, "largest id (below 2^53)", last.ID, int64(inventory.MaxID-6))
		// Serials are numbered per asset from 1 without gaps.
		serials := map[int64][]int64{}
		for _, c := range w.copies {
			if c.limited.HasSerials() {
				serials[c.asset] = append(serials[c.asset], 0)
			}
		}
		for asset := range serials {
			got := map[int64]bool{}
			for _, o := range ownersAll(t, st, asset) {
				got[*o.Serial] = true
			}
			for n := int64(1); n <= int64(len(serials[asset])); n++ {
				if !got[n] {
					t.Fatalf("asset %d: serial %d missing of %d", asset, n, len(serials[asset]))
				}
			}
		}
	})
	t.Run("expired copies stay", func(t *testing.T) {
		// docs/compatibility.md, "Expired items": a copy past its expireAt
		// is owned and listed until something removes it.
		st := s.example(t)
		must(t, st.Import(bg, parse(t, `{"userAssets": [{"userAssetId": 900000009, "assetId": 1365767,
			"owner": {"type": "User", "id": 2003}, "expireAt": "2001-01-01T00:00:00.000Z"}]}`)))
		cs, err := st.OwnedCopies(bg, 2003, 1365767, 10)
		must(t, err)
		eq(t, "expired copies owned", len(cs), 1)
		rows := listAll(t, st, inventory.UserAssetQuery{Owner: inventory.Agent{Type: inventory.AgentUser, ID: 2003}, Types: []inventory.AssetType{11}})
		eq(t, "expired copy listed", ids(rows), "[900000009]")
		exp := ms("2001-01-01T00:00:00Z")
		eqPtr(t, "its expireAt", rows[0].ExpireAt, &exp)
	})
	t.Run("example holds and expiry", func(t *testing.T) {
		st := s.example(t)
		rows := listAll(t, st, inventory.UserAssetQuery{Owner: inventory.Agent{Type: inventory.AgentUser, ID: 156}, Types: []inventory.AssetType{8}})
		eq(t, "hats", ids(rows), "[28605 510938272]")
		eqTime(t, "created", rows[0].Created, ms("2008-01-01T00:00:00Z"))
		eqPtr(t, "no hold", rows[0].HoldUntil, nil)
		hold := ms("2099-01-01T00:00:00Z")
		eqPtr(t, "hold", rows[1].HoldUntil, &hold)
		eqPtr(t, "serial", rows[1].Serial, ptr(int64(149)))
		if !rows[1].OnHold(time.Now()) {
			t.Fatal("copy not on hold")
		}
		rows = listAll(t, st, inventory.UserAssetQuery{Owner: inventory.Agent{Type: inventory.AgentUser, ID: 261}})
		eq(t, "Shedletsky's copies", ids(rows), "[510938273 800000001]")
		exp := ms("2099-12-31T00:00:00Z")
		eqPtr(t, "expiry", rows[1].ExpireAt, &exp)
		rows = listAll(t, st, inventory.UserAssetQuery{Owner: inventory.Agent{Type: inventory.AgentUser, ID: 156}, CollectiblesOnly: true})
		eq(t, "collectibles", ids(rows), "[28605 510938272 700000001]")
		eq(t, "instance id", rows[2].InstanceID, "a8a27d38-ee51-4cf4-8b0a-485d0dfd8607")
		rows = listAll(t, st, inventory.UserAssetQuery{Owner: inventory.Agent{Type: inventory.AgentUser, ID: 156}, HidePending: true})
		eq(t, "approved only", ids(rows), "[28605 510938272 600000001 700000001]")
		rows = listAll(t, st, inventory.UserAssetQuery{Owner: inventory.Agent{Type: inventory.AgentUser, ID: 156}, HideDisapproved: true})
		eq(t, "without disapproved", ids(rows), "[28605 510938272 600000001 600000002 700000001]")
		rows = listAll(t, st, inventory.UserAssetQuery{Owner: inventory.Agent{Type: inventory.AgentGroup, ID: 156}})
		eq(t, "a group with a user's id owns nothing", len(rows), 0)
		rows = listAll(t, st, inventory.UserAssetQuery{Owner: inventory.Agent{Type: inventory.AgentUser, ID: 404}})
		eq(t, "unknown owner", len(rows), 0)
	})
}

func (s *suite) owners(t *testing.T) {
	st := s.open(t)
	w := newPagerWorld()
	must(t, st.Import(bg, w.fixture))
	// The asset with the most copies, and a limited-unique one.
	count := map[int64]int{}
	for _, c := range w.copies {
		count[c.asset]++
	}
	var busiest int64
	for a, n := range count {
		if n > count[busiest] || (n == count[busiest] && a < busiest) {
			busiest = a
		}
	}
	for _, asset := range []int64{busiest, firstAsset + 3, firstAsset + numAssets - 1} {
		t.Run(fmt.Sprint(asset), func(t *testing.T) {
			checkListing(t, lister{name: fmt.Sprintf("owners of %d", asset), want: w.owners(asset),
				list: func(p inventory.Page) ([]inventory.UserAsset, error) { return st.ListAssetOwners(bg, asset, p) }})
		})
	}
	t.Run("owner fields", func(t *testing.T) {
		st := s.example(t)
		rows := ownersAll(t, st, 48159815)
		eq(t, "copies", ids(rows), "[510938272 510938273 510938274]")
		r := rows[0]
		eq(t, "owner", r.Owner, inventory.Agent{Type: inventory.AgentUser, ID: 156})
		eq(t, "name", r.OwnerName, "builderman")
		eq(t, "membership", r.OwnerMember, 4)
		eq(t, "privacy", r.OwnerPrivacy, inventory.PrivacyAllUsers)
		eq(t, "known", r.OwnerKnown, true)
		eq(t, "banned", r.OwnerBanned, false)
		eqPtr(t, "serial", r.Serial, ptr(int64(149)))
		r = rows[1]
		eq(t, "privacy", r.OwnerPrivacy, inventory.PrivacyFriends)
		eq(t, "membership", r.OwnerMember, 3)
		r = rows[2]
		eq(t, "group owner", r.Owner, inventory.Agent{Type: inventory.AgentGroup, ID: 7})
		eq(t, "group name", r.OwnerName, "Builders Club Group")
		eq(t, "group known", r.OwnerKnown, true)
		eq(t, "group banned", r.OwnerBanned, false)
		rows = ownersAll(t, st, 9000001)
		eq(t, "collectible copies", ids(rows), "[700000001 700000002]")
		eq(t, "banned owner", rows[1].OwnerBanned, true)
		eq(t, "banned owner name", rows[1].OwnerName, "banned_user")
		eq(t, "instance", rows[0].InstanceID, "a8a27d38-ee51-4cf4-8b0a-485d0dfd8607")
		if len(rows[1].InstanceID) != 36 {
			t.Fatalf("generated instance id %q", rows[1].InstanceID)
		}
		rows = ownersAll(t, st, 404)
		eq(t, "unknown asset", len(rows), 0)
	})
}

func (s *suite) ownedCopies(t *testing.T) {
	st := s.open(t)
	w := newPagerWorld()
	must(t, st.Import(bg, w.fixture))
	t.Run("OwnedCopies", func(t *testing.T) {
		var want []int64
		for _, c := range w.copies {
			if c.asset == firstAsset+1 && c.owner.Type == inventory.AgentUser && c.owner.ID == pagerUser {
				want = append(want, c.id)
			}
		}
		if len(want) < 3 {
			t.Fatalf("model: %d copies", len(want))
		}
		got, err := st.OwnedCopies(bg, pagerUser, firstAsset+1, 1000)
		must(t, err)
		eq(t, "all copies", ids(got), fmt.Sprint(want))
		got, err = st.OwnedCopies(bg, pagerUser, firstAsset+1, 2)
		must(t, err)
		eq(t, "limited", ids(got), fmt.Sprint(want[:2]))
		eq(t, "owner", got[0].Owner, inventory.Agent{Type: inventory.AgentUser, ID: pagerUser})
		got, err = st.OwnedCopies(bg, pagerUser, 404, 10)
		must(t, err)
		eq(t, "none", len(got), 0)
		// Copies owned by a group with the same id are not the user's.
		var groupAsset int64
		for _, c := range w.copies {
			if c.owner.Type == inventory.AgentGroup {
				groupAsset = c.asset
			}
		}
		got, err = st.OwnedCopies(bg, pagerGroup, groupAsset, 10)
		must(t, err)
		eq(t, "group copies are not a user's", len(got), 0)
	})
	// OwnerCopies and AssetCopies: what the ownership cache loads, every
	// copy in its order, with the copy's own type and collectible flag.
	t.Run("OwnerCopies", func(t *testing.T) {
		for _, owner := range []inventory.Agent{{Type: inventory.AgentUser, ID: pagerUser},
			{Type: inventory.AgentGroup, ID: pagerGroup}, {Type: inventory.AgentUser, ID: 404}} {
			var want []copyRow
			for _, c := range w.copies {
				if c.owner == owner {
					want = append(want, c)
				}
			}
			sort.SliceStable(want, func(i, j int) bool { return want[i].typ < want[j].typ }) // by id within a type
			got, err := st.OwnerCopies(bg, owner, 1<<20)
			must(t, err)
			eq(t, fmt.Sprintf("%v: copies", owner), len(got), len(want))
			for i := range got {
				g, c := got[i], want[i]
				if g.ID != c.id || g.AssetID != c.asset || g.AssetType != c.typ || g.Collectible != c.collectible ||
					g.OwnerType != owner.Type || g.OwnerID != owner.ID {
					t.Fatalf("%v: copy %d is %+v, want %+v", owner, i, g, c)
				}
			}
			if len(want) > 3 {
				got, err = st.OwnerCopies(bg, owner, 3)
				must(t, err)
				eq(t, "limited", len(got), 3)
			}
		}
	})
	t.Run("AssetCopies", func(t *testing.T) {
		for _, asset := range []int64{firstAsset, firstAsset + 1, 404} {
			var want []int64
			for _, c := range w.copies {
				if c.asset == asset {
					want = append(want, c.id)
				}
			}
			got, err := st.AssetCopies(bg, asset, 1<<20)
			must(t, err)
			var gotIDs []int64
			for _, g := range got {
				gotIDs = append(gotIDs, g.ID)
				if g.AssetID != asset {
					t.Fatalf("asset %d: copy %+v", asset, g)
				}
			}
			eq(t, fmt.Sprintf("asset %d", asset), fmt.Sprint(gotIDs), fmt.Sprint(want))
		}
	})
	t.Run("DeleteOwnedCopies", func(t *testing.T) {
		st := s.example(t)
		// builderman collects Shadow Dancer; deleting his copy drops it from
		// the collection too, and leaves the other owners' copies.
		n, err := st.DeleteOwnedCopies(bg, 156, 48159815)
		must(t, err)
		eq(t, "deleted", n, 1)
		cs, err := st.OwnedCopies(bg, 156, 48159815, 10)
		must(t, err)
		eq(t, "copies left", len(cs), 0)
		items, err := st.CollectionItems(bg, 156)
		must(t, err)
		eq(t, "collection", len(items), 0)
		eq(t, "others' copies", ids(ownersAll(t, st, 48159815)), "[510938273 510938274]")
		n, err = st.DeleteOwnedCopies(bg, 156, 48159815)
		must(t, err)
		eq(t, "deleted again", n, 0)
		n, err = st.DeleteOwnedCopies(bg, 7, 48159815) // group 7's copy is not user 7's
		must(t, err)
		eq(t, "group copy kept", n, 0)
		// Several copies at once.
		must(t, st.Import(bg, parse(t, `{"userAssets": [
			{"assetId": 1365767, "owner": {"type": "User", "id": 156}},
			{"assetId": 1365767, "owner": {"type": "User", "id": 156}},
			{"assetId": 1365767, "owner": {"type": "User", "id": 261}}]}`)))
		n, err = st.DeleteOwnedCopies(bg, 156, 1365767)
		must(t, err)
		eq(t, "deleted several", n, 3)
		cs, err = st.OwnedCopies(bg, 261, 1365767, 10)
		must(t, err)
		eq(t, "another user's copy stays", len(cs), 1)
	})
}
