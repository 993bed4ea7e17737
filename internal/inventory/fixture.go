package inventory

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Fixture is a parsed, validated fixture document (docs/fixtures.md). All
// enums are resolved and all dates parsed; references to other rows are
// checked by Store.Import, because they may point at rows already stored.
type Fixture struct {
	Users       []User
	Groups      []Group
	Friendships [][2]int64 // symmetric
	Follows     [][2]int64 // follower, following
	Sessions    []FixtureSession
	Assets      []FixtureAsset
	UserAssets  []FixtureUserAsset
	// RetiredCopies are copies revoked or deleted in the store a document
	// was exported from: their ids and serials are never given again.
	RetiredCopies []FixtureRetiredCopy
	GamePasses    []GamePass
	Badges        []Badge
	Bundles       []Bundle
	UserItems     []UserItem
	Places        []Place
	UserPlaces    []FixtureUserPlace
	Collections   []FixtureCollection
	// Hash identifies the document's content; importing a document with a
	// hash already imported is a no-op.
	Hash string
	// lines, for a batch of a stream, holds the line of each element, by
	// section (PathOf).
	lines map[string][]int64
}

// PathOf names element i of a section in error messages: "friendships[3]"
// in a document, the element's line in a stream ("line 812: friendships",
// which a field follows after a dot, as in a document). The store's
// reference checks name their elements with it.
func (f *Fixture) PathOf(section string, i int) string {
	if lines := f.lines[section]; i < len(lines) {
		return "line " + strconv.FormatInt(lines[i], 10) + ": " + section
	}
	return section + "[" + strconv.Itoa(i) + "]"
}

// JoinPath names a field of the record at path: "userAssets[3]" and
// "owner" give "userAssets[3].owner". A stream's owned copy is named by its
// line alone ("line 9"), and its fields follow a colon ("line 9: owner"),
// as bulk-import.md documents them.
func JoinPath(path, field string) string {
	if strings.HasPrefix(path, "line ") && strings.IndexByte(path, ':') < 0 {
		return path + ": " + field
	}
	return path + "." + field
}

// FixtureSession is a login: the raw .ROBLOSECURITY value is hashed before
// it is stored.
type FixtureSession struct {
	UserID    int64
	TokenHash []byte
}

// FixtureAsset is an asset and, for packages, its contents.
type FixtureAsset struct {
	Asset
	PackageAssetIDs []int64
}

// FixtureUserAsset is an owned copy. ID 0 means "generate"; a nil Serial on
// a numbered asset and an empty InstanceID on a collectible are generated.
type FixtureUserAsset struct {
	UserAsset
	Path string // e.g. "userAssets[3]", or "line 9" in a stream, for error messages (JoinPath)
}

// FixtureRetiredCopy is a "retiredCopies" element.
type FixtureRetiredCopy struct {
	UserAssetID, AssetID int64
	Serial               *int64
}

// FixtureUserPlace puts a place on a user's places tab.
type FixtureUserPlace struct {
	UserID  int64
	Tab     PlacesTab
	PlaceID int64
	Path    string
}

// FixtureCollection is one collection entry.
type FixtureCollection struct {
	UserID int64
	Item   CollectionItem
	Path   string
}

// EnumText is an enum value in JSON: a name (any case) or an integer, in
// fixture documents and admin request bodies alike. Anything else is a
// *json.UnmarshalTypeError, so that the decoder adds the field's path and
// DecodeErrorMessage words it.
type EnumText string

func (e *EnumText) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*e = EnumText(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil || strings.ContainsAny(n.String(), ".eE") {
		return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeFor[EnumText]()}
	}
	*e = EnumText(n.String())
	return nil
}

// idList is a JSON array of ids; a bad element is reported with its index.
type idList []int64

func (l *idList) UnmarshalJSON(b []byte) error {
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeFor[idList]()}
	}
	if items == nil { // null
		*l = nil
		return nil
	}
	out := make(idList, len(items))
	for i, it := range items {
		if err := json.Unmarshal(it, &out[i]); err != nil {
			return &json.UnmarshalTypeError{Value: string(it), Type: reflect.TypeFor[int64](), Field: "[" + strconv.Itoa(i) + "]"}
		}
	}
	*l = out
	return nil
}

