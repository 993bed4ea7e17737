package inventorytest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

func (s *suite) items(t *testing.T) {
	st := s.example(t)
	t.Run("GamePass", func(t *testing.T) {
		g, err := st.GamePass(bg, 12527)
		must(t, err)
		eq(t, "name", g.Name, "VIP")
		eqPtr(t, "place", g.PlaceID, ptr(int64(1818)))
		eqPtr(t, "price", g.Price, ptr(int64(100)))
		g, err = st.GamePass(bg, 12528)
		must(t, err)
		eqPtr(t, "no place", g.PlaceID, nil)
		eqPtr(t, "no price", g.Price, nil)
		_, err = st.GamePass(bg, 2124) // a badge id
		wantKind(t, err, inventory.KindNotFound)
	})
	t.Run("Badge", func(t *testing.T) {
		b, err := st.Badge(bg, 2124)
		must(t, err)
		eq(t, "name", b.Name, "Welcome to Crossroads")
		eqPtr(t, "place", b.PlaceID, ptr(int64(1818)))
		_, err = st.Badge(bg, 12527)
		wantKind(t, err, inventory.KindNotFound)
	})
	t.Run("Bundle", func(t *testing.T) {
		b, err := st.Bundle(bg, 192)
		must(t, err)
		eq(t, "bundle", b, inventory.Bundle{ID: 192, Name: "Knights of Redcliff: Paladin", Type: "BodyParts"})
		_, err = st.Bundle(bg, 193)
		wantKind(t, err, inventory.KindNotFound)
	})
	t.Run("UserItem", func(t *testing.T) {
		it, err := st.UserItem(bg, 156, inventory.ItemGamePass, 12527)
		must(t, err)
		eq(t, "user", it.UserID, int64(156))
		eq(t, "type", it.Type, inventory.ItemGamePass)
		eq(t, "item", it.ItemID, int64(12527))
		eqPtr(t, "instance", it.InstanceID, ptr(int64(31000001)))
		eqTime(t, "created", it.Created, importNow)
		it, err = st.UserItem(bg, 156, inventory.ItemBadge, 2124)
		must(t, err)
		eqPtr(t, "no instance", it.InstanceID, nil)
		eqTime(t, "created", it.Created, ms("2015-05-05T05:05:05.005Z"))
		it, err = st.UserItem(bg, 261, inventory.ItemBundle, 192)
		must(t, err)
		eq(t, "bundle owned", it.ItemID, int64(192))
		for _, c := range []struct {
			user int64
			typ  inventory.ItemType
			id   int64
		}{{156, inventory.ItemBundle, 192}, {156, inventory.ItemBadge, 12527}, {261, inventory.ItemGamePass, 12527}, {404, inventory.ItemBadge, 2124}} {
			_, err := st.UserItem(bg, c.user, c.typ, c.id)
			wantKind(t, err, inventory.KindNotFound)
		}
	})
}

func (s *suite) places(t *testing.T) {
	st := s.example(t)
	list := func(user int64, tab inventory.PlacesTab, offset, limit int) []inventory.Place {
		t.Helper()
		ps, err := st.UserPlaces(bg, user, tab, offset, limit)
		must(t, err)
		return ps
	}
	placeIDs := func(ps []inventory.Place) string {
		out := make([]int64, len(ps))
		for i, p := range ps {
			out[i] = p.ID
		}
		return fmt.Sprint(out)
	}
	created := list(156, inventory.TabCreated, 0, 10)
	eq(t, "created", placeIDs(created), "[95206881 95206882 95206883]")
	p := created[0]
	eq(t, "name", p.Name, "Builderman's Workshop")
	eqPtr(t, "universe", p.UniverseID, ptr(int64(34296219)))
	eqPtr(t, "price", p.Price, ptr(int64(25)))
	eq(t, "creator", p.Creator, inventory.Agent{Type: inventory.AgentUser, ID: 156})
	eq(t, "creator name", p.CreatorName, "builderman")
	eqPtr(t, "no universe", created[1].UniverseID, nil)
	eqPtr(t, "no price", created[1].Price, nil)
	eq(t, "offset", placeIDs(list(156, inventory.TabCreated, 1, 1)), "[95206882]")
	eq(t, "offset and limit", placeIDs(list(156, inventory.TabCreated, 1, 10)), "[95206882 95206883]")
	eq(t, "past the end", placeIDs(list(156, inventory.TabCreated, 3, 10)), "[]")
	eq(t, "created none", placeIDs(list(261, inventory.TabCreated, 0, 10)), "[]")

	purchased := list(261, inventory.TabPurchased, 0, 10)
	eq(t, "purchased", placeIDs(purchased), "[1818 70000001 95206881]")
	eq(t, "user creator", purchased[0].CreatorName, "Roblox")
	eq(t, "group creator", purchased[1].Creator, inventory.Agent{Type: inventory.AgentGroup, ID: 7})
	eq(t, "group creator name", purchased[1].CreatorName, "Builders Club Group")
	eq(t, "purchased offset", placeIDs(list(261, inventory.TabPurchased, 2, 10)), "[95206881]")
	eq(t, "purchased limit", placeIDs(list(261, inventory.TabPurchased, 0, 2)), "[1818 70000001]")
	mine := list(261, inventory.TabMyGames, 0, 10)
	eq(t, "my games", placeIDs(mine), "[70000002]")
	eq(t, "experience creator", mine[0].Creator, inventory.Agent{Type: inventory.AgentExperience, ID: 424242})
	eq(t, "experience creator has no name", mine[0].CreatorName, "")
	eq(t, "other games", placeIDs(list(156, inventory.TabOtherGames, 0, 10)), "[1818]")
	eq(t, "tabs are separate: my games", placeIDs(list(156, inventory.TabMyGames, 0, 10)), "[]")
	// Purchased also lists the places the user created (wire-behaviour.md
	// §3.3 [S]), each once, by place id, paged as one list.
	eq(t, "purchased holds created", placeIDs(list(156, inventory.TabPurchased, 0, 10)), "[95206881 95206882 95206883]")
	eq(t, "purchased holds created, offset", placeIDs(list(156, inventory.TabPurchased, 2, 10)), "[95206883]")
	eq(t, "unknown user", placeIDs(list(404, inventory.TabPurchased, 0, 10)), "[]")
}

