package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// The admin API (docs/admin-api.md, /admin/v1/openapi.json): JSON in and
// out with the fixture document's field names, errors in Roblox's
// envelope. Handlers parse and answer; every rule and transaction is in
// inventory.Admin and the store, which the CLI and the console share.

// admin wraps an admin handler: 404 when no admin key is configured, 401
// without the right bearer key.
func (s *Server) admin(h handler) http.Handler {
	return s.adapt(func(w http.ResponseWriter, r *http.Request) error {
		if err := s.checkAdmin(r); err != nil {
			return err
		}
		if err := h(w, r); err != nil {
			return domainError(err)
		}
		return nil
	})
}

func (s *Server) adminLayer() *inventory.Admin { return &inventory.Admin{Store: s.store, Now: s.now} }

func invalidBody(msg string) error {
	return &apiError{Status: http.StatusBadRequest, Code: 0, Message: msg}
}

// readBody returns the request body, 413 past the limit.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	if tooLarge(err) {
		return nil, errTooLarge
	}
	return b, err
}

// tooLarge reports whether err is the end of a body past --max-body-bytes.
func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// decodeBody decodes a JSON object body into v, refusing unknown fields
// and anything but an object (null, arrays, scalars).
func decodeBody(r *http.Request, v any) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		b = []byte("{}") // no body: an empty object
	}
	if b, err = inventory.OneObject(b); err != nil {
		return invalidBody(err.(*inventory.Error).Message)
	}
	if err := inventory.DecodeStrict(b, v); err != nil {
		return invalidBody(decodeMessage(err))
	}
	return nil
}

// noBody refuses a body on an operation that takes none: anything but
// nothing or {} is 400, before the operation runs.
func noBody(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := decodeBody(r, &struct{}{}); err != nil {
			return err
		}
		return h(w, r)
	}
}

// decodeMessage words a decoding error for the client as fixture
// documents do (inventory.DecodeErrorMessage): a value of the wrong type
// names its field and what the field takes, never a Go type.
func decodeMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" || inventory.UnknownFieldIn(err) != "" {
		return inventory.DecodeErrorMessage("", "", err) // names the field or object
	}
	return inventory.DecodeErrorMessage("body", "", err)
}

// enumValue is an enum field of a request body: a name (any case) or a
// number, as in fixture documents.
type enumValue = inventory.EnumText

// agentBody is {"type":"User","id":1} in a request body; the type is a
// name or a number (User 1, Group 2).
type agentBody struct {
	Type enumValue `json:"type"`
	ID   int64     `json:"id"`
}

// parseRecord parses a create body with the fixture document's rules.
func parseRecord(r *http.Request, section string, now time.Time) (*inventory.Fixture, error) {
	b, err := readBody(r)
	if err != nil {
		return nil, err
	}
	return inventory.ParseRecord(section, b, now)
}

// pathIDs parses int64 path parameters.
func pathIDs(r *http.Request, names ...string) ([]int64, error) {
	out := make([]int64, len(names))
	for i, n := range names {
		v, err := pathID(r, n)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// optTimeParam parses an optional date field as a fixture document does
// (inventory.ParseTime): RFC 3339, within the years 0001 to 9999 in UTC.
func optTimeParam(field, v string) (*time.Time, error) {
	return inventory.ParseTime(field, v)
}

// agentParam parses {"type":"User","id":1}.
func agentParam(field string, a *agentBody) (inventory.Agent, error) {
	if a == nil {
		return inventory.Agent{}, invalidBody(field + ": is required")
	}
	t, ok := inventory.ParseAgentType(string(a.Type))
	if !ok || t == inventory.AgentExperience {
		return inventory.Agent{}, invalidBody(field + ".type: must be User or Group")
	}
	return inventory.Agent{Type: t, ID: a.ID}, nil
}

// ---- users, relations, sessions

func (s *Server) adminCreateUser(w http.ResponseWriter, r *http.Request) error {
	f, err := parseRecord(r, "users", s.now())
	if err != nil {
		return err
	}
	u, err := s.adminLayer().CreateUser(r.Context(), f.Users[0])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, inventory.UserRecordOf(u))
	return nil
}

func (s *Server) adminGetUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "userId")
	if err != nil {
		return err
	}
	u, err := s.store.User(r.Context(), id)
	if err != nil {
		return notFoundAs(err, "user", id)
	}
	writeJSON(w, http.StatusOK, inventory.UserRecordOf(u))
	return nil
}

// notFoundAs words a store's not-found as the other admin 404s are
// worded ("user 5 not found", as "place 5 not found"), not as the store's
// "user: not found".
func notFoundAs(err error, what string, id int64) error {
	if inventory.KindOf(err) == inventory.KindNotFound {
		return &inventory.Error{Kind: inventory.KindNotFound, Message: fmt.Sprintf("%s %d not found", what, id)}
	}
	return err
}