// DecodeErrorMessage words a decoding error of the value at path for the
// client, in fixture documents and admin request bodies alike: a value of
// the wrong type names its field and what the field takes
// ("users[0].id: must be an integer"), never a Go type. sep joins path and
// the field inside it.
func DecodeErrorMessage(path, sep string, err error) string {
	var uf *unknownFieldError
	if errors.As(err, &uf) {
		if uf.in != "" {
			path += sep + uf.in
		}
		return fmt.Sprintf("%s: unknown field %q", path, uf.key)
	}
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return path + ": " + strings.TrimPrefix(err.Error(), "json: ")
	}
	if te.Field != "" {
		// The decoder joins the fields with dots, an idList index too.
		path += sep + strings.ReplaceAll(te.Field, ".[", "[")
	}
	return path + ": must be " + wantOf(te.Type)
}

// wantOf names what a value of type t is in JSON.
func wantOf(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == nil:
		return "a valid value"
	case t == reflect.TypeFor[EnumText]():
		return "a name or a number"
	case t == reflect.TypeFor[idList]():
		return "an array of integers"
	case t.Kind() == reflect.String:
		return "a string"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "an integer"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return "a number"
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		return "an array"
	}
	return "a JSON object"
}

// unknownFieldError is encoding/json's unknown-field error with the
// object that holds the key: encoding/json names the key alone, so that
// "creator":{"type":"User","id":1,"x":1} would be reported at the element
// rather than at its creator.
type unknownFieldError struct {
	in  string // the dotted path of the object inside the value, "" for the value itself
	key string
}

func (e *unknownFieldError) Error() string { return fmt.Sprintf("json: unknown field %q", e.key) }

// DecodeStrict is decodeStrict for other packages (the admin API's
// bodies): an unknown field names the object that holds it.
func DecodeStrict(data []byte, v any) error { return decodeStrict(data, v) }

// UnknownFieldIn is the dotted path of the object holding the unknown
// field err reports, "" when err is no such error or the field is at the
// top level.
func UnknownFieldIn(err error) string {
	var uf *unknownFieldError
	if errors.As(err, &uf) {
		return uf.in
	}
	return ""
}

// decodeStrict decodes the JSON object data into v (a pointer to a
// struct) refusing unknown fields, and names the object holding an unknown
// field (unknownFieldError).
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil || !strings.HasPrefix(err.Error(), "json: unknown field ") {
		return err
	}
	if in, key, ok := findUnknownField(data, reflect.TypeOf(v)); ok {
		return &unknownFieldError{in: in, key: key}
	}
	return err
}

// findUnknownField walks the object data as encoding/json decodes it into
// a t, depth first in document order (the order in which encoding/json
// meets, and reports, the first unknown key), and returns the first key
// that no field of t takes, with the dotted path of its object.
func findUnknownField(data []byte, t reflect.Type) (in, key string, ok bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return "", "", false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // {
		return "", "", false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", "", false
		}
		k, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return "", "", false
		}
		f, found := jsonField(t, k)
		if !found {
			return "", k, true
		}
		if len(raw) > 0 && raw[0] == '{' {
			if sub, sk, ok := findUnknownField(raw, f.Type); ok {
				if sub != "" {
					return k + "." + sub, sk, true
				}
				return k, sk, true
			}
		}
	}
	return "", "", false
}

// jsonField returns the field of struct t that encoding/json decodes the
// key into: the exact name first, else one that matches ignoring case.
func jsonField(t reflect.Type, key string) (reflect.StructField, bool) {
	var fold reflect.StructField
	folded := false
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if name == key {
			return f, true
		}
		if !folded && strings.EqualFold(name, key) {
			fold, folded = f, true
		}
	}
	return fold, folded
}

type agentDoc struct {
	Type EnumText `json:"type"`
	ID   int64    `json:"id"`
}

