package inventory_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// readAll reads a whole stream in batches of size, returning its records
// as one fixture (the sections concatenated in batch order).
func readAll(t *testing.T, in string, size int) (*inventory.Fixture, error) {
	t.Helper()
	r := inventory.NewNDJSONReader(strings.NewReader(in), time.Now(), size)
	all := &inventory.Fixture{}
	for {
		f, err := r.Next()
		if errors.Is(err, io.EOF) {
			return all, nil
		}
		if err != nil {
			return nil, err
		}
		all.Users = append(all.Users, f.Users...)
		all.Groups = append(all.Groups, f.Groups...)
		all.UserAssets = append(all.UserAssets, f.UserAssets...)
	}
}

// TestNDJSONLineIsOneObject: every line is exactly one JSON object; what
// follows the object on its line is refused with the line's number, on
// both decoding paths, instead of joining the batch as records of its own.
func TestNDJSONLineIsOneObject(t *testing.T) {
	const u1 = `{"kind":"user","id":1,"username":"a"}`
	const ua = `{"kind":"userAsset","assetId":1,"owner":{"type":"User","id":1}}`
	for _, c := range []struct{ name, in, want string }{
		{"second object after a comma", u1 + `,{"id":2,"username":"b"}`, "line 1: not a JSON object: invalid character ','"},
		{"another section", u1 + `],"groups":[{"id":9,"name":"x"}`, "line 1: not a JSON object: invalid character ']'"},
		{"trailing garbage", u1 + "\n" + u1 + ` garbage`, "line 2: not a JSON object: invalid character 'g'"},
		{"two objects", u1 + u1, "line 1: not a JSON object: invalid character '{'"},
		{"truncated last line", u1 + "\n" + `{"kind":"user","id":2,"usern`, "line 2: not a JSON object: unexpected end of JSON input"},
		{"copy then a bracket", u1 + "\n" + ua + `]`, "line 2: not a JSON object: invalid character ']'"},
		{"copy then a copy", ua + `,` + ua, "line 1: not a JSON object: invalid character ','"},
		{"copy, other key order, then garbage", `{"assetId":1,"kind":"userAsset","owner":{"type":"User","id":1}}]`, "line 1: not a JSON object: invalid character ']'"},
		{"copy: owner without a comma", `{"kind":"userAsset","assetId":1,"owner":{"type":"User" "id":1}}`, "line 1: not a JSON object: invalid character '\"'"},
		{"copy: owner with a trailing comma", `{"kind":"userAsset","assetId":1,"owner":{"type":"User","id":1,}}`, "line 1: not a JSON object: invalid character '}'"},
		{"copy: leading zeros", `{"kind":"userAsset","assetId":003,"owner":{"type":"User","id":1}}`, "line 1: not a JSON object: invalid character '0'"},
		{"copy: owner id with leading zeros", `{"kind":"userAsset","assetId":3,"owner":{"type":"User","id":01}}`, "line 1: not a JSON object: invalid character '1'"},
		{"copy: Unicode space after the object", ua + "\u00a0", "line 1: not a JSON object"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := readAll(t, c.in+"\n", 0)
			if err == nil {
				t.Fatalf("accepted: %d users, %d groups, %d copies", len(f.Users), len(f.Groups), len(f.UserAssets))
			}
			if !strings.HasPrefix(err.Error(), c.want) || inventory.KindOf(err) != inventory.KindInvalid {
				t.Fatalf("err = %v, want prefix %q", err, c.want)
			}
		})
	}
	// Whitespace around the object is fine, as are blank lines.
	f, err := readAll(t, " \t"+u1+" \r\n\n"+ua+"\t\r\n", 0)
	if err != nil || len(f.Users) != 1 || len(f.UserAssets) != 1 {
		t.Fatalf("whitespace around lines: %v", err)
	}
}

// TestNDJSONByteOrderMark: a stream or a document may start with a UTF-8
// byte order mark (Windows tools write one), which is skipped.
func TestNDJSONByteOrderMark(t *testing.T) {
	const bom = "\uFEFF"
	f, err := readAll(t, bom+`{"kind":"user","id":1,"username":"a"}`+"\n", 0)
	if err != nil || len(f.Users) != 1 {
		t.Fatalf("stream with a BOM: %v", err)
	}
	if _, err := readAll(t, `{"kind":"user","id":1,"username":"a"}`+"\n"+bom+`{"kind":"user","id":2,"username":"b"}`+"\n", 0); err == nil ||
		!strings.HasPrefix(err.Error(), "line 2: not a JSON object") {
		t.Fatalf("a BOM on line 2: err = %v, want it refused", err)
	}
	doc, err := inventory.ParseFixture(strings.NewReader(bom+`{"users":[{"id":1,"username":"a"}]}`), time.Now())
	if err != nil || len(doc.Users) != 1 {
		t.Fatalf("document with a BOM: %v", err)
	}
}

