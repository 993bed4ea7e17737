// Package inventory is the domain of inventoryd: the vocabulary of Roblox's
// inventory service (users, assets, owned copies, game passes, badges,
// bundles, places, collections), the Store interface every storage adapter
// implements, the privacy rules, the paging cursors and the fixture document
// format. It imports neither net/http nor database/sql: the api package maps
// its errors onto Roblox's wire envelope and the sqlite and postgres packages
// implement Store.
package inventory
