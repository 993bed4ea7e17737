package api

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// adminOp is one admin operation as the OpenAPI document describes it;
// routes.go registers the same list (TestAdminOpenAPIMatchesRoutes).
type adminOp struct {
	method, path, summary string
	body                  string // request schema name, "" for none
	status                int
	resp                  string // response schema name
	errs                  []int
}

// adminOpenAPIPath is the one admin path that needs no key.
const adminOpenAPIPath = "/admin/v1/openapi.json"

var adminOps = []adminOp{
	{"GET", adminOpenAPIPath, "This document (needs no key; 404 like all of /admin when the admin API is off)", "", 200, "OpenAPI", nil},
	{"POST", "/admin/v1/fixtures", "Import a fixture document (or, with Content-Type application/x-ndjson, the streaming form) in one transaction", "Fixture", 200, "Imported", []int{400, 413}},
	{"POST", "/admin/v1/reset", "Delete all data", "", 200, "Empty", nil},
	{"GET", "/admin/v1/export", "The whole store as a fixture document (?format=ndjson: the streaming form) from one snapshot", "", 200, "Fixture", []int{400}},
	{"POST", "/admin/v1/users", "Create a user", "User", 201, "User", []int{400, 409}},
	{"GET", "/admin/v1/users/{userId}", "Read a user", "", 200, "User", []int{404}},
	{"PATCH", "/admin/v1/users/{userId}", "Update a user: username, displayName, membership, inventory privacy, ban (isBanned)", "UserPatch", 200, "User", []int{400, 404}},
	{"PUT", "/admin/v1/users/{userId}/friends/{otherId}", "Make two users friends", "", 200, "Empty", []int{400, 404}},
	{"DELETE", "/admin/v1/users/{userId}/friends/{otherId}", "End a friendship", "", 200, "Empty", []int{400, 404}},
	{"PUT", "/admin/v1/users/{userId}/following/{otherId}", "userId follows otherId", "", 200, "Empty", []int{400, 404}},
	{"DELETE", "/admin/v1/users/{userId}/following/{otherId}", "userId stops following otherId", "", 200, "Empty", []int{400, 404}},
	{"POST", "/admin/v1/users/{userId}/sessions", "Log a user in: returns a fresh .ROBLOSECURITY value (only its hash is stored)", "", 201, "Session", []int{404}},
	{"POST", "/admin/v1/users/{userId}/sessions/revoke", "Revoke one session of a user", "SessionRevoke", 200, "Revoked", []int{400, 404}},
	{"DELETE", "/admin/v1/users/{userId}/sessions", "Revoke every session of a user", "", 200, "Revoked", []int{404}},
	{"PUT", "/admin/v1/users/{userId}/items/{itemType}/{itemId}", "Grant a game pass, badge or bundle (itemType GamePass, Badge or Bundle)", "UserItemGrant", 200, "Empty", []int{400, 404, 409}},
	{"DELETE", "/admin/v1/users/{userId}/items/{itemType}/{itemId}", "Revoke a game pass, badge or bundle", "", 200, "Empty", []int{400, 404}},
	{"PUT", "/admin/v1/users/{userId}/places/{placesTab}/{placeId}", "Put a place on a user's places tab (MyGames, OtherGames, Purchased)", "", 200, "Empty", []int{400, 404, 409}},
	{"DELETE", "/admin/v1/users/{userId}/places/{placesTab}/{placeId}", "Take a place off a user's places tab", "", 200, "Empty", []int{400, 404}},
	{"POST", "/admin/v1/groups", "Create a group", "Group", 201, "Group", []int{400, 409}},
	{"GET", "/admin/v1/groups/{groupId}", "Read a group", "", 200, "Group", []int{404}},
	{"PUT", "/admin/v1/groups/{groupId}", "Replace a group (id may be left out)", "GroupReplace", 200, "Group", []int{400, 404}},
	{"POST", "/admin/v1/assets", "Create an asset (with its package contents)", "Asset", 201, "Asset", []int{400, 409}},
	{"GET", "/admin/v1/assets/{assetId}", "Read an asset", "", 200, "Asset", []int{404}},
	{"PATCH", "/admin/v1/assets/{assetId}", "Update an asset: name, RAP, prices, stock, moderation status, package contents (null clears a number)", "AssetPatch", 200, "Asset", []int{400, 404}},
	{"POST", "/admin/v1/game-passes", "Create a game pass", "GamePass", 201, "GamePass", []int{400, 409}},
	{"GET", "/admin/v1/game-passes/{gamePassId}", "Read a game pass", "", 200, "GamePass", []int{404}},
	{"PUT", "/admin/v1/game-passes/{gamePassId}", "Replace a game pass (id may be left out)", "GamePassReplace", 200, "GamePass", []int{400, 404}},
	{"POST", "/admin/v1/badges", "Create a badge", "Badge", 201, "Badge", []int{400, 409}},
	{"GET", "/admin/v1/badges/{badgeId}", "Read a badge", "", 200, "Badge", []int{404}},
	{"PUT", "/admin/v1/badges/{badgeId}", "Replace a badge (id may be left out)", "BadgeReplace", 200, "Badge", []int{400, 404}},
	{"POST", "/admin/v1/bundles", "Create a bundle", "Bundle", 201, "Bundle", []int{400, 409}},
	{"GET", "/admin/v1/bundles/{bundleId}", "Read a bundle", "", 200, "Bundle", []int{404}},
	{"PUT", "/admin/v1/bundles/{bundleId}", "Replace a bundle (id may be left out)", "BundleReplace", 200, "Bundle", []int{400, 404}},
	{"POST", "/admin/v1/places", "Create a place", "Place", 201, "Place", []int{400, 409}},
	{"GET", "/admin/v1/places/{placeId}", "Read a place", "", 200, "Place", []int{404}},
	{"PUT", "/admin/v1/places/{placeId}", "Replace a place (placeId may be left out)", "PlaceReplace", 200, "Place", []int{400, 404}},
	{"POST", "/admin/v1/user-assets", "Grant a new copy of an asset to a user or group: next userAssetId, next serial number for limited-unique and collectible assets, a fresh collectibleItemInstanceId for collectibles; 409 when the stock is exhausted", "Grant", 201, "UserAsset", []int{400, 409}},
	{"GET", "/admin/v1/user-assets/{userAssetId}", "Read an owned copy", "", 200, "UserAsset", []int{404}},
	{"DELETE", "/admin/v1/user-assets/{userAssetId}", "Revoke an owned copy (?ownerType=&ownerId=: only while that owner has it, else 409; 400 when no such owner exists)", "", 200, "UserAsset", []int{400, 404, 409}},
	{"POST", "/admin/v1/user-assets/{userAssetId}/transfer", "Transfer a copy to another owner: userAssetId and serial kept, updated changes, optional hold; 409 when the owner it expects (from, else the owner when the request is handled) no longer has it when it commits, so of two concurrent transfers of one copy one wins (send from for that to hold whatever the timing)", "Transfer", 200, "UserAsset", []int{400, 404, 409}},
	{"GET", "/admin/v1/user-assets/{userAssetId}/history", "The copy's ownership ledger: every grant, transfer, revoke and import, oldest first", "", 200, "History", []int{404}},
}