type docUser struct {
	ID          int64    `json:"id"`
	Username    string   `json:"username"`
	DisplayName string   `json:"displayName"`
	Membership  int      `json:"buildersClubMembershipType"`
	Privacy     EnumText `json:"inventoryPrivacy"`
	IsBanned    bool     `json:"isBanned"`
	Created     string   `json:"created"`
}

type docAsset struct {
	ID                int64     `json:"id"`
	Name              string    `json:"name"`
	AssetType         EnumText  `json:"assetType"`
	Creator           *agentDoc `json:"creator"`
	IsLimited         bool      `json:"isLimited"`
	IsLimitedUnique   bool      `json:"isLimitedUnique"`
	CollectibleItemID string    `json:"collectibleItemId"`
	RAP               *int64    `json:"recentAveragePrice"`
	OriginalPrice     *int64    `json:"originalPrice"`
	Stock             *int64    `json:"assetStock"`
	Price             *int64    `json:"priceInRobux"`
	Moderation        EnumText  `json:"moderationStatus"`
	Created           string    `json:"created"`
	Updated           string    `json:"updated"`
	PackageAssetIDs   idList    `json:"packageAssetIds"`
}

type docUserAsset struct {
	// UserAssetID is nil when absent (the store numbers the copy); a
	// value, 0 too, must be a valid id.
	UserAssetID *int64    `json:"userAssetId"`
	AssetID     int64     `json:"assetId"`
	Owner       *agentDoc `json:"owner"`
	Serial      *int64    `json:"serialNumber"`
	InstanceID  string    `json:"collectibleItemInstanceId"`
	HoldUntil   string    `json:"holdUntil"`
	ExpireAt    string    `json:"expireAt"`
	Created     string    `json:"created"`
	Updated     string    `json:"updated"`
}

// fixtureParser collects the first error with its path.
type fixtureParser struct {
	now time.Time
	err error
	// lines, for a batch of a stream, holds the line of each element by
	// section: errors name the line, and repeated ids are upserts, not
	// errors (docs/bulk-import.md).
	lines map[string][]int64
}

// elem names element i of a section (Fixture.PathOf).
func (p *fixtureParser) elem(section string, i int) string {
	return (&Fixture{lines: p.lines}).PathOf(section, i)
}

func (p *fixtureParser) fail(path, format string, args ...any) {
	if p.err == nil {
		p.err = &Error{Kind: KindInvalid, Message: path + ": " + fmt.Sprintf(format, args...)}
	}
}

func (p *fixtureParser) id(path string, v int64) int64 {
	if v <= 0 || v > MaxID {
		p.fail(path, "must be an integer from 1 to %d", int64(MaxID))
	}
	return v
}

func (p *fixtureParser) time(path, s string, def time.Time) time.Time {
	if s == "" {
		return def
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		p.fail(path, "%q is not an RFC 3339 date", s)
		return def
	}
	// Stored and written in UTC: an offset may carry a time past the four
	// digits of a year (9999-12-31T23:00:00-05:00 is 10000-01-01 UTC),
	// which export would write and no import reads back.
	t = t.UTC().Truncate(time.Millisecond)
	if t.Year() < 1 || t.Year() > 9999 {
		p.fail(path, "%q is out of range (years 0001 to 9999, in UTC)", s)
		return def
	}
	return t
}

// optID checks an optional id (a reference that may be absent).
func (p *fixtureParser) optID(path string, v *int64) *int64 {
	if v != nil {
		p.id(path, *v)
	}
	return v
}

// amount checks an optional price or stock: from 0 to MaxID, as the admin
// API's asset patch (checkAmount).
func (p *fixtureParser) amount(path string, v *int64) *int64 {
	if v != nil && (*v < 0 || *v > MaxID) {
		p.fail(path, "must be from 0 to %d", int64(MaxID))
	}
	return v
}

// CheckPackageContents checks the contents of package pkg, at field (its
// packageAssetIds), in a document and in the admin API alike: ids, in
// order, one row each, so no asset twice, and not the package itself (a
// cycle through other packages needs the store, which refuses it too).
func CheckPackageContents(field string, pkg int64, ids []int64) error {
	p := &fixtureParser{}
	seen := make(map[int64]bool, len(ids))
	for i, id := range ids {
		path := fmt.Sprintf("%s[%d]", field, i)
		p.id(path, id)
		switch {
		case id == pkg:
			p.fail(path, "a package cannot contain itself")
		case seen[id]:
			p.fail(path, "duplicate asset %d", id)
		}
		if p.err != nil {
			return p.err
		}
		seen[id] = true
	}
	return nil
}

