package inventory

import (
	"strconv"
	"strings"
)

// AssetType is Roblox's asset type id (Roblox.Platform.Assets.AssetType).
type AssetType int

// Asset types the rules below name.
const (
	AssetTypePlace    AssetType = 9
	AssetTypeBadge    AssetType = 21
	AssetTypePackage  AssetType = 32
	AssetTypeGamePass AssetType = 34
)

var assetTypeByName = func() map[string]AssetType {
	m := make(map[string]AssetType, len(assetTypeNames))
	for id, n := range assetTypeNames {
		m[strings.ToLower(n)] = AssetType(id)
	}
	return m
}()

// Valid reports whether t is a member of the enum.
func (t AssetType) Valid() bool { _, ok := assetTypeNames[int(t)]; return ok }

// String returns the enum name ("Hat"), or the number for an unknown id.
func (t AssetType) String() string {
	if n, ok := assetTypeNames[int(t)]; ok {
		return n
	}
	return strconv.Itoa(int(t))
}

// ParseAssetType accepts an asset type by name (any case) or by number.
func ParseAssetType(s string) (AssetType, bool) {
	s = strings.TrimSpace(s)
	if t, ok := assetTypeByName[strings.ToLower(s)]; ok {
		return t, true
	}
	if n, err := strconv.Atoi(s); err == nil && AssetType(n).Valid() {
		return AssetType(n), true
	}
	return 0, false
}

// enum is a small closed name<->number table shared by the enums below.
type enum struct {
	names []string // index = value; "" marks a hole
	base  int
}

func (e enum) name(v int) string {
	if i := v - e.base; i >= 0 && i < len(e.names) && e.names[i] != "" {
		return e.names[i]
	}
	return strconv.Itoa(v)
}

func (e enum) parse(s string) (int, bool) {
	s = strings.TrimSpace(s)
	for i, n := range e.names {
		if n != "" && strings.EqualFold(n, s) {
			return i + e.base, true
		}
	}
	if n, err := strconv.Atoi(s); err == nil && n-e.base >= 0 && n-e.base < len(e.names) && e.names[n-e.base] != "" {
		return n, true
	}
	return 0, false
}

// ItemType is the IItemModel type: Asset=0, GamePass=1, Badge=2, Bundle=3, Avatar=4.
type ItemType int

// The item types.
const (
	ItemAsset ItemType = iota
	ItemGamePass
	ItemBadge
	ItemBundle
	ItemAvatar
)

var itemTypes = enum{names: []string{"Asset", "GamePass", "Badge", "Bundle", "Avatar"}}

func (t ItemType) String() string { return itemTypes.name(int(t)) }

// ParseItemType accepts an item type by name (any case) or number (0..4).
func ParseItemType(s string) (ItemType, bool) {
	v, ok := itemTypes.parse(s)
	return ItemType(v), ok
}

// Privacy is the inventory privacy setting (accountsettings
// InventoryPrivacy): NoOne=1 .. AllUsers=6. See wire-behaviour.md §3.4.
type Privacy int

// The privacy levels.
const (
	PrivacyNoOne Privacy = iota + 1
	PrivacyFriends
	PrivacyFriendsAndFollowing
	PrivacyFriendsFollowingAndFollowers
	PrivacyAllAuthenticatedUsers
	PrivacyAllUsers
)

var privacies = enum{base: 1, names: []string{"NoOne", "Friends", "FriendsAndFollowing",
	"FriendsFollowingAndFollowers", "AllAuthenticatedUsers", "AllUsers"}}

func (p Privacy) String() string { return privacies.name(int(p)) }

// ParsePrivacy accepts a privacy level by name (any case) or number (1..6).
func ParsePrivacy(s string) (Privacy, bool) {
	v, ok := privacies.parse(s)
	return Privacy(v), ok
}

// AgentType is the owner or creator kind: User=1, Group=2 (and, for
// creators only, Experience=3).
type AgentType int

// The agent types.
const (
	AgentUser AgentType = iota + 1
	AgentGroup
	AgentExperience
)

var agentTypes = enum{base: 1, names: []string{"User", "Group", "Experience"}}

func (a AgentType) String() string { return agentTypes.name(int(a)) }

// ParseAgentType accepts "User", "Group", "Experience" (any case) or 1..3.
func ParseAgentType(s string) (AgentType, bool) {
	v, ok := agentTypes.parse(s)
	return AgentType(v), ok
}

// Moderation is an asset's moderation status.
type Moderation int

// The moderation statuses.
const (
	ModerationApproved Moderation = iota
	ModerationPending
	ModerationDisapproved
)

var moderations = enum{names: []string{"Approved", "Pending", "Disapproved"}}

func (m Moderation) String() string { return moderations.name(int(m)) }

// ParseModeration accepts "Approved", "Pending", "Disapproved" (any case) or 0..2.
func ParseModeration(s string) (Moderation, bool) {
	v, ok := moderations.parse(s)
	return Moderation(v), ok
}

// PlacesTab is the places inventory tab. wire-behaviour.md §3.3 [I]: the
// numeric mapping Created=0, MyGames=1, OtherGames=2, Purchased=3 is
// inferred; docs/compatibility.md records the choice.
type PlacesTab int

// The places tabs.
const (
	TabCreated PlacesTab = iota
	TabMyGames
	TabOtherGames
	TabPurchased
)

var placesTabs = enum{names: []string{"Created", "MyGames", "OtherGames", "Purchased"}}

func (t PlacesTab) String() string { return placesTabs.name(int(t)) }

// ParsePlacesTab accepts a tab by name (any case) or number (0..3).
func ParsePlacesTab(s string) (PlacesTab, bool) {
	v, ok := placesTabs.parse(s)
	return PlacesTab(v), ok
}

// LimitedKind says whether and how an asset is a collectible.
type LimitedKind int

// The limited kinds. Limited copies have no serial; LimitedUnique and
// Collectible (UGC limiteds, with a collectibleItemId) carry serials.
const (
	NotLimited LimitedKind = iota
	Limited
	LimitedUnique
	Collectible
)

// HasSerials reports whether copies of such an asset are numbered.
func (k LimitedKind) HasSerials() bool { return k == LimitedUnique || k == Collectible }

// SortOrder is the listing order.
type SortOrder int

// The sort orders; the values are Roblox's (Asc=1, Desc=2).
const (
	Asc  SortOrder = 1
	Desc SortOrder = 2
)

var sortOrders = enum{base: 1, names: []string{"Asc", "Desc"}}

func (s SortOrder) String() string { return sortOrders.name(int(s)) }

// ParseSortOrder accepts Asc/Desc in any case or 1/2 (wire-behaviour.md
// §2.5: ASP.NET enum binding is lenient). The empty string is Asc.
func ParseSortOrder(s string) (SortOrder, bool) {
	if s == "" {
		return Asc, true
	}
	v, ok := sortOrders.parse(s)
	return SortOrder(v), ok
}
