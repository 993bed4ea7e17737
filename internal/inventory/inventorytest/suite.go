// Package inventorytest is the contract suite of inventory.Store: one set
// of tests that every store must pass, run against SQLite always and
// against PostgreSQL whenever INVENTORYD_TEST_POSTGRES_URL is set (see
// internal/storetest). It exercises every method of the read side and the
// fixture import: errors by kind, keyset paging in both orders and both
// directions, filters, atomic and idempotent imports, collections and
// their limits under concurrency, secrets, Empty and Reset.
//
// Call it from a store's tests:
//
//	func TestContract(t *testing.T) { inventorytest.Run(t, storetest.SQLite) }
package inventorytest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// Options adapt the suite to a store variant.
type Options struct {
	// NoGlobalCopyUniqueness skips the checks that serial numbers and
	// collectibleItemInstanceIds are unique across owners: a table
	// partitioned by owner cannot enforce them with an index (see
	// docs/scaling.md), so the sharding test runs without them.
	NoGlobalCopyUniqueness bool
}

// Run runs the whole contract suite against stores from open.
func Run(t *testing.T, open storetest.Opener) { RunWith(t, open, Options{}) }

// RunWith is Run with options.
func RunWith(t *testing.T, open storetest.Opener, o Options) {
	s := &suite{open: open, o: o}
	// Each group opens stores of its own, so the groups run in parallel
	// (a network store spends most of its time waiting).
	for _, g := range []struct {
		name string
		fn   func(*testing.T)
	}{
		{"Basics", s.basics}, {"Import", s.importTests}, {"People", s.people}, {"Assets", s.assets},
		{"Listings", s.listings}, {"Owners", s.owners}, {"OwnedCopies", s.ownedCopies}, {"Items", s.items},
		{"Places", s.places}, {"Collections", s.collections},
	} {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			g.fn(t)
		})
	}
}

type suite struct {
	open storetest.Opener
	o    Options
}

var bg = context.Background()

// example opens a store holding exampleDoc.
func (s *suite) example(t *testing.T) inventory.Store {
	t.Helper()
	st := s.open(t)
	if err := st.Import(bg, parse(t, exampleDoc)); err != nil {
		t.Fatalf("import example: %v", err)
	}
	return st
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantKind fails unless err is an *inventory.Error of kind k.
func wantKind(t testing.TB, err error, k inventory.Kind) {
	t.Helper()
	var e *inventory.Error
	if !errors.As(err, &e) || e.Kind != k {
		t.Fatalf("got error %v (kind %v), want kind %v", err, inventory.KindOf(err), k)
	}
}

// wantErr fails unless err is of kind k with exactly message msg.
func wantErr(t testing.TB, err error, k inventory.Kind, msg string) {
	t.Helper()
	wantKind(t, err, k)
	if err.Error() != msg {
		t.Fatalf("got error %q, want %q", err.Error(), msg)
	}
}

func eq[T comparable](t testing.TB, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

func eqPtr[T comparable](t testing.TB, what string, got, want *T) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Fatalf("%s: got %v, want %v", what, show(got), show(want))
	case *got != *want:
		t.Fatalf("%s: got %v, want %v", what, *got, *want)
	}
}

func show[T any](p *T) any {
	if p == nil {
		return "nil"
	}
	return *p
}

