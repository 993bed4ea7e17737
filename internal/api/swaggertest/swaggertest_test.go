package swaggertest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

const (
	ct        = "application/json"
	ctCharset = "application/json; charset=utf-8"
)

type tc struct {
	name   string
	method string
	path   string
	status int
	ctype  string
	body   string
	// wantErr is empty for a body that must pass; otherwise the case must
	// fail and the error must contain this text (case-insensitive).
	wantErr string
}

// page wraps data items in an ApiPageResponse with the given cursors
// (already JSON-encoded: `null` or `"abc"`).
func page(prev, next, data string) string {
	return fmt.Sprintf(`{"previousPageCursor":%s,"nextPageCursor":%s,"data":[%s]}`, prev, next, data)
}

const (
	v2InvItem      = `{"assetId":1028606,"name":"Red Baseball Cap","assetType":"Hat","created":"2024-07-30T23:23:36.501Z"}`
	v2TypedInvItem = `{"userAssetId":28605,"assetId":1028606,"assetName":"Red Baseball Cap","collectibleItemId":null,"collectibleItemInstanceId":null,"serialNumber":null,"owner":{"userId":156,"username":"builderman","buildersClubMembershipType":0},"created":"2024-07-30T23:23:36.501Z","updated":"2024-07-30T23:23:36.501Z","expireAt":null}`
	ownerRowNull   = `{"id":28605,"collectibleItemInstanceId":null,"serialNumber":null,"owner":null,"created":"2023-05-20T21:33:10.770Z","updated":"2023-05-20T21:33:10.770Z"}`
	ownerRowGroup  = `{"id":28606,"collectibleItemInstanceId":"a8a27d38-ee51-4cf4-8b0a-485d0dfd8607","serialNumber":149,"owner":{"id":7,"type":"Group","name":"x"},"created":"2023-05-20T21:33:10Z","updated":"2024-08-17T12:47:01.4582503Z"}`
	collectible    = `{"userAssetId":28605,"serialNumber":null,"assetId":1028606,"name":"Red Baseball Cap","recentAveragePrice":1768,"originalPrice":null,"assetStock":null,"buildersClubMembershipType":0,"isOnHold":false}`
	categories     = `{"categories":[{"name":"Accessories","displayName":"Accessories","categoryType":"Accessories","items":[{"name":"Head","displayName":"Head","filter":null,"id":8,"type":"AssetType","categoryType":"Hat"},{"name":"Heads","displayName":"Heads","filter":null,"id":4,"type":"Bundle","categoryType":"DynamicHead"}]}]}`
	placeRow       = `{"universeId":1,"placeId":2,"name":"Place","creator":{"id":156,"name":"builderman","type":"User"},"priceInRobux":null}`
	itemRow        = `{"type":"Asset","id":1028606,"name":"Red Baseball Cap","instanceId":28605}`
	notFound       = `{"errors":[{"code":0,"message":"NotFound"}]}`
)

