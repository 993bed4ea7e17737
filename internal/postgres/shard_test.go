package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/inventory/inventorytest"
	"github.com/inventoryd/inventoryd/internal/postgres"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// The sharding test: the store runs on a schema whose owned-copies table is
// hash-partitioned by owner_id — PostgreSQL's declarative partitioning
// standing in for the shards of Citus, CockroachDB or YugabyteDB
// (docs/scaling.md). The contract suite passes on it, and EXPLAIN shows
// that every query the store issued with an equality on the owner reads
// exactly one partition, with the plan PostgreSQL makes for the values
// (custom plan) and with the one it makes for any value (generic plan,
// pruned when the executor starts).

const partitions = 8

// partitionedUserAssets replaces the user_assets block of 0001_init.sql.
// A partitioned table's unique indexes must contain the partition key, so
// the primary key is (owner_id, id) and the serial and instance indexes are
// not unique (docs/scaling.md says how a sharded deployment keeps them).
func partitionedUserAssets() string {
	var b strings.Builder
	b.WriteString(`CREATE TABLE user_assets (
	id BIGINT NOT NULL, asset_id BIGINT NOT NULL, asset_type INTEGER NOT NULL,
	collectible INTEGER NOT NULL DEFAULT 0, owner_type INTEGER NOT NULL, owner_id BIGINT NOT NULL,
	serial BIGINT, instance_id TEXT, hold_until BIGINT, expire_at BIGINT,
	created BIGINT NOT NULL, updated BIGINT NOT NULL,
	PRIMARY KEY (owner_id, id)) PARTITION BY HASH (owner_id);
`)
	for i := 0; i < partitions; i++ {
		fmt.Fprintf(&b, "CREATE TABLE user_assets_p%d PARTITION OF user_assets FOR VALUES WITH (MODULUS %d, REMAINDER %d);\n", i, partitions, i)
	}
	b.WriteString(`CREATE INDEX user_assets_owner_type ON user_assets (owner_type, owner_id, asset_type, id);
CREATE INDEX user_assets_owner_coll ON user_assets (owner_type, owner_id, collectible, id);
CREATE INDEX user_assets_owner_asset ON user_assets (owner_type, owner_id, asset_id, id);
CREATE INDEX user_assets_asset ON user_assets (asset_id, id);
CREATE INDEX user_assets_serial ON user_assets (asset_id, serial);
CREATE INDEX user_assets_instance ON user_assets (instance_id);
CREATE INDEX user_assets_id ON user_assets (id);
`)
	return b.String()
}

var userAssetsBlock = regexp.MustCompile(`(?s)-- begin user_assets.*?-- end user_assets\n`)

// partitionedMigrations is the embedded migrations with user_assets
// partitioned.
func partitionedMigrations(t testing.TB) fs.FS {
	t.Helper()
	out := fstest.MapFS{}
	names, err := fs.Glob(postgres.Migrations(), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		b, err := fs.ReadFile(postgres.Migrations(), n)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(n, "0001_") {
			if !userAssetsBlock.Match(b) {
				t.Fatal("0001_init.sql has no user_assets block")
			}
			b = userAssetsBlock.ReplaceAll(b, []byte(partitionedUserAssets()))
		}
		out[n] = &fstest.MapFile{Data: b}
	}
	return out
}

// queryLog records, per query text touching user_assets, the arguments of
// its first run.
type queryLog struct {
	mu sync.Mutex
	m  map[string][]any
}

func (l *queryLog) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if !strings.Contains(d.SQL, "user_assets") || !dml.MatchString(d.SQL) {
		return ctx // not about owned copies, or a migration
	}
	var args []any
	for _, a := range d.Args {
		switch a.(type) {
		case pgx.QueryResultFormats, pgx.QueryResultFormatsByOID, pgx.QueryExecMode:
			continue // options database/sql passes, not parameters
		}
		args = append(args, a)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string][]any{}
	}
	if _, ok := l.m[d.SQL]; !ok {
		l.m[d.SQL] = args
	}
	return ctx
}

var dml = regexp.MustCompile(`^\s*(?i:SELECT|INSERT|UPDATE|DELETE|WITH)\s`)

