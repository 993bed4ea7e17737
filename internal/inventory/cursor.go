package inventory

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Cursor is the decoded content of a paging cursor. Its JSON mirrors the
// BEDEV1 form of wire-behaviour.md §2.5: {"key","sortOrder",
// "pagingDirection","pageNumber","discriminator","count"}.
type Cursor struct {
	Key           Key
	Order         SortOrder
	Backward      bool
	PageNumber    int
	Discriminator string
	Count         int
}

type cursorJSON struct {
	Key           string `json:"key"`
	SortOrder     string `json:"sortOrder"`
	Direction     string `json:"pagingDirection"`
	PageNumber    int    `json:"pageNumber"`
	Discriminator string `json:"discriminator"`
	Count         int    `json:"count"`
}

// MaxCursorLen bounds the cursor text accepted before any decoding work.
const MaxCursorLen = 1024

// ErrBadCursor is returned for a cursor that is malformed, tampered with, or
// issued for another query.
var ErrBadCursor = &Error{Kind: KindInvalid, Message: "Invalid cursor."}

// Cursors signs and verifies cursors with an HMAC-SHA256 key kept in the
// store, so cursors survive restarts and are valid on every replica.
type Cursors struct{ key []byte }

// NewCursors returns a codec using key.
func NewCursors(key []byte) *Cursors { return &Cursors{key: append([]byte(nil), key...)} }

func (c *Cursors) sign(payload []byte) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write(payload)
	sum := m.Sum(nil)
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum)
	return out
}

// Encode returns the opaque text of cur: base64url of the JSON, a newline
// and the hex HMAC of the JSON.
func (c *Cursors) Encode(cur Cursor) string {
	dir := "Forward"
	if cur.Backward {
		dir = "Backward"
	}
	key := strconv.FormatInt(cur.Key.ID, 10)
	if cur.Key.Type != 0 {
		key = strconv.FormatInt(cur.Key.Type, 10) + "_" + key
	}
	payload, _ := json.Marshal(cursorJSON{Key: key, SortOrder: cur.Order.String(), Direction: dir,
		PageNumber: cur.PageNumber, Discriminator: cur.Discriminator, Count: cur.Count})
	buf := append(payload, '\n')
	buf = append(buf, c.sign(payload)...)
	return base64.RawURLEncoding.EncodeToString(buf)
}

// Decode verifies s and checks that it was issued for discriminator.
// Standard and URL base64, padded or not, are accepted.
func (c *Cursors) Decode(s, discriminator string) (Cursor, error) {
	if len(s) > MaxCursorLen {
		return Cursor{}, ErrBadCursor
	}
	s = strings.TrimRight(s, "=")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(s); err != nil {
			return Cursor{}, ErrBadCursor
		}
	}
	payload, sig, ok := bytes.Cut(raw, []byte{'\n'})
	if !ok || !hmac.Equal(sig, c.sign(payload)) {
		return Cursor{}, ErrBadCursor
	}
	var j cursorJSON
	if err := json.Unmarshal(payload, &j); err != nil || j.Discriminator != discriminator || j.PageNumber < 1 {
		return Cursor{}, ErrBadCursor
	}
	cur := Cursor{PageNumber: j.PageNumber, Discriminator: j.Discriminator, Count: j.Count}
	var okOrder bool
	if cur.Order, okOrder = ParseSortOrder(j.SortOrder); !okOrder {
		return Cursor{}, ErrBadCursor
	}
	switch j.Direction {
	case "Forward":
	case "Backward":
		cur.Backward = true
	default:
		return Cursor{}, ErrBadCursor
	}
	typ, id, multi := strings.Cut(j.Key, "_")
	if !multi {
		id, typ = typ, "0"
	}
	if cur.Key.Type, err = strconv.ParseInt(typ, 10, 64); err != nil {
		return Cursor{}, ErrBadCursor
	}
	if cur.Key.ID, err = strconv.ParseInt(id, 10, 64); err != nil {
		return Cursor{}, ErrBadCursor
	}
	return cur, nil
}

// Discriminator builds the query binding of a cursor from its parts.
func Discriminator(parts ...any) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(';')
		}
		fmt.Fprint(&b, p)
	}
	return b.String()
}
