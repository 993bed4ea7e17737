package api_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/inventoryd/inventoryd/internal/storetest"
)

// TestJSONEscapingLikeNewtonsoft: Roblox's ASP.NET services write JSON
// with Newtonsoft.Json's default escaping, which leaves &, < and > as
// they are (encoding/json would write \u0026, \u003c, \u003e). A name
// with them must come back raw through the hand-written page encoder, the
// encoding/json fallback and an error envelope.
func TestJSONEscapingLikeNewtonsoft(t *testing.T) {
	const name = `A & B <i>`
	const quoted = `"A & B <i>"`
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		admin := header("Authorization", "Bearer test-admin-key")
		send := func(method, target, body string, want int, opts ...reqOpt) resp {
			t.Helper()
			var r resp
			if body == "" {
				r = e.doOn(e.srv, method, target, nil, opts...)
			} else {
				r = e.doOn(e.srv, method, target, strings.NewReader(body), append(opts, header("Content-Type", "application/json"))...)
			}
			if r.status != want {
				t.Fatalf("%s %s: %d, want %d: %s", method, target, r.status, want, r.body)
			}
			if !json.Valid(r.body) {
				t.Fatalf("%s %s: not JSON: %s", method, target, r.body)
			}
			return r
		}
		raw := func(what string, r resp, want string) {
			t.Helper()
			if !bytes.Contains(r.body, []byte(want)) || bytes.Contains(r.body, []byte(`\u00`)) {
				b := r.body
				if len(b) > 400 {
					b = b[:400]
				}
				t.Errorf("%s: want %s unescaped, got %s", what, want, b)
			}
		}

		r := send("POST", "/admin/v1/assets", `{"id":9100001,"name":"A & B <i>","assetType":"Hat","creator":{"type":"User","id":156}}`, 201, admin)
		raw("admin create (encoding/json)", r, `"name":`+quoted)
		send("POST", "/admin/v1/user-assets", `{"assetId":9100001,"owner":{"type":"User","id":156}}`, 201, admin)
		raw("admin get", send("GET", "/admin/v1/assets/9100001", "", 200, admin), `"name":`+quoted)

		me := cookie(builderman)
		raw("v2 by type (page encoder)", send("GET", "/v2/users/156/inventory/8?limit=10&sortOrder=Desc", "", 200, me), `"assetName":`+quoted)
		raw("v2 by types", send("GET", "/v2/users/156/inventory?assetTypes=Hat&limit=10&sortOrder=Desc", "", 200, me), `"name":`+quoted)
		raw("v1 items", send("GET", "/v1/users/156/items/Asset/9100001", "", 200, me), `"name":`+quoted)

		r = send("PATCH", "/admin/v1/users/156", `{"inventoryPrivacy":"A & B <i>"}`, 400, admin)
		raw("error envelope", r, `"message":"inventoryPrivacy: unknown privacy \"`+name+`\""`)
	})
}
