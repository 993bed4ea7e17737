package api

import (
	"net/http"
)

// categoryItem is AssetsExplorerCategoryItemModel ("type" as a name, §2.6).
type categoryItem struct {
	Name         string  `json:"name"`
	DisplayName  string  `json:"displayName"`
	Filter       *string `json:"filter"`
	ID           int64   `json:"id"`
	Type         string  `json:"type"`
	CategoryType string  `json:"categoryType"`
}

// category is AssetsExplorerCategoryModel.
type category struct {
	Name         string         `json:"name"`
	DisplayName  string         `json:"displayName"`
	CategoryType string         `json:"categoryType"`
	Items        []categoryItem `json:"items"`
}

// shownOn says on which pages a category or an item appears. The real list
// depends on inventory vs favorites and on viewer == owner (§3.2 [S]).
type shownOn uint8

const (
	allPages     shownOn = iota
	inventoryTab         // the inventory page, any viewer
	favoritesTab         // the favorites page, any viewer
	ownInventory         // the inventory page, the owner viewing it
	notOwnInv            // every page but the owner's own inventory
)

func (s shownOn) on(favorites, owner bool) bool {
	switch s {
	case inventoryTab:
		return !favorites
	case favoritesTab:
		return favorites
	case ownInventory:
		return !favorites && owner
	case notOwnInv:
		return favorites || !owner
	}
	return true
}

// catItem is one static item of a category.
type catItem struct {
	name, display string
	id            int64
	typ           string // "AssetType" or "Bundle" (§2.6)
	categoryType  string
	filter        string // empty: null
	shown         shownOn
}

type catDef struct {
	name, display, categoryType string
	shown                       shownOn
	items                       []catItem
}

// asset and bundle build items whose displayName is their English name
// (displayName is localized on Roblox, §3.2 [S]; we serve en-us only).
func asset(name string, id int64, categoryType string) catItem {
	return catItem{name: name, display: name, id: id, typ: "AssetType", categoryType: categoryType}
}

func bundle(name string, id int64, categoryType string) catItem {
	return catItem{name: name, display: name, id: id, typ: "Bundle", categoryType: categoryType}
}

// sub is a places/private-servers sub-tab: the only items with a filter.
func sub(name string, id int64, filter string, shown shownOn) catItem {
	return catItem{name: name, display: name, id: id, typ: "AssetType", categoryType: filter, filter: filter, shown: shown}
}

// single is a category of one asset-type item with the same labels.
func single(name, display string, id int64, categoryType string, shown shownOn) catDef {
	it := asset(display, id, categoryType)
	return catDef{name: name, display: display, categoryType: categoryType, shown: shown, items: []catItem{it}}
}

