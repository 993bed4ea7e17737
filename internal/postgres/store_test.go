package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/postgres"
	"github.com/inventoryd/inventoryd/internal/sqlite"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// Both stores carry the same migration versions, so a version means the
// same schema on either.
func TestMigrationVersionsMatchSQLite(t *testing.T) {
	names := func(dir fs.FS) string {
		ns, err := fs.Glob(dir, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(ns, " ")
	}
	pg, lite := names(postgres.Migrations()), names(sqlite.Migrations())
	if pg != lite || pg == "" {
		t.Fatalf("migrations differ:\npostgres: %s\nsqlite:   %s", pg, lite)
	}
}

func TestKind(t *testing.T) {
	for code, want := range map[string]inventory.Kind{
		"23505": inventory.KindConflict,
		"40001": inventory.KindUnavailable, "40P01": inventory.KindUnavailable,
		"57014": inventory.KindUnavailable, "57P01": inventory.KindUnavailable, "57P03": inventory.KindUnavailable,
		"08006": inventory.KindUnavailable, "53300": inventory.KindUnavailable, "25006": inventory.KindUnavailable,
		"22021": inventory.KindInvalid, "22P05": inventory.KindInvalid,
		"42P01": inventory.KindInternal, "23502": inventory.KindInternal,
	} {
		err := fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: code})
		if got := postgres.Kind(err); got != want {
			t.Errorf("SQLSTATE %s: kind %v, want %v", code, got, want)
		}
	}
	for _, err := range []error{context.DeadlineExceeded, net.ErrClosed, pgconn.ErrConnClosed,
		&net.OpError{Op: "dial", Err: errors.New("connection refused")}} {
		if got := postgres.Kind(fmt.Errorf("x: %w", err)); got != inventory.KindUnavailable {
			t.Errorf("%v: kind %v, want unavailable", err, got)
		}
	}
	if got := postgres.Kind(errors.New("something else")); got != inventory.KindInternal {
		t.Errorf("other error: kind %v", got)
	}
	for code, want := range map[string]bool{"40001": true, "40P01": true, "23505": false, "57014": false} {
		if got := postgres.Retryable(&pgconn.PgError{Code: code}); got != want {
			t.Errorf("retryable %s: %v", code, got)
		}
	}
}

// A refused connection fails Open within the connect timeout, as
// KindUnavailable.
func TestOpenUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = postgres.Open(context.Background(), "postgres://postgres@"+addr+"/postgres?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("open succeeded")
	}
	if k := postgres.Kind(err); k != inventory.KindUnavailable {
		t.Fatalf("open error %v: kind %v", err, k)
	}
	for _, bad := range []string{"postgres://x/y?query_timeout=soon", "postgres://x/y?query_timeout=-1s", "postgres://[::1"} {
		if _, err := postgres.Open(context.Background(), bad); err == nil {
			t.Fatalf("open %q succeeded", bad)
		} else if strings.Contains(bad, "query_timeout") && !strings.Contains(err.Error(), "query_timeout") {
			// Refused as a setting, before any connection is tried (a
			// negative one used to turn every deadline off).
			t.Errorf("open %q: %v, not about query_timeout", bad, err)
		}
	}
}

// Replicas starting together on a fresh schema migrate once, under the
// advisory lock, and all open.
func TestConcurrentOpen(t *testing.T) {
	u := storetest.PostgresURL(t)
	const n = 4
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := postgres.Open(context.Background(), u)
			if err == nil {
				err = st.Ping(context.Background())
				st.Close()
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent open: %v", err)
		}
	}
	st, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var versions string
	if err := st.Reader().QueryRow("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations").Scan(&versions); err != nil {
		t.Fatal(err)
	}
	ns, _ := fs.Glob(postgres.Migrations(), "*.sql")
	var want []string
	for _, n := range ns {
		want = append(want, strings.TrimLeft(strings.SplitN(n, "_", 2)[0], "0"))
	}
	if versions != strings.Join(want, ",") {
		t.Fatalf("recorded versions %s, want %s", versions, strings.Join(want, ","))
	}
}

// Every statement has a client-side deadline: a statement that would run
// past query_timeout fails as KindUnavailable (here with the server's
// statement_timeout off, so that only the client's deadline can end it).
// A transaction is bounded per step, not as a whole.
func TestQueryDeadline(t *testing.T) {
	u := storetest.PostgresURL(t)
	u, err := storetest.WithParam(u, "query_timeout", "400ms")
	if err != nil {
		t.Fatal(err)
	}
	u, _ = storetest.WithParam(u, "statement_timeout", "0")
	st, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := st.Reader()
	done := make(chan error, 1)
	go func() {
		var x string
		done <- db.QueryRowContext(context.Background(), "SELECT pg_sleep(30)::text").Scan(&x)
	}()
	select {
	case err := <-done:
		if err == nil || postgres.Kind(err) != inventory.KindUnavailable {
			t.Fatalf("statement past the deadline: %v (kind %v)", err, postgres.Kind(err))
		}
	case <-time.After(20 * time.Second): // a hang detector, not a latency bound
		t.Fatal("statement not ended by the client deadline")
	}
	// The pool recovers: the next statement runs.
	if err := st.Ping(context.Background()); err != nil {
		t.Fatalf("ping after a deadline: %v", err)
	}

	// Three steps of 250ms each: the transaction outlives one deadline but
	// no step does.
	tx, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := tx.Exec("SELECT pg_sleep(0.25)"); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatalf("commit of a long transaction of short steps: %v", err)
	}
	// Rows keep their deadline until closed, and no longer.
	rows, err := db.Query("SELECT g FROM generate_series(1, 3) g")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Close(); err != nil || n != 3 {
		t.Fatalf("rows: %d, %v", n, err)
	}
}

