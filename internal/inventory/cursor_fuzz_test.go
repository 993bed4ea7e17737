package inventory

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzCursorKey is the HMAC key of the cursor fuzz targets.
var fuzzCursorKey = []byte("fuzz-cursor-key-0123456789abcdef")

// signedCursor builds the text of a cursor whose payload is exactly
// payload, correctly signed, so that fuzzing reaches the decoder's JSON
// and field checks behind the HMAC.
func signedCursor(c *Cursors, payload string) string {
	buf := append([]byte(payload), '\n')
	buf = c.appendSig(buf, []byte(payload))
	return base64.RawURLEncoding.EncodeToString(buf)
}

// FuzzCursorDecode: Decode never panics, fails only with ErrBadCursor,
// accepts nothing longer than MaxCursorLen, and a cursor it accepts
// re-encodes to a text that decodes to the same cursor.
func FuzzCursorDecode(f *testing.F) {
	c := NewCursors(fuzzCursorKey)
	for _, cur := range []Cursor{
		{Key: Key{ID: 10}, Order: Asc, PageNumber: 2, Discriminator: "inventoryByType;156;8;Asc", Count: 10},
		{Key: Key{Type: 8, ID: 24}, Order: Desc, Backward: true, PageNumber: 3, Discriminator: "inventory;156;Hat,Shirt;false;false;Desc", Count: 25},
		{Key: Key{Type: -1, ID: -9223372036854775808}, Order: Asc, PageNumber: 1 << 40, Discriminator: "ünï\u2028\"\\", Count: -1},
	} {
		enc := c.Encode(cur)
		f.Add(enc, "", false)
		f.Add(strings.TrimRight(base64.StdEncoding.EncodeToString(mustB64(enc)), "="), "", false)
		f.Add(enc[:len(enc)/2], "", false)
	}
	for _, p := range []string{
		`{"key":"10","sortOrder":"Asc","pagingDirection":"Forward","pageNumber":2,"discriminator":"d","count":10}`,
		`{"key":"8_24","sortOrder":"desc","pagingDirection":"Backward","pageNumber":1,"discriminator":"d","count":0}`,
		`{"KEY":"1","SortOrder":"2","PAGINGDIRECTION":"Forward","pageNumber":1,"pageNumber":5,"discriminator":"d"}`,
		`{"key":"_","sortOrder":"Asc","pagingDirection":"Forward","pageNumber":1,"discriminator":"d"}`,
		`{"key":"1_2_3","sortOrder":"Asc","pagingDirection":"Forward","pageNumber":1,"discriminator":"d"}`,
		`{"key":"+1_-0","sortOrder":" asc ","pagingDirection":"Forward","pageNumber":1,"discriminator":"d"}`,
		`{"key":"1","sortOrder":"Asc","pagingDirection":"Forward","pageNumber":1.5,"discriminator":"d"}`,
		`{"key":"1","sortOrder":"Asc","pagingDirection":"Forward","pageNumber":99999999999999999999,"discriminator":"d"}`,
		`{"key":"1","sortOrder":"Asc","pagingDirection":"Sideways","pageNumber":1,"discriminator":"d"}`,
		`{"key":"1","sortOrder":"Asc","pagingDirection":"Forward","pageNumber":1,"discriminator":"\udc00\xff"}`,
		`{"key":1}`, `[]`, `null`, ``, "{\n}",
	} {
		f.Add(p, "", true)
	}
	for _, s := range []string{"", "=", "====", "%FF", "\xff\xfe", strings.Repeat("A", MaxCursorLen+1), "YWJj", "eyJ9Cg"} {
		f.Add(s, "", false)
	}
	f.Fuzz(func(t *testing.T, s, disc string, sign bool) {
		if sign {
			s = signedCursor(c, s)
		}
		for _, d := range []string{disc, payloadDiscriminator(c, s)} {
			cur, err := c.Decode(s, d)
			if err != nil {
				if !errors.Is(err, ErrBadCursor) || err != ErrBadCursor {
					t.Fatalf("Decode(%q): error %v, want ErrBadCursor", s, err)
				}
				continue
			}
			if len(s) > MaxCursorLen {
				t.Fatalf("Decode accepted a cursor of %d bytes", len(s))
			}
			if cur.Discriminator != d || cur.PageNumber < 1 || (cur.Order != Asc && cur.Order != Desc) {
				t.Fatalf("Decode(%q, %q) = %+v: fields outside what it checks", s, d, cur)
			}
			enc := c.Encode(cur)
			if len(enc) > MaxCursorLen {
				continue // an accepted cursor near the limit may re-encode longer (key spelling)
			}
			again, err := c.Decode(enc, d)
			if err != nil {
				t.Fatalf("re-encoded cursor %q of %+v does not decode: %v", enc, cur, err)
			}
			if again != cur {
				t.Fatalf("round trip: %+v -> %q -> %+v", cur, enc, again)
			}
		}
	})
}

// payloadDiscriminator returns the discriminator a well-formed signed
// cursor claims, so that the fuzzer's cursors can also be decoded for
// the query they name; "" otherwise.
func payloadDiscriminator(c *Cursors, s string) string {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return ""
	}
	payload, _, _ := strings.Cut(string(raw), "\n")
	var j struct {
		Discriminator string `json:"discriminator"`
	}
	if json.Unmarshal([]byte(payload), &j) != nil {
		return ""
	}
	return j.Discriminator
}

