package inventory

import (
	"fmt"
	"math"
	"testing"
)

// TestDiscriminatorText: the appending fast path gives the text fmt gave
// before it (cursors issued by an older build still match), for every part
// type the handlers pass and for others.
func TestDiscriminatorText(t *testing.T) {
	type named int
	cases := [][]any{
		{"inventoryByType", int64(156), 8},
		{"inventory", int64(math.MinInt64), "Hat,Shirt", true, false},
		{"assetOwners", int64(math.MaxInt64)},
		{"collectibles", int64(-1), "all"},
		{"x", math.MinInt, uint8(7), named(3), 1.5, nil, ""},
		{},
	}
	for _, parts := range cases {
		want := ""
		for i, p := range parts {
			if i > 0 {
				want += ";"
			}
			want += fmt.Sprint(p)
		}
		if got := Discriminator(parts...); got != want {
			t.Errorf("Discriminator(%#v) = %q, want %q", parts, got, want)
		}
	}
}