func eqTime(t testing.TB, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

func (s *suite) basics(t *testing.T) {
	t.Run("Ping", func(t *testing.T) {
		st := s.open(t)
		must(t, st.Ping(bg))
	})
	t.Run("Secret", func(t *testing.T) {
		st := s.open(t)
		a, err := st.Secret(bg, "cursor-hmac")
		must(t, err)
		eq(t, "secret length", len(a), 32)
		again, err := st.Secret(bg, "cursor-hmac")
		must(t, err)
		eq(t, "secret again", string(again), string(a))
		b, err := st.Secret(bg, "csrf-hmac")
		must(t, err)
		if string(a) == string(b) {
			t.Fatal("two secrets are equal")
		}
		// Concurrent first uses (replicas starting together) agree.
		const n = 6
		got := make(chan []byte, n)
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			go func() {
				v, err := st.Secret(bg, "shared")
				got <- v
				errs <- err
			}()
		}
		var first []byte
		for i := 0; i < n; i++ {
			must(t, <-errs)
			v := <-got
			if first == nil {
				first = v
			} else if string(v) != string(first) {
				t.Fatal("concurrent Secret calls returned different values")
			}
		}
		// Reset keeps secrets.
		must(t, st.Reset(bg))
		kept, err := st.Secret(bg, "cursor-hmac")
		must(t, err)
		eq(t, "secret after reset", string(kept), string(a))
	})
	t.Run("EmptyAndReset", func(t *testing.T) {
		st := s.open(t)
		empty, err := st.Empty(bg)
		must(t, err)
		eq(t, "fresh store empty", empty, true)
		must(t, st.Reset(bg)) // on an empty store
		f := parse(t, exampleDoc)
		must(t, st.Import(bg, f))
		empty, err = st.Empty(bg)
		must(t, err)
		eq(t, "empty after import", empty, false)
		must(t, st.Reset(bg))
		empty, err = st.Empty(bg)
		must(t, err)
		eq(t, "empty after reset", empty, true)
		for _, check := range []func() error{
			func() error { _, err := st.User(bg, 156); return err },
			func() error { _, err := st.Group(bg, 7); return err },
			func() error { _, err := st.Asset(bg, 1028606); return err },
			func() error { _, err := st.SessionUser(bg, inventory.HashToken(cookieBuilderman)); return err },
			func() error { _, err := st.GamePass(bg, 12527); return err },
			func() error { _, err := st.Badge(bg, 2124); return err },
			func() error { _, err := st.Bundle(bg, 192); return err },
			func() error { _, err := st.UserItem(bg, 156, inventory.ItemBadge, 2124); return err },
		} {
			wantKind(t, check(), inventory.KindNotFound)
		}
		for _, n := range []func() (int, error){
			func() (int, error) { v, err := st.PackageAssets(bg, 27112438); return len(v), err },
			func() (int, error) { v, err := st.OwnedCopies(bg, 156, 1028606, 10); return len(v), err },
			func() (int, error) { v, err := st.CollectionItems(bg, 156); return len(v), err },
			func() (int, error) { v, err := st.UserPlaces(bg, 156, inventory.TabCreated, 0, 10); return len(v), err },
			func() (int, error) {
				v, err := st.ListAssetOwners(bg, 48159815, inventory.Page{Order: inventory.Asc, Limit: 10})
				return len(v), err
			},
			func() (int, error) {
				v, err := st.ListUserAssets(bg, inventory.UserAssetQuery{Owner: inventory.Agent{Type: inventory.AgentUser, ID: 156},
					Page: inventory.Page{Order: inventory.Asc, Limit: 10}})
				return len(v), err
			},
			func() (int, error) {
				r, err := st.Relations(bg, 261, []int64{2001, 2002})
				return len(r), err
			},
		} {
			v, err := n()
			must(t, err)
			eq(t, "rows after reset", v, 0)
		}
		// The fixture record went too: the same document imports again.
		must(t, st.Import(bg, f))
		u, err := st.User(bg, 156)
		must(t, err)
		eq(t, "user after re-import", u.Name, "builderman")
	})
	// The change feed, where the store has one: a committed write
	// changes the version (a store's own writes included: its writer is
	// another connection than its watcher).
	t.Run("ChangeFeed", func(t *testing.T) {
		st := s.open(t)
		f, ok := st.(inventory.ChangeFeed)
		if !ok {
			t.Skipf("%T has no change feed", st)
		}
		version := func() uint64 {
			deadline := time.Now().Add(10 * time.Second)
			for {
				v, err := f.ChangeVersion(bg)
				if err == nil {
					return v
				}
				if time.Now().After(deadline) {
					t.Fatalf("change feed: %v", err)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		before := version()
		must(t, st.CreateUser(bg, inventory.User{ID: 4242, Name: "feed", DisplayName: "feed", Privacy: inventory.PrivacyAllUsers, Created: time.UnixMilli(0)}))
		for deadline := time.Now().Add(5 * time.Second); version() == before; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("ChangeVersion still %d 5 s after a commit", before)
			}
		}
	})
	t.Run("Close", func(t *testing.T) {
		st := s.open(t)
		must(t, st.Close())
	})
}
