package api

import (
	"net/http"
	"strconv"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

var errPlacesRequest = fail(http.StatusBadRequest, 6, "Invalid request")

// placesInventory serves GET /v1/users/{userId}/places/inventory.
// placesTab is a name (Created, MyGames, OtherGames, Purchased) or a number
// 0..5 (0..3 in that order, §3.3 [I]; 4 and 5 are valid and empty);
// itemsPerPage (1..100) and a numeric offset cursor are required (an empty
// cursor is 0). Created is public; the other tabs follow the inventory
// privacy setting, 403 code 3 when hidden. The parameters are checked
// before the user (inventory.go, the order of checks).
func (s *Server) placesInventory(w http.ResponseWriter, r *http.Request) error {
	if _, err := pathID(r, "userId"); err != nil {
		return err
	}
	q := r.URL.Query()
	rawTab := q.Get("placesTab")
	tab, ok := inventory.ParsePlacesTab(rawTab)
	n, isInt := queryInt(rawTab)
	extraTab := isInt && (n == 4 || n == 5)
	if !ok && !extraTab {
		return errPlacesRequest
	}
	per, ok := queryInt(q.Get("itemsPerPage"))
	if !ok || per < 1 || per > 100 {
		return errPlacesRequest
	}
	if !q.Has("cursor") {
		return errPlacesRequest
	}
	offset := 0
	if c := q.Get("cursor"); c != "" {
		if offset, ok = queryInt(c); !ok || offset < 0 || offset > 1<<30 {
			return errPlacesRequest
		}
	}
	u, err := s.targetUser(r, errPlacesRequest)
	if err != nil {
		return err
	}
	if extraTab || tab != inventory.TabCreated {
		if err := s.checkVisible(r, u, fail(http.StatusForbidden, 3, "Insufficient permission.")); err != nil {
			return err
		}
	}
	places := []inventory.Place{}
	if !extraTab {
		if places, err = s.store.UserPlaces(r.Context(), u.ID, tab, offset, per+1); err != nil {
			return err
		}
	}
	var body pageBody[placeModel]
	if len(places) > per {
		places = places[:per]
		next := strconv.Itoa(offset + per)
		body.NextPageCursor = &next
	}
	if offset > 0 {
		prev := strconv.Itoa(max(0, offset-per))
		body.PreviousPageCursor = &prev
	}
	body.Data = make([]placeModel, len(places))
	for i, p := range places {
		body.Data[i] = placeModel{UniverseID: p.UniverseID, PlaceID: p.ID, Name: p.Name, PriceInRobux: p.Price,
			Creator: creatorModel{ID: p.Creator.ID, Name: optString(p.CreatorName), Type: p.Creator.Type.String()}}
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}
