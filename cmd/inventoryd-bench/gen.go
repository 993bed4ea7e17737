package main

// The data set step. The harness generates its own deterministic synthetic
// data set (it needs a whale with 110,000 hats and a limited with many
// owners, which `inventoryd generate`'s shapes do not give, and it must know
// its subjects: the manifest names which users, assets, cookies and pages the
// load drives), writes it as one NDJSON stream (docs/bulk-import.md) and
// loads it with the ordinary `inventoryd import`, the project's bulk path, so
// the same file loads into SQLite and PostgreSQL.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// Manifest names the subjects of the hot paths in a generated data set.
type Manifest struct {
	Items       int        `json:"items"`
	Users       int        `json:"users"`
	Assets      int        `json:"assets"`
	Seed        uint64     `json:"seed"`
	Owned       [][2]int64 `json:"owned"`       // (user, asset) pairs that are owned
	NotOwned    [][2]int64 `json:"notOwned"`    // (user, asset) pairs that are not
	InvUsers    []int64    `json:"invUsers"`    // public users with items (weighted by items)
	HatUsers    []int64    `json:"hatUsers"`    // public users owning hats
	CollUsers   []int64    `json:"collUsers"`   // public users owning limiteds
	Whale       int64      `json:"whale"`       // the public user with the most hats
	WhaleHats   int        `json:"whaleHats"`   // how many
	Mega        int64      `json:"mega"`        // the limited with the most owners
	MegaCopies  int        `json:"megaCopies"`  // how many copies
	Viewers     []string   `json:"viewers"`     // session cookies
	ViewTargets []int64    `json:"viewTargets"` // users whose can-view-inventory is asked
}

const (
	firstUser  = 1_000_001
	firstAsset = 20_000_001
	hatType    = 8
)

var assetTypes = []struct {
	name string
	id   int
}{{"Hat", 8}, {"Shirt", 11}, {"Pants", 12}, {"TShirt", 2}, {"Face", 18}, {"Gear", 19}, {"HairAccessory", 41}, {"FaceAccessory", 42}}

var privacies = []string{"NoOne", "Friends", "FriendsAndFollowing", "FriendsFollowingAndFollowers", "AllAuthenticatedUsers", "AllUsers"}

type genAsset struct {
	typ     int // index into assetTypes
	limited int // 0 none, 1 limited, 2 limited-unique
}

type genItem struct{ user, asset int32 }

// dataset is a generated data set in memory (indexes, not ids).
type dataset struct {
	m       *Manifest
	privacy []int // index into privacies, per user
	assets  []genAsset
	items   []genItem // sorted by user
}

// generate builds the data set for n owned items. The same n and seed give
// the same data set.
func generate(n int, seed uint64) *dataset {
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	users := max(100, n/50)
	assets := min(max(200, n/100), 20_000)
	m := &Manifest{Items: n, Users: users, Assets: assets, Seed: seed}
	// Users: 85% AllUsers, the rest spread over the other settings. The
	// whale (first user) is public.
	privacy := make([]int, users) // index into privacies
	for i := range privacy {
		if i == 0 || rng.IntN(100) < 85 {
			privacy[i] = 5
		} else {
			privacy[i] = rng.IntN(5)
		}
	}
	// Assets: types round-robin; 3% limited, 2% limited-unique; the mega
	// limited (the first limited-unique) has n/20 owners.
	as := make([]genAsset, assets)
	for i := range as {
		as[i].typ = i % len(assetTypes)
		switch r := rng.IntN(100); {
		case r < 3:
			as[i].limited = 1
		case r < 5:
			as[i].limited = 2
		}
	}
	mega := 1
	as[mega] = genAsset{typ: 1, limited: 2}
	m.Mega = firstAsset + int64(mega)
	var hats, plain []int
	for i, a := range as {
		if i == mega {
			continue
		}
		if a.typ == 0 {
			hats = append(hats, i)
		}
		plain = append(plain, i)
	}

	// Owned items: the whale's hats (so that a page at depth 10,000 of limit
	// 10 exists at 1M), the mega limited's copies (one per owner), the rest
	// over users with a quadratic skew (low ids own far more).
	type item = genItem
	items := make([]item, 0, n)
	whale := min(n/8, 110_000)
	for range whale {
		items = append(items, item{0, int32(hats[rng.IntN(len(hats))])})
	}
	m.Whale, m.WhaleHats = firstUser, whale
	megaN := min(n/20, users-1)
	for _, u := range rng.Perm(users - 1)[:megaN] {
		items = append(items, item{int32(u + 1), int32(mega)})
	}
	m.MegaCopies = megaN
	for len(items) < n {
		f := rng.Float64()
		u := 1 + int(f*f*float64(users-1))
		items = append(items, item{int32(u), int32(plain[rng.IntN(len(plain))])})
	}
	slices.SortStableFunc(items, func(a, b item) int { return int(a.user - b.user) })

	// Samples for the load (deterministic; weighted by items, so heavy
	// users are asked about more often, as active users are).
	const sample = 512
	owned := map[[2]int64]bool{}
	for _, it := range items {
		owned[[2]int64{int64(it.user), int64(it.asset)}] = true
	}
	public := func(u int32) bool { return privacy[u] == 5 }
	for len(m.Owned) < sample {
		it := items[whale+rng.IntN(len(items)-whale)]
		m.Owned = append(m.Owned, [2]int64{firstUser + int64(it.user), firstAsset + int64(it.asset)})
	}
	for len(m.NotOwned) < sample {
		u, a := rng.IntN(users), rng.IntN(assets)
		if !owned[[2]int64{int64(u), int64(a)}] {
			m.NotOwned = append(m.NotOwned, [2]int64{firstUser + int64(u), firstAsset + int64(a)})
		}
	}
	for tries := 0; tries < 1_000_000 && (len(m.InvUsers) < sample || len(m.HatUsers) < sample || len(m.CollUsers) < sample); tries++ {
		it := items[whale+rng.IntN(len(items)-whale)]
		if !public(it.user) {
			continue
		}
		u := firstUser + int64(it.user)
		if len(m.InvUsers) < sample {
			m.InvUsers = append(m.InvUsers, u)
		}
		if as[it.asset].typ == 0 && len(m.HatUsers) < sample {
			m.HatUsers = append(m.HatUsers, u)
		}
		if as[it.asset].limited != 0 && len(m.CollUsers) < sample {
			m.CollUsers = append(m.CollUsers, u)
		}
	}
	for i := range sample {
		m.Viewers = append(m.Viewers, fmt.Sprintf("bench-session-%d", firstUser+rng.IntN(min(users, 1000))))
		m.ViewTargets = append(m.ViewTargets, firstUser+int64(rng.IntN(users)))
		_ = i
	}
	return &dataset{m: m, privacy: privacy, assets: as, items: items}
}

