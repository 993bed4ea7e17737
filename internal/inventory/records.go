package inventory

import (
	"bytes"
	"encoding/json"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Records are the rows of a fixture document as Go values with the
// document's JSON names (docs/fixtures.md). Export writes them, the admin
// API answers with them, and the streaming (NDJSON) form is one per line
// with a "kind" added (docs/bulk-import.md). Input goes through
// ParseFixture, so validation lives in one place.

// AgentRecord is an owner or creator {"type":"User","id":1}.
type AgentRecord struct {
	Type string `json:"type"`
	ID   int64  `json:"id"`
}

// UserRecord is a "users" element.
type UserRecord struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"displayName"`
	Membership  int    `json:"buildersClubMembershipType"`
	Privacy     string `json:"inventoryPrivacy"`
	IsBanned    bool   `json:"isBanned"`
	Created     string `json:"created"`
}

// GroupRecord is a "groups" element.
type GroupRecord struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// FriendshipRecord is a "friendships" element.
type FriendshipRecord struct {
	UserID   int64 `json:"userId"`
	FriendID int64 `json:"friendId"`
}

// FollowRecord is a "follows" element.
type FollowRecord struct {
	FollowerID  int64 `json:"followerId"`
	FollowingID int64 `json:"followingId"`
}

// SessionRecord is a "sessions" element. Export writes cookieSha256 (the
// stored hash: the cookie itself is never stored).
type SessionRecord struct {
	UserID       int64  `json:"userId"`
	Cookie       string `json:"cookie,omitempty"`
	CookieSHA256 string `json:"cookieSha256,omitempty"`
}

// AssetRecord is an "assets" element.
type AssetRecord struct {
	ID                int64       `json:"id"`
	Name              string      `json:"name"`
	AssetType         string      `json:"assetType"`
	Creator           AgentRecord `json:"creator"`
	IsLimited         bool        `json:"isLimited,omitempty"`
	IsLimitedUnique   bool        `json:"isLimitedUnique,omitempty"`
	CollectibleItemID string      `json:"collectibleItemId,omitempty"`
	RAP               *int64      `json:"recentAveragePrice"`
	OriginalPrice     *int64      `json:"originalPrice"`
	Stock             *int64      `json:"assetStock"`
	Price             *int64      `json:"priceInRobux"`
	Moderation        string      `json:"moderationStatus"`
	Created           string      `json:"created"`
	Updated           string      `json:"updated"`
	PackageAssetIDs   []int64     `json:"packageAssetIds,omitempty"`
}

// UserAssetRecord is a "userAssets" element.
type UserAssetRecord struct {
	UserAssetID int64       `json:"userAssetId"`
	AssetID     int64       `json:"assetId"`
	Owner       AgentRecord `json:"owner"`
	Serial      *int64      `json:"serialNumber,omitempty"`
	InstanceID  string      `json:"collectibleItemInstanceId,omitempty"`
	HoldUntil   string      `json:"holdUntil,omitempty"`
	ExpireAt    string      `json:"expireAt,omitempty"`
	Created     string      `json:"created"`
	Updated     string      `json:"updated"`
}

// RetiredCopyRecord is a "retiredCopies" element: a copy that existed and
// was revoked or deleted. Its userAssetId and serial number are never
// given again, in the store it came from or in one it is imported into.
type RetiredCopyRecord struct {
	UserAssetID int64  `json:"userAssetId"`
	AssetID     int64  `json:"assetId"`
	Serial      *int64 `json:"serialNumber,omitempty"`
}

// GamePassRecord is a "gamePasses" element.
type GamePassRecord struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	PlaceID *int64 `json:"placeId"`
	Price   *int64 `json:"priceInRobux"`
}

// BadgeRecord is a "badges" element.
type BadgeRecord struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	PlaceID *int64 `json:"placeId"`
}

// BundleRecord is a "bundles" element.
type BundleRecord struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	BundleType string `json:"bundleType"`
}

// UserItemRecord is a "userItems" element.
type UserItemRecord struct {
	UserID     int64  `json:"userId"`
	ItemType   string `json:"itemType"`
	ItemID     int64  `json:"itemId"`
	InstanceID *int64 `json:"instanceId"`
	Created    string `json:"created"`
}

// PlaceRecord is a "places" element.
type PlaceRecord struct {
	PlaceID    int64       `json:"placeId"`
	UniverseID *int64      `json:"universeId"`
	Name       string      `json:"name"`
	Creator    AgentRecord `json:"creator"`
	Price      *int64      `json:"priceInRobux"`
}

// UserPlaceRecord is a "userPlaces" element.
type UserPlaceRecord struct {
	UserID    int64  `json:"userId"`
	PlacesTab string `json:"placesTab"`
	PlaceID   int64  `json:"placeId"`
}

// CollectionRecord is a "collections" element.
type CollectionRecord struct {
	UserID   int64  `json:"userId"`
	ItemType string `json:"itemType"`
	ItemID   int64  `json:"itemId"`
}

// TimeLayout is how fixtures and Roblox write a time: UTC, milliseconds
// (wire-behaviour.md §2.6 [I]). The api package writes its dates with it.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// FormatTime writes a time in TimeLayout.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

func formatOptTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return FormatTime(*t)
}

func agentRecord(a Agent) AgentRecord { return AgentRecord{Type: a.Type.String(), ID: a.ID} }

// UserRecordOf returns the record of a user.
func UserRecordOf(u User) UserRecord {
	return UserRecord{ID: u.ID, Username: u.Name, DisplayName: u.DisplayName, Membership: u.Membership,
		Privacy: u.Privacy.String(), IsBanned: u.Banned, Created: FormatTime(u.Created)}
}

// AssetRecordOf returns the record of an asset and its package contents.
func AssetRecordOf(a Asset, pkg []int64) AssetRecord {
	return AssetRecord{ID: a.ID, Name: a.Name, AssetType: a.Type.String(), Creator: agentRecord(a.Creator),
		IsLimited: a.Limited == Limited, IsLimitedUnique: a.Limited == LimitedUnique, CollectibleItemID: a.CollectibleItemID,
		RAP: a.RAP, OriginalPrice: a.OriginalPrice, Stock: a.Stock, Price: a.Price, Moderation: a.Moderation.String(),
		Created: FormatTime(a.Created), Updated: FormatTime(a.Updated), PackageAssetIDs: pkg}
}

// UserAssetRecordOf returns the record of an owned copy.
func UserAssetRecordOf(u UserAsset) UserAssetRecord {
	return UserAssetRecord{UserAssetID: u.ID, AssetID: u.AssetID, Owner: agentRecord(u.Owner), Serial: u.Serial,
		InstanceID: u.InstanceID, HoldUntil: formatOptTime(u.HoldUntil), ExpireAt: formatOptTime(u.ExpireAt),
		Created: FormatTime(u.Created), Updated: FormatTime(u.Updated)}
}

// PlaceRecordOf returns the record of a place.
func PlaceRecordOf(p Place) PlaceRecord {
	return PlaceRecord{PlaceID: p.ID, UniverseID: p.UniverseID, Name: p.Name, Creator: agentRecord(p.Creator), Price: p.Price}
}

// Sections lists the fixture document's sections in import order, with
// the NDJSON kind of their records.
var Sections = []struct{ Name, Kind string }{
	{"users", "user"}, {"groups", "group"}, {"friendships", "friendship"}, {"follows", "follow"},
	{"sessions", "session"}, {"assets", "asset"}, {"retiredCopies", "retiredCopy"}, {"userAssets", "userAsset"}, {"gamePasses", "gamePass"},
	{"badges", "badge"}, {"bundles", "bundle"}, {"userItems", "userItem"}, {"places", "place"},
	{"userPlaces", "userPlace"}, {"collections", "collection"},
}

var sectionOfKind = func() map[string]string {
	m := map[string]string{}
	for _, s := range Sections {
		m[s.Kind] = s.Name
	}
	return m
}()

// RecordSink receives a store's contents as records, grouped by section
// in the order of Sections.
type RecordSink interface {
	Record(section string, rec any) error
}

// DocumentWriter writes records as one fixture document, streaming.
type DocumentWriter struct {
	w       io.Writer
	section string
	n       int
	err     error
	enc     JSONEncoder
}

// JSONEncoder encodes values as Roblox's ASP.NET services write JSON,
// with Newtonsoft.Json's default string escaping (docs/compatibility.md,
// "String escaping"): encoding/json without its HTML escaping of &, < and
// >, and with U+0085 escaped, which encoding/json leaves raw. The API's
// bodies and the export's records both use it. Its buffer is reused: the
// bytes Encode returns are valid until the next call.
type JSONEncoder struct {
	buf    bytes.Buffer
	enc    *json.Encoder
	indent string
}

// Encode returns v's JSON, indented by indent ("" is compact).
func (e *JSONEncoder) Encode(v any, indent string) ([]byte, error) {
	if e.enc == nil || indent != e.indent {
		e.enc = json.NewEncoder(&e.buf)
		e.enc.SetEscapeHTML(false)
		e.enc.SetIndent("", indent)
		e.indent = indent
	}
	e.buf.Reset()
	if err := e.enc.Encode(v); err != nil {
		return nil, err
	}
	b := bytes.TrimSuffix(e.buf.Bytes(), []byte{'\n'})
	// Valid UTF-8, with every non-ASCII byte inside a string: the rune's
	// bytes can be replaced wherever they occur.
	if nel := []byte("\u0085"); bytes.Contains(b, nel) {
		b = bytes.ReplaceAll(b, nel, []byte(`\u0085`))
	}
	return b, nil
}

// NewDocumentWriter returns a RecordSink writing a JSON fixture document to
// w; Close finishes the document.
func NewDocumentWriter(w io.Writer) *DocumentWriter { return &DocumentWriter{w: w} }

func (d *DocumentWriter) write(s string) {
	if d.err == nil {
		_, d.err = io.WriteString(d.w, s)
	}
}

// Record implements RecordSink.
func (d *DocumentWriter) Record(section string, rec any) error {
	b, err := d.enc.Encode(rec, "")
	if err != nil {
		return err
	}
	switch {
	case d.section == "" && d.n == 0:
		d.write("{\n" + strconv.Quote(section) + ": [\n  ")
	case section != d.section:
		d.write("\n],\n" + strconv.Quote(section) + ": [\n  ")
	default:
		d.write(",\n  ")
	}
	d.section = section
	d.n++
	if d.err == nil {
		_, d.err = d.w.Write(b)
	}
	return d.err
}

// Close ends the document.
func (d *DocumentWriter) Close() error {
	if d.n == 0 {
		d.write("{}\n")
	} else {
		d.write("\n]\n}\n")
	}
	return d.err
}

// NDJSONWriter writes records one per line with their kind.
type NDJSONWriter struct {
	w   io.Writer
	buf []byte
	enc JSONEncoder
}

// NewNDJSONWriter returns a RecordSink writing the streaming form to w.
func NewNDJSONWriter(w io.Writer) *NDJSONWriter { return &NDJSONWriter{w: w} }

// Record implements RecordSink.
func (n *NDJSONWriter) Record(section string, rec any) error {
	b, err := n.enc.Encode(rec, "")
	if err != nil {
		return err
	}
	kind := ""
	for _, s := range Sections {
		if s.Name == section {
			kind = s.Kind
		}
	}
	n.buf = append(n.buf[:0], `{"kind":"`...)
	n.buf = append(n.buf, kind...)
	n.buf = append(n.buf, '"')
	if len(b) > 2 {
		n.buf = append(n.buf, ',')
	}
	n.buf = append(n.buf, b[1:]...)
	n.buf = append(n.buf, '\n')
	_, err = n.w.Write(n.buf)
	return err
}

// Close implements the writer's end (nothing to finish).
func (n *NDJSONWriter) Close() error { return nil }

var elementPath = regexp.MustCompile(`^[A-Za-z]+\[0\]`)

// ParseRecord parses one record of a section (an admin API body) with the
// fixture document's rules, and returns it as a one-record Fixture. Error
// messages name the field without the section ("username: is required",
// "id: must be an integer"), or "body" for the record as a whole.
func ParseRecord(section string, body []byte, now time.Time) (*Fixture, error) {
	// The body goes into a document as text, so it must first be exactly
	// one object: `{...},{...}` or `{...}],"groups":[{...}` would
	// otherwise add records or sections of their own.
	body, err := OneObject(body)
	if err != nil {
		return nil, err
	}
	doc := make([]byte, 0, len(body)+len(section)+8)
	doc = append(doc, '{')
	doc = strconv.AppendQuote(doc, section)
	doc = append(doc, ":["...)
	doc = append(doc, body...)
	doc = append(doc, "]}"...)
	f, err := ParseFixture(bytes.NewReader(doc), now)
	if err != nil {
		if e, ok := err.(*Error); ok {
			msg := "body: " + e.Message
			if loc := elementPath.FindStringIndex(e.Message); loc != nil {
				if rest := e.Message[loc[1]:]; strings.HasPrefix(rest, ".") {
					msg = rest[1:] // a field: "users[0].id: …" is "id: …"
				} else {
					msg = "body" + rest // the record: "users[0]: …" is "body: …"
				}
			}
			return nil, &Error{Kind: e.Kind, Message: msg}
		}
		return nil, err
	}
	f.Hash = ""
	return f, nil
}

// OneObject returns body without a leading UTF-8 BOM and surrounding
// space, or an error unless it is exactly one JSON object (as a fixture
// document, a body may start with a BOM).
func OneObject(body []byte) ([]byte, error) {
	body = bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(body), []byte("\uFEFF")))
	if len(body) == 0 || body[0] != '{' {
		return nil, invalidf("body: must be a JSON object")
	}
	if !json.Valid(body) {
		var v json.RawMessage
		dec := json.NewDecoder(bytes.NewReader(body))
		if err := dec.Decode(&v); err != nil {
			return nil, invalidf("%s", DecodeErrorMessage("body", "", err))
		}
		return nil, invalidf("body: one JSON object expected, and more follows it")
	}
	return body, nil
}