// TestNDJSONRepeatedIDsAreUpserts: a stream gives the same row twice in
// one batch or in two alike (docs/bulk-import.md: a later line replaces
// the row), for every kind; imported in batches of 4096 or of 1 line, the
// store ends the same, holding the later lines' values.
func TestNDJSONRepeatedIDsAreUpserts(t *testing.T) {
	stream := strings.Join([]string{
		`{"kind":"user","id":1,"username":"a"}`,
		`{"kind":"user","id":2,"username":"b"}`,
		`{"kind":"user","id":1,"username":"a2"}`,
		`{"kind":"group","id":7,"name":"g"}`,
		`{"kind":"group","id":7,"name":"g2"}`,
		`{"kind":"friendship","userId":1,"friendId":2}`,
		`{"kind":"friendship","userId":1,"friendId":2}`,
		`{"kind":"follow","followerId":1,"followingId":2}`,
		`{"kind":"follow","followerId":1,"followingId":2}`,
		`{"kind":"session","userId":1,"cookie":"c"}`,
		`{"kind":"session","userId":2,"cookie":"c"}`,
		`{"kind":"asset","id":10,"name":"hat","assetType":"Hat","creator":{"type":"User","id":1},"collectibleItemId":"521cca19-75bb-4e05-a0af-633b1532c24d"}`,
		`{"kind":"asset","id":10,"name":"hat2","assetType":"Hat","creator":{"type":"User","id":1},"collectibleItemId":"521CCA19-75BB-4E05-A0AF-633B1532C24D"}`,
		`{"kind":"asset","id":11,"name":"pkg","assetType":"Package","creator":{"type":"User","id":1},"packageAssetIds":[10]}`,
		`{"kind":"asset","id":11,"name":"pkg2","assetType":"Package","creator":{"type":"User","id":1}}`,
		`{"kind":"userAsset","userAssetId":5,"assetId":10,"owner":{"type":"User","id":1},"serialNumber":1,"collectibleItemInstanceId":"7b57086c-2943-4aab-b346-b94db178aa2e"}`,
		`{"kind":"userAsset","userAssetId":5,"assetId":10,"owner":{"type":"User","id":2},"serialNumber":1,"collectibleItemInstanceId":"7b57086c-2943-4aab-b346-b94db178aa2e"}`,
		`{"kind":"gamePass","id":3,"name":"p"}`,
		`{"kind":"gamePass","id":3,"name":"p2","priceInRobux":5}`,
		`{"kind":"badge","id":4,"name":"b"}`,
		`{"kind":"badge","id":4,"name":"b2"}`,
		`{"kind":"bundle","id":6,"name":"bu","bundleType":"BodyParts"}`,
		`{"kind":"bundle","id":6,"name":"bu2","bundleType":"BodyParts"}`,
		`{"kind":"userItem","userId":1,"itemType":"GamePass","itemId":3,"instanceId":1}`,
		`{"kind":"userItem","userId":1,"itemType":"GamePass","itemId":3,"instanceId":2}`,
		`{"kind":"place","placeId":8,"name":"pl","creator":{"type":"User","id":1}}`,
		`{"kind":"place","placeId":8,"name":"pl2","creator":{"type":"User","id":2}}`,
		`{"kind":"userPlace","userId":1,"placesTab":"Purchased","placeId":8}`,
		`{"kind":"userPlace","userId":1,"placesTab":"Purchased","placeId":8}`,
		`{"kind":"collection","userId":1,"itemType":"Bundle","itemId":6}`,
		`{"kind":"collection","userId":1,"itemType":"Bundle","itemId":6}`,
	}, "\n") + "\n"
	ctx := context.Background()
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	var exports []string
	for _, size := range []int{0, 1} {
		st := storetest.SQLite(t)
		rd := inventory.NewNDJSONReader(strings.NewReader(stream), now, size)
		if _, err := st.ImportStream(ctx, rd.Next, nil); err != nil {
			t.Fatalf("batches of %d: %v", size, err)
		}
		var b strings.Builder
		w := inventory.NewDocumentWriter(&b)
		if err := st.Export(ctx, w); err != nil {
			t.Fatal(err)
		}
		w.Close()
		exports = append(exports, b.String())
	}
	if exports[0] != exports[1] {
		t.Fatalf("one batch and one line per batch import differently:\n%s\n---\n%s", exports[0], exports[1])
	}
	for _, want := range []string{`"username":"a2"`, `"name":"g2"`, `"name":"hat2"`, `"name":"pkg2"`, `"name":"p2"`, `"name":"b2"`,
		`"name":"bu2"`, `"instanceId":2`, `"name":"pl2"`, `"owner":{"type":"User","id":2}`} {
		if !strings.Contains(exports[0], want) {
			t.Errorf("export lacks the later line's %s:\n%s", want, exports[0])
		}
	}
	if strings.Contains(exports[0], `"packageAssetIds"`) {
		t.Errorf("the package's later line (no contents) did not replace its contents:\n%s", exports[0])
	}
}
