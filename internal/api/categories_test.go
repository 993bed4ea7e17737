package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/inventoryd/inventoryd/internal/storetest"
)

// wantCat and wantItem are CategoriesModel's parts, decoded strictly.
type wantCat struct {
	Name         string     `json:"name"`
	DisplayName  string     `json:"displayName"`
	CategoryType string     `json:"categoryType"`
	Items        []wantItem `json:"items"`
}

type wantItem struct {
	Name         string  `json:"name"`
	DisplayName  string  `json:"displayName"`
	Filter       *string `json:"filter"`
	ID           int64   `json:"id"`
	Type         string  `json:"type"`
	CategoryType string  `json:"categoryType"`
}

// at is an AssetType item whose displayName is its name; bt a Bundle item;
// ft a filtered sub-tab (categoryType = filter, as in §3.2's source).
func at(name string, id int64, ct string) wantItem {
	return wantItem{Name: name, DisplayName: name, ID: id, Type: "AssetType", CategoryType: ct}
}

func bt(name string, id int64, ct string) wantItem {
	return wantItem{Name: name, DisplayName: name, ID: id, Type: "Bundle", CategoryType: ct}
}

func ft(name string, id int64, filter string) wantItem {
	f := filter
	return wantItem{Name: name, DisplayName: name, Filter: &f, ID: id, Type: "AssetType", CategoryType: filter}
}

func cat(name, display, ct string, items ...wantItem) wantCat {
	return wantCat{Name: name, DisplayName: display, CategoryType: ct, Items: items}
}

// wantCategories is wire-behaviour.md §3.2, written out for one page and
// one viewer: favorites adds Fonts and Avatars and drops Badges and Game
// Passes; the owner's own inventory adds Private Servers and swaps the
// plain Places item for the four places sub-tabs.
func wantCategories(favorites, owner bool) []wantCat {
	places := []wantItem{at("Places", 9, "Place")}
	if owner && !favorites {
		places = []wantItem{ft("Created by Me", 9, "Created"), ft("Purchased", 9, "Purchased"),
			ft("My Experiences", 9, "MyGames"), ft("Other Experiences", 9, "OtherGames")}
	}
	var out []wantCat
	add := func(on bool, c ...wantCat) {
		if on {
			out = append(out, c...)
		}
	}
	add(true,
		cat("Classic Heads", "Classic Heads", "Head", at("Classic Heads", 17, "Head")),
		cat("Faces", "Faces", "Face", at("Faces", 18, "Face")))
	add(favorites, cat("Fonts", "Fonts", "Font", at("Font Families", 73, "FontFamily"), at("Font Faces", 74, "FontFace")))
	add(true,
		cat("Decals", "Decals", "Decal", at("Decals", 13, "Decal")),
		cat("Models", "Models", "Model", at("Models & Packages", 10, "Model")))
	add(owner && !favorites, cat("Private Servers", "Private Servers", "PrivateServers",
		ft("My Private Servers", 9, "MyPrivateServers"), ft("Other Private Servers", 11, "OtherPrivateServers")))
	add(!favorites,
		cat("Badges", "Badges", "Badge", at("Badges", 21, "Badge")),
		cat("Game Passes", "Game Passes", "GamePass", at("Game Passes", 34, "GamePass")))
	add(true,
		cat("Plugins", "Plugins", "Plugin", at("Plugins", 38, "Plugin")),
		cat("Animations", "Animations", "Animation", at("Animations", 24, "Animation")),
		cat("Audio", "Audio", "Audio", at("Audio", 3, "Audio")),
		cat("MeshParts", "Meshes", "MeshPart", at("Meshes", 40, "MeshPart")),
		cat("Backgrounds", "Backgrounds", "AvatarBackground", at("Backgrounds", 92, "AvatarBackground")),
		cat("Makeup", "Makeup", "Makeup", at("Eyebrows", 76, "Eyebrows"), at("Eyelashes", 77, "Eyelashes"),
			at("Faces", 88, "Faces"), at("Lips", 89, "Lips"), at("Eyes", 90, "Eyes")),
		cat("Video", "Video", "Video", at("Video", 62, "Video")),
		cat("Bundles", "Bundles", "Bundle", bt("Body Parts", 1, "BodyParts"), bt("Avatar Animations", 2, "AvatarAnimations"),
			bt("Shoes", 3, "Shoes"), bt("Heads", 4, "DynamicHead")),
		cat("Body Parts", "Body Parts", "BodyParts", at("Torso", 27, "Body"), at("Right Arm", 28, "RightArm"),
			at("Left Arm", 29, "LeftArm"), at("Left Leg", 30, "LeftLeg"), at("Right Leg", 31, "RightLeg")),
		cat("Accessories", "Accessories", "Accessories", at("Head", 8, "Hat"), at("Face", 42, "FaceAccessory"),
			at("Neck", 43, "NeckAccessory"), at("Shoulder", 44, "ShoulderAccessory"), at("Front", 45, "FrontAccessory"),
			at("Back", 46, "BackAccessory"), at("Waist", 47, "WaistAccessory"), at("Gear", 19, "Gear")),
		cat("Classic Clothing", "Classic Clothing", "ClassicClothing", at("Classic T-shirts", 2, "TShirt"),
			at("Classic Shirts", 11, "Shirt"), at("Classic Pants", 12, "Pants")),
		cat("Hair Accessories", "Hair", "HairAccessory", at("Hair", 41, "HairAccessory")))
	add(favorites, cat("Avatars", "Avatars", "Avatars", at("Avatars", 16, "Avatars")))
	add(true,
		cat("Tops", "Tops", "Tops", at("T-shirts", 64, "TShirtAccessory"), at("Shirts", 65, "ShirtAccessory"),
			at("Sweaters", 68, "SweaterAccessory"), at("Jackets", 67, "JacketAccessory")),
		cat("Bottoms", "Bottoms", "Bottoms", at("Pants", 66, "PantsAccessory"), at("Shorts", 69, "ShortsAccessory"),
			at("Skirts", 72, "SkirtsAccessory")),
		cat("Shoes", "Shoes", "Shoes", at("Left Shoe", 70, "LeftShoeAccessory"), at("Right Shoe", 71, "RightShoeAccessory")),
		cat("Emote Animations", "Emotes", "EmoteAnimation", at("Emotes", 61, "EmoteAnimation")),
		cat("Places", "Places", "Place", places...),
		cat("Avatar Animations", "Avatar Animations", "AvatarAnimations", at("Run", 53, "AvatarAnimations"),
			at("Walk", 55, "AvatarAnimations"), at("Fall", 50, "AvatarAnimations"), at("Jump", 52, "AvatarAnimations"),
			at("Idle", 51, "AvatarAnimations"), at("Swim", 54, "AvatarAnimations"), at("Climb", 48, "AvatarAnimations")))
	return out
}

