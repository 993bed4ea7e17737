package inventory

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestScanUserAssetAgreesWithJSON: wherever the fast scanner accepts a
// line, it decodes exactly what encoding/json decodes.
func TestScanUserAssetAgreesWithJSON(t *testing.T) {
	lines := []string{
		`{"kind":"userAsset","userAssetId":1,"assetId":2,"owner":{"type":"User","id":3},"created":"2020-01-01T00:00:00.000Z","updated":"2020-01-01T00:00:00.000Z"}`,
		`{"kind":"userAsset", "assetId": 2 , "owner": {"id": 3, "type": 2}, "serialNumber": 7, "collectibleItemInstanceId":"a8a27d38-ee51-4cf4-8b0a-485d0dfd8607","holdUntil":"2099-01-01T00:00:00Z"}`,
		`{"kind":"userAsset","assetId":2,"owner":null,"serialNumber":null,"expireAt":null}`,
		`{"kind":"userAsset","assetId":-5,"owner":{"type":"Group","id":9223372036854775807}}`,
		`{"kind":"userAsset","assetId":2,"name":"unknown key"}`,
		`{"kind":"userAsset","assetId":2.5}`,
		`{"kind":"userAsset","assetId":2,"created":"esc\"aped"}`,
		`{"kind":"userAsset","assetId":99999999999999999999}`,
		`{"kind":"userAsset","assetId":2} trailing`,
		`{"kind":"userAsset","assetId":2,}`,
		`{"kind":"userAsset"}`,
		`{"kind":"userAsset","assetId":2,"owner":{"type":-0,"id":3}}`,
		// Invalid JSON the scanner once took (rev5 #14).
		`{"kind":"userAsset","assetId":2,"owner":{"type":"User" "id":1}}`,
		`{"kind":"userAsset","assetId":2,"owner":{"type":"User","id":1,}}`,
		`{"kind":"userAsset","assetId":003,"owner":{"type":"User","id":1}}`,
		`{"kind":"userAsset","assetId":-01}`,
		`{"kind":"userAsset","assetId":-}`,
		// Repeated keys: encoding/json decodes the second owner into the
		// first one's struct; the scanner leaves them to it.
		`{"kind":"userAsset","assetId":2,"owner":{"type":"User","id":1},"owner":{"id":2}}`,
		`{"kind":"userAsset","assetId":2,"owner":{"type":"User","type":"Group","id":1}}`,
		"{\"kind\":\"userAsset\",\"assetId\":2,\"owner\":{\"type\":\"Us\xffer\",\"id\":1}}", // encoding/json: U+FFFD
	}
	accepted := 0
	for _, l := range lines {
		var fast docUserAsset
		if !scanUserAsset([]byte(l), &fast) {
			continue
		}
		accepted++
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("scanner accepted invalid JSON %s", l)
		}
		delete(m, "kind")
		b, _ := json.Marshal(m)
		var slow docUserAsset
		if err := json.Unmarshal(b, &slow); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s:\nfast %+v\nslow %+v", l, fast, slow)
		}
	}
	if accepted != 6 {
		t.Errorf("scanner accepted %d lines, want 6", accepted)
	}
}

// TestNDJSONErrorsNameTheLine covers both decoding paths.
func TestNDJSONErrorsNameTheLine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"{\"kind\":\"user\",\"id\":1,\"username\":\"a\"}\n{\"kind\":\"userAsset\",\"assetId\":0,\"owner\":{\"type\":\"User\",\"id\":1}}\n", "line 2: assetId"},
		{"\n{\"kind\":\"userAsset\",\"assetId\":1,\"owner\":{\"type\":\"User\",\"id\":1},\"bogus\":1}\n", "line 2: "},
		{"{\"kind\":\"user\",\"id\":1}\n", "line 1: users.username"},
		{"{\"kind\":\"nope\"}\n", `line 1: unknown kind "nope"`},
		{"[1]\n", "line 1: not a JSON object"},
		// userAssetId 0 is not "absent": the scanner and encoding/json
		// (a key order the scanner leaves to it) alike.
		{"{\"kind\":\"userAsset\",\"userAssetId\":0,\"assetId\":1,\"owner\":{\"type\":\"User\",\"id\":1}}\n", "line 1: userAssetId: must be an integer from 1 to"},
		{"{\"kind\":\"userAsset\",\"userAssetId\":0,\"assetId\":1,\"owner\":{\"type\":\"User\",\"id\":1},\"holdUntil\":\"2020-01-01T00:00:00\\u005a\"}\n", "line 1: userAssetId: must be an integer from 1 to"},
		{"{\"kind\":\"userAsset\",\"userAssetId\":-0,\"assetId\":1,\"owner\":{\"type\":\"User\",\"id\":1}}\n", "line 1: userAssetId: must be an integer from 1 to"},
	} {
		r := NewNDJSONReader(strings.NewReader(c.in), time.Now(), 0)
		_, err := r.Next()
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: got %v, want prefix %q", c.in, err, c.want)
		}
	}
}

// TestNDJSONTypeErrors: a value of the wrong type names its line, its
// field and what the field takes, never a Go type, on both decoding paths
// (the fast path hands a line it cannot scan to encoding/json).
func TestNDJSONTypeErrors(t *testing.T) {
	for in, want := range map[string]string{
		"{\"kind\":\"user\",\"id\":1,\"username\":\"a\"}\n{\"kind\":\"user\",\"id\":\"2\",\"username\":\"b\"}\n":       "line 2: users.id: must be an integer",
		`{"kind":"asset","id":1,"name":"a","assetType":true,"creator":{"type":"User","id":1}}`:                         "line 1: assets.assetType: must be a name or a number",
		`{"kind":"asset","id":1,"name":"a","assetType":32,"creator":{"type":"User","id":1},"packageAssetIds":[1,"2"]}`: "line 1: assets.packageAssetIds[1]: must be an integer",
		`{"kind":"userAsset","assetId":"1","owner":{"type":"User","id":1}}`:                                            "line 1: assetId: must be an integer",
		`{"kind":"userAsset","assetId":1,"owner":{"type":"User","id":1.5}}`:                                            "line 1: owner.id: must be an integer",
		`{"kind":"userAsset","assetId":1,"owner":[]}`:                                                                  "line 1: owner: must be a JSON object",
		`{"assetId":1,"kind":"userAsset","owner":{"type":"User","id":1},"holdUntil":5}`:                                "line 1: holdUntil: must be a string",
		`null`:  "line 1: not a JSON object",
		`"a"`:   "line 1: not a JSON object",
		`{"a"}`: "line 1: not a JSON object: invalid character '}' after object key",
	} {
		_, err := NewNDJSONReader(strings.NewReader(in+"\n"), time.Now(), 0).Next()
		if err == nil || err.Error() != want || KindOf(err) != KindInvalid {
			t.Errorf("%s: err = %v, want %q", in, err, want)
		}
	}
}
