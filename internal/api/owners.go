package api

import (
	"context"
	"net/http"

	"github.com/google/uuid"
	"github.com/inventoryd/inventoryd/internal/inventory"
)

// visibleOwners decides, for a page of copies, which owners the viewer may
// see (wire-behaviour.md §3.6 [S]): none for anonymous viewers; never banned
// or unknown users; groups always; users by their privacy setting. The
// relations a page needs are read in one batch.
func (s *Server) visibleOwners(ctx context.Context, rows []inventory.UserAsset, v inventory.Viewer) ([]bool, error) {
	vis := make([]bool, len(rows))
	if v.Anonymous() {
		return vis, nil
	}
	var need []int64
	for _, ua := range rows {
		if ua.Owner.Type == inventory.AgentUser && inventory.NeedsRelation(ua.Owner.ID, ua.OwnerPrivacy, v) {
			need = append(need, ua.Owner.ID)
		}
	}
	rels, err := s.store.Relations(ctx, v.UserID, need)
	if err != nil {
		return nil, err
	}
	for i, ua := range rows {
		switch {
		case !ua.OwnerKnown || ua.OwnerBanned:
		case ua.Owner.Type == inventory.AgentGroup:
			vis[i] = true
		default:
			vis[i] = inventory.CanView(ua.Owner.ID, ua.OwnerPrivacy, v, rels[ua.Owner.ID])
		}
	}
	return vis, nil
}

// instanceIDs returns each row's collectibleItemInstanceId for the wire
// (nil where there is none), in one allocation rather than one each.
func instanceIDs(rows []inventory.UserAsset) []*string {
	out := make([]*string, len(rows))
	ids := make([]string, len(rows))
	for i := range rows {
		if id := rows[i].InstanceID; id != "" {
			ids[i] = id
			out[i] = &ids[i]
		}
	}
	return out
}

// ownerEntities returns the owner entity of each row of a page (nil where
// the viewer may not see it), all in one allocation rather than one each.
func ownerEntities(rows []inventory.UserAsset, vis []bool) []*relatedEntity {
	out := make([]*relatedEntity, len(rows))
	ents := make([]relatedEntity, len(rows))
	for i := range rows {
		if vis[i] {
			ua := &rows[i]
			ents[i] = relatedEntity{ID: ua.Owner.ID, Type: ua.Owner.Type.String(), Name: ua.OwnerName}
			out[i] = &ents[i]
		}
	}
	return out
}

// ownersPage reads one page (pr, parsed before the asset was looked up) of
// an asset's copies and which owners se may see.
func (s *Server) ownersPage(r *http.Request, a inventory.Asset, se session, pr pageRequest) (page[inventory.UserAsset], []bool, error) {
	pg, err := fetchPage(s, pr, func(p inventory.Page) ([]inventory.UserAsset, error) {
		return s.store.ListAssetOwners(r.Context(), a.ID, p)
	}, userKey)
	if err != nil {
		return pg, nil, err
	}
	vis, err := s.visibleOwners(r.Context(), pg.rows, se.Viewer)
	return pg, vis, err
}

// assetOwners serves GET /v2/assets/{assetId}/owners. Owners are listed for
// limited and collectible assets only; other assets are 403 code 2 (§3.6 [I]).
// The paging parameters are checked before the asset (inventory.go, the
// order of checks).
func (s *Server) assetOwners(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "assetId")
	if err != nil {
		return err
	}
	pr, err := s.parsePage(r.URL.Query(), inventory.Discriminator("assetOwners", id), enumPaging)
	if err != nil {
		return err
	}
	a, err := s.store.Asset(r.Context(), id)
	if inventory.KindOf(err) == inventory.KindNotFound {
		return fail(http.StatusBadRequest, 1, "The asset id is invalid.")
	} else if err != nil {
		return err
	}
	if a.Limited == inventory.NotLimited {
		return fail(http.StatusForbidden, 2, "You do not have permission to view the owners of this asset.")
	}
	se, err := s.viewer(r)
	if err != nil {
		return err
	}
	pg, vis, err := s.ownersPage(r, a, se, pr)
	if err != nil {
		return err
	}
	i, owners, insts := 0, ownerEntities(pg.rows, vis), instanceIDs(pg.rows)
	writeJSON(w, http.StatusOK, mapPage(pg, func(ua inventory.UserAsset) assetOwner {
		o := assetOwner{ID: ua.ID, CollectibleItemInstanceID: insts[i], SerialNumber: ua.Serial,
			Owner: owners[i], Created: robloxTime(ua.Created), Updated: robloxTime(ua.Updated)}
		i++
		return o
	}))
	return nil
}

// collectibleItemOwners serves GET /v2/collectible-items/{id}/owners: cookie
// only (401 first); the id must be a UUID (400 code 1, checked with the
// request's other parameters) of a collectible item (400 code 1, after
// them); sortOrder is the integer 1/2 here (names accepted too); limit has
// no enum (1..100); rows are ordered by userAssetId.
func (s *Server) collectibleItemOwners(w http.ResponseWriter, r *http.Request) error {
	se, err := s.requireSession(r)
	if err != nil {
		return err
	}
	invalid := fail(http.StatusBadRequest, 1, "The collectible item id is invalid.")
	raw := r.PathValue("collectibleItemId")
	if len(raw) > 64 {
		return invalid
	}
	itemID, err := uuid.Parse(raw)
	if err != nil {
		return invalid
	}
	// uuid's String is the lower-case canonical form, the one the store
	// keeps (fixture.go), so the discriminator is the asset's item id.
	canonical := itemID.String()
	pr, err := s.parsePage(r.URL.Query(), inventory.Discriminator("collectibleItemOwners", canonical), collectibleItemPaging)
	if err != nil {
		return err
	}
	a, err := s.store.AssetByCollectibleItemID(r.Context(), canonical)
	if inventory.KindOf(err) == inventory.KindNotFound {
		return invalid
	} else if err != nil {
		return err
	}
	pg, vis, err := s.ownersPage(r, a, se, pr)
	if err != nil {
		return err
	}
	i, owners, insts := 0, ownerEntities(pg.rows, vis), instanceIDs(pg.rows)
	writeJSON(w, http.StatusOK, mapPage(pg, func(ua inventory.UserAsset) collectibleItemOwner {
		o := collectibleItemOwner{CollectibleItemInstanceID: insts[i], SerialNumber: ua.Serial, Owner: owners[i]}
		i++
		return o
	}))
	return nil
}
