// Package generate makes deterministic synthetic data sets: users (some
// private, some banned), groups, friend and follow graphs, a catalog whose
// popularity follows a Zipf law (so the top limiteds have many owners),
// owned copies per user drawn from a log-normal (most users own a few
// items, a few own very many), game passes, badges, bundles and places.
// The same Config (seed included) always yields the same records, written
// in fixture order to any inventory.RecordSink: a fixture document, the
// NDJSON stream, or (through the NDJSON reader) straight into a store. It
// holds memory proportional to the number of assets, never to the number
// of owned copies, so the performance harness can generate 10M copies.
package generate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// Config sizes a data set.
type Config struct {
	Seed         uint64
	Users        int
	Assets       int
	ItemsPerUser float64 // mean owned copies per user (log-normal, sigma 1.2)
	// Optional shape; zero picks the default in brackets.
	Groups         int     // [Users/500 + 1]
	FriendsPerUser float64 // mean friends a user has [3] (each starts half of them)
	FollowsPerUser float64 // mean users a user follows [4]
	PrivateShare   float64 // share of users whose inventory is not public [0.2]
	LimitedEvery   int     // every n-th asset is a limited, limited-unique or collectible [20]
	Sessions       int     // users 1..n get the session cookie "generated-session-<id>" [min(Users, 10)]
	Start          time.Time
	// ExactShape: FriendsPerUser, FollowsPerUser and PrivateShare are
	// used as given, 0 included (no friendships, no follows, no private
	// inventories); without it 0 picks the default. The CLI sets it.
	ExactShape bool
}

// Stats counts what Generate wrote.
type Stats struct {
	Users, Groups, Friendships, Follows, Assets, UserAssets, Items, Places int64
}

func (c *Config) defaults() {
	if c.Groups == 0 {
		c.Groups = c.Users/500 + 1
	}
	if c.FriendsPerUser == 0 && !c.ExactShape {
		c.FriendsPerUser = 3
	}
	if c.FollowsPerUser == 0 && !c.ExactShape {
		c.FollowsPerUser = 4
	}
	if c.PrivateShare == 0 && !c.ExactShape {
		c.PrivateShare = 0.2
	}
	if c.LimitedEvery == 0 {
		c.LimitedEvery = 20
	}
	if c.Sessions == 0 {
		c.Sessions = min(c.Users, 10)
	}
	if c.Start.IsZero() {
		c.Start = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	}
}

// ExpectedUserAssets is the mean number of owned copies Config yields
// (for progress estimates).
func (c Config) ExpectedUserAssets() int64 { return int64(float64(c.Users) * c.ItemsPerUser) }

// The id ranges of generated rows: Roblox-like magnitudes, all below 2^53.
const (
	UserIDBase      = 1_000_000
	GroupIDBase     = 2_000_000
	AssetIDBase     = 100_000_000
	UserAssetIDBase = 10_000_000_000
	PlaceIDBase     = 500_000_000
	GamePassIDBase  = 600_000_000
	BadgeIDBase     = 700_000_000
	BundleIDBase    = 800_000
)

var wearables = []inventory.AssetType{8, 11, 12, 2, 18, 19, 41, 42, 43, 46}

// The largest means the draws hold for. Past MaxItemsPerUser a user's
// log-normal count can overflow an int (1e300 drew 0 copies); past
// MaxPerUser the Poisson draw of friendships and follows (Knuth's, with
// exp(-mean)) underflows and no longer has the mean.
const (
	MaxItemsPerUser = 1_000_000
	MaxPerUser      = 500
)

type gen struct {
	ctx  context.Context
	c    Config
	r    *rand.Rand
	sink inventory.RecordSink
	st   Stats
	n    uint    // ticks, for the cancellation check
	h    float64 // the Zipf normalisation of the catalog (stock); 0: not yet computed
}

// checkEvery is how many records (or draws) pass between two looks at
// the context: often enough to stop within milliseconds, seldom enough
// not to show in a profile.
const checkEvery = 1024

// tick returns the context's error every checkEvery calls.
func (g *gen) tick() error {
	g.n++
	if g.n%checkEvery != 0 {
		return nil
	}
	return g.ctx.Err()
}

func (g *gen) emit(section string, rec any) error {
	if err := g.tick(); err != nil {
		return err
	}
	return g.sink.Record(section, rec)
}