func (s *Server) adminUpdateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "userId")
	if err != nil {
		return err
	}
	var body struct {
		Username    *string    `json:"username"`
		DisplayName *string    `json:"displayName"`
		Membership  *int       `json:"buildersClubMembershipType"`
		Privacy     *enumValue `json:"inventoryPrivacy"`
		IsBanned    *bool      `json:"isBanned"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	p := inventory.UserPatch{Name: body.Username, DisplayName: body.DisplayName, Membership: body.Membership, Banned: body.IsBanned}
	if body.Privacy != nil {
		pr, ok := inventory.ParsePrivacy(string(*body.Privacy))
		if !ok {
			return invalidBody("inventoryPrivacy: unknown privacy " + `"` + string(*body.Privacy) + `"`)
		}
		p.Privacy = &pr
	}
	u, err := s.adminLayer().UpdateUser(r.Context(), id, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, inventory.UserRecordOf(u))
	return nil
}

// adminRelation serves PUT/DELETE friends and following.
func (s *Server) adminRelation(friends, on bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ids, err := pathIDs(r, "userId", "otherId")
		if err != nil {
			return err
		}
		a := s.adminLayer()
		if friends {
			err = a.SetFriendship(r.Context(), ids[0], ids[1], on)
		} else {
			err = a.SetFollow(r.Context(), ids[0], ids[1], on)
		}
		if err != nil {
			return err
		}
		writeRaw(w, http.StatusOK, []byte("{}"))
		return nil
	}
}

func (s *Server) adminCreateSession(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "userId")
	if err != nil {
		return err
	}
	token, err := s.adminLayer().CreateSession(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, struct {
		UserID int64  `json:"userId"`
		Cookie string `json:"cookie"`
	}{id, token})
	return nil
}

func (s *Server) adminRevokeSession(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "userId")
	if err != nil {
		return err
	}
	var body struct {
		Cookie string `json:"cookie"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	if err := s.adminLayer().RevokeSession(r.Context(), id, body.Cookie); err != nil {
		return err
	}
	writeRaw(w, http.StatusOK, []byte(`{"revoked":1}`))
	return nil
}

func (s *Server) adminRevokeSessions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "userId")
	if err != nil {
		return err
	}
	n, err := s.adminLayer().RevokeAllSessions(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Revoked int `json:"revoked"`
	}{n})
	return nil
}

// ---- catalog

// catalogKind describes one catalog entity for the generic handlers.
type catalogKind struct {
	section, idParam string
	get              func(s *Server, r *http.Request, id int64) (any, error)
	save             func(a *inventory.Admin, r *http.Request, f *inventory.Fixture, create bool) (int64, error)
}

// catalogWhat names one record of each catalog section in messages.
var catalogWhat = map[string]string{"groups": "group", "gamePasses": "game pass", "badges": "badge", "bundles": "bundle", "places": "place"}

var catalogKinds = map[string]catalogKind{
	"groups": {"groups", "groupId",
		func(s *Server, r *http.Request, id int64) (any, error) {
			g, err := s.store.Group(r.Context(), id)
			return inventory.GroupRecord{ID: g.ID, Name: g.Name}, err
		},
		func(a *inventory.Admin, r *http.Request, f *inventory.Fixture, create bool) (int64, error) {
			return f.Groups[0].ID, a.Store.SaveGroup(r.Context(), f.Groups[0], create)
		}},
	"gamePasses": {"gamePasses", "gamePassId",
		func(s *Server, r *http.Request, id int64) (any, error) {
			g, err := s.store.GamePass(r.Context(), id)
			return inventory.GamePassRecord{ID: g.ID, Name: g.Name, PlaceID: g.PlaceID, Price: g.Price}, err
		},
		func(a *inventory.Admin, r *http.Request, f *inventory.Fixture, create bool) (int64, error) {
			return f.GamePasses[0].ID, a.Store.SaveGamePass(r.Context(), f.GamePasses[0], create)
		}},
	"badges": {"badges", "badgeId",
		func(s *Server, r *http.Request, id int64) (any, error) {
			b, err := s.store.Badge(r.Context(), id)
			return inventory.BadgeRecord{ID: b.ID, Name: b.Name, PlaceID: b.PlaceID}, err
		},
		func(a *inventory.Admin, r *http.Request, f *inventory.Fixture, create bool) (int64, error) {
			return f.Badges[0].ID, a.Store.SaveBadge(r.Context(), f.Badges[0], create)
		}},
	"bundles": {"bundles", "bundleId",
		func(s *Server, r *http.Request, id int64) (any, error) {
			b, err := s.store.Bundle(r.Context(), id)
			return inventory.BundleRecord{ID: b.ID, Name: b.Name, BundleType: b.Type}, err
		},
		func(a *inventory.Admin, r *http.Request, f *inventory.Fixture, create bool) (int64, error) {
			return f.Bundles[0].ID, a.Store.SaveBundle(r.Context(), f.Bundles[0], create)
		}},
	"places": {"places", "placeId",
		func(s *Server, r *http.Request, id int64) (any, error) {
			p, err := s.store.Place(r.Context(), id)
			return inventory.PlaceRecordOf(p), err
		},
		func(a *inventory.Admin, r *http.Request, f *inventory.Fixture, create bool) (int64, error) {
			return f.Places[0].ID, a.Store.SavePlace(r.Context(), f.Places[0], create)
		}},
}