func (l *queryLog) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func TestShardReadySchema(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	log := &queryLog{}
	open := func(t testing.TB) inventory.Store {
		u := storetest.PostgresURL(t)
		st, err := postgres.OpenWith(context.Background(), u, postgres.Options{Migrations: partitionedMigrations(t), Tracer: log})
		if err != nil {
			t.Fatalf("open partitioned: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	t.Run("contract", func(t *testing.T) {
		inventorytest.RunWith(t, open, inventorytest.Options{NoGlobalCopyUniqueness: true})
	})
	if t.Failed() {
		return
	}
	t.Run("explain", func(t *testing.T) { explainOwnerQueries(t, log) })
}

func explainOwnerQueries(t *testing.T, log *queryLog) {
	ctx := context.Background()
	u := storetest.PostgresURL(t)
	st, err := postgres.OpenWith(ctx, u, postgres.Options{Migrations: partitionedMigrations(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Import(ctx, inventorytest.ExampleFixture(t)); err != nil {
		t.Fatal(err)
	}
	if err := st.Import(ctx, inventorytest.PagerFixture()); err != nil {
		t.Fatal(err)
	}
	c, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var kind string
	var parts, used int
	if err := c.QueryRow(ctx, `SELECT c.relkind::text, (SELECT count(*) FROM pg_inherits WHERE inhparent = c.oid),
		(SELECT count(DISTINCT tableoid) FROM user_assets)
		FROM pg_class c WHERE c.oid = 'user_assets'::regclass`).Scan(&kind, &parts, &used); err != nil {
		t.Fatal(err)
	}
	if kind != "p" || parts != partitions || used < 2 {
		t.Fatalf("user_assets: relkind %s, %d partitions, rows in %d", kind, parts, used)
	}
	if _, err := c.Exec(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}

	log.mu.Lock()
	queries := make([]string, 0, len(log.m))
	for q := range log.m {
		queries = append(queries, q)
	}
	log.mu.Unlock()
	sort.Strings(queries)
	ownerEq := regexp.MustCompile(`owner_id = \$\d+`)
	var lines []string
	seen := map[string]bool{} // the store methods' query shapes seen
	for i, q := range queries {
		args := log.m[q]
		custom := explainPartitions(t, c, "EXPLAIN (FORMAT JSON) "+q, args...)
		generic := explainGeneric(t, c, fmt.Sprintf("q%d", i), q, args)
		keyed := ownerEq.MatchString(q)
		lines = append(lines, fmt.Sprintf("owner-keyed %-5v partitions read: custom plan %d, generic plan %d  %s",
			keyed, len(custom), len(generic), oneLine(q)))
		if !keyed {
			continue
		}
		if len(custom) != 1 || len(generic) != 1 {
			t.Errorf("a query with an equality on the owner reads %v (custom plan) and %v (generic plan), want one partition:\n%s",
				custom, generic, q)
		}
		switch {
		case strings.Contains(q, "FROM user_assets ua JOIN assets a"):
			seen["ListUserAssets"] = true
		case strings.HasPrefix(strings.TrimSpace(q), "DELETE FROM user_assets WHERE owner_type = 1 AND owner_id"):
			seen["DeleteOwnedCopies"] = true
		case strings.Contains(q, "FROM user_assets ua") && strings.Contains(q, "ua.asset_id = $2"):
			seen["OwnedCopies"] = true
		}
	}
	for _, m := range []string{"ListUserAssets", "OwnedCopies", "DeleteOwnedCopies"} {
		if !seen[m] {
			t.Errorf("no %s query was recorded", m)
		}
	}
	// One line per query shape (texts that differ past the shown prefix,
	// such as the IN lists of the type filters, are counted together).
	count := map[string]int{}
	var shapes []string
	for _, l := range lines {
		if count[l] == 0 {
			shapes = append(shapes, l)
		}
		count[l]++
	}
	var b strings.Builder
	for _, l := range shapes {
		fmt.Fprintf(&b, "\n%3d× %s", count[l], l)
	}
	t.Logf("EXPLAIN of the %d query texts on user_assets the contract suite ran (%d partitions):%s", len(queries), partitions, b.String())
}

// explainPartitions runs an EXPLAIN (FORMAT JSON) and returns the
// user_assets partitions its plan reads.
func explainPartitions(t *testing.T, c *pgx.Conn, explain string, args ...any) []string {
	t.Helper()
	var plan []byte
	if err := c.QueryRow(context.Background(), explain, args...).Scan(&plan); err != nil {
		t.Fatalf("%s: %v", explain, err)
	}
	var doc []map[string]any
	if err := json.Unmarshal(plan, &doc); err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		if r, ok := n["Relation Name"].(string); ok && strings.HasPrefix(r, "user_assets_p") {
			set[r] = true
		}
		if ps, ok := n["Plans"].([]any); ok {
			for _, p := range ps {
				if m, ok := p.(map[string]any); ok {
					walk(m)
				}
			}
		}
	}
	for _, d := range doc {
		if p, ok := d["Plan"].(map[string]any); ok {
			walk(p)
		}
	}
	out := make([]string, 0, len(set))
	for r := range set {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// explainGeneric prepares q with the generic plan forced and explains an
// EXECUTE of it with args as literals: partitions are then pruned when
// the executor starts, not when the plan is made.
func explainGeneric(t *testing.T, c *pgx.Conn, name, q string, args []any) []string {
	t.Helper()
	ctx := context.Background()
	if _, err := c.Exec(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
		t.Fatal(err)
	}
	defer c.Exec(ctx, "RESET plan_cache_mode")
	if _, err := c.Exec(ctx, "PREPARE "+name+" AS "+q); err != nil {
		t.Fatalf("prepare %s: %v", q, err)
	}
	defer c.Exec(ctx, "DEALLOCATE "+name)
	lits := make([]string, len(args))
	for i, a := range args {
		lits[i] = literal(t, a)
	}
	exec := "EXECUTE " + name
	if len(lits) > 0 {
		exec += "(" + strings.Join(lits, ", ") + ")"
	}
	return explainPartitions(t, c, "EXPLAIN (FORMAT JSON) "+exec)
}

func literal(t *testing.T, a any) string {
	switch v := a.(type) {
	case nil:
		return "NULL"
	case int, int32, int64, uint32:
		return fmt.Sprint(v)
	case *int64:
		if v == nil {
			return "NULL"
		}
		return fmt.Sprint(*v)
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case []byte:
		return fmt.Sprintf("'\\x%x'::bytea", v)
	}
	t.Fatalf("no literal for %T", a)
	return ""
}

func oneLine(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	if i := strings.Index(q, " FROM user_assets"); strings.HasPrefix(q, "SELECT ua.") && i > 0 {
		q = "SELECT …" + q[i:] // the columns say nothing about the partitions
	}
	if i := strings.Index(q, " WHERE "); strings.Contains(q, " JOIN ") && i > 0 {
		q = q[:strings.Index(q, " FROM user_assets")+len(" FROM user_assets")] + " … " + q[i+1:]
	}
	if len(q) > 140 {
		q = q[:140] + "…"
	}
	return q
}
