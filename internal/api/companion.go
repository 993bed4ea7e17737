package api

import (
	"encoding/json"
	"net/http"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// Companion routes of other Roblox services that real clients call around
// the inventory API (bloxy builds user objects from users.roblox.com;
// both libraries read and write the inventory privacy on
// accountsettings.roblox.com). They are served on the same host so a
// redirected client works unchanged; docs/compatibility.md lists them.

// userDetails serves users.roblox.com GET /v1/users/{userId}; unknown or
// banned users are 404 code 3 "The user id is invalid.".
func (s *Server) userDetails(w http.ResponseWriter, r *http.Request) error {
	u, err := s.targetUser(r, fail(http.StatusNotFound, 3, "The user id is invalid."))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Description            string     `json:"description"`
		Created                robloxTime `json:"created"`
		IsBanned               bool       `json:"isBanned"`
		ExternalAppDisplayName *string    `json:"externalAppDisplayName"`
		HasVerifiedBadge       bool       `json:"hasVerifiedBadge"`
		ID                     int64      `json:"id"`
		Name                   string     `json:"name"`
		DisplayName            string     `json:"displayName"`
	}{Created: robloxTime(u.Created), ID: u.ID, Name: u.Name, DisplayName: u.DisplayName})
	return nil
}

type userSummary struct {
	HasVerifiedBadge bool   `json:"hasVerifiedBadge"`
	ID               int64  `json:"id"`
	Name             string `json:"name"`
	DisplayName      string `json:"displayName"`
}

// usersByID serves users.roblox.com POST /v1/users: {"userIds":[...],
// "excludeBannedUsers":bool} → {"data":[...]}, unknown ids left out, at
// most 100 ids (400 code 2 "Too many ids.").
func (s *Server) usersByID(w http.ResponseWriter, r *http.Request) error {
	se, err := s.viewer(r)
	if err != nil {
		return err
	}
	if !se.Anonymous() {
		if err := s.checkCSRF(r, se); err != nil {
			return err
		}
	}
	var req struct {
		UserIDs            []int64 `json:"userIds"`
		ExcludeBannedUsers bool    `json:"excludeBannedUsers"`
	}
	// The whole body first: one JSON document, nothing after it, and a
	// body the client never finishes is 400 "could not be read".
	b, err := readBody(r)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &req); err != nil {
		return fail(http.StatusBadRequest, 0, "The request body is not a valid JSON document.")
	}
	if len(req.UserIDs) > 100 {
		return fail(http.StatusBadRequest, 2, "Too many ids.")
	}
	data := []userSummary{}
	seen := map[int64]bool{}
	for _, id := range req.UserIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		u, err := s.store.User(r.Context(), id)
		if inventory.KindOf(err) == inventory.KindNotFound || (err == nil && u.Banned && req.ExcludeBannedUsers) {
			continue
		} else if err != nil {
			return err
		}
		data = append(data, userSummary{ID: u.ID, Name: u.Name, DisplayName: u.DisplayName})
	}
	writeJSON(w, http.StatusOK, struct {
		Data []userSummary `json:"data"`
	}{data})
	return nil
}

type privacyBody struct {
	InventoryPrivacy string `json:"inventoryPrivacy"`
}

// inventoryPrivacy serves accountsettings.roblox.com GET
// /v1/inventory-privacy: the session user's setting, by name.
func (s *Server) inventoryPrivacy(w http.ResponseWriter, r *http.Request) error {
	se, err := s.requireSession(r)
	if err != nil {
		return err
	}
	u, err := s.store.User(r.Context(), se.UserID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, privacyBody{u.Privacy.String()})
	return nil
}

// setInventoryPrivacy serves accountsettings.roblox.com POST
// /v1/inventory-privacy: {"inventoryPrivacy": name or 1..6}; session and
// CSRF required; an unknown value is 400 code 1.
func (s *Server) setInventoryPrivacy(w http.ResponseWriter, r *http.Request) error {
	se, err := s.requireSession(r)
	if err != nil {
		return err
	}
	if err := s.checkCSRF(r, se); err != nil {
		return err
	}
	var req struct {
		InventoryPrivacy json.RawMessage `json:"inventoryPrivacy"`
	}
	invalid := fail(http.StatusBadRequest, 1, "Invalid inventory privacy.")
	// The whole body before anything changes: a body the client never
	// finishes (or sends as bad chunks) is 400 "could not be read", and
	// anything after the one JSON document is invalid; the setting was
	// once saved from the first object of a body still arriving.
	b, err := readBody(r)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &req); err != nil {
		return invalid
	}
	var v any
	if err := json.Unmarshal(req.InventoryPrivacy, &v); err != nil {
		return invalid
	}
	var text string
	switch x := v.(type) {
	case string:
		text = x
	case float64:
		text = json.Number(req.InventoryPrivacy).String()
	default:
		return invalid
	}
	p, ok := inventory.ParsePrivacy(text)
	if !ok {
		return invalid
	}
	u, err := s.store.UpdateUser(r.Context(), se.UserID, inventory.UserPatch{Privacy: &p})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		InventoryPrivacy       string `json:"inventoryPrivacy"`
		TradePrivacyUpdated    bool   `json:"tradePrivacyUpdated"`
		PrivacySettingResponse string `json:"privacySettingResponse"`
	}{u.Privacy.String(), false, "Accepted"})
	return nil
}