var cases = []tc{
	// ---- valid: declared operations ----
	{name: "v2 inventory page, assetType name", method: "GET", path: "/v2/users/156/inventory?assetTypes=Hat,8&limit=10", status: 200, ctype: ct,
		body: page(`null`, `"eyJrZXkiOjF9"`, v2InvItem)},
	{name: "v2 inventory page, assetType number", method: "GET", path: "/v2/users/156/inventory", status: 200, ctype: ctCharset,
		body: page(`"cHJldg=="`, `null`, `{"assetId":1,"name":"x","assetType":8,"created":"2024-07-30T23:23:36Z"}`)},
	{name: "v2 inventory page, newest asset type name", method: "GET", path: "/v2/users/156/inventory", status: 200, ctype: ct,
		body: page(`null`, `null`, `{"assetId":1,"name":"x","assetType":"AvatarBackground","created":"2024-07-30T23:23:36Z"}`)},
	{name: "v2 inventory empty page", method: "GET", path: "/v2/users/156/inventory", status: 200, ctype: ct,
		body: `{"previousPageCursor":null,"nextPageCursor":null,"data":[]}`},
	{name: "v2 inventory page, unknown extra field allowed", method: "GET", path: "/v2/users/156/inventory", status: 200, ctype: ct,
		body: page(`null`, `null`, `{"assetId":1,"name":"x","assetType":"Hat","created":"2024-07-30T23:23:36Z","somethingNew":[1,2]}`)},
	{name: "v2 inventory by type, explicit nulls", method: "GET", path: "/v2/users/156/inventory/8?limit=25&sortOrder=Desc", status: 200, ctype: ct,
		body: page(`null`, `null`, v2TypedInvItem)},
	{name: "v2 inventory by type, trailing slash", method: "GET", path: "/v2/users/156/inventory/8/", status: 200, ctype: ct,
		body: page(`null`, `null`, v2TypedInvItem)},
	{name: "v2 inventory by type, full URL", method: "GET", path: "http://127.0.0.1:8080/v2/users/156/inventory/8?cursor=", status: 200, ctype: ct,
		body: page(`null`, `null`, v2TypedInvItem)},
	{name: "v2 inventory by type, lower-case method", method: "get", path: "/v2/users/156/inventory/8", status: 200, ctype: ct,
		body: page(`null`, `null`, v2TypedInvItem)},
	{name: "v2 owners, owner null", method: "GET", path: "/v2/assets/1028606/owners", status: 200, ctype: ct,
		body: page(`null`, `"bmV4dA=="`, ownerRowNull)},
	{name: "v2 owners, group owner by name", method: "GET", path: "/v2/assets/1028606/owners?sortOrder=Asc", status: 200, ctype: ct,
		body: page(`"cHJldg=="`, `null`, ownerRowGroup)},
	{name: "v2 owners, user owner by number", method: "GET", path: "/v2/assets/1028606/owners", status: 200, ctype: ct,
		body: page(`null`, `null`, `{"id":1,"collectibleItemInstanceId":null,"serialNumber":1,"owner":{"id":156,"type":1,"name":"builderman"},"created":"2023-05-20T21:33:10.770Z","updated":"2023-05-20T21:33:10.770Z"}`)},
	{name: "v2 collectible-item owners", method: "GET", path: "/v2/collectible-items/521cca19-75bb-4e05-a0af-633b1532c24d/owners?sortOrder=1", status: 200, ctype: ct,
		body: page(`null`, `null`, `{"collectibleItemInstanceId":"a8a27d38-ee51-4cf4-8b0a-485d0dfd8607","serialNumber":3,"owner":{"id":156,"type":"User","name":"builderman"}}`)},
	{name: "v2 give up asset", method: "DELETE", path: "/v2/inventory/asset/1028606", status: 200, ctype: ct, body: `{}`},
	{name: "v1 is-owned true", method: "GET", path: "/v1/users/156/items/Asset/1028606/is-owned", status: 200, ctype: ct, body: `true`},
	{name: "v1 is-owned false numeric itemType", method: "GET", path: "/v1/users/156/items/0/1028606/is-owned", status: 200, ctype: ctCharset, body: `false`},
	{name: "v1 items page", method: "GET", path: "/v1/users/156/items/Asset/1028606", status: 200, ctype: ct,
		body: page(`null`, `null`, itemRow)},
	{name: "v1 items page, game pass, null instanceId", method: "GET", path: "/v1/users/156/items/GamePass/12527", status: 200, ctype: ct,
		body: page(`null`, `null`, `{"type":"GamePass","id":12527,"name":"VIP","instanceId":null}`)},
	{name: "v1 items page, numeric type", method: "GET", path: "/v1/users/156/items/3/4", status: 200, ctype: ct,
		body: page(`null`, `null`, `{"type":3,"id":4,"name":"Heads","instanceId":null}`)},
	{name: "v1 collectibles, serialNumber null", method: "GET", path: "/v1/users/156/assets/collectibles?limit=100", status: 200, ctype: ct,
		body: page(`null`, `"MTBfMV8xZTIxMGQ3MDlmMDEzZjc2"`, collectible)},
	{name: "v1 collectibles, numbered", method: "GET", path: "/v1/users/156/assets/collectibles", status: 200, ctype: ct,
		body: page(`null`, `null`, `{"userAssetId":510938272,"serialNumber":149,"assetId":48159815,"name":"Shadow Dancer","recentAveragePrice":5109,"originalPrice":2000,"assetStock":500,"buildersClubMembershipType":0,"isOnHold":true}`)},
	{name: "v1 categories", method: "GET", path: "/v1/users/156/categories", status: 200, ctype: ct, body: categories},
	{name: "v1 categories favorites", method: "GET", path: "/v1/users/156/categories/favorites", status: 200, ctype: ct, body: categories},
	{name: "v1 places page, creator User", method: "GET", path: "/v1/users/156/places/inventory?placesTab=Created&itemsPerPage=10&cursor=0", status: 200, ctype: ct,
		body: page(`null`, `"10"`, placeRow)},
	{name: "v1 can-view-inventory", method: "GET", path: "/v1/users/156/can-view-inventory", status: 200, ctype: ct, body: `{"canView":true}`},
	{name: "v1 package assets (packageID quirk)", method: "GET", path: "/v1/packages/27133/assets", status: 200, ctype: ct, body: `{"assetIds":[1,2,3]}`},
	{name: "v1 add to collection", method: "POST", path: "/v1/collections/items/Asset/1028606", status: 200, ctype: ct, body: `{}`},
	{name: "v1 remove from collection", method: "DELETE", path: "/v1/collections/items/Bundle/4", status: 200, ctype: ct, body: `{}`},

	// ---- valid: not in the swagger, only rule 1 ----
	{name: "undeclared v1 authenticated", method: "GET", path: "/v1/users/authenticated", status: 200, ctype: ct, body: `{"id":156,"name":"builderman"}`},
	{name: "undeclared v2 logout", method: "POST", path: "/v2/logout", status: 200, ctype: ct, body: `{}`},
	{name: "undeclared healthz", method: "GET", path: "/healthz", status: 200, ctype: ct, body: `{"ok":true}`},
	{name: "undeclared admin", method: "PUT", path: "/admin/users/156/privacy", status: 200, ctype: ct, body: `[1,"two",null]`},
	{name: "undeclared method on declared path", method: "GET", path: "/v1/collections/items/Asset/1", status: 200, ctype: ct, body: `{"anything":"goes"}`},
	{name: "201 on declared path is only JSON-checked", method: "POST", path: "/v1/collections/items/Asset/1", status: 201, ctype: ct, body: `{"x":1}`},

	// ---- valid: errors ----
	{name: "404 NotFound", method: "GET", path: "/v1/users/notAUser", status: 404, ctype: ct, body: notFound},
	{name: "400 with userFacingMessage", method: "GET", path: "/v2/users/0/inventory/8", status: 400, ctype: ct,
		body: `{"errors":[{"code":1,"message":"Invalid user Id.","userFacingMessage":"Something went wrong"}]}`},
	{name: "400 limit with field", method: "GET", path: "/v2/assets/1/owners?limit=7", status: 400, ctype: ctCharset,
		body: `{"errors":[{"code":0,"message":"Allowed values: 10, 25, 50, 100","field":"limit"}]}`},
	{name: "403 all optional keys, two errors", method: "DELETE", path: "/v2/inventory/asset/1", status: 403, ctype: ct,
		body: `{"errors":[{"code":0,"message":"Token Validation Failed","userFacingMessage":null,"field":null,"fieldData":{"a":1},"retryable":true,"hint":"retry"},{"code":2,"message":"You don't own the specified item."}]}`},
	{name: "429 too many requests", method: "GET", path: "/v1/users/1/can-view-inventory", status: 429, ctype: ct, body: `{"errors":[{"code":0,"message":"Too many requests"}]}`},
	{name: "500 undeclared path", method: "GET", path: "/healthz", status: 500, ctype: ct, body: `{"errors":[{"code":0,"message":"An unknown error occured."}]}`},

	// ---- invalid: 200 bodies on declared operations ----
	{name: "assetId string", method: "GET", path: "/v2/users/156/inventory", status: 200, ctype: ct,
		body: page(`null`, `null`, `{"assetId":"abc","name":"x","assetType":"Hat","created":"2024-07-30T23:23:36Z"}`), wantErr: "assetId"},
	{name: "assetType unknown name", method: "GET", path: "/v2/users/156/inventory", status: 200, ctype: ct,
		body: page(`null`, `null`, `{"assetId":1,"name":"x","assetType":"NotAType","created":"2024-07-30T23:23:36Z"}`), wantErr: "assetType"},
	{name: "assetType number not in enum", method: "GET", path: "/v2/users/156/inventory", status: 200, ctype: ct,
		body: page(`null`, `null`, `{"assetId":1,"name":"x","assetType":14,"created":"2024-07-30T23:23:36Z"}`), wantErr: "assetType"},
	{name: "assetType wrong case", method: "GET", path: "/v2/users/156/inventory", status: 200, ctype: ct,
		body: page(`null`, `null`, `{"assetId":1,"name":"x","assetType":"hat","created":"2024-07-30T23:23:36Z"}`), wantErr: "assetType"},
	{name: "date without Z", method: "GET", path: "/v2/users/156/inventory", status: 200, ctype: ct,
		body: page(`null`, `null`, `{"assetId":1,"name":"x","assetType":"Hat","created":"2024-07-30T23:23:36.501"}`), wantErr: "created"},
	{name: "date with offset", method: "GET", path: "/v2/users/156/inventory/8", status: 200, ctype: ct,
		body: page(`null`, `null`, strings.Replace(v2TypedInvItem, `"updated":"2024-07-30T23:23:36.501Z"`, `"updated":"2024-07-30T23:23:36+00:00"`, 1)), wantErr: "updated"},
	{name: "date impossible month", method: "GET", path: "/v2/assets/1/owners", status: 200, ctype: ct,
		body: page(`null`, `null`, strings.Replace(ownerRowNull, `"created":"2023-05-20T21:33:10.770Z"`, `"created":"2023-13-20T21:33:10.770Z"`, 1)), wantErr: "created"},
	{name: "date as number", method: "GET", path: "/v2/assets/1/owners", status: 200, ctype: ct,
		body: page(`null`, `null`, strings.Replace(ownerRowNull, `"created":"2023-05-20T21:33:10.770Z"`, `"created":1684618390`, 1)), wantErr: "created"},
	{name: "page missing data", method: "GET", path: "/v2/users/156/inventory", status: 200, ctype: ct,
		body: `{"previousPageCursor":null,"nextPageCursor":null}`, wantErr: "data"},
	{name: "page missing nextPageCursor", method: "GET", path: "/v1/users/156/assets/collectibles", status: 200, ctype: ct,
		body: `{"previousPageCursor":null,"data":[]}`, wantErr: "nextPageCursor"},
	{name: "page missing previousPageCursor", method: "GET", path: "/v1/users/156/items/Asset/1", status: 200, ctype: ct,
		body: `{"nextPageCursor":null,"data":[]}`, wantErr: "previousPageCursor"},
	{name: "page data null", method: "GET", path: "/v2/assets/1/owners", status: 200, ctype: ct,
		body: `{"previousPageCursor":null,"nextPageCursor":null,"data":null}`, wantErr: "data"},
	{name: "page nextPageCursor empty string", method: "GET", path: "/v2/users/156/inventory/8", status: 200, ctype: ct,
		body: page(`null`, `""`, v2TypedInvItem), wantErr: "nextPageCursor"},
	{name: "page previousPageCursor empty string", method: "GET", path: "/v1/users/156/places/inventory", status: 200, ctype: ct,
		body: page(`""`, `null`, placeRow), wantErr: "previousPageCursor"},
	{name: "page cursor number", method: "GET", path: "/v1/users/156/places/inventory", status: 200, ctype: ct,
		body: page(`null`, `10`, placeRow), wantErr: "nextPageCursor"},
	{name: "page body null", method: "GET", path: "/v2/assets/1/owners", status: 200, ctype: ct, body: `null`, wantErr: "null"},
	{name: "page body array", method: "GET", path: "/v2/assets/1/owners", status: 200, ctype: ct, body: `[]`, wantErr: "object"},
	{name: "owner type unknown name", method: "GET", path: "/v2/assets/1/owners", status: 200, ctype: ct,
		body: page(`null`, `null`, strings.Replace(ownerRowGroup, `"Group"`, `"Robot"`, 1)), wantErr: "type"},
	{name: "owner type Experience is not an agent type", method: "GET", path: "/v2/collectible-items/x/owners", status: 200, ctype: ct,
		body: page(`null`, `null`, `{"collectibleItemInstanceId":"a","serialNumber":3,"owner":{"id":1,"type":"Experience","name":"x"}}`), wantErr: "type"},
	{name: "owner id string", method: "GET", path: "/v2/assets/1/owners", status: 200, ctype: ct,
		body: page(`null`, `null`, strings.Replace(ownerRowGroup, `"id":7`, `"id":"7"`, 1)), wantErr: "id"},
	{name: "owner not an object", method: "GET", path: "/v2/assets/1/owners", status: 200, ctype: ct,
		body: page(`null`, `null`, strings.Replace(ownerRowNull, `"owner":null`, `"owner":"builderman"`, 1)), wantErr: "owner"},
	{name: "buildersClubMembershipType as name", method: "GET", path: "/v2/users/156/inventory/8", status: 200, ctype: ct,
		body: page(`null`, `null`, strings.Replace(v2TypedInvItem, `"buildersClubMembershipType":0`, `"buildersClubMembershipType":"None"`, 1)), wantErr: "buildersClubMembershipType"},
	{name: "buildersClubMembershipType out of range", method: "GET", path: "/v1/users/156/assets/collectibles", status: 200, ctype: ct,
		body: page(`null`, `null`, strings.Replace(collectible, `"buildersClubMembershipType":0`, `"buildersClubMembershipType":5`, 1)), wantErr: "buildersClubMembershipType"},
	{name: "serialNumber fractional", method: "GET", path: "/v1/users/156/assets/collectibles", status: 200, ctype: ct,
		body: page(`null`, `null`, strings.Replace(collectible, `"serialNumber":null`, `"serialNumber":1.5`, 1)), wantErr: "serialNumber"},
	{name: "isOnHold string", method: "GET", path: "/v1/users/156/assets/collectibles", status: 200, ctype: ct,
		body: page(`null`, `null`, strings.Replace(collectible, `"isOnHold":false`, `"isOnHold":"no"`, 1)), wantErr: "isOnHold"},
	{name: "item type unknown name", method: "GET", path: "/v1/users/156/items/Asset/1", status: 200, ctype: ct,
		body: page(`null`, `null`, strings.Replace(itemRow, `"Asset"`, `"Thing"`, 1)), wantErr: "type"},
	{name: "is-owned string", method: "GET", path: "/v1/users/156/items/Asset/1/is-owned", status: 200, ctype: ct, body: `"true"`, wantErr: "boolean"},
	{name: "is-owned object", method: "GET", path: "/v1/users/156/items/Asset/1/is-owned", status: 200, ctype: ct, body: `{"isOwned":true}`, wantErr: "boolean"},
	{name: "is-owned null", method: "GET", path: "/v1/users/156/items/Asset/1/is-owned", status: 200, ctype: ct, body: `null`, wantErr: "null"},
	{name: "category item type unknown name", method: "GET", path: "/v1/users/156/categories", status: 200, ctype: ct,
		body: strings.Replace(categories, `"AssetType"`, `"AssetTypes"`, 1), wantErr: "type"},
	{name: "category item id string", method: "GET", path: "/v1/users/156/categories/favorites", status: 200, ctype: ct,
		body: strings.Replace(categories, `"id":8`, `"id":"8"`, 1), wantErr: "id"},
	{name: "categories not an array", method: "GET", path: "/v1/users/156/categories", status: 200, ctype: ct,
		body: `{"categories":{"name":"x"}}`, wantErr: "categories"},
	{name: "place creator type unknown name", method: "GET", path: "/v1/users/156/places/inventory", status: 200, ctype: ct,
		body: page(`null`, `null`, strings.Replace(placeRow, `"User"`, `"Experiance"`, 1)), wantErr: "type"},
	{name: "can-view-inventory string", method: "GET", path: "/v1/users/156/can-view-inventory", status: 200, ctype: ct,
		body: `{"canView":"yes"}`, wantErr: "canView"},
	{name: "package assetIds strings", method: "GET", path: "/v1/packages/1/assets", status: 200, ctype: ct,
		body: `{"assetIds":["1"]}`, wantErr: "assetIds"},
	{name: "empty response not an object", method: "DELETE", path: "/v2/inventory/asset/1", status: 200, ctype: ct,
		body: `true`, wantErr: "object"},

	// ---- invalid: error envelope ----
	{name: "error body without errors array", method: "GET", path: "/v2/users/1/inventory/8", status: 400, ctype: ct,
		body: `{"code":1,"message":"Invalid user Id."}`, wantErr: `no "errors"`},
	{name: "error body errors not an array", method: "GET", path: "/v2/users/1/inventory/8", status: 400, ctype: ct,
		body: `{"errors":{"code":1,"message":"x"}}`, wantErr: "must be an array"},
	{name: "error body empty errors", method: "GET", path: "/v2/users/1/inventory/8", status: 403, ctype: ct,
		body: `{"errors":[]}`, wantErr: "at least one"},
	{name: "error body bare string", method: "GET", path: "/nope", status: 404, ctype: ct,
		body: `"NotFound"`, wantErr: "must be an object"},
	{name: "error body extra top-level key", method: "GET", path: "/nope", status: 404, ctype: ct,
		body: `{"errors":[{"code":0,"message":"NotFound"}],"status":404}`, wantErr: `"status"`},
	{name: "error code string", method: "GET", path: "/nope", status: 404, ctype: ct,
		body: `{"errors":[{"code":"0","message":"NotFound"}]}`, wantErr: "code must be an integer"},
	{name: "error code fractional", method: "GET", path: "/nope", status: 404, ctype: ct,
		body: `{"errors":[{"code":1.5,"message":"NotFound"}]}`, wantErr: "code must be an integer"},
	{name: "error code missing", method: "GET", path: "/nope", status: 404, ctype: ct,
		body: `{"errors":[{"message":"NotFound"}]}`, wantErr: `no "code"`},
	{name: "error message missing", method: "GET", path: "/nope", status: 404, ctype: ct,
		body: `{"errors":[{"code":0}]}`, wantErr: `no "message"`},
	{name: "error message null", method: "GET", path: "/nope", status: 404, ctype: ct,
		body: `{"errors":[{"code":0,"message":null}]}`, wantErr: "message must be a string"},
	{name: "error unknown key", method: "GET", path: "/nope", status: 404, ctype: ct,
		body: `{"errors":[{"code":0,"message":"NotFound","detail":"x"}]}`, wantErr: `"detail"`},
	{name: "error userFacingMessage number", method: "GET", path: "/nope", status: 400, ctype: ct,
		body: `{"errors":[{"code":0,"message":"x","userFacingMessage":1}]}`, wantErr: "userFacingMessage"},
	{name: "error retryable string", method: "GET", path: "/nope", status: 503, ctype: ct,
		body: `{"errors":[{"code":0,"message":"x","retryable":"yes"}]}`, wantErr: "retryable"},
	{name: "error second item not an object", method: "GET", path: "/nope", status: 400, ctype: ct,
		body: `{"errors":[{"code":0,"message":"x"},"oops"]}`, wantErr: "errors[1]"},
	{name: "500 with a non-envelope body", method: "GET", path: "/healthz", status: 500, ctype: ct,
		body: `{"error":"boom"}`, wantErr: `no "errors"`},

	// ---- invalid: content type and JSON (rule 1) ----
	{name: "text/plain", method: "GET", path: "/v1/users/1/can-view-inventory", status: 200, ctype: "text/plain; charset=utf-8",
		body: `{"canView":true}`, wantErr: "Content-Type"},
	{name: "text/json", method: "GET", path: "/v1/users/1/can-view-inventory", status: 200, ctype: "text/json",
		body: `{"canView":true}`, wantErr: "Content-Type"},
	{name: "missing content type", method: "GET", path: "/healthz", status: 200, ctype: "",
		body: `{}`, wantErr: "Content-Type"},
	{name: "other charset", method: "GET", path: "/healthz", status: 200, ctype: "application/json; charset=iso-8859-1",
		body: `{}`, wantErr: "charset"},
	{name: "text/plain error", method: "GET", path: "/nope", status: 404, ctype: "text/plain",
		body: notFound, wantErr: "Content-Type"},
	{name: "bad JSON on declared path", method: "GET", path: "/v1/users/1/can-view-inventory", status: 200, ctype: ct,
		body: `{"canView":`, wantErr: "not valid JSON"},
	{name: "bad JSON on undeclared path", method: "GET", path: "/healthz", status: 200, ctype: ct,
		body: `ok`, wantErr: "not valid JSON"},
	{name: "empty body", method: "DELETE", path: "/v2/inventory/asset/1", status: 200, ctype: ct,
		body: ``, wantErr: "not valid JSON"},
	{name: "trailing garbage", method: "GET", path: "/healthz", status: 200, ctype: ct,
		body: `{} {}`, wantErr: "not valid JSON"},
	{name: "bad JSON error body", method: "GET", path: "/nope", status: 404, ctype: ct,
		body: `{"errors":[`, wantErr: "not valid JSON"},
}

