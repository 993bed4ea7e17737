package api

import (
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// robloxTime is a date as Roblox emits it: inventory.TimeLayout, UTC with
// milliseconds (wire-behaviour.md §2.6 [I]).
type robloxTime time.Time

const timeLayout = inventory.TimeLayout

func (t robloxTime) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(timeLayout)+2)
	b = append(b, '"')
	b = time.Time(t).UTC().AppendFormat(b, timeLayout)
	return append(b, '"'), nil
}

func optTime(t *time.Time) *robloxTime {
	if t == nil {
		return nil
	}
	v := robloxTime(*t)
	return &v
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// relatedEntity is RelatedEntityTypeResponse[AgentType]: owner "type" is
// the name ("User"/"Group"), §2.6.
type relatedEntity struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
	Name string `json:"name"`
}

// assetOwner is AssetOwnerResponse.
type assetOwner struct {
	ID                        int64          `json:"id"`
	CollectibleItemInstanceID *string        `json:"collectibleItemInstanceId"`
	SerialNumber              *int64         `json:"serialNumber"`
	Owner                     *relatedEntity `json:"owner"`
	Created                   robloxTime     `json:"created"`
	Updated                   robloxTime     `json:"updated"`
}

// collectibleItemOwner is CollectibleItemOwnerResponse.
type collectibleItemOwner struct {
	CollectibleItemInstanceID *string        `json:"collectibleItemInstanceId"`
	SerialNumber              *int64         `json:"serialNumber"`
	Owner                     *relatedEntity `json:"owner"`
}

// userAssetItemV2 is UserAssetItemModelV2.
type userAssetItemV2 struct {
	AssetID   int64      `json:"assetId"`
	Name      string     `json:"name"`
	AssetType string     `json:"assetType"`
	Created   robloxTime `json:"created"`
}

// userModel is UserModel (buildersClubMembershipType stays a number, §2.6).
type userModel struct {
	UserID     int64  `json:"userId"`
	Username   string `json:"username"`
	Membership int    `json:"buildersClubMembershipType"`
}

// inventoryItem is InventoryItemModel.
type inventoryItem struct {
	UserAssetID               int64       `json:"userAssetId"`
	AssetID                   int64       `json:"assetId"`
	AssetName                 string      `json:"assetName"`
	CollectibleItemID         *string     `json:"collectibleItemId"`
	CollectibleItemInstanceID *string     `json:"collectibleItemInstanceId"`
	SerialNumber              *int64      `json:"serialNumber"`
	Owner                     userModel   `json:"owner"`
	Created                   robloxTime  `json:"created"`
	Updated                   robloxTime  `json:"updated"`
	ExpireAt                  *robloxTime `json:"expireAt"`
}

// collectibleUserAsset is CollectibleUserAssetModel.
type collectibleUserAsset struct {
	UserAssetID        int64  `json:"userAssetId"`
	SerialNumber       *int64 `json:"serialNumber"`
	AssetID            int64  `json:"assetId"`
	Name               string `json:"name"`
	RecentAveragePrice *int64 `json:"recentAveragePrice"`
	OriginalPrice      *int64 `json:"originalPrice"`
	AssetStock         *int64 `json:"assetStock"`
	Membership         int    `json:"buildersClubMembershipType"`
	IsOnHold           bool   `json:"isOnHold"`
}

// itemModel is IItemModel: "type" is the name ("Asset"), §3.1.
type itemModel struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	InstanceID *int64 `json:"instanceId"`
}

// creatorModel is CreatorModel.
type creatorModel struct {
	ID   int64   `json:"id"`
	Name *string `json:"name"`
	Type string  `json:"type"`
}

// placeModel is PlaceModel.
type placeModel struct {
	UniverseID   *int64       `json:"universeId"`
	PlaceID      int64        `json:"placeId"`
	Name         string       `json:"name"`
	Creator      creatorModel `json:"creator"`
	PriceInRobux *int64       `json:"priceInRobux"`
}

func userKey(u inventory.UserAsset) inventory.Key { return inventory.Key{ID: u.ID} }

func typedKey(u inventory.UserAsset) inventory.Key {
	return inventory.Key{Type: int64(u.Asset.Type), ID: u.ID}
}