// The store's defaults reach the server: statement_timeout follows
// query_timeout.
func TestSessionSettings(t *testing.T) {
	u := storetest.PostgresURL(t)
	u, _ = storetest.WithParam(u, "query_timeout", "7s")
	st, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var timeout, app, idle string
	err = st.Reader().QueryRow("SELECT current_setting('statement_timeout'), current_setting('application_name'), current_setting('idle_in_transaction_session_timeout')").
		Scan(&timeout, &app, &idle)
	if err != nil {
		t.Fatal(err)
	}
	if timeout != "7s" || app != "inventoryd" || idle != "1min" {
		t.Fatalf("statement_timeout %s, application_name %s, idle_in_transaction_session_timeout %s", timeout, app, idle)
	}
}

// Migrations are not bound by the request path's limits: a migration
// step longer than query_timeout (and the statement_timeout it implies)
// completes.
func TestSlowMigration(t *testing.T) {
	u := storetest.PostgresURL(t)
	u, _ = storetest.WithParam(u, "query_timeout", "200ms")
	dir := fstest.MapFS{}
	names, _ := fs.Glob(postgres.Migrations(), "*.sql")
	for _, n := range names {
		b, _ := fs.ReadFile(postgres.Migrations(), n)
		dir[n] = &fstest.MapFile{Data: b}
	}
	dir["9999_slow.sql"] = &fstest.MapFile{Data: []byte("SELECT pg_sleep(0.5);")}
	st, err := postgres.OpenWith(context.Background(), u, postgres.Options{Migrations: dir})
	if err != nil {
		t.Fatalf("open with a slow migration: %v", err)
	}
	st.Close()
}

// slowSink takes each record after a pause, like a slow pipe.
type slowSink struct {
	pause time.Duration
	n     int
}

func (s *slowSink) Record(section string, rec any) error {
	time.Sleep(s.pause)
	s.n++
	return nil
}

// An export outlives query_timeout and statement_timeout: it reads each
// section with one statement, as fast as its sink takes the rows (a slow
// pipe, gzip, a far client). With the per-step deadline a large store's
// export on PostgreSQL failed after 10 s.
func TestExportOutlivesQueryTimeout(t *testing.T) {
	u := storetest.PostgresURL(t)
	u, err := storetest.WithParam(u, "query_timeout", "300ms")
	if err != nil {
		t.Fatal(err)
	}
	st, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f := &inventory.Fixture{}
	for i := int64(1); i <= 400; i++ {
		f.Users = append(f.Users, inventory.User{ID: i, Name: fmt.Sprintf("u%d", i), DisplayName: fmt.Sprintf("u%d", i), Created: time.Unix(0, 0).UTC()})
	}
	if err := st.Import(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	sink := &slowSink{pause: 2 * time.Millisecond} // 400 users: ~0.8 s of reading, past 300ms
	if err := st.Export(context.Background(), sink); err != nil {
		t.Fatalf("export past query_timeout: %v", err)
	}
	if sink.n < 400 {
		t.Fatalf("exported %d records", sink.n)
	}
	// Other statements keep their deadline.
	var x string
	if err := st.Reader().QueryRowContext(context.Background(), "SELECT pg_sleep(5)::text").Scan(&x); postgres.Kind(err) != inventory.KindUnavailable {
		t.Fatalf("a statement past query_timeout: %v", err)
	}
}

// Writers queued on a lock take at most half of the pool, so reads still
// find a connection: grants of one asset, all waiting on its row, used to
// hold every connection, and the public reads on that process (and on
// every replica, for the same reason) waited for the pool, then 503.
func TestWritersLeaveReadsAConnection(t *testing.T) {
	base := storetest.PostgresURL(t)
	u, _ := storetest.WithParam(base, "pool_max_conns", "4")
	u, _ = storetest.WithParam(u, "query_timeout", "20s")
	st, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	f := &inventory.Fixture{Users: []inventory.User{{ID: 1, Name: "a", DisplayName: "a", Created: time.Unix(0, 0).UTC()}},
		Assets: []inventory.FixtureAsset{{Asset: inventory.Asset{ID: 10, Name: "hat", Type: inventory.AssetType(8),
			Creator: inventory.Agent{Type: inventory.AgentUser, ID: 1}, Created: time.Unix(0, 0).UTC(), Updated: time.Unix(0, 0).UTC()}}}}
	if err := st.Import(ctx, f); err != nil {
		t.Fatal(err)
	}
	// Another session holds the asset's row: every grant of it waits.
	other, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.Exec("SELECT id FROM assets WHERE id = 10 FOR UPDATE"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = st.Grant(ctx, inventory.GrantRequest{AssetID: 10, Owner: inventory.Agent{Type: inventory.AgentUser, ID: 1}})
		}()
	}
	time.Sleep(500 * time.Millisecond) // the grants reach the lock
	// A read within the writers' wait has a connection: it does not wait
	// for them (20 s, query_timeout; 5 s is a hang detector).
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	if _, err := st.User(rctx, 1); err != nil {
		t.Errorf("a read while writers wait on a lock: %v", err)
	}
	cancel()
	_ = lock.Rollback()
	wg.Wait()
}

// A schema migrated by a newer inventoryd is refused, as on SQLite: a
// replica of an older build must not write to it.
func TestNewerSchemaRefused(t *testing.T) {
	u := storetest.PostgresURL(t)
	st, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Writer().Exec("INSERT INTO schema_migrations (version, applied) VALUES (9999, 0)"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if st, err := postgres.Open(context.Background(), u); err == nil {
		st.Close()
		t.Fatal("a schema of version 9999 opened")
	} else if !strings.Contains(err.Error(), "version 9999, newer than this inventoryd knows") {
		t.Fatalf("error %v", err)
	}
}
