package inventory

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"sync"
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
// Every page but the first decodes one cursor and encodes two, so both are
// written out by hand for the cursors inventoryd issues (keyed HMAC states
// are pooled; the JSON is built and read directly), falling back to
// encoding/json for anything else (TestCursorFastPaths compares them).
type Cursors struct {
	key  []byte
	macs sync.Pool // hash.Hash: HMAC-SHA256 keyed with key
}

// NewCursors returns a codec using key.
func NewCursors(key []byte) *Cursors {
	c := &Cursors{key: append([]byte(nil), key...)}
	c.macs.New = func() any { return hmac.New(sha256.New, c.key) }
	return c
}

// appendSig appends the hex HMAC of payload to dst.
func (c *Cursors) appendSig(dst, payload []byte) []byte {
	m := c.macs.Get().(hash.Hash)
	m.Reset()
	m.Write(payload)
	var sum [sha256.Size]byte
	m.Sum(sum[:0])
	c.macs.Put(m)
	return hex.AppendEncode(dst, sum[:])
}

// plainJSON reports whether s needs no escaping in a JSON string (as
// encoding/json writes it: it also escapes <, > and &).
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b >= 0x80 || b == '"' || b == '\\' || b == '<' || b == '>' || b == '&' {
			return false
		}
	}
	return true
}

// Encode returns the opaque text of cur: base64url of the JSON, a newline
// and the hex HMAC of the JSON.
func (c *Cursors) Encode(cur Cursor) string {
	dir := "Forward"
	if cur.Backward {
		dir = "Backward"
	}
	var kb [48]byte
	key := kb[:0]
	if cur.Key.Type != 0 {
		key = append(strconv.AppendInt(key, cur.Key.Type, 10), '_')
	}
	key = strconv.AppendInt(key, cur.Key.ID, 10)
	order := cur.Order.String()
	var pb [256]byte
	var payload []byte
	if plainJSON(cur.Discriminator) && plainJSON(order) {
		// Byte for byte what json.Marshal writes for cursorJSON.
		payload = append(pb[:0], `{"key":"`...)
		payload = append(payload, key...)
		payload = append(payload, `","sortOrder":"`...)
		payload = append(payload, order...)
		payload = append(payload, `","pagingDirection":"`...)
		payload = append(payload, dir...)
		payload = append(payload, `","pageNumber":`...)
		payload = strconv.AppendInt(payload, int64(cur.PageNumber), 10)
		payload = append(payload, `,"discriminator":"`...)
		payload = append(payload, cur.Discriminator...)
		payload = append(payload, `","count":`...)
		payload = strconv.AppendInt(payload, int64(cur.Count), 10)
		payload = append(payload, '}')
	} else {
		payload, _ = json.Marshal(cursorJSON{Key: string(key), SortOrder: order, Direction: dir,
			PageNumber: cur.PageNumber, Discriminator: cur.Discriminator, Count: cur.Count})
	}
	buf := append(payload, '\n')
	buf = c.appendSig(buf, payload)
	return base64.RawURLEncoding.EncodeToString(buf)
}

// parseFast reads the JSON Encode writes (fields in order, printable
// ASCII strings without escapes);
// ok is false for anything else, which encoding/json then reads.
func parseFast(p []byte) (j cursorJSON, ok bool) {
	s := string(p)
	str := func(prefix string) (string, bool) {
		if !strings.HasPrefix(s, prefix) {
			return "", false
		}
		s = s[len(prefix):]
		i := strings.IndexByte(s, '"')
		if i < 0 {
			return "", false
		}
		for k := 0; k < i; k++ { // printable ASCII only, no escapes
			if s[k] < 0x20 || s[k] >= 0x80 || s[k] == '\\' {
				return "", false
			}
		}
		v := s[:i]
		s = s[i+1:]
		return v, true
	}
	num := func(prefix string) (int, bool) {
		if !strings.HasPrefix(s, prefix) {
			return 0, false
		}
		s = s[len(prefix):]
		i := 0
		for i < len(s) && i < 18 && (s[i] >= '0' && s[i] <= '9' || (i == 0 && s[i] == '-')) {
			i++
		}
		n, err := strconv.Atoi(s[:i])
		if err != nil || (i > 1 && (s[0] == '0' || s[:2] == "-0")) {
			return 0, false
		}
		s = s[i:]
		return n, true
	}
	if j.Key, ok = str(`{"key":"`); !ok {
		return j, false
	}
	if j.SortOrder, ok = str(`,"sortOrder":"`); !ok {
		return j, false
	}
	if j.Direction, ok = str(`,"pagingDirection":"`); !ok {
		return j, false
	}
	if j.PageNumber, ok = num(`,"pageNumber":`); !ok {
		return j, false
	}
	if j.Discriminator, ok = str(`,"discriminator":"`); !ok {
		return j, false
	}
	if j.Count, ok = num(`,"count":`); !ok {
		return j, false
	}
	return j, s == "}"
}

// Decode verifies s and checks that it was issued for discriminator.
// Standard and URL base64, padded or not, are accepted.
func (c *Cursors) Decode(s, discriminator string) (Cursor, error) {
	if len(s) > MaxCursorLen {
		return Cursor{}, ErrBadCursor
	}
	s = strings.TrimRight(s, "=")
	var rb [MaxCursorLen]byte
	raw := rb[:base64.RawURLEncoding.DecodedLen(len(s))]
	n, err := base64.RawURLEncoding.Decode(raw, []byte(s))
	if err != nil {
		if n, err = base64.RawStdEncoding.Decode(raw, []byte(s)); err != nil {
			return Cursor{}, ErrBadCursor
		}
	}
	raw = raw[:n]
	payload, sig, ok := bytes.Cut(raw, []byte{'\n'})
	var sb [2 * sha256.Size]byte
	if !ok || !hmac.Equal(sig, c.appendSig(sb[:0], payload)) {
		return Cursor{}, ErrBadCursor
	}
	j, fast := parseFast(payload)
	if !fast {
		if err := json.Unmarshal(payload, &j); err != nil {
			return Cursor{}, ErrBadCursor
		}
	}
	if j.Discriminator != discriminator || j.PageNumber < 1 {
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
// Every listing request builds one, so the usual part types are appended
// directly; anything else is formatted as fmt.Sprint would, giving the
// same text either way (cursors already issued stay valid).
func Discriminator(parts ...any) string {
	b := make([]byte, 0, 64)
	for i, p := range parts {
		if i > 0 {
			b = append(b, ';')
		}
		switch v := p.(type) {
		case string:
			b = append(b, v...)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case bool:
			b = strconv.AppendBool(b, v)
		default:
			b = fmt.Append(b, v)
		}
	}
	return string(b)
}
