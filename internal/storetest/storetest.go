// Package storetest opens throw-away stores for tests: a SQLite file in
// t.TempDir() always, and a PostgreSQL store in a fresh schema whenever
// INVENTORYD_TEST_POSTGRES_URL is set. Each runs every test once per store,
// so HTTP-level tests and the contract suite cover both stores.
package storetest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/postgres"
	"github.com/inventoryd/inventoryd/internal/sqlite"
)

// Opener opens a fresh, empty, migrated store for t; it is closed by t.Cleanup.
type Opener func(t testing.TB) inventory.Store

// SQLite opens a store in a new file under t.TempDir().
func SQLite(t testing.TB) inventory.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "inventoryd.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Openers lists the stores tests run against: SQLite, and PostgreSQL when
// configured (see postgres.go).
func Openers() map[string]Opener {
	m := map[string]Opener{"sqlite": SQLite}
	for name, o := range extra {
		m[name] = o
	}
	return m
}

// extra is filled by other files of this package (PostgreSQL).
var extra = map[string]Opener{}

// Each runs fn as a subtest once per store.
func Each(t *testing.T, fn func(t *testing.T, open Opener)) {
	for name, open := range Openers() {
		t.Run(name, func(t *testing.T) { fn(t, open) })
	}
}

// TwinOpener opens two independent stores on one database: what two
// processes sharing it (replicas, `inventoryd admin --db`) see.
type TwinOpener func(t testing.TB) (inventory.Store, inventory.Store)

// EachTwin runs fn as a subtest once per store with a TwinOpener.
func EachTwin(t *testing.T, fn func(t *testing.T, open TwinOpener)) {
	twins := map[string]TwinOpener{"sqlite": func(t testing.TB) (inventory.Store, inventory.Store) {
		t.Helper()
		path := filepath.Join(t.TempDir(), "inventoryd.db")
		var out [2]inventory.Store
		for i := range out {
			st, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatalf("open sqlite: %v", err)
			}
			t.Cleanup(func() { st.Close() })
			out[i] = st
		}
		return out[0], out[1]
	}}
	if _, ok := extra["postgres"]; ok {
		twins["postgres"] = func(t testing.TB) (inventory.Store, inventory.Store) {
			t.Helper()
			u := PostgresURL(t)
			var out [2]inventory.Store
			for i := range out {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				st, err := postgres.Open(ctx, u)
				cancel()
				if err != nil {
					t.Fatalf("open postgres: %v", err)
				}
				t.Cleanup(func() { st.Close() })
				out[i] = st
			}
			return out[0], out[1]
		}
	}
	for name, open := range twins {
		t.Run(name, func(t *testing.T) { fn(t, open) })
	}
}