type obj = map[string]any

func ref(name string) obj { return obj{"$ref": "#/components/schemas/" + name} }

func props(required []string, p obj) obj {
	o := obj{"type": "object", "properties": p, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

var (
	tInt      = obj{"type": "integer", "format": "int64"}
	tIntNull  = obj{"type": "integer", "format": "int64", "nullable": true}
	tStr      = obj{"type": "string"}
	tBool     = obj{"type": "boolean"}
	tTime     = obj{"type": "string", "format": "date-time"}
	tPrivacy  = enumSchema(1, "NoOne", "Friends", "FriendsAndFollowing", "FriendsFollowingAndFollowers", "AllAuthenticatedUsers", "AllUsers")
	tModerate = enumSchema(0, "Approved", "Pending", "Disapproved")
	// A package's contents: no asset twice, not the package itself.
	tContents = obj{"type": "array", "items": tInt, "uniqueItems": true}
)

// agentSchema is {"type","id"} of a user or group; nullable, it is
// null too (inline: OpenAPI 3.0.3 gives nullable no effect beside a
// $ref or without a type).
func agentSchema(nullable bool) obj {
	o := props([]string{"type", "id"}, obj{"type": enumSchema(1, "User", "Group"), "id": tInt})
	if nullable {
		o["nullable"] = true
	}
	return o
}

// enumSchema: an enum is sent by name or by number (the first name is
// base), and answered by name.
func enumSchema(base int, names ...string) obj {
	return obj{"oneOf": []obj{{"type": "string", "enum": names}, {"type": "integer", "minimum": base, "maximum": base + len(names) - 1}},
		"description": "a name (any case), or its number; answers carry the name"}
}

var adminSchemas = withReplace(obj{
	"Empty":   obj{"type": "object"},
	"OpenAPI": obj{"type": "object", "description": "An OpenAPI 3.0 document"},
	"Imported": obj{"type": "object", "description": "{} for a fixture document; what was loaded for a stream",
		"properties": obj{"records": tInt, "userAssets": tInt}, "additionalProperties": false},
	"Agent":  agentSchema(false),
	"Errors": props([]string{"errors"}, obj{"errors": obj{"type": "array", "items": props([]string{"code", "message"}, obj{"code": obj{"type": "integer"}, "message": tStr})}}),
	"Fixture": obj{"type": "object", "description": "A fixture document (docs/fixtures.md): sections users, groups, friendships, follows, sessions, assets, userAssets, " +
		"retiredCopies, gamePasses, badges, bundles, userItems, places, userPlaces, collections"},
	"User": props([]string{"id", "username"}, obj{"id": tInt, "username": tStr, "displayName": tStr, "buildersClubMembershipType": obj{"type": "integer", "minimum": 0, "maximum": 4},
		"inventoryPrivacy": tPrivacy, "isBanned": tBool, "created": tTime}),
	"UserPatch": props(nil, obj{"username": tStr, "displayName": tStr, "buildersClubMembershipType": obj{"type": "integer", "minimum": 0, "maximum": 4},
		"inventoryPrivacy": tPrivacy, "isBanned": tBool}),
	"Session":       props([]string{"userId", "cookie"}, obj{"userId": tInt, "cookie": tStr}),
	"SessionRevoke": props([]string{"cookie"}, obj{"cookie": tStr}),
	"Revoked":       props([]string{"revoked"}, obj{"revoked": obj{"type": "integer"}}),
	"Group":         props([]string{"id", "name"}, obj{"id": tInt, "name": tStr}),
	"Asset": props([]string{"id", "name", "assetType", "creator"}, obj{"id": tInt, "name": tStr, "assetType": obj{"oneOf": []obj{tStr, obj{"type": "integer"}}, "description": "a name (any case), or its number; answers carry the name"},
		"creator": ref("Agent"), "isLimited": tBool, "isLimitedUnique": tBool, "collectibleItemId": obj{"type": "string", "format": "uuid"},
		"recentAveragePrice": tIntNull, "originalPrice": tIntNull, "assetStock": tIntNull, "priceInRobux": tIntNull, "moderationStatus": tModerate,
		"created": tTime, "updated": tTime, "packageAssetIds": tContents}),
	"AssetPatch": props(nil, obj{"name": tStr, "recentAveragePrice": tIntNull, "originalPrice": tIntNull, "assetStock": tIntNull, "priceInRobux": tIntNull,
		"moderationStatus": tModerate, "packageAssetIds": tContents}),
	"UserAsset": props([]string{"userAssetId", "assetId", "owner", "created", "updated"}, obj{"userAssetId": tInt, "assetId": tInt, "owner": ref("Agent"),
		"serialNumber": tInt, "collectibleItemInstanceId": obj{"type": "string", "format": "uuid"}, "holdUntil": tTime, "expireAt": tTime, "created": tTime, "updated": tTime}),
	"Grant":         props([]string{"assetId", "owner"}, obj{"assetId": tInt, "owner": ref("Agent"), "holdUntil": tTime, "expireAt": tTime}),
	"Transfer":      props([]string{"to"}, obj{"from": ref("Agent"), "to": ref("Agent"), "holdUntil": tTime}),
	"UserItemGrant": props(nil, obj{"instanceId": tIntNull, "created": tTime}),
	"GamePass":      props([]string{"id", "name"}, obj{"id": tInt, "name": tStr, "placeId": tIntNull, "priceInRobux": tIntNull}),
	"Badge":         props([]string{"id", "name"}, obj{"id": tInt, "name": tStr, "placeId": tIntNull}),
	"Bundle":        props([]string{"id", "name"}, obj{"id": tInt, "name": tStr, "bundleType": tStr}),
	"Place": props([]string{"placeId", "name", "creator"}, obj{"placeId": tInt, "universeId": tIntNull, "name": tStr,
		"creator": props([]string{"type", "id"}, obj{"type": enumSchema(1, "User", "Group", "Experience"), "id": tInt}), "priceInRobux": tIntNull}),
	"History": props([]string{"data"}, obj{"data": obj{"type": "array", "items": props(nil, obj{"id": tInt, "at": tTime,
		"op": obj{"type": "string", "enum": []string{"Grant", "Transfer", "Revoke", "Import"}}, "itemType": tStr, "itemId": tInt, "userAssetId": tIntNull,
		"serialNumber": tIntNull, "collectibleItemInstanceId": obj{"type": "string", "nullable": true},
		"from": agentSchema(true), "to": agentSchema(true)})}}),
})

// withReplace adds to schemas the replace (PUT) bodies: the create bodies
// with the id optional, as the path names the record.
func withReplace(schemas obj) obj {
	for _, name := range []string{"Group", "GamePass", "Badge", "Bundle", "Place"} {
		c := obj{}
		for k, v := range schemas[name].(obj) {
			c[k] = v
		}
		c["required"] = slices.DeleteFunc(slices.Clone(c["required"].([]string)), func(f string) bool { return f == "id" || f == "placeId" })
		schemas[name+"Replace"] = c
	}
	return schemas
}

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

// adminOpenAPIDoc builds the OpenAPI 3 document of the admin API.
func adminOpenAPIDoc() []byte {
	paths := obj{}
	for _, op := range adminOps {
		item, _ := paths[op.path].(obj)
		if item == nil {
			item = obj{}
			paths[op.path] = item
		}
		o := obj{"summary": op.summary, "operationId": strings.ToLower(op.method) + pathParam.ReplaceAllString(strings.ReplaceAll(op.path, "/", "_"), "by_$1")}
		var params []obj
		for _, m := range pathParam.FindAllStringSubmatch(op.path, -1) {
			schema := tInt
			if m[1] == "itemType" || m[1] == "placesTab" {
				schema = tStr
			}
			params = append(params, obj{"name": m[1], "in": "path", "required": true, "schema": schema})
		}
		if params != nil {
			o["parameters"] = params
		}
		if op.body != "" {
			o["requestBody"] = obj{"required": op.body != "UserItemGrant", "content": obj{"application/json": obj{"schema": ref(op.body)}}}
		}
		resps := obj{}
		resps[itoa(op.status)] = obj{"description": http.StatusText(op.status), "content": obj{"application/json": obj{"schema": ref(op.resp)}}}
		// The streaming form of a fixture document goes in (fixtures) and
		// out (export?format=ndjson) as application/x-ndjson.
		stream := obj{"schema": obj{"type": "string", "description": "NDJSON: one record per line with its kind (docs/bulk-import.md)"}}
		switch op.path {
		case "/admin/v1/fixtures":
			o["requestBody"].(obj)["content"].(obj)["application/x-ndjson"] = stream
		case "/admin/v1/export":
			o["parameters"] = []obj{{"name": "format", "in": "query", "required": false, "schema": obj{"type": "string", "enum": []string{"json", "ndjson"}}}}
			resps[itoa(op.status)].(obj)["content"].(obj)["application/x-ndjson"] = stream
		}
		if op.method == "DELETE" && op.path == "/admin/v1/user-assets/{userAssetId}" {
			o["parameters"] = append(o["parameters"].([]obj),
				obj{"name": "ownerType", "in": "query", "required": false, "description": "with ownerId: revoke only while this owner has the copy",
					"schema": enumSchema(1, "User", "Group")},
				obj{"name": "ownerId", "in": "query", "required": false, "schema": tInt})
		}
		errs, security := append([]int{401}, op.errs...), []obj{{"adminKey": []string{}}}
		if op.method != "GET" {
			// Every body is checked (even where none is taken, only {}
			// is) and has a limit (--max-body-bytes).
			errs = append(errs, 400, 413)
		}
		// Every operation reaches the store: 503 while it is unreachable,
		// or when a write or an export waited too long for its turn.
		errs = append(errs, 503)
		if op.path == adminOpenAPIPath {
			errs, security = nil, []obj{}
		}
		for _, e := range errs {
			resps[itoa(e)] = obj{"description": http.StatusText(e), "content": obj{"application/json": obj{"schema": ref("Errors")}}}
		}
		o["responses"] = resps
		o["security"] = security
		item[strings.ToLower(op.method)] = o
	}
	doc := obj{
		"openapi": "3.0.3",
		"info": obj{"title": "inventoryd admin API", "version": "1",
			"description": "Every change the public inventory API does not expose. Off (404) unless the server has an admin key; " +
				"requests carry Authorization: Bearer <key>. Errors use Roblox's envelope. See docs/admin-api.md."},
		"paths":      paths,
		"components": obj{"schemas": adminSchemas, "securitySchemes": obj{"adminKey": obj{"type": "http", "scheme": "bearer"}}},
	}
	b, err := marshalJSONIndent(doc, "  ")
	if err != nil {
		panic(err)
	}
	return b
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

var adminOpenAPIBytes = adminOpenAPIDoc()

// adminOpenAPI serves GET /admin/v1/openapi.json: the document is not a
// secret, so it needs no key, but like all of /admin it is 404 when the
// admin API is off.
func (s *Server) adminOpenAPI(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.AdminKey == "" {
		return errNotFound
	}
	writeRaw(w, http.StatusOK, adminOpenAPIBytes)
	return nil
}