func (p *fixtureParser) optTime(path, s string) *time.Time {
	if s == "" {
		return nil
	}
	t := p.time(path, s, time.Time{})
	return &t
}

func (p *fixtureParser) agent(path string, a *agentDoc, allowExperience bool) Agent {
	if a == nil {
		p.fail(path, "is required")
		return Agent{}
	}
	t, ok := ParseAgentType(string(a.Type))
	if !ok || (t == AgentExperience && !allowExperience) {
		p.fail(path+".type", "unknown type %q", a.Type)
	}
	return Agent{Type: t, ID: p.id(path+".id", a.ID)}
}

func (p *fixtureParser) name(path, s string) string {
	if strings.TrimSpace(s) == "" {
		p.fail(path, "is required")
	}
	return p.text(path, s)
}

// text checks an optional string: at most 1000 bytes and no NUL character,
// which PostgreSQL cannot store (both stores must accept the same documents).
func (p *fixtureParser) text(path, s string) string {
	if len(s) > 1000 {
		p.fail(path, "is longer than 1000 bytes")
	}
	if strings.IndexByte(s, 0) >= 0 {
		p.fail(path, "contains a NUL character")
	}
	return s
}

// decodeList decodes the array at key into out, one element at a time, so
// that errors name the element.
func decodeList[T any](p *fixtureParser, raw map[string]json.RawMessage, key string, each func(path string, v *T)) {
	b, ok := raw[key]
	if !ok || p.err != nil || string(b) == "null" {
		return
	}
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		p.fail(key, "must be an array")
		return
	}
	for i, it := range items {
		path := p.elem(key, i)
		var v T
		if err := decodeStrict(it, &v); err != nil {
			if p.err == nil {
				p.err = &Error{Kind: KindInvalid, Message: DecodeErrorMessage(path, ".", err)}
			}
			return
		}
		each(path, &v)
		if p.err != nil {
			return
		}
	}
}

var fixtureKeys = map[string]bool{"users": true, "groups": true, "friendships": true, "follows": true,
	"sessions": true, "assets": true, "retiredCopies": true, "userAssets": true, "gamePasses": true, "badges": true,
	"bundles": true, "userItems": true, "places": true, "userPlaces": true, "collections": true}

// utf8BOM is the byte order mark some Windows tools put before UTF-8
// text; a document or stream may start with one, which is skipped.
var utf8BOM = []byte("\xEF\xBB\xBF")

// ParseFixture reads and validates a fixture document. The error, of kind
// KindInvalid, names the path of the first bad value.
func ParseFixture(r io.Reader, now time.Time) (*Fixture, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read fixture: %w", err)
	}
	return parseFixture(bytes.TrimPrefix(data, utf8BOM), now, nil)
}

