package inventory

import (
	"context"
	"time"
)

// Key is a keyset position in a listing: the sort key of the last (or first)
// row a page showed. Listings by a single asset type, of collectibles and of
// owners sort by ID (userAssetId) alone and leave Type zero; the multi-type
// inventory listing sorts by (Type, ID), the MultiTypeExclusiveStartKey of
// wire-behaviour.md §2.5.
type Key struct {
	Type int64
	ID   int64
}

// Page asks for one page of a keyset listing.
type Page struct {
	After    *Key      // nil: from the start (in Order)
	Order    SortOrder // Asc or Desc
	Backward bool      // walk against Order from After (a previous page)
	Limit    int       // rows wanted; stores return up to Limit rows
	// NoOwner lets ListAssetOwners leave the owner fields (OwnerName,
	// OwnerMember, OwnerPrivacy, OwnerBanned, OwnerKnown) zero: the caller
	// fills them from its own copy of the users (internal/inventory/cache).
	NoOwner bool
}

// UserAssetQuery selects owned copies of one owner.
type UserAssetQuery struct {
	Owner            Agent
	Types            []AssetType // empty: all types
	CollectiblesOnly bool        // limited, limited-unique and collectible assets only
	HideDisapproved  bool
	HidePending      bool
	MultiType        bool // sort by (assetType, userAssetId) instead of userAssetId
	Page             Page
	// NoAsset lets the store leave each row's Asset zero (AssetID is
	// always set): the caller fills it from its own copy of the catalog
	// (internal/inventory/cache). Only valid without moderation filters.
	NoAsset bool
}

// Store is the storage contract. Every method returns an *Error of kind
// KindNotFound for a missing row (never nil, nil), KindConflict for a
// uniqueness clash, KindUnavailable when the database cannot be reached and
// KindInternal for anything else. Listing methods return rows in the page's
// display order. Implementations: internal/sqlite, internal/postgres.
type Store interface {
	// Ping reports whether the store is reachable.
	Ping(ctx context.Context) error
	// Close releases the store.
	Close() error

	// Secret returns the named 32-byte secret, creating it on first use.
	// Secrets live in the store so that cursors and CSRF tokens survive
	// restarts and are shared by replicas.
	Secret(ctx context.Context, name string) ([]byte, error)

	// User returns a user; KindNotFound if absent.
	User(ctx context.Context, id int64) (User, error)
	// Group returns a group; KindNotFound if absent.
	Group(ctx context.Context, id int64) (Group, error)
	// Relations returns the relation of each owner to viewer.
	Relations(ctx context.Context, viewer int64, owners []int64) (map[int64]Relation, error)
	// SessionUser resolves a session token hash to its user; KindNotFound if
	// no such session.
	SessionUser(ctx context.Context, tokenHash []byte) (int64, error)
	// DeleteSession ends a session (logout). Deleting an absent one is no error.
	DeleteSession(ctx context.Context, tokenHash []byte) error

	// Asset returns an asset; KindNotFound if absent.
	Asset(ctx context.Context, id int64) (Asset, error)
	// AssetByCollectibleItemID returns the asset of a collectible item id.
	AssetByCollectibleItemID(ctx context.Context, itemID string) (Asset, error)
	// PackageAssets lists a package's component asset ids in order.
	PackageAssets(ctx context.Context, packageID int64) ([]int64, error)

	// ListUserAssets pages through an owner's copies.
	ListUserAssets(ctx context.Context, q UserAssetQuery) ([]UserAsset, error)
	// ListAssetOwners pages through the copies of an asset, by userAssetId.
	ListAssetOwners(ctx context.Context, assetID int64, p Page) ([]UserAsset, error)
	// OwnedCopies lists a user's copies of one asset, by userAssetId, at most limit.
	OwnedCopies(ctx context.Context, userID, assetID int64, limit int) ([]UserAsset, error)
	// OwnerCopies lists every copy an owner holds, by (asset type,
	// userAssetId), at most limit: what the ownership cache loads.
	OwnerCopies(ctx context.Context, owner Agent, limit int) ([]OwnedCopy, error)
	// AssetCopies lists every copy of an asset, by userAssetId, at most limit.
	AssetCopies(ctx context.Context, assetID int64, limit int) ([]OwnedCopy, error)
	// DeleteOwnedCopies removes all of a user's copies of an asset and
	// returns how many went.
	DeleteOwnedCopies(ctx context.Context, userID, assetID int64) (int, error)

	// GamePass, Badge and Bundle return one item; KindNotFound if absent.
	GamePass(ctx context.Context, id int64) (GamePass, error)
	Badge(ctx context.Context, id int64) (Badge, error)
	Bundle(ctx context.Context, id int64) (Bundle, error)
	// UserItem returns a user's ownership of a game pass, badge or bundle;
	// KindNotFound if not owned.
	UserItem(ctx context.Context, userID int64, t ItemType, itemID int64) (UserItem, error)

	// UserPlaces lists a user's places on a tab, skipping offset, at most limit.
	// TabCreated lists the places the user created.
	UserPlaces(ctx context.Context, userID int64, tab PlacesTab, offset, limit int) ([]Place, error)

	// AddCollectionItem adds an item to a user's collection. KindConflict if
	// it is already there; ErrCollectionFull (KindForbidden) if the
	// collection holds max items already.
	AddCollectionItem(ctx context.Context, userID int64, it CollectionItem, max int) error
	// RemoveCollectionItem removes an item; KindNotFound if it was not there.
	RemoveCollectionItem(ctx context.Context, userID int64, it CollectionItem) error
	// CollectionItems lists a user's collection.
	CollectionItems(ctx context.Context, userID int64) ([]CollectionItem, error)

	// Import loads a validated fixture document in one transaction. A
	// reference to a row neither in the document nor in the store fails
	// with KindInvalid naming the path. Importing the same document again
	// changes nothing.
	Import(ctx context.Context, f *Fixture) error
	// Empty reports whether the store holds no users and no assets.
	Empty(ctx context.Context) (bool, error)
	// Reset deletes all data (secrets are kept).
	Reset(ctx context.Context) error

	// AdminStore is the write side of the admin layer (admin.go).
	AdminStore
}

// ChangeFeed is implemented by stores that can tell when any process may
// have committed a change: the value ChangeVersion returns changes (it is
// not necessarily ordered) after every commit by any connection, in this
// process or another, and an error means the store cannot tell now (a lost
// listener), so that nothing may be served from a cache that relies on it.
// SQLite: PRAGMA data_version; PostgreSQL: LISTEN/NOTIFY.
type ChangeFeed interface {
	ChangeVersion(ctx context.Context) (uint64, error)
}

// ErrCollectionFull is returned by AddCollectionItem when the collection is full.
var ErrCollectionFull = &Error{Kind: KindForbidden, Message: "collection full"}

// Clock returns the current time; tests substitute their own.
type Clock func() time.Time