func TestValidate(t *testing.T) {
	v := Default(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := v.Validate(c.method, c.path, c.status, c.ctype, []byte(c.body))
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("%s %s -> %d: want pass, got error: %v\nbody: %s", c.method, c.path, c.status, err, c.body)
				}
				return
			}
			if err == nil {
				t.Fatalf("%s %s -> %d: want error containing %q, got nil\nbody: %s", c.method, c.path, c.status, c.wantErr, c.body)
			}
			t.Logf("error (as expected): %v", err)
			if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(c.wantErr)) {
				t.Fatalf("%s %s -> %d: error does not mention %q: %v", c.method, c.path, c.status, c.wantErr, err)
			}
		})
	}
}

// TestRoutes checks that every operation in both documents is found, that
// names and numbers both match parameter segments, and that the longest
// literal match wins.
func TestRoutes(t *testing.T) {
	v := Default(t)
	want := map[string]string{
		"DELETE /v1/collections/items/{itemType}/{itemTargetId}":          "DELETE /v1/collections/items/Asset/1",
		"POST /v1/collections/items/{itemType}/{itemTargetId}":            "POST /v1/collections/items/0/1",
		"GET /v1/packages/{packageId}/assets":                             "GET /v1/packages/1/assets",
		"GET /v1/users/{userId}/assets/collectibles":                      "GET /v1/users/1/assets/collectibles",
		"GET /v1/users/{userId}/can-view-inventory":                       "GET /v1/users/1/can-view-inventory",
		"GET /v1/users/{userId}/categories":                               "GET /v1/users/1/categories",
		"GET /v1/users/{userId}/categories/favorites":                     "GET /v1/users/1/categories/favorites",
		"GET /v1/users/{userId}/items/{itemType}/{itemTargetId}":          "GET /v1/users/1/items/Badge/2",
		"GET /v1/users/{userId}/items/{itemType}/{itemTargetId}/is-owned": "GET /v1/users/1/items/2/2/is-owned",
		"GET /v1/users/{userId}/places/inventory":                         "GET /v1/users/1/places/inventory?placesTab=Created",
		"GET /v2/assets/{assetId}/owners":                                 "GET /v2/assets/1/owners",
		"GET /v2/collectible-items/{collectibleItemId}/owners":            "GET /v2/collectible-items/521cca19-75bb-4e05-a0af-633b1532c24d/owners",
		"DELETE /v2/inventory/asset/{assetId}":                            "DELETE /v2/inventory/asset/1",
		"GET /v2/users/{userId}/inventory":                                "GET /v2/users/1/inventory?assetTypes=Hat",
		"GET /v2/users/{userId}/inventory/{assetTypeId}":                  "GET /v2/users/1/inventory/8",
	}
	if got := len(v.routes); got != len(want) {
		t.Errorf("swagger has %d operations, test knows %d", got, len(want))
	}
	for _, r := range v.routes {
		key := r.method + " " + r.template
		req, ok := want[key]
		if !ok {
			t.Errorf("operation %s not covered by this test", key)
			continue
		}
		method, path, _ := strings.Cut(req, " ")
		doc, tmpl, ok := v.Route(method, path)
		if !ok || tmpl != r.template || doc != path[1:3] {
			t.Errorf("Route(%s) = %s %s %v, want %s %s", req, doc, tmpl, ok, path[1:3], r.template)
		}
		if r.schema == nil {
			t.Errorf("operation %s has no 200 schema", key)
		}
	}
	for _, miss := range []string{
		"GET /v1/users/authenticated",
		"GET /v1/users/1",
		"GET /v2/users//inventory",
		"GET /v2/logout",
		"GET /healthz",
		"GET /",
		"GET relative/path",
		"PATCH /v2/users/1/inventory/8",
	} {
		method, path, _ := strings.Cut(miss, " ")
		if doc, tmpl, ok := v.Route(method, path); ok {
			t.Errorf("Route(%s) = %s %s, want no match", miss, doc, tmpl)
		}
	}
}