func mustB64(s string) []byte {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// FuzzCursorEncode: every cursor the server can issue (page number 1 or
// more, a valid order, a UTF-8 discriminator, short enough) decodes back
// to itself for its own discriminator, and for no other.
func FuzzCursorEncode(f *testing.F) {
	c := NewCursors(fuzzCursorKey)
	f.Add(int64(10), int64(0), false, false, 2, "inventoryByType;156;8;Asc", 10)
	f.Add(int64(-1), int64(8), true, true, 1, "inventory;156;Hat;false;false;Desc", 100)
	f.Add(int64(-9223372036854775808), int64(9223372036854775807), true, false, 1<<30, "\u2028\"\\<>&", -5)
	f.Add(int64(0), int64(-3), false, true, 7, "", 0)
	f.Fuzz(func(t *testing.T, id, typ int64, desc, backward bool, pageNumber int, disc string, count int) {
		if pageNumber < 1 || !utf8.ValidString(disc) {
			t.Skip() // never issued: fetchPage numbers pages from 1; discriminators are ASCII
		}
		cur := Cursor{Key: Key{Type: typ, ID: id}, Order: Asc, Backward: backward, PageNumber: pageNumber, Discriminator: disc, Count: count}
		if desc {
			cur.Order = Desc
		}
		enc := c.Encode(cur)
		if strings.ContainsAny(enc, "+/=") {
			t.Fatalf("cursor %q is not unpadded base64url", enc)
		}
		if len(enc) > MaxCursorLen {
			t.Skip()
		}
		got, err := c.Decode(enc, disc)
		if err != nil {
			t.Fatalf("Decode(Encode(%+v)): %v", cur, err)
		}
		if got != cur {
			t.Fatalf("round trip: %+v -> %+v", cur, got)
		}
		if _, err := c.Decode(enc, disc+"x"); err == nil {
			t.Fatalf("cursor for %q accepted for %q", disc, disc+"x")
		}
		if _, err := NewCursors([]byte("another key")).Decode(enc, disc); err == nil {
			t.Fatal("cursor accepted under another key")
		}
	})
}

// FuzzCursorParseFast: whatever the hand-written reader accepts,
// encoding/json reads to the same fields (the reader only takes the exact
// form Encode writes; everything else goes to encoding/json).
func FuzzCursorParseFast(f *testing.F) {
	for _, p := range []string{
		`{"key":"10","sortOrder":"Asc","pagingDirection":"Forward","pageNumber":2,"discriminator":"d","count":10}`,
		`{"key":"8_24","sortOrder":"Desc","pagingDirection":"Backward","pageNumber":-3,"discriminator":"a;b,c","count":0}`,
		`{"key":"1","sortOrder":"Asc","pagingDirection":"Forward","pageNumber":01,"discriminator":"","count":1}`,
		`{"key":"ü","sortOrder":"\u0041sc","pagingDirection":"Forward","pageNumber":1,"discriminator":"x","count":1}`,
	} {
		f.Add([]byte(p))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		fast, ok := parseFast(p)
		if !ok {
			return
		}
		var slow cursorJSON
		if err := json.Unmarshal(p, &slow); err != nil {
			t.Fatalf("fast reader took %q, encoding/json refuses it: %v", p, err)
		}
		if fast != slow {
			t.Fatalf("%q: fast %+v, encoding/json %+v", p, fast, slow)
		}
	})
}

// TestCursorFastPaths: Encode's hand-written JSON is byte for byte
// json.Marshal's, and its cursors decode through the fast reader.
func TestCursorFastPaths(t *testing.T) {
	c := NewCursors(fuzzCursorKey)
	for _, d := range []string{"", "inventory;156;Hat,Shirt;false;false;Asc", "owners;48159815;Desc", "a b-c_d.e:f/g", "<&>", "ü", "\"\\", "\x01"} {
		for _, cur := range []Cursor{
			{Key: Key{ID: 10}, Order: Asc, PageNumber: 2, Discriminator: d, Count: 10},
			{Key: Key{Type: 8, ID: -24}, Order: Desc, Backward: true, PageNumber: 1 << 40, Discriminator: d, Count: -1},
		} {
			raw := mustB64(c.Encode(cur))
			payload, _, _ := strings.Cut(string(raw), "\n")
			key := strconv.FormatInt(cur.Key.ID, 10)
			if cur.Key.Type != 0 {
				key = strconv.FormatInt(cur.Key.Type, 10) + "_" + key
			}
			dir := "Forward"
			if cur.Backward {
				dir = "Backward"
			}
			want, _ := json.Marshal(cursorJSON{Key: key, SortOrder: cur.Order.String(), Direction: dir,
				PageNumber: cur.PageNumber, Discriminator: d, Count: cur.Count})
			if payload != string(want) {
				t.Fatalf("payload %s, json.Marshal %s", payload, want)
			}
			if _, ok := parseFast([]byte(payload)); ok != plainJSON(d) {
				t.Errorf("%q: fast reader ok=%v", d, ok)
			}
			got, err := c.Decode(c.Encode(cur), d)
			if err != nil || got != cur {
				t.Fatalf("round trip %+v: %+v, %v", cur, got, err)
			}
		}
	}
}
