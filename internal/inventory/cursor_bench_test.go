package inventory

import "testing"

func BenchmarkCursorEncode(b *testing.B) {
	c := NewCursors(make([]byte, 32))
	cur := Cursor{Key: Key{ID: 10000012345}, Order: Asc, PageNumber: 10000, Discriminator: "inventory;1000001;Hat;false;false;Asc", Count: 10}
	for b.Loop() {
		_ = c.Encode(cur)
	}
}

func BenchmarkCursorDecode(b *testing.B) {
	c := NewCursors(make([]byte, 32))
	cur := Cursor{Key: Key{ID: 10000012345}, Order: Asc, PageNumber: 10000, Discriminator: "inventory;1000001;Hat;false;false;Asc", Count: 10}
	s := c.Encode(cur)
	for b.Loop() {
		if _, err := c.Decode(s, cur.Discriminator); err != nil {
			b.Fatal(err)
		}
	}
}