func TestEnumNames(t *testing.T) {
	v := Default(t)
	s := v.docs["v2"].Components.Schemas["Roblox.Inventory.Api.V2.UserAssetItemModelV2"]
	if s == nil {
		t.Fatal("UserAssetItemModelV2 missing from the converted v2 document")
	}
	at := s.Value.Properties["assetType"].Value
	if len(at.AnyOf) != 2 {
		t.Fatalf("assetType not patched into anyOf[int, names]: %+v", at)
	}
	names := at.AnyOf[1].Value.Enum
	ints := at.AnyOf[0].Value.Enum
	if len(names) != 85 || len(ints) != 85 {
		t.Errorf("asset type enum: %d names, %d numbers; want 85 each", len(names), len(ints))
	}
	for i, want := range map[int]string{0: "Image", 7: "Hat", 84: "AvatarBackground"} {
		if i < len(names) && names[i] != want {
			t.Errorf("asset type name %d = %v, want %s", i, names[i], want)
		}
	}

	got := EnumNames(" ['User' = 1, 'Group' = 2, 'Experience' = 3]")
	if strings.Join(got, ",") != "User,Group,Experience" {
		t.Errorf("EnumNames = %v", got)
	}
	if got := EnumNames("The user Id of the inventory owner"); len(got) != 0 {
		t.Errorf("EnumNames(no enum) = %v", got)
	}
}

