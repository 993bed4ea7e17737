package api

import (
	"net/http"

	"github.com/inventoryd/inventoryd/internal/inventory"
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

// catItem is one static entry: an asset type (by id) or a bundle type.
type catItem struct {
	display   string
	id        int64
	bundle    string // bundle type name; empty for asset types
	filter    string
	ownerOnly bool
}

type catDef struct {
	name, display string
	items         []catItem
	inventory     bool // shown on the inventory page
	favorites     bool // shown on the favorites page
	ownerOnly     bool
}

// categoryDefs is the static category list of wire-behaviour.md §3.2 [S],
// after RoSeal's replacement for the real page (shape-compatible).
// displayName is not localized here.
var categoryDefs = []catDef{
	{name: "Places", display: "Places", inventory: true, favorites: true, items: []catItem{
		{display: "Created", id: 9, filter: "Created", ownerOnly: true}, {display: "Purchased", id: 9, filter: "Purchased", ownerOnly: true},
		{display: "My Games", id: 9, filter: "MyGames", ownerOnly: true}, {display: "Other Games", id: 9, filter: "OtherGames", ownerOnly: true},
		{display: "Places", id: 9}}},
	{name: "PrivateServers", display: "Private Servers", inventory: true, ownerOnly: true, items: []catItem{
		{display: "My Private Servers", id: 9, filter: "MyPrivateServers"}, {display: "Other Private Servers", id: 9, filter: "OtherPrivateServers"}}},
	{name: "Accessories", display: "Accessories", inventory: true, favorites: true, items: []catItem{
		{display: "Head", id: 8}, {display: "Face", id: 42}, {display: "Neck", id: 43}, {display: "Shoulder", id: 44},
		{display: "Front", id: 45}, {display: "Back", id: 46}, {display: "Waist", id: 47}, {display: "Gear", id: 19}}},
	{name: "Hair", display: "Hair", inventory: true, favorites: true, items: []catItem{{display: "Hair", id: 41}}},
	{name: "Tops", display: "Tops", inventory: true, favorites: true, items: []catItem{
		{display: "T-Shirts", id: 64}, {display: "Shirts", id: 65}, {display: "Sweaters", id: 68}, {display: "Jackets", id: 67}}},
	{name: "Bottoms", display: "Bottoms", inventory: true, favorites: true, items: []catItem{
		{display: "Pants", id: 66}, {display: "Shorts", id: 69}, {display: "Dresses & Skirts", id: 72}}},
	{name: "Shoes", display: "Shoes", inventory: true, favorites: true, items: []catItem{
		{display: "Left Shoes", id: 70}, {display: "Right Shoes", id: 71}}},
	{name: "ClassicClothing", display: "Classic Clothing", inventory: true, favorites: true, items: []catItem{
		{display: "Classic T-shirts", id: 2}, {display: "Classic Shirts", id: 11}, {display: "Classic Pants", id: 12}}},
	{name: "Bundle", display: "Bundles", inventory: true, favorites: true, items: []catItem{
		{display: "Body Parts", id: 1, bundle: "BodyParts"}, {display: "Avatar Animations", id: 2, bundle: "AvatarAnimations"},
		{display: "Shoes", id: 3, bundle: "Shoes"}, {display: "Heads", id: 4, bundle: "DynamicHead"}}},
	{name: "BodyParts", display: "Body Parts", inventory: true, favorites: true, items: []catItem{
		{display: "Classic Heads", id: 17}, {display: "Torsos", id: 27}, {display: "Right Arms", id: 28}, {display: "Left Arms", id: 29},
		{display: "Left Legs", id: 30}, {display: "Right Legs", id: 31}}},
	{name: "Face", display: "Faces", inventory: true, favorites: true, items: []catItem{{display: "Faces", id: 18}}},
	{name: "Makeup", display: "Makeup", inventory: true, favorites: true, items: []catItem{
		{display: "Eyebrows", id: 76}, {display: "Eyelashes", id: 77}, {display: "Faces", id: 88}, {display: "Lips", id: 89}, {display: "Eyes", id: 90}}},
	{name: "AvatarAnimations", display: "Avatar Animations", inventory: true, favorites: true, items: []catItem{
		{display: "Run", id: 53}, {display: "Walk", id: 55}, {display: "Fall", id: 50}, {display: "Jump", id: 52},
		{display: "Idle", id: 51}, {display: "Swim", id: 54}, {display: "Climb", id: 48}}},
	{name: "EmoteAnimation", display: "Emotes", inventory: true, favorites: true, items: []catItem{{display: "Emotes", id: 61}}},
	{name: "Avatar", display: "Avatars", favorites: true, items: []catItem{{display: "Avatars", id: 16}}},
	{name: "Badge", display: "Badges", inventory: true, items: []catItem{{display: "Badges", id: 21}}},
	{name: "GamePass", display: "Passes", inventory: true, favorites: true, items: []catItem{{display: "Passes", id: 34}}},
	{name: "Decal", display: "Decals", inventory: true, favorites: true, items: []catItem{{display: "Decals", id: 13}}},
	{name: "Model", display: "Models", inventory: true, favorites: true, items: []catItem{{display: "Models & Packages", id: 10}}},
	{name: "Plugin", display: "Plugins", inventory: true, favorites: true, items: []catItem{{display: "Plugins", id: 38}}},
	{name: "Animation", display: "Animations", inventory: true, favorites: true, items: []catItem{{display: "Animations", id: 24}}},
	{name: "Audio", display: "Audio", inventory: true, favorites: true, items: []catItem{{display: "Audio", id: 3}}},
	{name: "Video", display: "Videos", inventory: true, favorites: true, items: []catItem{{display: "Videos", id: 62}}},
	{name: "MeshPart", display: "Meshes", inventory: true, favorites: true, items: []catItem{{display: "Meshes", id: 40}}},
	{name: "Font", display: "Fonts", favorites: true, items: []catItem{{display: "Font Families", id: 73}, {display: "Font Faces", id: 74}}},
	{name: "AvatarBackground", display: "Backgrounds", inventory: true, favorites: true, items: []catItem{{display: "Backgrounds", id: 92}}},
}

// buildCategories renders the list for one page (inventory or favorites);
// owner-only entries (places sub-tabs, private servers) appear only when
// the viewer is the owner (§3.2).
func buildCategories(favorites, owner bool) []category {
	out := []category{}
	for _, d := range categoryDefs {
		if (favorites && !d.favorites) || (!favorites && !d.inventory) || (d.ownerOnly && !owner) {
			continue
		}
		c := category{Name: d.name, DisplayName: d.display, CategoryType: d.name, Items: []categoryItem{}}
		for _, it := range d.items {
			if it.ownerOnly && (!owner || favorites) {
				continue
			}
			ci := categoryItem{DisplayName: it.display, ID: it.id, CategoryType: d.name, Type: "AssetType"}
			if it.bundle != "" {
				ci.Type, ci.Name = "Bundle", it.bundle
			} else {
				ci.Name = inventory.AssetType(it.id).String()
			}
			if it.filter != "" {
				f := it.filter
				ci.Filter, ci.Name = &f, it.filter
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
