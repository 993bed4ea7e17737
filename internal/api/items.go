package api

import (
	"net/http"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// maxItemCopies caps the copies the items endpoint lists (one page).
const maxItemCopies = 100

// ownedItems resolves GET /v1/users/{userId}/items/{itemType}/{itemTargetId}
// and its /is-owned twin. itemType is a name in any case or a number
// (§3.1). Checks: the int64 path ids userId and itemTargetId (a route
// miss, 404, before anything else: §2.1 [V]), item type (400 code 6),
// user (400 code 1), then the item (codes 7 asset, 5 game pass, 10 badge,
// 12 bundle). One entry per owned copy, at most maxCopies; for assets
// instanceId is the userAssetId.
func (s *Server) ownedItems(r *http.Request, maxCopies int) ([]itemModel, error) {
	if _, err := pathID(r, "userId"); err != nil {
		return nil, err
	}
	target, err := pathID(r, "itemTargetId")
	if err != nil {
		return nil, err
	}
	t, ok := inventory.ParseItemType(r.PathValue("itemType"))
	if !ok || t == inventory.ItemAvatar || len(r.PathValue("itemType")) > 20 {
		return nil, fail(http.StatusBadRequest, 6, "The specified item type does not exist.")
	}
	u, err := s.targetUser(r, fail(http.StatusBadRequest, 1, "The specified user does not exist!"))
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	notFound := func(err error, code int, msg string) error {
		if inventory.KindOf(err) == inventory.KindNotFound {
			return fail(http.StatusBadRequest, code, msg)
		}
		return err
	}
	var name string
	switch t {
	case inventory.ItemAsset:
		a, err := s.store.Asset(ctx, target)
		if err != nil {
			return nil, notFound(err, 7, "The specified Asset does not exist!")
		}
		copies, err := s.store.OwnedCopies(ctx, u.ID, a.ID, maxCopies)
		if err != nil {
			return nil, err
		}
		out := make([]itemModel, 0, len(copies))
		for _, c := range copies {
			id := c.ID
			out = append(out, itemModel{ID: a.ID, Name: a.Name, Type: t.String(), InstanceID: &id})
		}
		return out, nil
	case inventory.ItemGamePass:
		g, err := s.store.GamePass(ctx, target)
		if err != nil {
			return nil, notFound(err, 5, "The specified game pass does not exist! Are you using the new game pass ID?")
		}
		name = g.Name
	case inventory.ItemBadge:
		b, err := s.store.Badge(ctx, target)
		if err != nil {
			return nil, notFound(err, 10, "The specified asset is not a badge!")
		}
		name = b.Name
	case inventory.ItemBundle:
		b, err := s.store.Bundle(ctx, target)
		if err != nil {
			return nil, notFound(err, 12, "The specified bundle does not exist!")
		}
		name = b.Name
	}
	it, err := s.store.UserItem(ctx, u.ID, t, target)
	if inventory.KindOf(err) == inventory.KindNotFound {
		return []itemModel{}, nil
	} else if err != nil {
		return nil, err
	}
	return []itemModel{{ID: target, Name: name, Type: t.String(), InstanceID: it.InstanceID}}, nil
}

// items serves GET /v1/users/{userId}/items/{itemType}/{itemTargetId}: a
// single page (both cursors null); empty data when not owned.
func (s *Server) items(w http.ResponseWriter, r *http.Request) error {
	data, err := s.ownedItems(r, maxItemCopies)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageBody[itemModel]{Data: data})
	return nil
}

// isOwned serves .../is-owned: a bare JSON true or false (§3.1).
func (s *Server) isOwned(w http.ResponseWriter, r *http.Request) error {
	data, err := s.ownedItems(r, 1) // one copy answers the question
	if err != nil {
		return err
	}
	if len(data) > 0 {
		writeRaw(w, http.StatusOK, []byte("true"))
	} else {
		writeRaw(w, http.StatusOK, []byte("false"))
	}
	return nil
}