// parseFixture parses a document, or with lines a batch of a stream
// (fixtureParser.lines).
func parseFixture(data []byte, now time.Time, lines map[string][]int64) (*Fixture, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, &Error{Kind: KindInvalid, Message: "document: not valid JSON: " + se.Error()}
		}
		return nil, &Error{Kind: KindInvalid, Message: "document: must be a JSON object"}
	}
	if raw == nil { // null
		return nil, &Error{Kind: KindInvalid, Message: "document: must be a JSON object"}
	}
	for k := range raw {
		if !fixtureKeys[k] {
			return nil, &Error{Kind: KindInvalid, Message: fmt.Sprintf("%s: unknown section", k)}
		}
	}
	now = now.UTC().Truncate(time.Millisecond)
	p := &fixtureParser{now: now, lines: lines}
	f := &Fixture{lines: lines}
	if lines == nil {
		f.Hash = HashBytes(data)
	}
	seen := map[string]bool{}
	dup := func(path, kind string, id any) {
		if lines != nil {
			return // a stream upserts: a later line replaces the row
		}
		k := fmt.Sprint(kind, "/", id)
		if seen[k] {
			p.fail(path, "duplicate %s %v", kind, id)
		}
		seen[k] = true
	}
	decodeList(p, raw, "users", func(path string, d *docUser) {
		u := User{ID: p.id(path+".id", d.ID), Name: p.name(path+".username", d.Username), DisplayName: p.text(path+".displayName", d.DisplayName),
			Membership: d.Membership, Privacy: PrivacyAllUsers, Banned: d.IsBanned, Created: p.time(path+".created", d.Created, now)}
		if u.DisplayName == "" {
			u.DisplayName = u.Name
		}
		if d.Membership < 0 || d.Membership > 4 {
			p.fail(path+".buildersClubMembershipType", "must be 0..4")
		}
		if d.Privacy != "" {
			pr, ok := ParsePrivacy(string(d.Privacy))
			if !ok {
				p.fail(path+".inventoryPrivacy", "unknown privacy %q", d.Privacy)
			}
			u.Privacy = pr
		}
		dup(path+".id", "user", u.ID)
		f.Users = append(f.Users, u)
	})
	decodeList(p, raw, "groups", func(path string, d *struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}) {
		g := Group{ID: p.id(path+".id", d.ID), Name: p.name(path+".name", d.Name)}
		dup(path+".id", "group", g.ID)
		f.Groups = append(f.Groups, g)
	})
	decodeList(p, raw, "friendships", func(path string, d *struct {
		UserID   int64 `json:"userId"`
		FriendID int64 `json:"friendId"`
	}) {
		a, b := p.id(path+".userId", d.UserID), p.id(path+".friendId", d.FriendID)
		if a == b {
			p.fail(path+".friendId", "a user cannot befriend themselves")
		}
		f.Friendships = append(f.Friendships, [2]int64{a, b})
	})
	decodeList(p, raw, "follows", func(path string, d *struct {
		FollowerID  int64 `json:"followerId"`
		FollowingID int64 `json:"followingId"`
	}) {
		a, b := p.id(path+".followerId", d.FollowerID), p.id(path+".followingId", d.FollowingID)
		if a == b {
			p.fail(path+".followingId", "a user cannot follow themselves")
		}
		f.Follows = append(f.Follows, [2]int64{a, b})
	})
	decodeList(p, raw, "sessions", func(path string, d *struct {
		UserID int64  `json:"userId"`
		Cookie string `json:"cookie"`
		// CookieSHA256 is the stored form (hex SHA-256 of the cookie),
		// what export writes since the cookie itself is never stored.
		CookieSHA256 string `json:"cookieSha256"`
	}) {
		hash := HashToken(d.Cookie)
		if d.CookieSHA256 != "" && d.Cookie == "" {
			h, err := hex.DecodeString(d.CookieSHA256)
			if err != nil || len(h) != sha256.Size {
				p.fail(path+".cookieSha256", "must be 64 hex digits")
			}
			hash = h
		} else if d.Cookie == "" || len(d.Cookie) > 4096 {
			p.fail(path+".cookie", "must be 1 to 4096 bytes")
		}
		f.Sessions = append(f.Sessions, FixtureSession{UserID: p.id(path+".userId", d.UserID), TokenHash: hash})
	})
	decodeList(p, raw, "assets", func(path string, d *docAsset) {
		a := FixtureAsset{Asset: Asset{ID: p.id(path+".id", d.ID), Name: p.name(path+".name", d.Name),
			Creator: p.agent(path+".creator", d.Creator, false), RAP: p.amount(path+".recentAveragePrice", d.RAP),
			OriginalPrice: p.amount(path+".originalPrice", d.OriginalPrice), Stock: p.amount(path+".assetStock", d.Stock),
			Price: p.amount(path+".priceInRobux", d.Price), Created: p.time(path+".created", d.Created, now)},
			PackageAssetIDs: []int64(d.PackageAssetIDs)}
		a.Updated = p.time(path+".updated", d.Updated, a.Created)
		t, ok := ParseAssetType(string(d.AssetType))
		if !ok {
			p.fail(path+".assetType", "unknown asset type %q", d.AssetType)
		}
		a.Type = t
		if d.Moderation != "" {
			m, ok := ParseModeration(string(d.Moderation))
			if !ok {
				p.fail(path+".moderationStatus", "unknown moderation status %q", d.Moderation)
			}
			a.Moderation = m
		}
		switch {
		case d.CollectibleItemID != "":
			id, err := uuid.Parse(d.CollectibleItemID)
			if err != nil {
				p.fail(path+".collectibleItemId", "%q is not a UUID", d.CollectibleItemID)
			}
			a.Limited, a.CollectibleItemID = Collectible, id.String()
		case d.IsLimitedUnique:
			a.Limited = LimitedUnique
		case d.IsLimited:
			a.Limited = Limited
		}
		if err := CheckPackageContents(path+".packageAssetIds", a.ID, a.PackageAssetIDs); err != nil && p.err == nil {
			p.err = err
		}
		if len(d.PackageAssetIDs) > 0 && t != AssetTypePackage {
			p.fail(path+".packageAssetIds", "only packages (assetType Package) have contents")
		}
		dup(path+".id", "asset", a.ID)
		if a.CollectibleItemID != "" {
			dup(path+".collectibleItemId", "collectibleItemId", a.CollectibleItemID)
		}
		f.Assets = append(f.Assets, a)
	})
	decodeList(p, raw, "userAssets", func(path string, d *docUserAsset) {
		ua := UserAsset{AssetID: p.id(path+".assetId", d.AssetID), Owner: p.agent(path+".owner", d.Owner, false),
			Serial: d.Serial, HoldUntil: p.optTime(path+".holdUntil", d.HoldUntil), ExpireAt: p.optTime(path+".expireAt", d.ExpireAt),
			Created: p.time(path+".created", d.Created, now)}
		ua.Updated = p.time(path+".updated", d.Updated, ua.Created)
		if d.UserAssetID != nil {
			ua.ID = p.id(path+".userAssetId", *d.UserAssetID)
			dup(path+".userAssetId", "userAssetId", ua.ID)
		}
		if d.Serial != nil && (*d.Serial <= 0 || *d.Serial > MaxID) {
			p.fail(path+".serialNumber", "must be a positive integer")
		}
		if d.InstanceID != "" {
			id, err := uuid.Parse(d.InstanceID)
			if err != nil {
				p.fail(path+".collectibleItemInstanceId", "%q is not a UUID", d.InstanceID)
			}
			ua.InstanceID = id.String()
			dup(path+".collectibleItemInstanceId", "collectibleItemInstanceId", ua.InstanceID)
		}
		f.UserAssets = append(f.UserAssets, FixtureUserAsset{UserAsset: ua, Path: path})
	})
	decodeList(p, raw, "retiredCopies", func(path string, d *struct {
		UserAssetID int64  `json:"userAssetId"`
		AssetID     int64  `json:"assetId"`
		Serial      *int64 `json:"serialNumber"`
	}) {
		rc := FixtureRetiredCopy{UserAssetID: p.id(path+".userAssetId", d.UserAssetID), AssetID: p.id(path+".assetId", d.AssetID),
			Serial: d.Serial}
		if d.Serial != nil && (*d.Serial <= 0 || *d.Serial > MaxID) {
			p.fail(path+".serialNumber", "must be a positive integer")
		}
		// One id space with the live copies: a copy cannot be both.
		dup(path+".userAssetId", "userAssetId", rc.UserAssetID)
		f.RetiredCopies = append(f.RetiredCopies, rc)
	})
	decodeList(p, raw, "gamePasses", func(path string, d *struct {
		ID      int64  `json:"id"`
		Name    string `json:"name"`
		PlaceID *int64 `json:"placeId"`
		Price   *int64 `json:"priceInRobux"`
	}) {
		g := GamePass{ID: p.id(path+".id", d.ID), Name: p.name(path+".name", d.Name), PlaceID: p.optID(path+".placeId", d.PlaceID),
			Price: p.amount(path+".priceInRobux", d.Price)}
		dup(path+".id", "gamePass", g.ID)
		f.GamePasses = append(f.GamePasses, g)
	})
	decodeList(p, raw, "badges", func(path string, d *struct {
		ID      int64  `json:"id"`
		Name    string `json:"name"`
		PlaceID *int64 `json:"placeId"`
	}) {
		b := Badge{ID: p.id(path+".id", d.ID), Name: p.name(path+".name", d.Name), PlaceID: p.optID(path+".placeId", d.PlaceID)}
		dup(path+".id", "badge", b.ID)
		f.Badges = append(f.Badges, b)
	})
	decodeList(p, raw, "bundles", func(path string, d *struct {
		ID         int64  `json:"id"`
		Name       string `json:"name"`
		BundleType string `json:"bundleType"`
	}) {
		b := Bundle{ID: p.id(path+".id", d.ID), Name: p.name(path+".name", d.Name), Type: p.text(path+".bundleType", d.BundleType)}
		dup(path+".id", "bundle", b.ID)
		f.Bundles = append(f.Bundles, b)
	})
	decodeList(p, raw, "userItems", func(path string, d *struct {
		UserID     int64    `json:"userId"`
		ItemType   EnumText `json:"itemType"`
		ItemID     int64    `json:"itemId"`
		InstanceID *int64   `json:"instanceId"`
		Created    string   `json:"created"`
	}) {
		t, ok := ParseItemType(string(d.ItemType))
		if !ok || t == ItemAsset || t == ItemAvatar {
			p.fail(path+".itemType", "must be GamePass, Badge or Bundle (assets go in userAssets)")
		}
		it := UserItem{UserID: p.id(path+".userId", d.UserID), Type: t, ItemID: p.id(path+".itemId", d.ItemID),
			InstanceID: p.optID(path+".instanceId", d.InstanceID), Created: p.time(path+".created", d.Created, now)}
		dup(path, "userItem", fmt.Sprintf("(user %d, %s %d)", it.UserID, t, it.ItemID))
		f.UserItems = append(f.UserItems, it)
	})
	decodeList(p, raw, "places", func(path string, d *struct {
		PlaceID    int64     `json:"placeId"`
		UniverseID *int64    `json:"universeId"`
		Name       string    `json:"name"`
		Creator    *agentDoc `json:"creator"`
		Price      *int64    `json:"priceInRobux"`
	}) {
		pl := Place{ID: p.id(path+".placeId", d.PlaceID), UniverseID: p.optID(path+".universeId", d.UniverseID), Name: p.name(path+".name", d.Name),
			Creator: p.agent(path+".creator", d.Creator, true), Price: p.amount(path+".priceInRobux", d.Price)}
		dup(path+".placeId", "place", pl.ID)
		f.Places = append(f.Places, pl)
	})
	decodeList(p, raw, "userPlaces", func(path string, d *struct {
		UserID    int64    `json:"userId"`
		PlacesTab EnumText `json:"placesTab"`
		PlaceID   int64    `json:"placeId"`
	}) {
		t, ok := ParsePlacesTab(string(d.PlacesTab))
		if !ok || t == TabCreated {
			p.fail(path+".placesTab", "must be MyGames, OtherGames or Purchased (Created lists the places a user created)")
		}
		f.UserPlaces = append(f.UserPlaces, FixtureUserPlace{UserID: p.id(path+".userId", d.UserID), Tab: t,
			PlaceID: p.id(path+".placeId", d.PlaceID), Path: path})
	})
	decodeList(p, raw, "collections", func(path string, d *struct {
		UserID   int64    `json:"userId"`
		ItemType EnumText `json:"itemType"`
		ItemID   int64    `json:"itemId"`
	}) {
		t, ok := ParseItemType(string(d.ItemType))
		if !ok || (t != ItemAsset && t != ItemBundle) {
			p.fail(path+".itemType", "must be Asset or Bundle")
		}
		f.Collections = append(f.Collections, FixtureCollection{UserID: p.id(path+".userId", d.UserID),
			Item: CollectionItem{Type: t, ItemID: p.id(path+".itemId", d.ItemID)}, Path: path})
	})
	if p.err != nil {
		return nil, p.err
	}
	return f, nil
}