// adminCatalogGet serves GET /admin/v1/<kind>/{id}.
func (s *Server) adminCatalogGet(kind string) handler {
	k := catalogKinds[kind]
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, k.idParam)
		if err != nil {
			return err
		}
		rec, err := k.get(s, r, id)
		if err != nil {
			return notFoundAs(err, catalogWhat[kind], id)
		}
		writeJSON(w, http.StatusOK, rec)
		return nil
	}
}

// adminCatalogSave serves POST /admin/v1/<kind> (create: 201, 409 if the
// id is taken) and PUT /admin/v1/<kind>/{id} (replace: 200, 404 if absent;
// the body's id, when given, must match the path).
func (s *Server) adminCatalogSave(kind string, create bool) handler {
	k := catalogKinds[kind]
	return func(w http.ResponseWriter, r *http.Request) error {
		b, err := readBody(r)
		if err != nil {
			return err
		}
		if !create {
			id, err := pathID(r, k.idParam)
			if err != nil {
				return err
			}
			if b, err = withID(b, kind, id); err != nil {
				return err
			}
		}
		f, err := inventory.ParseRecord(k.section, b, s.now())
		if err != nil {
			return err
		}
		id, err := k.save(s.adminLayer(), r, f, create)
		if err != nil {
			return err
		}
		rec, err := k.get(s, r, id)
		if err != nil {
			return notFoundAs(err, catalogWhat[kind], id)
		}
		status := http.StatusOK
		if create {
			status = http.StatusCreated
		}
		writeJSON(w, status, rec)
		return nil
	}
}

// withID sets the record's id field to the path's, refusing a different one.
func withID(body []byte, kind string, id int64) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil || m == nil { // "null" decodes to a nil map
		return nil, invalidBody("body: must be a JSON object")
	}
	key := "id"
	if kind == "places" {
		key = "placeId"
	}
	want, _ := json.Marshal(id)
	if got, ok := m[key]; ok && !bytes.Equal(bytes.TrimSpace(got), want) {
		return nil, invalidBody(key + ": does not match the path")
	}
	m[key] = want
	return json.Marshal(m)
}

func (s *Server) assetRecord(r *http.Request, a inventory.Asset) (inventory.AssetRecord, error) {
	var pkg []int64
	if a.Type == inventory.AssetTypePackage {
		var err error
		if pkg, err = s.store.PackageAssets(r.Context(), a.ID); err != nil {
			return inventory.AssetRecord{}, err
		}
	}
	return inventory.AssetRecordOf(a, pkg), nil
}

func (s *Server) writeAsset(w http.ResponseWriter, r *http.Request, status int, a inventory.Asset) error {
	rec, err := s.assetRecord(r, a)
	if err != nil {
		return err
	}
	writeJSON(w, status, rec)
	return nil
}

func (s *Server) adminCreateAsset(w http.ResponseWriter, r *http.Request) error {
	f, err := parseRecord(r, "assets", s.now())
	if err != nil {
		return err
	}
	a := f.Assets[0]
	if err := s.store.CreateAsset(r.Context(), a); err != nil {
		return err
	}
	stored, err := s.store.Asset(r.Context(), a.ID)
	if err != nil {
		return err
	}
	return s.writeAsset(w, r, http.StatusCreated, stored)
}

func (s *Server) adminGetAsset(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "assetId")
	if err != nil {
		return err
	}
	a, err := s.store.Asset(r.Context(), id)
	if err != nil {
		return notFoundAs(err, "asset", id)
	}
	return s.writeAsset(w, r, http.StatusOK, a)
}

// optInt64 is a patch field: absent (Set false), null (clear) or a number.
type optInt64 inventory.Opt[int64]

func (o *optInt64) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

func (s *Server) adminUpdateAsset(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "assetId")
	if err != nil {
		return err
	}
	var body struct {
		Name            *string    `json:"name"`
		RAP             optInt64   `json:"recentAveragePrice"`
		OriginalPrice   optInt64   `json:"originalPrice"`
		Stock           optInt64   `json:"assetStock"`
		Price           optInt64   `json:"priceInRobux"`
		Moderation      *enumValue `json:"moderationStatus"`
		PackageAssetIDs *[]int64   `json:"packageAssetIds"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	p := inventory.AssetPatch{Name: body.Name, RAP: inventory.Opt[int64](body.RAP), OriginalPrice: inventory.Opt[int64](body.OriginalPrice),
		Stock: inventory.Opt[int64](body.Stock), Price: inventory.Opt[int64](body.Price), PackageAssetIDs: body.PackageAssetIDs}
	if body.Moderation != nil {
		m, ok := inventory.ParseModeration(string(*body.Moderation))
		if !ok {
			return invalidBody(`moderationStatus: unknown moderation status "` + string(*body.Moderation) + `"`)
		}
		p.Moderation = &m
	}
	a, err := s.adminLayer().UpdateAsset(r.Context(), id, p)
	if err != nil {
		return err
	}
	return s.writeAsset(w, r, http.StatusOK, a)
}