// span is the window the data set's dates fall in, from Config.Start:
// users and assets are created across it in id order, whatever their
// number (a fixed half hour per user ran past the present from 210,000
// users and overflowed time.Duration at 5 million), and copies a few
// hours to months after their owner.
const spanHours = 10 * 365 * 24

// userHours is when user i is created, in hours from Start.
func (g *gen) userHours(i int) float64 { return spanHours * float64(i) / float64(max(g.c.Users, 1)) }

// assetHours is when asset i is created, in hours from Start.
func (g *gen) assetHours(i int) float64 { return spanHours * float64(i) / float64(max(g.c.Assets, 1)) }

func (g *gen) at(offsetHours float64) string {
	return inventory.FormatTime(g.c.Start.Add(time.Duration(offsetHours * float64(time.Hour))))
}

// Generate writes the data set described by c to sink.
func Generate(c Config, sink inventory.RecordSink) (Stats, error) {
	return GenerateContext(context.Background(), c, sink)
}

// GenerateContext is Generate that stops with ctx's error once ctx is
// done (within checkEvery records).
func GenerateContext(ctx context.Context, c Config, sink inventory.RecordSink) (Stats, error) {
	c.defaults()
	if c.Users <= 0 || c.Assets <= 0 || c.ItemsPerUser < 0 {
		return Stats{}, fmt.Errorf("generate: users and assets must be positive")
	}
	if err := ctx.Err(); err != nil {
		return Stats{}, err
	}
	g := &gen{ctx: ctx, c: c, r: rand.New(rand.NewPCG(c.Seed, 0x1e4f_a11c_e5ed)), sink: sink}
	for _, step := range []func() error{g.users, g.groups, g.graph, g.sessions, g.assets, g.userAssets, g.items, g.places} {
		if err := step(); err != nil {
			return g.st, err
		}
	}
	return g.st, nil
}

func (g *gen) userID(i int) int64 { return UserIDBase + int64(i) }

var privacies = []string{"NoOne", "Friends", "FriendsAndFollowing", "FriendsFollowingAndFollowers", "AllAuthenticatedUsers"}

func (g *gen) users() error {
	for i := 0; i < g.c.Users; i++ {
		privacy := "AllUsers"
		if g.r.Float64() < g.c.PrivateShare {
			privacy = privacies[g.r.IntN(len(privacies))]
		}
		u := inventory.UserRecord{ID: g.userID(i), Username: fmt.Sprintf("gen_user_%d", i), Membership: []int{0, 0, 0, 4}[g.r.IntN(4)],
			Privacy: privacy, IsBanned: g.r.IntN(200) == 0, Created: g.at(g.userHours(i))}
		u.DisplayName = fmt.Sprintf("Generated %d", i)
		if err := g.emit("users", u); err != nil {
			return err
		}
		g.st.Users++
	}
	return nil
}

func (g *gen) groups() error {
	for i := 0; i < g.c.Groups; i++ {
		if err := g.emit("groups", inventory.GroupRecord{ID: GroupIDBase + int64(i), Name: fmt.Sprintf("Generated Group %d", i)}); err != nil {
			return err
		}
		g.st.Groups++
	}
	return nil
}

