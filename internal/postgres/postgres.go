// Package postgres is the scale-out store: inventory.Store on PostgreSQL
// through jackc/pgx v5. A pgxpool.Pool is wrapped for database/sql so that
// the one SQL implementation in internal/sqlstore serves both stores; the
// reader and the writer are the same pool. Migrations (migrations/*.sql,
// numbered like the SQLite store's) are applied at start under an advisory
// lock, so replicas starting together migrate once, on connections of
// their own without the request path's deadlines.
//
// Nothing waits on a lost database past a bounded time: connecting has a
// connect timeout, every statement and pool acquisition a client-side
// deadline (deadline.go), and the server a statement_timeout. The URL
// tunes them:
//
//	postgres://user@host/db?connect_timeout=5        seconds (pgx; default 5)
//	                       &query_timeout=10s        client deadline per step (default 10s, 0 off; inventoryd's own)
//	                       &statement_timeout=10000  server-side, ms (default: query_timeout)
//	                       &pool_max_conns=16        pool size (default max(8, 4*GOMAXPROCS))
//
// and any other pgx/pgxpool parameter (sslmode, pool_*, search_path,
// default_query_exec_mode, ...). Prepared statements are cached per
// connection (pgx's statement cache, 512 statements).
package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the schema migrations, for tools and tests.
func Migrations() fs.FS { sub, _ := fs.Sub(migrations, "migrations"); return sub }

// Defaults of the limits; the URL overrides them.
const (
	DefaultConnectTimeout = 5 * time.Second
	DefaultQueryTimeout   = 10 * time.Second
	// idleInTxTimeout ends sessions that hold a transaction open while idle
	// (a crashed or stuck client), so that they cannot hold locks forever.
	idleInTxTimeout = 60 * time.Second
)

// Options are settings that are not in the URL (tests, tools).
type Options struct {
	// Migrations replaces the embedded migrations (the sharding test
	// applies a variant with a partitioned user_assets).
	Migrations fs.FS
	// Tracer, when set, sees every query (tests: EXPLAIN evidence).
	Tracer pgx.QueryTracer
}

// Open connects to the database at url, applies the migrations and
// returns the store.
func Open(ctx context.Context, url string) (*sqlstore.Store, error) {
	return OpenWith(ctx, url, Options{})
}

// errNotStdlib would mean that pgx's stdlib stopped implementing the
// driver interfaces the deadline wrapper forwards.
var errNotStdlib = errors.New("postgres: unexpected driver connection type")

// config parses url and applies inventoryd's defaults.
func config(url string) (*pgxpool.Config, time.Duration, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: %w", err)
	}
	rp := cfg.ConnConfig.RuntimeParams
	queryTimeout := DefaultQueryTimeout
	if v, ok := rp["query_timeout"]; ok {
		delete(rp, "query_timeout")
		if queryTimeout, err = parseDuration(v); err == nil && queryTimeout < 0 {
			err = errors.New("must not be negative (0 turns it off)")
		}
		if err != nil {
			return nil, 0, fmt.Errorf("postgres: query_timeout %q: %w", v, err)
		}
	}
	if cfg.ConnConfig.ConnectTimeout <= 0 {
		cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	if _, ok := rp["statement_timeout"]; !ok && queryTimeout > 0 {
		rp["statement_timeout"] = strconv.FormatInt(queryTimeout.Milliseconds(), 10)
	}
	if _, ok := rp["idle_in_transaction_session_timeout"]; !ok {
		rp["idle_in_transaction_session_timeout"] = strconv.FormatInt(idleInTxTimeout.Milliseconds(), 10)
	}
	if _, ok := rp["application_name"]; !ok {
		rp["application_name"] = "inventoryd"
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = int32(max(8, 4*runtime.GOMAXPROCS(0)))
	}
	if cfg.PingTimeout <= 0 {
		cfg.PingTimeout = min(cfg.ConnConfig.ConnectTimeout, 2*time.Second)
	}
	if cfg.ConnConfig.StatementCacheCapacity <= 0 && cfg.ConnConfig.DefaultQueryExecMode == pgx.QueryExecModeCacheStatement {
		cfg.ConnConfig.StatementCacheCapacity = 512
	}
	return cfg, queryTimeout, nil
}

// parseDuration accepts a Go duration ("10s") or milliseconds ("10000").
func parseDuration(s string) (time.Duration, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Duration(n) * time.Millisecond, nil
	}
	return time.ParseDuration(s)
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, url string, o Options) (*sqlstore.Store, error) {
	cfg, queryTimeout, err := config(url)
	if err != nil {
		return nil, err
	}
	if o.Tracer != nil {
		cfg.ConnConfig.Tracer = o.Tracer
	}
	dir := o.Migrations
	if dir == nil {
		dir = Migrations()
	}
	if err := migrate(ctx, cfg.ConnConfig, dir); err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db := sql.OpenDB(&connector{inner: stdlib.GetPoolConnector(pool), timeout: queryTimeout, close: pool.Close})
	// The pgxpool pools; database/sql hands each connection back at once.
	db.SetMaxIdleConns(0)
	st := sqlstore.New(db, db, Dialect())
	// Reads and writes share the pool: writers waiting on a lock take at
	// most half of it, so reads always find a connection.
	st.LimitWriters(max(1, int(cfg.MaxConns)/2))
	// Exports hold a connection while their clients read: a quarter.
	st.LimitExports(max(1, int(cfg.MaxConns)/4))
	f := newFeed(cfg.ConnConfig)
	st.SetChangeFeed(f.version, f)
	return st, nil
}

