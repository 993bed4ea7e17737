// Package swaggertest checks HTTP responses of the emulator against
// Roblox's own inventory.roblox.com Swagger 2.0 documents (v1 and v2, as
// embedded by package swagger), so that tests catch any drift from the
// published contract.
//
// The documents are converted to OpenAPI 3 with kin-openapi's openapi2conv
// and then patched where the real service is known to differ from what it
// documents (see ../../../../shared/reference/wire-behaviour.md, sections
// 2.1, 2.5 and 2.6):
//
//   - every object property is nullable (Roblox emits explicit nulls);
//   - integer enums whose names are listed in the description
//     ("['Image' = 1, 'TShirt' = 2, ...]") also accept those names, because
//     Roblox serializes most enums as strings (buildersClubMembershipType
//     excepted: it stays a number);
//   - date-time strings must be UTC with a trailing Z;
//   - unknown properties are allowed (the documents say
//     additionalProperties: false, but Roblox adds fields without notice);
//   - page responses (ApiPageResponse[...]) must carry previousPageCursor,
//     nextPageCursor and data, and a cursor is never the empty string.
//
// Every response must be JSON with Content-Type application/json, and
// every status >= 400 must be the Roblox error envelope
// {"errors":[{"code":N,"message":"..."}]}.
//
// Use Default(t).Check(t, method, path, status, contentType, body) in tests.
package swaggertest
