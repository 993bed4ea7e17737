package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/postgres"
)

// The environment that selects PostgreSQL. scripts/test.sh sets the URL
// (a throw-away cluster); under CI it also sets INVENTORYD_REQUIRE_POSTGRES=1,
// and then a missing or unreachable PostgreSQL fails every test that would
// have run on it — a skipped PostgreSQL run must never look green.
const (
	EnvPostgresURL     = "INVENTORYD_TEST_POSTGRES_URL"
	EnvRequirePostgres = "INVENTORYD_REQUIRE_POSTGRES"
)

func init() {
	if os.Getenv(EnvPostgresURL) != "" || PostgresRequired() {
		extra["postgres"] = Postgres
	}
}

// PostgresRequired reports whether INVENTORYD_REQUIRE_POSTGRES=1.
func PostgresRequired() bool { return os.Getenv(EnvRequirePostgres) == "1" }

// Postgres opens a store in a fresh schema of the test database (see
// PostgresURL).
func Postgres(t testing.TB) inventory.Store {
	t.Helper()
	u := PostgresURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := postgres.Open(ctx, u)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// probes remembers, by URL, whether the server answered, so that an
// unreachable server fails every test at once instead of after a timeout
// each.
var probes struct {
	sync.Mutex
	m map[string]error
}

func probe(ctx context.Context, base string) error {
	probes.Lock()
	defer probes.Unlock()
	if err, ok := probes.m[base]; ok {
		return err
	}
	c, err := adminConn(ctx, base)
	if err == nil {
		err = c.Ping(ctx)
		c.Close(ctx)
	}
	if probes.m == nil {
		probes.m = map[string]error{}
	}
	probes.m[base] = err
	return err
}

func adminConn(ctx context.Context, base string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(base)
	if err != nil {
		return nil, err
	}
	if cfg.ConnectTimeout == 0 || cfg.ConnectTimeout > 10*time.Second {
		cfg.ConnectTimeout = 10 * time.Second
	}
	return pgx.ConnectConfig(ctx, cfg)
}

// PostgresURL creates a schema t_<random> in the database named by
// INVENTORYD_TEST_POSTGRES_URL, drops it (with everything in it) when t
// ends, and returns the URL with search_path set to it: every connection
// made with the URL, by a store or a server process, sees only that
// schema. Without a URL the test is skipped — unless PostgreSQL is
// required, when it fails, as it does when the server cannot be reached.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgresURL)
	if base == "" {
		if PostgresRequired() {
			t.Fatalf("%s=1 but %s is not set: PostgreSQL tests cannot run", EnvRequirePostgres, EnvPostgresURL)
		}
		t.Skipf("%s is not set", EnvPostgresURL)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := probe(ctx, base); err != nil {
		t.Fatalf("PostgreSQL at %s is unreachable: %v", redact(base), err)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	c, err := adminConn(ctx, base)
	if err != nil {
		t.Fatalf("connect to PostgreSQL: %v", err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := adminConn(ctx, base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := WithParam(base, "search_path", schema)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// WithParam returns the URL with one query parameter set.
func WithParam(raw, key, value string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%s: %w", EnvPostgresURL, err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