// migrate applies the migrations while holding a session advisory lock
// keyed by the schema, so that processes starting at once take turns: the
// first migrates, the others wait and then find the versions recorded.
// Migrations run on connections of their own, without the request path's
// deadlines and statement_timeout: waiting for another replica's
// migration, or building an index on a large table, may take long.
func migrate(ctx context.Context, cc *pgx.ConnConfig, dir fs.FS) error {
	cfg := cc.Copy()
	cfg.RuntimeParams["statement_timeout"] = "0"
	cfg.Tracer = nil
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	actx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout)
	lock, err := db.Conn(actx)
	cancel()
	if err != nil {
		return err
	}
	defer lock.Close() // the session's end releases the lock in any case
	const key = "hashtextextended('inventoryd.migrate.' || COALESCE(current_schema(), ''), 0)"
	if _, err := lock.ExecContext(ctx, "SELECT pg_advisory_lock("+key+")"); err != nil {
		return err
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.Background(), cfg.ConnectTimeout)
		defer cancel()
		_, _ = lock.ExecContext(uctx, "SELECT pg_advisory_unlock("+key+")")
	}()
	_, err = sqlstore.Migrate(ctx, db, dir)
	return err
}

// Dialect is PostgreSQL's error mapping: unique violations are conflicts;
// lost or refused connections, timeouts and a server shutting down or
// overloaded are KindUnavailable (503). Write transactions are
// SERIALIZABLE (check-then-write transactions such as adding to a full
// collection stay correct under concurrency, as on SQLite whose writers
// queue on one lock); serialization failures and deadlocks are retried.
func Dialect() sqlstore.Dialect {
	// The copies lock is a table lock on fixture_imports (the record of
	// imports): LOCK TABLE, unlike a SELECT of an advisory lock function,
	// takes no snapshot, so a serializable transaction that waited for it
	// reads what the import before it committed. EXCLUSIVE conflicts with
	// ROW SHARE and with itself; ROW SHARE not with itself; reads of the
	// table (ACCESS SHARE) wait for neither.
	return sqlstore.Dialect{Name: "postgres", Kind: Kind, Retryable: Retryable, TxIsolation: sql.LevelSerializable,
		ForUpdate: " FOR UPDATE", ChangeNotice: "SELECT pg_notify('" + changeChannel + "', '')",
		CopiesLock: "LOCK TABLE fixture_imports IN EXCLUSIVE MODE", CopiesShareLock: "LOCK TABLE fixture_imports IN ROW SHARE MODE",
		UniqueKey: UniqueKey}
}

// Retryable reports SQLSTATE 40001 (serialization_failure) and 40P01
// (deadlock_detected).
func Retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// Kind classifies a pgx error.
func Kind(err error) inventory.Kind {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505": // unique_violation
			return inventory.KindConflict
		case pe.Code == "22021", pe.Code == "22P05": // a NUL or an untranslatable character in text
			return inventory.KindInvalid
		case pe.Code == "40001", pe.Code == "40P01", // still failing after the retries
			pe.Code == "57014",                // query_canceled: statement_timeout
			pe.Code == "55P03",                // lock_not_available: lock_timeout
			pe.Code == "25006",                // read_only_sql_transaction: a standby after failover
			strings.HasPrefix(pe.Code, "08"),  // connection exception
			strings.HasPrefix(pe.Code, "53"),  // insufficient resources (too many connections, disk full)
			strings.HasPrefix(pe.Code, "57P"): // admin/crash shutdown, cannot connect now
			return inventory.KindUnavailable
		}
		return inventory.KindInternal
	}
	if unreachable(err) {
		return inventory.KindUnavailable
	}
	return inventory.KindInternal
}

// uniqueDetail is the detail of a unique violation:
// "Key (asset_id, serial)=(2, 5) already exists."
var uniqueDetail = regexp.MustCompile(`^Key \((.*)\)=\((.*)\) already exists\.$`)

// UniqueKey returns the columns and values of the key a unique violation
// clashed on, from its detail.
func UniqueKey(err error) (cols, vals []string, ok bool) {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "23505" {
		return nil, nil, false
	}
	m := uniqueDetail.FindStringSubmatch(pe.Detail)
	if m == nil {
		return nil, nil, false
	}
	cols, vals = strings.Split(m[1], ", "), strings.Split(m[2], ", ")
	return cols, vals, len(cols) == len(vals)
}

// unreachable reports errors of the connection rather than of the query.
func unreachable(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne), pgconn.Timeout(err),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone):
		return true
	}
	return false
}
