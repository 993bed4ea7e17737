// Package api is inventoryd's HTTP surface: the 15 inventory.roblox.com
// endpoints (routes.go lists them all), the companion routes real clients
// call first, the admin API, and Roblox's wire conventions: the error
// envelope, enums as names, explicit nulls, millisecond UTC dates, signed
// keyset cursors, the .ROBLOSECURITY session cookie and the CSRF challenge.
// Every Roblox quirk names its source in ../shared/reference.
package api