// recorder is a testing.TB that records Errorf calls.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestCheck(t *testing.T) {
	v := Default(t)
	if Default(t) != v {
		t.Error("Default is not cached")
	}
	rec := &recorder{TB: t}
	v.Check(rec, "GET", "/v1/users/156/can-view-inventory", 200, ct, []byte(`{"canView":true}`))
	if len(rec.errs) != 0 {
		t.Fatalf("Check on a valid body reported: %v", rec.errs)
	}
	v.Check(rec, "GET", "/v1/users/156/can-view-inventory", 200, ct, []byte(`{"canView":1}`))
	if len(rec.errs) != 1 {
		t.Fatalf("Check on an invalid body reported %d errors, want 1", len(rec.errs))
	}
	for _, want := range []string{"GET", "/v1/users/156/can-view-inventory", "200", `{"canView":1}`, "canView"} {
		if !strings.Contains(rec.errs[0], want) {
			t.Errorf("Check message lacks %q: %s", want, rec.errs[0])
		}
	}
}

// TestNewIndependent checks that New builds a fresh validator each time
// (the patches must not compound on shared state).
func TestNewIndependent(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(page(`null`, `null`, v2InvItem))
	for _, v := range []*Validator{a, b} {
		if err := v.Validate("GET", "/v2/users/1/inventory", 200, ct, body); err != nil {
			t.Error(err)
		}
	}
}