// poisson draws a count with the given mean (Knuth; means here are small).
func (g *gen) poisson(mean float64) int {
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= g.r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// graph writes friendships (to higher-numbered users, so each pair once)
// and follows (towards a Zipf-popular few: low user numbers are the stars).
func (g *gen) graph() error {
	n := g.c.Users
	if n < 2 {
		return nil
	}
	// A repeated draw is drawn again (a few times), so that the means
	// hold: dropping repeats gave 10-70% fewer follows than asked for.
	const redraws = 8
	for i := 0; i < n-1; i++ {
		seen := map[int]bool{}
		for k := g.poisson(g.c.FriendsPerUser / 2); k > 0; k-- {
			j := i + 1 + g.r.IntN(min(n-i-1, 1000))
			for try := 0; seen[j] && try < redraws; try++ {
				j = i + 1 + g.r.IntN(min(n-i-1, 1000))
			}
			if seen[j] {
				continue
			}
			seen[j] = true
			if err := g.emit("friendships", inventory.FriendshipRecord{UserID: g.userID(i), FriendID: g.userID(j)}); err != nil {
				return err
			}
			g.st.Friendships++
		}
	}
	stars := rand.NewZipf(g.r, 1.2, 1, uint64(n-1))
	for i := 0; i < n; i++ {
		seen := map[int]bool{i: true}
		for k := g.poisson(g.c.FollowsPerUser); k > 0; k-- {
			j := int(stars.Uint64())
			for try := 0; seen[j] && try < redraws; try++ {
				j = int(stars.Uint64())
			}
			if seen[j] {
				continue
			}
			seen[j] = true
			if err := g.emit("follows", inventory.FollowRecord{FollowerID: g.userID(i), FollowingID: g.userID(j)}); err != nil {
				return err
			}
			g.st.Follows++
		}
	}
	return nil
}

func (g *gen) sessions() error {
	for i := 0; i < g.c.Sessions; i++ {
		id := g.userID(i)
		if err := g.emit("sessions", inventory.SessionRecord{UserID: id, Cookie: fmt.Sprintf("generated-session-%d", id)}); err != nil {
			return err
		}
	}
	return nil
}

// uuid4 draws a version 4 UUID from the generator's stream.
func (g *gen) uuid4() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := g.r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// assetKind says whether asset i (0 = most popular) is a limited.
func (g *gen) assetKind(i int) inventory.LimitedKind {
	if i%g.c.LimitedEvery != 0 {
		return inventory.NotLimited
	}
	return []inventory.LimitedKind{inventory.LimitedUnique, inventory.Collectible, inventory.Limited}[(i/g.c.LimitedEvery)%3]
}

// popularity is the Zipf law of the catalog: P(asset i) ~ (1+i)^-s.
const popularity = 1.1

// stock gives numbered assets room for every copy the draw can give them:
// twice the expected count, at least 100.
func (g *gen) stock(i int) int64 {
	if g.h == 0 {
		// Once: summed for every numbered asset, it made a large
		// --assets quadratic (1e8 assets ran for hours).
		for k := 0; k < g.c.Assets; k++ {
			g.h += math.Pow(float64(1+k), -popularity)
		}
	}
	expected := float64(g.c.ExpectedUserAssets()) * math.Pow(float64(1+i), -popularity) / g.h
	return max(100, int64(2*expected)+10)
}

func (g *gen) assets() error {
	for i := 0; i < g.c.Assets; i++ {
		kind := g.assetKind(i)
		a := inventory.AssetRecord{ID: AssetIDBase + int64(i), Name: fmt.Sprintf("Generated Item %d", i),
			AssetType: wearables[g.r.IntN(len(wearables))].String(), Moderation: "Approved", Created: g.at(g.assetHours(i))}
		a.Updated = a.Created
		a.Creator = inventory.AgentRecord{Type: "User", ID: g.userID(g.r.IntN(g.c.Users))}
		if g.r.IntN(4) == 0 {
			a.Creator = inventory.AgentRecord{Type: "Group", ID: GroupIDBase + int64(g.r.IntN(g.c.Groups))}
		}
		price := int64(5 + g.r.IntN(200))
		switch kind {
		case inventory.NotLimited:
			a.Price = &price
		case inventory.Limited:
			a.IsLimited = true
		case inventory.LimitedUnique:
			a.IsLimitedUnique = true
		case inventory.Collectible:
			a.CollectibleItemID = g.uuid4()
		}
		if kind != inventory.NotLimited {
			rap := price * int64(10+g.r.IntN(100))
			a.RAP, a.OriginalPrice = &rap, &price
		}
		if kind.HasSerials() {
			s := g.stock(i)
			a.Stock = &s
		}
		if g.r.IntN(100) == 0 {
			a.Moderation = "Pending"
		}
		if err := g.emit("assets", a); err != nil {
			return err
		}
		g.st.Assets++
	}
	return nil
}

func (g *gen) userAssets() error {
	serials := make([]int64, g.c.Assets)
	stocks := make([]int64, g.c.Assets)
	for i := range stocks {
		if g.assetKind(i).HasSerials() {
			stocks[i] = g.stock(i)
		}
	}
	pick := rand.NewZipf(g.r, popularity, 1, uint64(g.c.Assets-1))
	// Log-normal copies per user with the configured mean.
	const sigma = 1.2
	mu := math.Log(max(g.c.ItemsPerUser, 1e-9)) - sigma*sigma/2
	id := int64(UserAssetIDBase)
	for u := 0; u < g.c.Users; u++ {
		n := 0
		if g.c.ItemsPerUser > 0 {
			n = int(math.Round(math.Exp(mu + sigma*g.r.NormFloat64())))
		}
		for k := 0; k < n; k++ {
			i := int(pick.Uint64())
			kind := g.assetKind(i)
			if kind.HasSerials() && serials[i] >= stocks[i] {
				if err := g.tick(); err != nil {
					return err
				}
				continue // sold out: the draw moves on
			}
			id++
			// An hour apart, or closer for a user with more copies than
			// a year has hours: every copy within a year of its owner.
			created := g.at(g.userHours(u) + float64(k+1)*min(1, 365*24/float64(n)))
			rec := inventory.UserAssetRecord{UserAssetID: id, AssetID: AssetIDBase + int64(i),
				Owner: inventory.AgentRecord{Type: "User", ID: g.userID(u)}, Created: created, Updated: created}
			if g.r.IntN(100) == 0 {
				rec.Owner = inventory.AgentRecord{Type: "Group", ID: GroupIDBase + int64(g.r.IntN(g.c.Groups))}
			}
			if kind.HasSerials() {
				serials[i]++
				s := serials[i]
				rec.Serial = &s
				if g.r.IntN(20) == 0 {
					rec.HoldUntil = inventory.FormatTime(g.c.Start.AddDate(20, 0, 0))
				}
			}
			if kind == inventory.Collectible {
				rec.InstanceID = g.uuid4()
			}
			if err := g.emit("userAssets", rec); err != nil {
				return err
			}
			g.st.UserAssets++
		}
	}
	return nil
}

// items writes game passes, badges and bundles, and a few of each per user.
func (g *gen) items() error {
	n := g.c.Assets/50 + 1
	for i := 0; i < n; i++ {
		place := PlaceIDBase + int64(g.r.IntN(g.c.Users/100+1))
		price := int64(25 + g.r.IntN(500))
		if err := g.emit("gamePasses", inventory.GamePassRecord{ID: GamePassIDBase + int64(i), Name: fmt.Sprintf("Generated Pass %d", i), PlaceID: &place, Price: &price}); err != nil {
			return err
		}
	}
	for i := 0; i < n; i++ {
		place := PlaceIDBase + int64(g.r.IntN(g.c.Users/100+1))
		if err := g.emit("badges", inventory.BadgeRecord{ID: BadgeIDBase + int64(i), Name: fmt.Sprintf("Generated Badge %d", i), PlaceID: &place}); err != nil {
			return err
		}
	}
	for i := 0; i < n; i++ {
		if err := g.emit("bundles", inventory.BundleRecord{ID: BundleIDBase + int64(i), Name: fmt.Sprintf("Generated Bundle %d", i), BundleType: "BodyParts"}); err != nil {
			return err
		}
	}
	bases := []struct {
		t    string
		base int64
	}{{"GamePass", GamePassIDBase}, {"Badge", BadgeIDBase}, {"Bundle", BundleIDBase}}
	for u := 0; u < g.c.Users; u++ {
		seen := map[[2]int64]bool{}
		for k := g.poisson(1); k > 0; k-- {
			b := bases[g.r.IntN(len(bases))]
			it := [2]int64{b.base, b.base + int64(g.r.IntN(n))}
			if seen[it] {
				continue
			}
			seen[it] = true
			if err := g.emit("userItems", inventory.UserItemRecord{UserID: g.userID(u), ItemType: b.t, ItemID: it[1], Created: g.at(g.userHours(u) + 2)}); err != nil {
				return err
			}
			g.st.Items++
		}
	}
	return nil
}

// places writes one place per hundred users and puts some on users' tabs.
func (g *gen) places() error {
	n := g.c.Users/100 + 1
	for i := 0; i < n; i++ {
		uni := int64(900_000_000 + i)
		p := inventory.PlaceRecord{PlaceID: PlaceIDBase + int64(i), UniverseID: &uni, Name: fmt.Sprintf("Generated Place %d", i),
			Creator: inventory.AgentRecord{Type: "User", ID: g.userID(g.r.IntN(g.c.Users))}}
		if err := g.emit("places", p); err != nil {
			return err
		}
		g.st.Places++
	}
	tabs := []string{"MyGames", "OtherGames", "Purchased"}
	for u := 0; u < g.c.Users; u += 7 {
		if err := g.emit("userPlaces", inventory.UserPlaceRecord{UserID: g.userID(u), PlacesTab: tabs[u%3], PlaceID: PlaceIDBase + int64(g.r.IntN(n))}); err != nil {
			return err
		}
	}
	return nil
}
