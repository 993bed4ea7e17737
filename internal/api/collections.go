package api

import (
	"net/http"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// collectibleTypes are the asset types a profile collection may show:
// wearable avatar items (§3.8 documents only the error semantics; this
// list is our choice, docs/compatibility.md).
var collectionTypes = func() map[inventory.AssetType]bool {
	m := map[inventory.AssetType]bool{}
	for _, t := range []int{2, 8, 11, 12, 17, 18, 19, 25, 26, 27, 28, 29, 30, 31, 32, 41, 42, 43, 44, 45, 46, 47,
		48, 50, 51, 52, 53, 54, 55, 61, 64, 65, 66, 67, 68, 69, 70, 71, 72, 76, 77, 78, 79, 88, 89, 90} {
		m[inventory.AssetType(t)] = true
	}
	return m
}()

// collectionItem runs the checks of POST and DELETE: itemTargetId is an
// int64 (else a route miss, 404, decided before anything else: §2.1 [V]),
// session (401), CSRF (403 code 0), item type 0..3 (400 code 1), item
// exists (400 codes 2, 3), and, when adding, type allowed (403 codes 5,
// 6). The swagger lists codes 5 and 6 for POST only: DELETE answers 8 for
// an item that is not in the collection whatever its type, and removes one
// that is even if its type is not one a collection accepts (a fixture may
// have put it there).
func (s *Server) collectionItem(r *http.Request, adding bool) (session, inventory.CollectionItem, error) {
	var it inventory.CollectionItem
	id, err := pathID(r, "itemTargetId")
	if err != nil {
		return session{}, it, err
	}
	se, err := s.requireSession(r)
	if err != nil {
		return se, it, err
	}
	if err := s.checkCSRF(r, se); err != nil {
		return se, it, err
	}
	t, ok := inventory.ParseItemType(r.PathValue("itemType"))
	if !ok || t == inventory.ItemAvatar || len(r.PathValue("itemType")) > 20 {
		return se, it, fail(http.StatusBadRequest, 1, "The item type does not exist.")
	}
	it = inventory.CollectionItem{Type: t, ItemID: id}
	ctx := r.Context()
	switch t {
	case inventory.ItemAsset:
		a, err := s.store.Asset(ctx, id)
		if inventory.KindOf(err) == inventory.KindNotFound {
			return se, it, fail(http.StatusBadRequest, 2, "The asset does not exist.")
		} else if err != nil {
			return se, it, err
		}
		if adding && !collectionTypes[a.Type] {
			return se, it, fail(http.StatusForbidden, 5, "Assets of this type are not allowed in collections.")
		}
	case inventory.ItemBundle:
		if _, err := s.store.Bundle(ctx, id); inventory.KindOf(err) == inventory.KindNotFound {
			return se, it, fail(http.StatusBadRequest, 3, "The bundle does not exist.")
		} else if err != nil {
			return se, it, err
		}
	default:
		if adding {
			return se, it, fail(http.StatusForbidden, 6, "Items of this type are not allowed in collections.")
		}
	}
	return se, it, nil
}

// addToCollection serves POST /v1/collections/items/{itemType}/{itemTargetId}.
func (s *Server) addToCollection(w http.ResponseWriter, r *http.Request) error {
	se, it, err := s.collectionItem(r, true)
	if err != nil {
		return err
	}
	ctx := r.Context()
	owned := false
	if it.Type == inventory.ItemAsset {
		copies, err := s.store.OwnedCopies(ctx, se.UserID, it.ItemID, 1)
		if err != nil {
			return err
		}
		owned = len(copies) > 0
	} else {
		_, err := s.store.UserItem(ctx, se.UserID, it.Type, it.ItemID)
		if err != nil && inventory.KindOf(err) != inventory.KindNotFound {
			return err
		}
		owned = err == nil
	}
	if !owned {
		return fail(http.StatusForbidden, 4, "You don't own the specified item.")
	}
	switch err := s.store.AddCollectionItem(ctx, se.UserID, it, s.cfg.CollectionLimit); {
	case err == nil:
	case inventory.KindOf(err) == inventory.KindConflict:
		return fail(http.StatusForbidden, 7, "The item is already in the collection.")
	case err == inventory.ErrCollectionFull:
		return fail(http.StatusForbidden, 9, "The collection is full.")
	default:
		return err
	}
	writeRaw(w, http.StatusOK, []byte("{}"))
	return nil
}

// removeFromCollection serves DELETE /v1/collections/items/{itemType}/{itemTargetId}.
func (s *Server) removeFromCollection(w http.ResponseWriter, r *http.Request) error {
	se, it, err := s.collectionItem(r, false)
	if err != nil {
		return err
	}
	if err := s.store.RemoveCollectionItem(r.Context(), se.UserID, it); inventory.KindOf(err) == inventory.KindNotFound {
		return fail(http.StatusForbidden, 8, "The item is not in the collection.")
	} else if err != nil {
		return err
	}
	writeRaw(w, http.StatusOK, []byte("{}"))
	return nil
}