// TestPatches checks the patched documents directly: which enums accept
// names, that every property is nullable (page data excepted), that no
// object rejects unknown properties, and the page-response requirements.
func TestPatches(t *testing.T) {
	v := Default(t)
	named := map[string]bool{
		"v2 Roblox.Inventory.Api.V2.UserAssetItemModelV2.assetType":                           true,
		"v1 Roblox.Inventory.Api.Models.IItemModel.type":                                      true,
		"v2 Roblox.Web.Responses.RelatedEntityTypeResponse[Roblox.Agents.AgentType].type":     true,
		"v1 Roblox.Inventory.Api.Models.CreatorModel.type":                                    true,
		"v1 Roblox.Inventory.Api.Models.AssetsExplorerCategoryItemModel.type":                 true,
		"v1 Roblox.Inventory.Api.Models.CollectibleUserAssetModel.buildersClubMembershipType": false,
		"v2 Roblox.Inventory.Api.Models.UserModel.buildersClubMembershipType":                 false,
	}
	seen := map[string]bool{}
	pages := 0
	for _, docName := range []string{"v1", "v2"} {
		for name, sr := range v.docs[docName].Components.Schemas {
			s := sr.Value
			if has := s.AdditionalProperties.Has; has != nil && !*has {
				t.Errorf("%s %s still has additionalProperties: false", docName, name)
			}
			isPage := strings.HasPrefix(name, "Roblox.Web.WebAPI.Models.ApiPageResponse[")
			if isPage {
				pages++
				for _, k := range []string{"previousPageCursor", "nextPageCursor", "data"} {
					if !slices.Contains(s.Required, k) {
						t.Errorf("%s %s: %s not required", docName, name, k)
					}
				}
			}
			for prop, pr := range s.Properties {
				p := pr.Value
				key := docName + " " + name + "." + prop
				if isPage && prop == "data" {
					if p.Nullable {
						t.Errorf("%s: page data must not be nullable", key)
					}
					continue
				}
				if !p.Nullable {
					t.Errorf("%s is not nullable", key)
				}
				if want, ok := named[key]; ok {
					seen[key] = true
					if got := len(p.AnyOf) == 2; got != want {
						t.Errorf("%s: accepts names = %v, want %v", key, got, want)
					}
				} else if len(p.AnyOf) != 0 {
					t.Errorf("%s: unexpectedly patched into anyOf", key)
				}
				if p.Format == "date-time" && p.Pattern != DateTimePattern {
					t.Errorf("%s: date-time without the UTC pattern", key)
				}
			}
		}
	}
	for key := range named {
		if !seen[key] {
			t.Errorf("schema property %s not found in the swagger", key)
		}
	}
	if pages != 7 {
		t.Errorf("found %d ApiPageResponse schemas, want 7", pages)
	}
}
