package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// parseInteger reads s as .NET's Int64/Int32.TryParse with
// NumberStyles.Integer does: the style of ASP.NET's {id:long} route
// constraint and of int query binding. White space around it (U+0009 to
// U+000D and U+0020 only), an optional sign, then ASCII digits, leading
// zeros allowed; the value must fit in bits (32 or 64). Nothing else: no
// decimal point, exponent, hex, digit separators or non-ASCII digits,
// which is strconv.ParseInt in base 10. (.NET also skips trailing NULs;
// we do not.)
func parseInteger(s string, bits int) (int64, bool) {
	n, err := strconv.ParseInt(strings.Trim(s, dotnetSpace), 10, bits)
	return n, err == nil
}

// dotnetSpace is the white space NumberStyles.AllowLeadingWhite and
// AllowTrailingWhite skip.
const dotnetSpace = "\t\n\v\f\r "

// queryInt reads an int32 query parameter the way parseInteger reads it.
// In a query a '+' is a space (form encoding): limit=+25 is " 25", 25.
func queryInt(v string) (int, bool) {
	n, ok := parseInteger(v, 32)
	return int(n), ok
}

// pathID parses an int64 path parameter. A value that breaks the int
// constraint is a route miss: 404 NotFound, like ASP.NET's {userId:long}
// (wire-behaviour.md §2.1, /v1/users/notAUser).
func pathID(r *http.Request, name string) (int64, error) {
	n, ok := parseInteger(r.PathValue(name), 64)
	if !ok {
		return 0, errNotFound
	}
	return n, nil
}

// The query helpers take the request's query parsed once by the handler
// (q := r.URL.Query()): each r.URL.Query() parses the whole query string
// again into a new map.

// queryValues returns every value of key, split on commas (csv
// collectionFormat and repeated keys are both accepted), empty parts dropped.
func queryValues(q url.Values, key string) []string {
	var out []string
	for _, v := range q[key] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// queryBool parses an optional boolean query parameter.
func queryBool(q url.Values, key string) (bool, error) {
	v := q.Get(key)
	if v == "" {
		return false, nil
	}
	b, ok := parseBoolean(v)
	if !ok {
		return false, &apiError{Status: http.StatusBadRequest, Code: 0, Message: "The value '" + truncate(v, 64) + "' is not valid for " + key + ".", Field: key}
	}
	return b, nil
}

// parseBoolean reads s as .NET's Boolean.TryParse does, which ASP.NET's
// bool binding uses: "true" or "false" in any case, with white space and
// NULs around it skipped. Not 1/0, t/f or yes/no (strconv.ParseBool took
// 1, 0, t and f, and refused tRuE).
func parseBoolean(s string) (value, ok bool) {
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == 0 })
	switch {
	case asciiFold(s, "true"):
		return true, true
	case asciiFold(s, "false"):
		return false, true
	}
	return false, false
}

// asciiFold reports whether s is lower (lower-case ASCII letters) in any
// ASCII case. .NET compares booleans so; strings.EqualFold would also take
// Unicode's folds (the long s of "falſe", the Kelvin sign).
func asciiFold(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != lower[i] && c|0x20 != lower[i] {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "?")
}

// pageLimits is the limit enum of the paged endpoints (swagger: 10, 25, 50, 100).
var pageLimits = []int{10, 25, 50, 100}

// errLimit is the 400 for a limit outside the enum (wire-behaviour.md §2.5 [S]).
var errLimit = &apiError{Status: http.StatusBadRequest, Code: 0, Message: "Allowed values: 10, 25, 50, 100", Field: "limit"}

// errLimitRange is the 400 for a limit outside 1..100 where the swagger
// declares no enum.
var errLimitRange = &apiError{Status: http.StatusBadRequest, Code: 0, Message: "The limit must be between 1 and 100.", Field: "limit"}

// parseLimit reads limit: default 10; with enum, one of pageLimits; else 1..100.
func parseLimit(q url.Values, enum bool) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return 10, nil
	}
	n, ok := queryInt(v)
	if !enum {
		// No enum (collectible-item owners): a value that is not a number
		// gets the range message too, not the enum's "Allowed values".
		if !ok || n < 1 || n > 100 {
			return 0, errLimitRange
		}
		return n, nil
	}
	if !ok {
		return 0, errLimit
	}
	for _, l := range pageLimits {
		if n == l {
			return n, nil
		}
	}
	return 0, errLimit
}

// errSortOrder is the 400 for a sortOrder outside the string enum
// {Asc, Desc} the swagger declares on most listings, in the "Allowed
// values" form of the limit error (wire-behaviour.md §2.5 [S]).
var errSortOrder = &apiError{Status: http.StatusBadRequest, Code: 0, Message: "Allowed values: Asc, Desc", Field: "sortOrder"}

// errSortOrderInt is the same for collectible-item owners, whose swagger
// declares sortOrder as the integer enum {1, 2}.
var errSortOrderInt = &apiError{Status: http.StatusBadRequest, Code: 0, Message: "Allowed values: 1, 2", Field: "sortOrder"}

// parseSort reads sortOrder: Asc/Desc in any case or 1/2, default Asc;
// anything else is errSortOrder.
func parseSort(q url.Values) (inventory.SortOrder, error) {
	return parseSortAs(q, errSortOrder)
}

// parseSortAs is parseSort answering invalid for a value outside the enum.
// Both spellings are accepted whichever the schema declares (§2.5 [I]):
// the message names the schema's.
func parseSortAs(q url.Values, invalid *apiError) (inventory.SortOrder, error) {
	o, ok := inventory.ParseSortOrder(q.Get("sortOrder"))
	if !ok {
		return 0, invalid
	}
	return o, nil
}