func TestCategories(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		for _, c := range []struct {
			name, path, session string
			favorites, owner    bool
		}{
			{name: "inventory anonymous", path: "/v1/users/156/categories"},
			{name: "inventory stranger", path: "/v1/users/156/categories", session: stranger},
			{name: "inventory another user", path: "/v1/users/156/categories", session: shedletsky},
			{name: "inventory owner", path: "/v1/users/156/categories", session: builderman, owner: true},
			{name: "inventory unknown user", path: "/v1/users/999/categories"},
			{name: "favorites anonymous", path: "/v1/users/156/categories/favorites", favorites: true},
			{name: "favorites stranger", path: "/v1/users/156/categories/favorites", session: stranger, favorites: true},
			{name: "favorites owner", path: "/v1/users/156/categories/favorites", session: builderman, favorites: true, owner: true},
		} {
			t.Run(c.name, func(t *testing.T) {
				e.t = t
				r := e.do(http.MethodGet, c.path, as(c.session)...)
				if r.status != http.StatusOK {
					t.Fatalf("GET %s: %d %s", c.path, r.status, r.body)
				}
				var got struct {
					Categories []wantCat `json:"categories"`
				}
				dec := json.NewDecoder(bytes.NewReader(r.body))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&got); err != nil {
					t.Fatalf("%v: %s", err, r.body)
				}
				want := wantCategories(c.favorites, c.owner)
				if len(got.Categories) != len(want) {
					t.Errorf("%d categories, want %d", len(got.Categories), len(want))
				}
				for i := 0; i < len(got.Categories) || i < len(want); i++ {
					var g, w any = "(none)", "(none)"
					if i < len(got.Categories) {
						g = got.Categories[i]
					}
					if i < len(want) {
						w = want[i]
					}
					if !reflect.DeepEqual(g, w) {
						t.Errorf("category %d:\n got %s\nwant %s", i, show(g), show(w))
					}
				}
			})
		}
	})
}

// TestCategoriesWire pins the bytes of one category: the swagger's key
// order, an explicit null filter, and the type as a name (§2.6).
func TestCategoriesWire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open)
		r := e.do(http.MethodGet, "/v1/users/156/categories")
		const first = `{"categories":[{"name":"Classic Heads","displayName":"Classic Heads","categoryType":"Head",` +
			`"items":[{"name":"Classic Heads","displayName":"Classic Heads","filter":null,"id":17,"type":"AssetType","categoryType":"Head"}]},`
		if !strings.HasPrefix(string(r.body), first) {
			t.Fatalf("body starts\n %.300s\nwant\n %s", r.body, first)
		}
		r = e.do(http.MethodGet, "/v1/users/156/categories", cookie(builderman))
		const sub = `{"name":"Created by Me","displayName":"Created by Me","filter":"Created","id":9,"type":"AssetType","categoryType":"Created"}`
		if !strings.Contains(string(r.body), sub) {
			t.Fatalf("no %s in %s", sub, r.body)
		}
	})
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
