package inventory

import "time"

// RobloxUserID is the id of the Roblox account; assets it created cannot be
// given up (DELETE /v2/inventory/asset, swagger summary).
const RobloxUserID = 1

// MaxID is the largest id inventoryd stores: ids stay below 2^53 so that
// JavaScript clients read them exactly.
const MaxID = 1<<53 - 1

// User is an account.
type User struct {
	ID          int64
	Name        string
	DisplayName string
	Membership  int // buildersClubMembershipType: None=0, BC=1, TBC=2, OBC=3, RobloxPremium=4
	Privacy     Privacy
	Banned      bool
	Created     time.Time
}

// Group is a group that can own and create items.
type Group struct {
	ID   int64
	Name string
}

// Agent names an owner or a creator.
type Agent struct {
	Type AgentType
	ID   int64
}

// Asset is a catalog asset.
type Asset struct {
	ID                int64
	Name              string
	Type              AssetType
	Creator           Agent
	Limited           LimitedKind
	CollectibleItemID string // UUID, collectibles only
	RAP               *int64 // recentAveragePrice
	OriginalPrice     *int64
	Stock             *int64 // assetStock
	Price             *int64 // priceInRobux
	Moderation        Moderation
	Created           time.Time
	Updated           time.Time
}

// UserAsset is one owned copy of an asset, with what listings show of the
// asset and the owner.
type UserAsset struct {
	ID           int64 // userAssetId
	AssetID      int64
	Owner        Agent
	Serial       *int64
	InstanceID   string // collectibleItemInstanceId (UUID), collectibles only
	HoldUntil    *time.Time
	ExpireAt     *time.Time
	Created      time.Time
	Updated      time.Time
	Asset        Asset   // joined
	OwnerName    string  // joined: username or group name
	OwnerMember  int     // joined: the owning user's membership
	OwnerPrivacy Privacy // joined: the owning user's privacy
	OwnerBanned  bool    // joined
	OwnerKnown   bool    // the owner row exists
}

// OnHold reports whether the copy is under a trade hold at now.
func (u UserAsset) OnHold(now time.Time) bool { return u.HoldUntil != nil && now.Before(*u.HoldUntil) }

// GamePass, Badge and Bundle are the non-asset items.
type GamePass struct {
	ID      int64
	Name    string
	PlaceID *int64
	Price   *int64
}

// Badge is an experience badge.
type Badge struct {
	ID      int64
	Name    string
	PlaceID *int64
}

// Bundle is a catalog bundle.
type Bundle struct {
	ID   int64
	Name string
	Type string
}

// UserItem is an owned game pass, badge or bundle.
type UserItem struct {
	UserID     int64
	Type       ItemType
	ItemID     int64
	InstanceID *int64
	Created    time.Time
}

// Place is a place (experience start place or other place).
type Place struct {
	ID          int64
	UniverseID  *int64
	Name        string
	Creator     Agent
	CreatorName string
	Price       *int64
}

// CollectionItem is one entry of a user's profile collection.
type CollectionItem struct {
	Type   ItemType
	ItemID int64
}

// Relation is the social relation between an inventory owner and a viewer.
type Relation struct {
	Friends       bool
	OwnerFollows  bool // the owner follows the viewer
	ViewerFollows bool // the viewer follows the owner
}

// OwnedCopy is one owned copy in the compact form the ownership cache
// keeps (internal/inventory/cache): the user_assets row, times in Unix
// milliseconds. AssetType and Collectible are the copy's own columns
// (copied from the asset when the copy was made), which the listings
// filter and sort on.
type OwnedCopy struct {
	ID, AssetID, OwnerID int64
	Serial               int64 // valid when HasSerial
	HoldUntil, ExpireAt  int64 // valid when HasHold, HasExpire
	Created, Updated     int64
	InstanceID           string
	AssetType            AssetType
	OwnerType            AgentType
	Collectible          bool
	HasSerial            bool
	HasHold, HasExpire   bool
}