// categoryDefs is the static list of wire-behaviour.md §3.2 [S], in the
// order of its source, RoSeal's src/ts/specials/getInventoryFavoritesCategories.tsx
// (a stand-in for the real page's response, shape-compatible with it).
// Names, category types and item category types are §3.2's; where §3.2
// lists only an id, the rest is the source's (docs/compatibility.md).
var categoryDefs = []catDef{
	single("Classic Heads", "Classic Heads", 17, "Head", allPages),
	single("Faces", "Faces", 18, "Face", allPages),
	{name: "Fonts", display: "Fonts", categoryType: "Font", shown: favoritesTab, items: []catItem{
		asset("Font Families", 73, "FontFamily"), asset("Font Faces", 74, "FontFace")}},
	single("Decals", "Decals", 13, "Decal", allPages),
	{name: "Models", display: "Models", categoryType: "Model", items: []catItem{asset("Models & Packages", 10, "Model")}},
	// The source gives Other Private Servers id 11, not 9; kept as is.
	{name: "Private Servers", display: "Private Servers", categoryType: "PrivateServers", shown: ownInventory, items: []catItem{
		sub("My Private Servers", 9, "MyPrivateServers", allPages), sub("Other Private Servers", 11, "OtherPrivateServers", allPages)}},
	single("Badges", "Badges", 21, "Badge", inventoryTab),
	single("Game Passes", "Game Passes", 34, "GamePass", inventoryTab),
	single("Plugins", "Plugins", 38, "Plugin", allPages),
	single("Animations", "Animations", 24, "Animation", allPages),
	single("Audio", "Audio", 3, "Audio", allPages),
	single("MeshParts", "Meshes", 40, "MeshPart", allPages),
	single("Backgrounds", "Backgrounds", 92, "AvatarBackground", allPages),
	{name: "Makeup", display: "Makeup", categoryType: "Makeup", items: []catItem{
		asset("Eyebrows", 76, "Eyebrows"), asset("Eyelashes", 77, "Eyelashes"), asset("Faces", 88, "Faces"),
		asset("Lips", 89, "Lips"), asset("Eyes", 90, "Eyes")}},
	single("Video", "Video", 62, "Video", allPages),
	{name: "Bundles", display: "Bundles", categoryType: "Bundle", items: []catItem{
		bundle("Body Parts", 1, "BodyParts"), bundle("Avatar Animations", 2, "AvatarAnimations"),
		bundle("Shoes", 3, "Shoes"), bundle("Heads", 4, "DynamicHead")}},
	{name: "Body Parts", display: "Body Parts", categoryType: "BodyParts", items: []catItem{
		asset("Torso", 27, "Body"), asset("Right Arm", 28, "RightArm"), asset("Left Arm", 29, "LeftArm"),
		asset("Left Leg", 30, "LeftLeg"), asset("Right Leg", 31, "RightLeg")}},
	{name: "Accessories", display: "Accessories", categoryType: "Accessories", items: []catItem{
		asset("Head", 8, "Hat"), asset("Face", 42, "FaceAccessory"), asset("Neck", 43, "NeckAccessory"),
		asset("Shoulder", 44, "ShoulderAccessory"), asset("Front", 45, "FrontAccessory"), asset("Back", 46, "BackAccessory"),
		asset("Waist", 47, "WaistAccessory"), asset("Gear", 19, "Gear")}},
	{name: "Classic Clothing", display: "Classic Clothing", categoryType: "ClassicClothing", items: []catItem{
		asset("Classic T-shirts", 2, "TShirt"), asset("Classic Shirts", 11, "Shirt"), asset("Classic Pants", 12, "Pants")}},
	single("Hair Accessories", "Hair", 41, "HairAccessory", allPages),
	single("Avatars", "Avatars", 16, "Avatars", favoritesTab),
	{name: "Tops", display: "Tops", categoryType: "Tops", items: []catItem{
		asset("T-shirts", 64, "TShirtAccessory"), asset("Shirts", 65, "ShirtAccessory"),
		asset("Sweaters", 68, "SweaterAccessory"), asset("Jackets", 67, "JacketAccessory")}},
	{name: "Bottoms", display: "Bottoms", categoryType: "Bottoms", items: []catItem{
		asset("Pants", 66, "PantsAccessory"), asset("Shorts", 69, "ShortsAccessory"), asset("Skirts", 72, "SkirtsAccessory")}},
	{name: "Shoes", display: "Shoes", categoryType: "Shoes", items: []catItem{
		asset("Left Shoe", 70, "LeftShoeAccessory"), asset("Right Shoe", 71, "RightShoeAccessory")}},
	single("Emote Animations", "Emotes", 61, "EmoteAnimation", allPages),
	// The owner's inventory gets the four places sub-tabs instead of the
	// plain Places item (§3.3 names the filters).
	{name: "Places", display: "Places", categoryType: "Place", items: []catItem{
		sub("Created by Me", 9, "Created", ownInventory), sub("Purchased", 9, "Purchased", ownInventory),
		sub("My Experiences", 9, "MyGames", ownInventory), sub("Other Experiences", 9, "OtherGames", ownInventory),
		{name: "Places", display: "Places", id: 9, typ: "AssetType", categoryType: "Place", shown: notOwnInv}}},
	{name: "Avatar Animations", display: "Avatar Animations", categoryType: "AvatarAnimations", items: []catItem{
		asset("Run", 53, "AvatarAnimations"), asset("Walk", 55, "AvatarAnimations"), asset("Fall", 50, "AvatarAnimations"),
		asset("Jump", 52, "AvatarAnimations"), asset("Idle", 51, "AvatarAnimations"), asset("Swim", 54, "AvatarAnimations"),
		asset("Climb", 48, "AvatarAnimations")}},
}

// buildCategories renders the list for one page (inventory or favorites)
// and one viewer (the owner or anyone else).
func buildCategories(favorites, owner bool) []category {
	out := []category{}
	for _, d := range categoryDefs {
		if !d.shown.on(favorites, owner) {
			continue
		}
		c := category{Name: d.name, DisplayName: d.display, CategoryType: d.categoryType, Items: []categoryItem{}}
		for _, it := range d.items {
			if !it.shown.on(favorites, owner) {
				continue
			}
			ci := categoryItem{Name: it.name, DisplayName: it.display, ID: it.id, Type: it.typ, CategoryType: it.categoryType}
			if it.filter != "" {
				f := it.filter
				ci.Filter = &f
			}
			c.Items = append(c.Items, ci)
		}
		out = append(out, c)
	}
	return out
}

func (s *Server) serveCategories(w http.ResponseWriter, r *http.Request, favorites bool) error {
	id, err := pathID(r, "userId")
	if err != nil {
		return err
	}
	se, err := s.viewer(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Categories []category `json:"categories"`
	}{buildCategories(favorites, !se.Anonymous() && se.UserID == id)})
	return nil
}

// categories serves GET /v1/users/{userId}/categories.
func (s *Server) categories(w http.ResponseWriter, r *http.Request) error {
	return s.serveCategories(w, r, false)
}

// favoriteCategories serves GET /v1/users/{userId}/categories/favorites.
func (s *Server) favoriteCategories(w http.ResponseWriter, r *http.Request) error {
	return s.serveCategories(w, r, true)
}
