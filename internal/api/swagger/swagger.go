// Package swagger embeds Roblox's published Swagger 2.0 documents for
// inventory.roblox.com (v1 and v2), copied verbatim from
// ../shared/reference. They are served at /docs/json/{v1,v2} and are the
// schema every test response is validated against.
package swagger

import _ "embed"

// V1 is the "Inventory Api v1" Swagger 2.0 document.
//
//go:embed inventory-v1.swagger.json
var V1 []byte

// V2 is the "Inventory Api v2" Swagger 2.0 document.
//
//go:embed inventory-v2.swagger.json
var V2 []byte
