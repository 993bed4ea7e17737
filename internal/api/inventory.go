package api

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

var (
	errInvalidUserV2      = fail(http.StatusBadRequest, 1, "Invalid user Id.")
	errInvalidAssetTypeV2 = fail(http.StatusBadRequest, 2, "Invalid asset type Id.")
	errHiddenV2           = fail(http.StatusForbidden, 4, "You are not authorized to view this user's inventory.")
)

// viewerCanSee reports whether the request's viewer may see u's inventory.
func (s *Server) viewerCanSee(r *http.Request, u inventory.User) (bool, error) {
	se, err := s.viewer(r)
	if err != nil {
		return false, err
	}
	return s.canView(r.Context(), u, se.Viewer)
}

// checkVisible fails with hidden when the viewer may not see u's inventory.
func (s *Server) checkVisible(r *http.Request, u inventory.User, hidden *apiError) error {
	ok, err := s.viewerCanSee(r, u)
	if err != nil {
		return err
	}
	if !ok {
		return hidden
	}
	return nil
}

// The listings check in one order (docs/compatibility.md, "Order of
// checks"): the int64 path ids (a route miss, 404); the session where
// one is required (401); then everything decidable from the request
// alone, as ASP.NET binds and validates parameters before the action
// runs: path enums, filters, limit, sortOrder, cursor (its binding names
// the path's subject, known without a lookup); and only then what needs
// the store: the subject exists (400), the viewer may see it (403).

// parseAssetTypesV2 reads the required assetTypes of the v2 multi-type
// listing: names or numbers, comma-separated or repeated, 1..100 of them;
// GamePass and Badge are refused ("GamePass and Badges not allowed.",
// swagger). The types come back sorted, without duplicates.
func parseAssetTypesV2(q url.Values) ([]inventory.AssetType, error) {
	names := queryValues(q, "assetTypes")
	if len(names) == 0 || len(names) > 100 {
		return nil, errInvalidAssetTypeV2
	}
	var types []inventory.AssetType
	for _, n := range names {
		t, ok := inventory.ParseAssetType(n)
		if !ok || t == inventory.AssetTypeGamePass || t == inventory.AssetTypeBadge {
			return nil, errInvalidAssetTypeV2
		}
		if !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	slices.Sort(types)
	return types, nil
}

// inventoryByTypes serves GET /v2/users/{userId}/inventory. Rows are
// ordered by (assetType, userAssetId), the MultiTypeExclusiveStartKey of
// the 2024 swagger's cursor model (wire-behaviour.md §2.5).
func (s *Server) inventoryByTypes(w http.ResponseWriter, r *http.Request) error {
	uid, err := pathID(r, "userId")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	types, err := parseAssetTypesV2(q)
	if err != nil {
		return err
	}
	hideDis, err := queryBool(q, "filterDisapprovedAssets")
	if err != nil {
		return err
	}
	approvedOnly, err := queryBool(q, "showApprovedOnly")
	if err != nil {
		return err
	}
	// The types by number, not name: with every type asked for, the
	// names made the cursor longer than a cursor may be (MaxCursorLen),
	// so the next page refused the server's own cursor.
	tn := make([]string, len(types))
	for i, t := range types {
		tn[i] = strconv.Itoa(int(t))
	}
	pr, err := s.parsePage(q, inventory.Discriminator("inventory", uid, strings.Join(tn, ","), hideDis, approvedOnly), enumPaging)
	if err != nil {
		return err
	}
	u, err := s.targetUser(r, errInvalidUserV2)
	if err != nil {
		return err
	}
	if err := s.checkVisible(r, u, errHiddenV2); err != nil {
		return err
	}
	pg, err := fetchPage(s, pr, func(p inventory.Page) ([]inventory.UserAsset, error) {
		return s.store.ListUserAssets(r.Context(), inventory.UserAssetQuery{Owner: inventory.Agent{Type: inventory.AgentUser, ID: u.ID},
			Types: types, HideDisapproved: hideDis, HidePending: approvedOnly, MultiType: true, Page: p})
	}, typedKey)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, mapPage(pg, func(ua inventory.UserAsset) userAssetItemV2 {
		return userAssetItemV2{AssetID: ua.AssetID, Name: ua.Asset.Name, AssetType: ua.Asset.Type.String(), Created: robloxTime(ua.Created)}
	}))
	return nil
}

// inventoryByType serves GET /v2/users/{userId}/inventory/{assetTypeId}: one
// InventoryItemModel per owned copy, ordered by userAssetId.
func (s *Server) inventoryByType(w http.ResponseWriter, r *http.Request) error {
	uid, err := pathID(r, "userId")
	if err != nil {
		return err
	}
	raw := r.PathValue("assetTypeId")
	if len(raw) > 40 {
		return errInvalidAssetTypeV2
	}
	t, ok := inventory.ParseAssetType(raw)
	if !ok {
		return errInvalidAssetTypeV2
	}
	pr, err := s.parsePage(r.URL.Query(), inventory.Discriminator("inventoryByType", uid, int(t)), enumPaging)
	if err != nil {
		return err
	}
	u, err := s.targetUser(r, errInvalidUserV2)
	if err != nil {
		return err
	}
	if err := s.checkVisible(r, u, errHiddenV2); err != nil {
		return err
	}
	pg, err := fetchPage(s, pr, func(p inventory.Page) ([]inventory.UserAsset, error) {
		return s.store.ListUserAssets(r.Context(), inventory.UserAssetQuery{Owner: inventory.Agent{Type: inventory.AgentUser, ID: u.ID},
			Types: []inventory.AssetType{t}, Page: p})
	}, userKey)
	if err != nil {
		return err
	}
	owner := userModel{UserID: u.ID, Username: u.Name, Membership: u.Membership}
	writeJSON(w, http.StatusOK, mapPage(pg, func(ua inventory.UserAsset) inventoryItem {
		return inventoryItem{UserAssetID: ua.ID, AssetID: ua.AssetID, AssetName: ua.Asset.Name,
			CollectibleItemID: optString(ua.Asset.CollectibleItemID), CollectibleItemInstanceID: optString(ua.InstanceID),
			SerialNumber: ua.Serial, Owner: owner, Created: robloxTime(ua.Created), Updated: robloxTime(ua.Updated),
			ExpireAt: optTime(ua.ExpireAt)}
	}))
	return nil
}

