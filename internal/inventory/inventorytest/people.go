package inventorytest

import (
	"testing"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

func (s *suite) people(t *testing.T) {
	st := s.example(t)
	t.Run("User", func(t *testing.T) {
		u, err := st.User(bg, 156)
		must(t, err)
		want := inventory.User{ID: 156, Name: "builderman", DisplayName: "builderman", Membership: 4,
			Privacy: inventory.PrivacyAllUsers, Created: ms("2006-03-08T04:00:00Z")}
		eq(t, "id", u.ID, want.ID)
		eq(t, "name", u.Name, want.Name)
		eq(t, "display name", u.DisplayName, want.DisplayName)
		eq(t, "membership", u.Membership, want.Membership)
		eq(t, "privacy", u.Privacy, want.Privacy)
		eq(t, "banned", u.Banned, false)
		eqTime(t, "created", u.Created, want.Created)
		eq(t, "created is UTC", u.Created.Location().String(), "UTC")

		u, err = st.User(bg, 2004)
		must(t, err)
		eq(t, "banned", u.Banned, true)
		eq(t, "display name", u.DisplayName, "Banned Display")
		u, err = st.User(bg, 261)
		must(t, err)
		eq(t, "privacy", u.Privacy, inventory.PrivacyFriends)
		eqTime(t, "default created (import time)", u.Created, importNow)
		u, err = st.User(bg, 1)
		must(t, err)
		eqTime(t, "created with milliseconds", u.Created, ms("2006-02-27T21:06:40.300Z"))

		_, err = st.User(bg, 404)
		wantKind(t, err, inventory.KindNotFound)
		_, err = st.User(bg, inventory.MaxID)
		wantKind(t, err, inventory.KindNotFound)
	})
	t.Run("Group", func(t *testing.T) {
		g, err := st.Group(bg, 7)
		must(t, err)
		eq(t, "group", g, inventory.Group{ID: 7, Name: "Builders Club Group"})
		_, err = st.Group(bg, 156) // a user id is not a group
		wantKind(t, err, inventory.KindNotFound)
	})
	t.Run("Relations", func(t *testing.T) {
		// Viewer 2001 is Shedletsky's friend; 2002 follows him.
		r, err := st.Relations(bg, 2001, []int64{261, 156, 404})
		must(t, err)
		eq(t, "friend", r[261], inventory.Relation{Friends: true})
		eq(t, "stranger", r[156], inventory.Relation{})
		eq(t, "unknown owner", r[404], inventory.Relation{})
		r, err = st.Relations(bg, 261, []int64{2001})
		must(t, err)
		eq(t, "friendship is symmetric", r[2001], inventory.Relation{Friends: true})
		r, err = st.Relations(bg, 2002, []int64{261})
		must(t, err)
		eq(t, "viewer follows owner", r[261], inventory.Relation{ViewerFollows: true})
		r, err = st.Relations(bg, 261, []int64{2002, 2001, 2003})
		must(t, err)
		eq(t, "owner follows viewer", r[2002], inventory.Relation{OwnerFollows: true})
		eq(t, "friend among several", r[2001], inventory.Relation{Friends: true})
		eq(t, "none", r[2003], inventory.Relation{})
		r, err = st.Relations(bg, 261, nil)
		must(t, err)
		eq(t, "no owners", len(r), 0)
	})
	t.Run("Sessions", func(t *testing.T) {
		st := s.example(t) // DeleteSession changes the store
		id, err := st.SessionUser(bg, inventory.HashToken(cookieBuilderman))
		must(t, err)
		eq(t, "session user", id, int64(156))
		id, err = st.SessionUser(bg, inventory.HashToken(cookieFriend))
		must(t, err)
		eq(t, "session user", id, int64(2001))
		_, err = st.SessionUser(bg, inventory.HashToken("no such cookie"))
		wantKind(t, err, inventory.KindNotFound)
		must(t, st.DeleteSession(bg, inventory.HashToken(cookieBuilderman)))
		_, err = st.SessionUser(bg, inventory.HashToken(cookieBuilderman))
		wantKind(t, err, inventory.KindNotFound)
		must(t, st.DeleteSession(bg, inventory.HashToken(cookieBuilderman))) // absent: no error
		id, err = st.SessionUser(bg, inventory.HashToken(cookieFriend))
		must(t, err)
		eq(t, "other sessions stay", id, int64(2001))
	})
}

func (s *suite) assets(t *testing.T) {
	st := s.example(t)
	t.Run("Asset", func(t *testing.T) {
		a, err := st.Asset(bg, 48159815)
		must(t, err)
		eq(t, "name", a.Name, "Shadow Dancer")
		eq(t, "type", a.Type, inventory.AssetType(8))
		eq(t, "creator", a.Creator, inventory.Agent{Type: inventory.AgentUser, ID: 1})
		eq(t, "limited", a.Limited, inventory.LimitedUnique)
		eq(t, "collectible item", a.CollectibleItemID, "")
		eqPtr(t, "rap", a.RAP, ptr(int64(5109)))
		eqPtr(t, "original price", a.OriginalPrice, ptr(int64(2000)))
		eqPtr(t, "stock", a.Stock, ptr(int64(500)))
		eqPtr(t, "price", a.Price, nil)
		eq(t, "moderation", a.Moderation, inventory.ModerationApproved)
		eqTime(t, "created", a.Created, importNow)
		eqTime(t, "updated", a.Updated, importNow)

		a, err = st.Asset(bg, 1028606)
		must(t, err)
		eq(t, "limited", a.Limited, inventory.Limited)
		eqPtr(t, "original price null", a.OriginalPrice, nil)
		eqTime(t, "created", a.Created, ms("2007-04-13T00:00:00Z"))
		eqTime(t, "updated defaults to created", a.Updated, ms("2007-04-13T00:00:00Z"))

		a, err = st.Asset(bg, 9000001)
		must(t, err)
		eq(t, "collectible", a.Limited, inventory.Collectible)
		eq(t, "collectible item id", a.CollectibleItemID, "521cca19-75bb-4e05-a0af-633b1532c24d")
		eq(t, "group creator", a.Creator, inventory.Agent{Type: inventory.AgentGroup, ID: 7})

		for id, m := range map[int64]inventory.Moderation{1365768: inventory.ModerationPending, 1365769: inventory.ModerationDisapproved} {
			a, err = st.Asset(bg, id)
			must(t, err)
			eq(t, "moderation", a.Moderation, m)
		}
		a, err = st.Asset(bg, 1365767)
		must(t, err)
		eqPtr(t, "price", a.Price, ptr(int64(5)))
		eq(t, "not limited", a.Limited, inventory.NotLimited)

		_, err = st.Asset(bg, 404)
		wantKind(t, err, inventory.KindNotFound)
	})
	t.Run("AssetByCollectibleItemID", func(t *testing.T) {
		a, err := st.AssetByCollectibleItemID(bg, "521cca19-75bb-4e05-a0af-633b1532c24d")
		must(t, err)
		eq(t, "asset", a.ID, int64(9000001))
		eq(t, "name", a.Name, "UGC Crown")
		_, err = st.AssetByCollectibleItemID(bg, "00000000-0000-0000-0000-000000000000")
		wantKind(t, err, inventory.KindNotFound)
		_, err = st.AssetByCollectibleItemID(bg, "")
		wantKind(t, err, inventory.KindNotFound)
	})
	t.Run("PackageAssets", func(t *testing.T) {
		ids, err := st.PackageAssets(bg, 27112438)
		must(t, err)
		eq(t, "count", len(ids), 2)
		eq(t, "first", ids[0], int64(27112025))
		eq(t, "second", ids[1], int64(27112039))
		ids, err = st.PackageAssets(bg, 1028606) // not a package
		must(t, err)
		eq(t, "no contents", len(ids), 0)
		ids, err = st.PackageAssets(bg, 404)
		must(t, err)
		eq(t, "unknown package", len(ids), 0)
		// Order is the document's, not the ids'.
		st := s.example(t)
		must(t, st.Import(bg, parse(t, `{"assets": [{"id": 27112438, "name": "Knight Package", "assetType": "Package",
			"creator": {"type": "User", "id": 1}, "packageAssetIds": [27112039, 1028606, 27112025]}]}`)))
		ids, err = st.PackageAssets(bg, 27112438)
		must(t, err)
		eq(t, "document order", len(ids), 3)
		eq(t, "document order", [3]int64(ids), [3]int64{27112039, 1028606, 27112025})
	})
}
