package api

import (
	"encoding/json"
	"testing"
)

// TestNewtonsoftStringEscaping pins the string escaping of every JSON body
// to Newtonsoft.Json's default (JavaScriptUtils.WriteEscapedJavaScriptString
// with StringEscapeHandling.Default and a '"' delimiter): control
// characters, '"' and '\' escaped, U+0085/U+2028/U+2029 as \u escapes,
// and nothing else, so &, <, > and the apostrophe stay raw.
func TestNewtonsoftStringEscaping(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"html characters raw", `A & B <i>`, `"A & B <i>"`},
		{"apostrophe raw", `it's`, `"it's"`},
		{"quote and backslash", `say "hi" \ bye`, `"say \"hi\" \\ bye"`},
		{"short escapes", "\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"other controls, lower-case hex", "\x00\x01\x1b\x1f", `"\u0000\u0001\u001b\u001f"`},
		{"DEL raw", "\x7f", "\"\x7f\""},
		{"NEL, line and paragraph separators", "a\u0085b\u2028c\u2029d", `"a\u0085b\u2028c\u2029d"`},
		{"other non-ASCII raw", "é ☃ 🎩 \u00a0", "\"é ☃ 🎩 \u00a0\""},
		{"invalid UTF-8 as U+FFFD", "x\xffy", `"x\ufffdy"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(appendString(nil, tc.in)); got != tc.want {
				t.Errorf("appendString(%q) = %s, want %s", tc.in, got, tc.want)
			}
			got, err := marshalJSON(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("marshalJSON(%q) = %s, want %s", tc.in, got, tc.want)
			}
			var back string
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatalf("not valid JSON: %s: %v", got, err)
			}
		})
	}
}

// TestMarshalJSONShape: compact with no trailing newline, as json.Marshal;
// indented as json.MarshalIndent; U+0085 in a map key is escaped too.
func TestMarshalJSONShape(t *testing.T) {
	v := map[string]any{"k\u0085": []any{"<", 1}}
	got, err := marshalJSON(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"k\u0085":["<",1]}`; string(got) != want {
		t.Errorf("marshalJSON = %s, want %s", got, want)
	}
	got, err = marshalJSONIndent(v, "  ")
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"k\\u0085\": [\n    \"<\",\n    1\n  ]\n}"; string(got) != want {
		t.Errorf("marshalJSONIndent = %q, want %q", got, want)
	}
	if _, err := marshalJSON(func() {}); err == nil {
		t.Error("marshalJSON of a func: want an error")
	}
}
