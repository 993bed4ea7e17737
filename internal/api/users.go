package api

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// targetUser loads the user named by the userId path parameter. Banned users
// behave as nonexistent on user endpoints; missing answers missing.
func (s *Server) targetUser(r *http.Request, missing *apiError) (inventory.User, error) {
	id, err := pathID(r, "userId")
	if err != nil {
		return inventory.User{}, err
	}
	u, err := s.store.User(r.Context(), id)
	if err != nil {
		if inventory.KindOf(err) == inventory.KindNotFound {
			return u, missing
		}
		return u, err
	}
	if u.Banned {
		return u, missing
	}
	return u, nil
}

// canView applies the privacy rule for one owner.
func (s *Server) canView(ctx context.Context, owner inventory.User, v inventory.Viewer) (bool, error) {
	var rel inventory.Relation
	if inventory.NeedsRelation(owner.ID, owner.Privacy, v) {
		rels, err := s.store.Relations(ctx, v.UserID, []int64{owner.ID})
		if err != nil {
			return false, err
		}
		rel = rels[owner.ID]
	}
	return inventory.CanView(owner.ID, owner.Privacy, v, rel), nil
}

// canViewInventory serves GET /v1/users/{userId}/can-view-inventory: whether
// the current viewer, anonymous included, may see the inventory (§3.4).
func (s *Server) canViewInventory(w http.ResponseWriter, r *http.Request) error {
	u, err := s.targetUser(r, fail(http.StatusBadRequest, 1, "The specified user does not exist!"))
	if err != nil {
		return err
	}
	ok, err := s.viewerCanSee(r, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		CanView bool `json:"canView"`
	}{ok})
	return nil
}

// authenticatedUser serves users.roblox.com's GET /v1/users/authenticated,
// which noblox.js's setCookie calls to validate a cookie.
func (s *Server) authenticatedUser(w http.ResponseWriter, r *http.Request) error {
	se, err := s.requireSession(r)
	if err != nil {
		return err
	}
	u, err := s.store.User(r.Context(), se.UserID)
	if err != nil {
		if inventory.KindOf(err) == inventory.KindNotFound {
			return errUnauthorized
		}
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		ID          int64  `json:"id"`
		Name        string `json:"name"`
		DisplayName string `json:"displayName"`
	}{u.ID, u.Name, u.DisplayName})
	return nil
}

// logout serves auth.roblox.com's POST /v2/logout. Without a valid
// x-csrf-token it answers the CSRF challenge (clients harvest the token
// here); with one it ends the session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	se, err := s.viewer(r)
	if err != nil {
		return err
	}
	if err := s.checkCSRF(r, se); err != nil {
		return err
	}
	if se.Anonymous() {
		return errUnauthorized
	}
	if err := s.store.DeleteSession(r.Context(), se.tokenHash); err != nil {
		return err
	}
	writeRaw(w, http.StatusOK, []byte("{}"))
	return nil
}

// login serves auth.roblox.com's POST /v2/login for its one use here:
// bloxy fetches every CSRF token from it (bloxy
// dist/controllers/rest/lib/updateXCSRFToken.js accepts only a 403 and
// reads x-csrf-token), so without a valid token it answers the same
// challenge as logout, bound to the session when a cookie is sent.
// Password sign-in is not offered: with a valid token the answer is one of
// the refusals of the auth v2 swagger's login error list (docs/
// compatibility.md, [I]): a signed-in caller 403 code 12; no user name or
// password 400 code 3; any credentials 403 code 1, since no inventoryd
// user has a password.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	se, err := s.viewer(r)
	if err != nil {
		return err
	}
	if err := s.checkCSRF(r, se); err != nil {
		return err
	}
	if !se.Anonymous() {
		return fail(http.StatusForbidden, 12, "Existing login session found. Please log out first.")
	}
	var req struct {
		CValue   string `json:"cvalue"`
		Password string `json:"password"`
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &req); err != nil || req.CValue == "" || req.Password == "" {
		return fail(http.StatusBadRequest, 3, "Username and Password are required. Please try again.")
	}
	return fail(http.StatusForbidden, 1, "Incorrect username or password. Please try again.")
}

// healthz answers 200 once the store is open, migrated and reachable.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.Ping(r.Context()); err != nil {
		return errUnavailable
	}
	writeRaw(w, http.StatusOK, []byte(`{"status":"ok"}`))
	return nil
}
