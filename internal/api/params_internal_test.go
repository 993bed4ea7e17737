package api

import "testing"

// TestParseBoolean: .NET's Boolean.TryParse, which ASP.NET's bool binding
// uses: true or false in any case, white space and NULs around skipped;
// not 1/0 or t/f (which strconv.ParseBool took).
func TestParseBoolean(t *testing.T) {
	for _, c := range []struct {
		in        string
		value, ok bool
	}{
		{"true", true, true}, {"True", true, true}, {"tRuE", true, true}, {"FALSE", false, true},
		{" true\t", true, true}, {"\u00a0false\u2028", false, true}, {"true\x00", true, true},
		{"1", false, false}, {"0", false, false}, {"t", false, false}, {"f", false, false},
		{"yes", false, false}, {"fal\u017fe", false, false}, {"FAL\u017fE", false, false}, {"tru e", false, false}, {" ", false, false}, {"truee", false, false},
	} {
		if v, ok := parseBoolean(c.in); v != c.value || ok != c.ok {
			t.Errorf("parseBoolean(%q) = %v, %v; want %v, %v", c.in, v, ok, c.value, c.ok)
		}
	}
}
