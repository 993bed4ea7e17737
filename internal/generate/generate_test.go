package generate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/generate"
	"github.com/inventoryd/inventoryd/internal/inventory"
)

func gen(t *testing.T, c generate.Config) (string, generate.Stats) {
	t.Helper()
	var b bytes.Buffer
	st, err := generate.Generate(c, inventory.NewNDJSONWriter(&b))
	if err != nil {
		t.Fatal(err)
	}
	return b.String(), st
}

// batches parses a generated stream back into its fixture batches.
func batches(t *testing.T, out string) []*inventory.Fixture {
	t.Helper()
	var fs []*inventory.Fixture
	r := inventory.NewNDJSONReader(strings.NewReader(out), time.Now(), 0)
	for {
		f, err := r.Next()
		if errors.Is(err, io.EOF) {
			return fs
		}
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
}

func TestDeterministic(t *testing.T) {
	c := generate.Config{Seed: 42, Users: 200, Assets: 80, ItemsPerUser: 8}
	a, sa := gen(t, c)
	b, _ := gen(t, c)
	if a != b {
		t.Fatal("same config, different output")
	}
	c.Seed = 43
	if other, _ := gen(t, c); other == a {
		t.Fatal("different seeds, same output")
	}
	if sa.Users != 200 || sa.Assets != 80 || sa.UserAssets == 0 || sa.Friendships == 0 || sa.Follows == 0 {
		t.Fatalf("stats %+v", sa)
	}
}

// TestShape checks the data set has what it promises: a valid stream,
// private users, a skew of copies per user, limiteds with many owners and
// serials within stock.
func TestShape(t *testing.T) {
	out, st := gen(t, generate.Config{Seed: 1, Users: 1000, Assets: 200, ItemsPerUser: 10})
	perUser := map[int64]int{}
	owners := map[int64]map[int64]bool{}
	private := 0
	for _, f := range batches(t, out) {
		for _, u := range f.Users {
			if u.Privacy != inventory.PrivacyAllUsers {
				private++
			}
		}
		for _, ua := range f.UserAssets {
			perUser[ua.Owner.ID]++
			if owners[ua.AssetID] == nil {
				owners[ua.AssetID] = map[int64]bool{}
			}
			owners[ua.AssetID][ua.Owner.ID] = true
		}
	}
	if private < 100 || private > 300 {
		t.Errorf("%d private users of 1000", private)
	}
	most := 0
	for _, n := range perUser {
		most = max(most, n)
	}
	if mean := float64(st.UserAssets) / 1000; mean < 7 || mean > 13 || most < 5*int(mean) {
		t.Errorf("copies per user: mean %.1f, most %d (want a long tail)", mean, most)
	}
	// Asset 0 is the most popular and a limited-unique.
	if n := len(owners[generate.AssetIDBase]); n < 200 {
		t.Errorf("the top limited has %d owners", n)
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(out[:strings.IndexByte(out, '\n')]), &first); err != nil || first["kind"] != "user" {
		t.Errorf("first line %v, %v", first, err)
	}
}

// TestExactShapeZero: with ExactShape, a zero share of private users and
// zero friendships and follows per user mean none (without it, zero picks
// the defaults); the same values as the defaults give the same data set.
func TestExactShapeZero(t *testing.T) {
	base := generate.Config{Seed: 7, Users: 300, Assets: 60, ItemsPerUser: 5}
	def, sd := gen(t, base)
	if sd.Friendships == 0 || sd.Follows == 0 {
		t.Fatalf("defaults: %+v", sd)
	}
	exact := base
	exact.ExactShape, exact.FriendsPerUser, exact.FollowsPerUser, exact.PrivateShare = true, 3, 4, 0.2
	if same, _ := gen(t, exact); same != def {
		t.Fatal("ExactShape with the default values changed the data set")
	}
	zero := base
	zero.ExactShape = true
	out, st := gen(t, zero)
	if st.Friendships != 0 || st.Follows != 0 {
		t.Fatalf("zero friends and follows per user: %+v", st)
	}
	users := 0
	for _, f := range batches(t, out) {
		for _, u := range f.Users {
			users++
			if u.Privacy != inventory.PrivacyAllUsers {
				t.Fatalf("user %d has privacy %v with a private share of 0", u.ID, u.Privacy)
			}
		}
		if len(f.Friendships) > 0 || len(f.Follows) > 0 {
			t.Fatalf("friendships %d, follows %d with zero per user", len(f.Friendships), len(f.Follows))
		}
	}
	if users != 300 {
		t.Fatalf("%d users", users)
	}
}

// cancelAfter is a sink that cancels its context at its n-th record.
type cancelAfter struct {
	n, seen int
	cancel  func()
}

func (s *cancelAfter) Record(string, any) error {
	if s.seen++; s.seen == s.n {
		s.cancel()
	}
	return nil
}

// TestGenerateContextStops: the generator stops within checkEvery (1024)
// records of its context being cancelled, with the context's error. It
// never looked, so Ctrl-C could not stop `inventoryd generate FILE`.
// Counted in records, not time. The large catalog is the case that ran
// for hours: every numbered asset summed the whole catalog's popularity.
func TestGenerateContextStops(t *testing.T) {
	for _, c := range []generate.Config{
		{Seed: 1, Users: 5000, Assets: 100, ItemsPerUser: 20},
		{Seed: 1, Users: 1, Assets: 5_000_000, ExactShape: true},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		sink := &cancelAfter{n: 3000, cancel: cancel}
		_, err := generate.GenerateContext(ctx, c, sink)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%+v: err = %v, want context.Canceled", c, err)
		}
		if sink.seen > 3000+1024 {
			t.Errorf("%+v: %d records after the cancel at 3000", c, sink.seen)
		}
	}
}