// collectibles serves GET /v1/users/{userId}/assets/collectibles: limited,
// limited-unique and collectible copies, by userAssetId. A hidden inventory
// is 403 code 11 (wire-behaviour.md §3.4 [I]).
func (s *Server) collectibles(w http.ResponseWriter, r *http.Request) error {
	uid, err := pathID(r, "userId")
	if err != nil {
		return err
	}
	var types []inventory.AssetType
	disc := "all"
	q := r.URL.Query()
	if v := q.Get("assetType"); v != "" {
		t, ok := inventory.ParseAssetType(v)
		if !ok || len(v) > 40 {
			return &apiError{Status: http.StatusBadRequest, Code: 0, Message: "The specified asset type(s) are invalid.", UserFacing: true}
		}
		types, disc = []inventory.AssetType{t}, t.String()
	}
	pr, err := s.parsePage(q, inventory.Discriminator("collectibles", uid, disc), enumPaging)
	if err != nil {
		return err
	}
	u, err := s.targetUser(r, fail(http.StatusBadRequest, 1, "The specified user does not exist!"))
	if err != nil {
		return err
	}
	if err := s.checkVisible(r, u, fail(http.StatusForbidden, 11, "You don't have permissions to view the specified user's inventory.")); err != nil {
		return err
	}
	pg, err := fetchPage(s, pr, func(p inventory.Page) ([]inventory.UserAsset, error) {
		return s.store.ListUserAssets(r.Context(), inventory.UserAssetQuery{Owner: inventory.Agent{Type: inventory.AgentUser, ID: u.ID},
			Types: types, CollectiblesOnly: true, Page: p})
	}, userKey)
	if err != nil {
		return err
	}
	now := s.now()
	writeJSON(w, http.StatusOK, mapPage(pg, func(ua inventory.UserAsset) collectibleUserAsset {
		return collectibleUserAsset{UserAssetID: ua.ID, SerialNumber: ua.Serial, AssetID: ua.AssetID, Name: ua.Asset.Name,
			RecentAveragePrice: ua.Asset.RAP, OriginalPrice: ua.Asset.OriginalPrice, AssetStock: ua.Asset.Stock,
			Membership: u.Membership, IsOnHold: ua.OnHold(now)}
	}))
	return nil
}

// deleteAsset serves DELETE /v2/inventory/asset/{assetId}: the session's
// user gives up every copy they own (§3.7 [I]). Order of checks: session
// (401), CSRF (403 code 0), asset exists (404 code 1), owned (403 code 2),
// eligible (403 code 3: limiteds and assets created by the Roblox user).
func (s *Server) deleteAsset(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "assetId")
	if err != nil {
		return err
	}
	se, err := s.requireSession(r)
	if err != nil {
		return err
	}
	if err := s.checkCSRF(r, se); err != nil {
		return err
	}
	a, err := s.store.Asset(r.Context(), id)
	if inventory.KindOf(err) == inventory.KindNotFound {
		return fail(http.StatusNotFound, 1, "The item does not exist.")
	} else if err != nil {
		return err
	}
	copies, err := s.store.OwnedCopies(r.Context(), se.UserID, a.ID, 1)
	if err != nil {
		return err
	}
	if len(copies) == 0 {
		return fail(http.StatusForbidden, 2, "You don't own the specified item.")
	}
	if a.Limited != inventory.NotLimited || (a.Creator.Type == inventory.AgentUser && a.Creator.ID == inventory.RobloxUserID) {
		return fail(http.StatusForbidden, 3, "The item is not allowed to be deleted.")
	}
	n, err := s.store.DeleteOwnedCopies(r.Context(), se.UserID, a.ID)
	if err != nil {
		return err
	}
	if n == 0 {
		// A concurrent request removed them after the check above: of
		// many deletes of one item, one succeeds (§3.7).
		return fail(http.StatusForbidden, 2, "You don't own the specified item.")
	}
	writeRaw(w, http.StatusOK, []byte("{}"))
	return nil
}

// packageAssets serves the deprecated GET /v1/packages/{packageId}/assets.
// The swagger lists no errors: an unknown asset is 400 code 1 and an asset
// that is not a package has no contents (docs/compatibility.md).
func (s *Server) packageAssets(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "packageId")
	if err != nil {
		return err
	}
	if _, err := s.store.Asset(r.Context(), id); inventory.KindOf(err) == inventory.KindNotFound {
		return fail(http.StatusBadRequest, 1, "The package does not exist.")
	} else if err != nil {
		return err
	}
	ids, err := s.store.PackageAssets(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		AssetIDs []int64 `json:"assetIds"`
	}{ids})
	return nil
}