func (ds *dataset) writeManifest(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(ds.m, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644)
}

// writeNDJSON writes the data set as one NDJSON stream (docs/bulk-import.md)
// for `inventoryd import`: people, relations, sessions and the catalog first,
// then the owned items. Every copy carries its userAssetId (1..n in item
// order) and limited-unique copies their serialNumber, so importing the
// stream again (PostgreSQL, whose store outlives the harness's cache) is an
// upsert that changes nothing, and every store gets the same rows.
func (ds *dataset) writeNDJSON(path string) error {
	m, as, items, privacy := ds.m, ds.assets, ds.items, ds.privacy
	users := m.Users
	return writeJSONFile(path, func(w *bufio.Writer) {
		for i := range users {
			fmt.Fprintf(w, `{"kind":"user","id":%d,"username":"user_%d","buildersClubMembershipType":%d,"inventoryPrivacy":"%s","created":"2015-01-01T00:00:00.000Z"}`+"\n",
				firstUser+i, firstUser+i, i%5, privacies[privacy[i]])
		}
		for i := range min(users-1, 2000) {
			fmt.Fprintf(w, `{"kind":"friendship","userId":%d,"friendId":%d}`+"\n", firstUser+i, firstUser+i+1)
		}
		for i := range min(users-2, 2000) {
			fmt.Fprintf(w, `{"kind":"follow","followerId":%d,"followingId":%d}`+"\n", firstUser+i+2, firstUser+i)
		}
		for i := range min(users, 1000) {
			fmt.Fprintf(w, `{"kind":"session","userId":%d,"cookie":"bench-session-%d"}`+"\n", firstUser+i, firstUser+i)
		}
		for i, a := range as {
			lim := ""
			switch a.limited {
			case 1:
				lim = `,"isLimited":true,"recentAveragePrice":1500`
			case 2:
				lim = `,"isLimitedUnique":true,"recentAveragePrice":5000,"originalPrice":100,"assetStock":1000000`
			}
			fmt.Fprintf(w, `{"kind":"asset","id":%d,"name":"Bench %s %d","assetType":"%s","creator":{"type":"User","id":%d},"priceInRobux":%d%s,"created":"2016-01-01T00:00:00.000Z"}`+"\n",
				firstAsset+i, assetTypes[a.typ].name, i, assetTypes[a.typ].name, firstUser+i%users, 10+i%90, lim)
		}
		serials := make([]int64, len(as))
		b := make([]byte, 0, 256)
		for k, it := range items {
			b = append(b[:0], `{"kind":"userAsset","userAssetId":`...)
			b = strconv.AppendInt(b, int64(k+1), 10)
			b = append(b, `,"assetId":`...)
			b = strconv.AppendInt(b, firstAsset+int64(it.asset), 10)
			b = append(b, `,"owner":{"type":"User","id":`...)
			b = strconv.AppendInt(b, firstUser+int64(it.user), 10)
			b = append(b, '}')
			if as[it.asset].limited == 2 {
				serials[it.asset]++
				b = append(b, `,"serialNumber":`...)
				b = strconv.AppendInt(b, serials[it.asset], 10)
			}
			b = append(b, `,"created":"2020-01-01T00:00:00.000Z"}`+"\n"...)
			w.Write(b)
		}
	})
}

func writeJSONFile(path string, fill func(w *bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fill(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func readManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	var m Manifest
	return &m, json.Unmarshal(b, &m)
}
