package api

import "net/http"

// routes registers the whole URL surface. Every path the mux does not match,
// with any method, falls to the catch-all and gets Roblox's 404
// {"errors":[{"code":0,"message":"NotFound"}]} (wire-behaviour.md §2.1; a
// wrong method is answered the same way, our choice for an [I] item).
func (s *Server) routes() {
	m := s.mux
	// inventory.roblox.com v2 (inventory-v2.swagger.json)
	m.Handle("GET /v2/assets/{assetId}/owners", s.adapt(s.assetOwners))
	m.Handle("GET /v2/collectible-items/{collectibleItemId}/owners", s.adapt(s.collectibleItemOwners))
	m.Handle("GET /v2/users/{userId}/inventory", s.adapt(s.inventoryByTypes))
	m.Handle("GET /v2/users/{userId}/inventory/{assetTypeId}", s.adapt(s.inventoryByType))
	m.Handle("DELETE /v2/inventory/asset/{assetId}", s.adapt(s.deleteAsset))
	// inventory.roblox.com v1 (inventory-v1.swagger.json)
	m.Handle("GET /v1/packages/{packageId}/assets", s.adapt(s.packageAssets))
	m.Handle("GET /v1/users/{userId}/assets/collectibles", s.adapt(s.collectibles))
	m.Handle("GET /v1/users/{userId}/can-view-inventory", s.adapt(s.canViewInventory))
	m.Handle("GET /v1/users/{userId}/categories", s.adapt(s.categories))
	m.Handle("GET /v1/users/{userId}/categories/favorites", s.adapt(s.favoriteCategories))
	m.Handle("GET /v1/users/{userId}/items/{itemType}/{itemTargetId}", s.adapt(s.items))
	m.Handle("GET /v1/users/{userId}/items/{itemType}/{itemTargetId}/is-owned", s.adapt(s.isOwned))
	m.Handle("GET /v1/users/{userId}/places/inventory", s.adapt(s.placesInventory))
	m.Handle("POST /v1/collections/items/{itemType}/{itemTargetId}", s.adapt(s.addToCollection))
	m.Handle("DELETE /v1/collections/items/{itemType}/{itemTargetId}", s.adapt(s.removeFromCollection))
	// Companion routes real clients call first: users.roblox.com's
	// authenticated user (noblox setCookie), and auth.roblox.com's logout
	// and login, where noblox (getGeneralToken) and bloxy
	// (updateXCSRFToken) harvest the CSRF token.
	m.Handle("GET /v1/users/authenticated", s.adapt(s.authenticatedUser))
	m.Handle("POST /v2/logout", s.adapt(s.logout))
	m.Handle("POST /v2/login", s.adapt(s.login))
	// users.roblox.com user look-ups (bloxy builds user objects from them)
	// and accountsettings.roblox.com's inventory privacy (companion.go).
	m.Handle("GET /v1/users/{userId}", s.adapt(s.userDetails))
	m.Handle("POST /v1/users", s.adapt(s.usersByID))
	m.Handle("GET /v1/inventory-privacy", s.adapt(s.inventoryPrivacy))
	m.Handle("POST /v1/inventory-privacy", s.adapt(s.setInventoryPrivacy))
	// Operations.
	m.Handle("GET /healthz", s.adapt(s.healthz))
	// Admin API (enabled by an admin key; docs/admin-api.md; admin*.go).
	// Paths are lower case: normalize lower-cases every request path.
	m.Handle("GET /admin/v1/openapi.json", s.adapt(s.adminOpenAPI))
	m.Handle("POST /admin/v1/fixtures", s.adapt(s.adminImport))
	m.Handle("POST /admin/v1/reset", s.adapt(s.adminReset))
	m.Handle("GET /admin/v1/export", s.admin(s.adminExport))
	m.Handle("POST /admin/v1/users", s.admin(s.adminCreateUser))
	m.Handle("GET /admin/v1/users/{userId}", s.admin(s.adminGetUser))
	m.Handle("PATCH /admin/v1/users/{userId}", s.admin(s.adminUpdateUser))
	m.Handle("PUT /admin/v1/users/{userId}/friends/{otherId}", s.admin(noBody(s.adminRelation(true, true))))
	m.Handle("DELETE /admin/v1/users/{userId}/friends/{otherId}", s.admin(noBody(s.adminRelation(true, false))))
	m.Handle("PUT /admin/v1/users/{userId}/following/{otherId}", s.admin(noBody(s.adminRelation(false, true))))
	m.Handle("DELETE /admin/v1/users/{userId}/following/{otherId}", s.admin(noBody(s.adminRelation(false, false))))
	m.Handle("POST /admin/v1/users/{userId}/sessions", s.admin(noBody(s.adminCreateSession)))
	m.Handle("POST /admin/v1/users/{userId}/sessions/revoke", s.admin(s.adminRevokeSession))
	m.Handle("DELETE /admin/v1/users/{userId}/sessions", s.admin(noBody(s.adminRevokeSessions)))
	m.Handle("PUT /admin/v1/users/{userId}/items/{itemType}/{itemId}", s.admin(s.adminUserItem(true)))
	m.Handle("DELETE /admin/v1/users/{userId}/items/{itemType}/{itemId}", s.admin(noBody(s.adminUserItem(false))))
	m.Handle("PUT /admin/v1/users/{userId}/places/{placesTab}/{placeId}", s.admin(noBody(s.adminUserPlace(true))))
	m.Handle("DELETE /admin/v1/users/{userId}/places/{placesTab}/{placeId}", s.admin(noBody(s.adminUserPlace(false))))
	m.Handle("POST /admin/v1/groups", s.admin(s.adminCatalogSave("groups", true)))
	m.Handle("GET /admin/v1/groups/{groupId}", s.admin(s.adminCatalogGet("groups")))
	m.Handle("PUT /admin/v1/groups/{groupId}", s.admin(s.adminCatalogSave("groups", false)))
	m.Handle("POST /admin/v1/assets", s.admin(s.adminCreateAsset))
	m.Handle("GET /admin/v1/assets/{assetId}", s.admin(s.adminGetAsset))
	m.Handle("PATCH /admin/v1/assets/{assetId}", s.admin(s.adminUpdateAsset))
	m.Handle("POST /admin/v1/game-passes", s.admin(s.adminCatalogSave("gamePasses", true)))
	m.Handle("GET /admin/v1/game-passes/{gamePassId}", s.admin(s.adminCatalogGet("gamePasses")))
	m.Handle("PUT /admin/v1/game-passes/{gamePassId}", s.admin(s.adminCatalogSave("gamePasses", false)))
	m.Handle("POST /admin/v1/badges", s.admin(s.adminCatalogSave("badges", true)))
	m.Handle("GET /admin/v1/badges/{badgeId}", s.admin(s.adminCatalogGet("badges")))
	m.Handle("PUT /admin/v1/badges/{badgeId}", s.admin(s.adminCatalogSave("badges", false)))
	m.Handle("POST /admin/v1/bundles", s.admin(s.adminCatalogSave("bundles", true)))
	m.Handle("GET /admin/v1/bundles/{bundleId}", s.admin(s.adminCatalogGet("bundles")))
	m.Handle("PUT /admin/v1/bundles/{bundleId}", s.admin(s.adminCatalogSave("bundles", false)))
	m.Handle("POST /admin/v1/places", s.admin(s.adminCatalogSave("places", true)))
	m.Handle("GET /admin/v1/places/{placeId}", s.admin(s.adminCatalogGet("places")))
	m.Handle("PUT /admin/v1/places/{placeId}", s.admin(s.adminCatalogSave("places", false)))
	m.Handle("POST /admin/v1/user-assets", s.admin(s.adminGrant))
	m.Handle("GET /admin/v1/user-assets/{userAssetId}", s.admin(s.adminGetUserAsset))
	m.Handle("DELETE /admin/v1/user-assets/{userAssetId}", s.admin(noBody(s.adminRevoke)))
	m.Handle("POST /admin/v1/user-assets/{userAssetId}/transfer", s.admin(s.adminTransfer))
	m.Handle("GET /admin/v1/user-assets/{userAssetId}/history", s.admin(s.adminHistory))
	// API documents (docs.go), as inventory.roblox.com served them: the
	// swagger documents with this server's host, and an HTML index.
	m.Handle("GET /docs", s.adapt(s.docsIndex))
	m.Handle("GET /docs/index.html", s.adapt(s.docsIndex))
	m.Handle("GET /docs/json/v1", s.adapt(s.docsJSON("v1")))
	m.Handle("GET /docs/json/v2", s.adapt(s.docsJSON("v2")))
	// Everything else.
	m.Handle("/", s.adapt(func(http.ResponseWriter, *http.Request) error { return errNotFound }))
}