// TestGraphMeansAndDates: the social graph holds the means it is asked
// for (a repeated draw is drawn again; dropping repeats gave 10-70% fewer
// follows), and every date falls in the data set's window, in id order
// for users, however many users there are (a fixed half hour per user
// ran into the future from 210,000 users).
func TestGraphMeansAndDates(t *testing.T) {
	const users = 20000
	for _, mean := range []float64{4, 50} {
		out, st := gen(t, generate.Config{Seed: 3, Users: users, Assets: 10, ItemsPerUser: 0.5, FriendsPerUser: mean, FollowsPerUser: mean})
		follows := float64(st.Follows) / users
		friends := 2 * float64(st.Friendships) / users
		for what, got := range map[string]float64{"follows": follows, "friends": friends} {
			if got < 0.95*mean || got > 1.05*mean {
				t.Errorf("mean %v: %s per user %.2f", mean, what, got)
			}
		}
		if mean != 4 {
			continue
		}
		start := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
		end := start.AddDate(11, 0, 0) // the 10-year window and a copy's few months
		var last time.Time
		for _, f := range batches(t, out) {
			for _, u := range f.Users {
				if u.Created.Before(last) {
					t.Fatalf("user %d created %v, before the user before it (%v)", u.ID, u.Created, last)
				}
				last = u.Created
			}
			for _, ua := range f.UserAssets {
				if ua.Created.Before(start) || ua.Created.After(end) {
					t.Fatalf("copy %d created %v, outside %v..%v", ua.ID, ua.Created, start, end)
				}
			}
		}
		if last.Before(start.AddDate(9, 0, 0)) || last.After(start.AddDate(10, 0, 0)) {
			t.Errorf("the last user created %v: the window is 2015-2025", last)
		}
	}
}

// TestCopyDatesWithinAYear: a user's copies are dated within a year of
// the user, however many there are (an hour apart per copy overflowed
// time.Duration past 2.56 million copies, and left the window far
// earlier).
func TestCopyDatesWithinAYear(t *testing.T) {
	out, _ := gen(t, generate.Config{Seed: 9, Users: 4, Assets: 50, ItemsPerUser: 20000, ExactShape: true})
	users := map[int64]time.Time{}
	most := map[int64]int{}
	for _, f := range batches(t, out) {
		for _, u := range f.Users {
			users[u.ID] = u.Created
		}
		for _, ua := range f.UserAssets {
			if ua.Owner.Type != inventory.AgentUser {
				continue
			}
			most[ua.Owner.ID]++
			if c := users[ua.Owner.ID]; ua.Created.Before(c) || ua.Created.After(c.AddDate(1, 0, 1)) {
				t.Fatalf("copy %d created %v, user %d created %v", ua.ID, ua.Created, ua.Owner.ID, c)
			}
		}
	}
	big := 0
	for _, n := range most {
		big = max(big, n)
	}
	if big <= 365*24 {
		t.Fatalf("no user with more copies than a year has hours (most: %d)", big)
	}
}