// clocked is a store whose clock tests may set (sqlstore.Store).
type clocked interface {
	SetClock(func() time.Time)
}

func (s *suite) collections(t *testing.T) {
	asset := func(id int64) inventory.CollectionItem {
		return inventory.CollectionItem{Type: inventory.ItemAsset, ItemID: id}
	}
	bundle := inventory.CollectionItem{Type: inventory.ItemBundle, ItemID: 192}
	t.Run("AddListRemove", func(t *testing.T) {
		st := s.example(t)
		items, err := st.CollectionItems(bg, 156)
		must(t, err)
		eq(t, "imported", fmt.Sprint(items), fmt.Sprint([]inventory.CollectionItem{asset(48159815)}))
		if c, ok := st.(clocked); ok {
			// Entries list in the order they were added.
			var mu sync.Mutex
			now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			c.SetClock(func() time.Time {
				mu.Lock()
				defer mu.Unlock()
				now = now.Add(time.Millisecond)
				return now
			})
			defer c.SetClock(time.Now)
		}
		for _, it := range []inventory.CollectionItem{bundle, asset(1365767), asset(1028606)} {
			must(t, st.AddCollectionItem(bg, 261, it, 6))
		}
		items, err = st.CollectionItems(bg, 261)
		must(t, err)
		if _, ok := st.(clocked); ok {
			eq(t, "order", fmt.Sprint(items), fmt.Sprint([]inventory.CollectionItem{bundle, asset(1365767), asset(1028606)}))
		} else {
			eq(t, "count", len(items), 3)
		}
		wantKind(t, st.AddCollectionItem(bg, 261, asset(1365767), 6), inventory.KindConflict)
		must(t, st.RemoveCollectionItem(bg, 261, asset(1365767)))
		wantKind(t, st.RemoveCollectionItem(bg, 261, asset(1365767)), inventory.KindNotFound)
		wantKind(t, st.RemoveCollectionItem(bg, 261, asset(404)), inventory.KindNotFound)
		// An asset and a bundle with the same id are different entries.
		wantKind(t, st.RemoveCollectionItem(bg, 261, asset(192)), inventory.KindNotFound)
		items, err = st.CollectionItems(bg, 261)
		must(t, err)
		eq(t, "after remove", len(items), 2)
		items, err = st.CollectionItems(bg, 156)
		must(t, err)
		eq(t, "other users untouched", len(items), 1)
		items, err = st.CollectionItems(bg, 404)
		must(t, err)
		eq(t, "unknown user", len(items), 0)
	})
	t.Run("Full", func(t *testing.T) {
		st := s.example(t)
		for _, id := range []int64{1, 2, 3} {
			must(t, st.AddCollectionItem(bg, 2003, asset(id), 3))
		}
		err := st.AddCollectionItem(bg, 2003, asset(4), 3)
		if !errors.Is(err, inventory.ErrCollectionFull) {
			t.Fatalf("add to a full collection: %v", err)
		}
		wantKind(t, err, inventory.KindForbidden)
		// A duplicate is a conflict even when the collection is full.
		wantKind(t, st.AddCollectionItem(bg, 2003, asset(2), 3), inventory.KindConflict)
		// A larger limit admits more.
		must(t, st.AddCollectionItem(bg, 2003, asset(4), 4))
		must(t, st.RemoveCollectionItem(bg, 2003, asset(1)))
		must(t, st.AddCollectionItem(bg, 2003, asset(5), 4))
		items, err := st.CollectionItems(bg, 2003)
		must(t, err)
		eq(t, "entries", len(items), 4)
	})
	t.Run("Concurrent", func(t *testing.T) {
		st := s.example(t)
		// Distinct items racing for 3 places: exactly 3 get in.
		const n = 8
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			go func() { errs <- st.AddCollectionItem(bg, 2002, asset(int64(100+i)), 3) }()
		}
		ok, full := 0, 0
		for i := 0; i < n; i++ {
			switch err := <-errs; {
			case err == nil:
				ok++
			case errors.Is(err, inventory.ErrCollectionFull):
				full++
			default:
				t.Fatalf("concurrent add: %v", err)
			}
		}
		eq(t, "added", ok, 3)
		eq(t, "refused as full", full, n-3)
		items, err := st.CollectionItems(bg, 2002)
		must(t, err)
		eq(t, "entries", len(items), 3)
		// The same item racing: one wins, the others conflict.
		for i := 0; i < n; i++ {
			go func() { errs <- st.AddCollectionItem(bg, 2003, bundle, 6) }()
		}
		ok = 0
		for i := 0; i < n; i++ {
			switch err := <-errs; {
			case err == nil:
				ok++
			case inventory.KindOf(err) == inventory.KindConflict:
			default:
				t.Fatalf("concurrent duplicate add: %v", err)
			}
		}
		eq(t, "added once", ok, 1)
	})
}
