// Package sqlite is the embedded store: inventory.Store on SQLite through
// the pure-Go modernc.org/sqlite driver (CGO_ENABLED=0 builds work). It
// opens one writer connection (immediate transactions, so writers queue on
// the lock instead of failing on upgrade) and a pool of query-only readers,
// all in WAL mode with a busy timeout.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"strings"
	"sync"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/sqlstore"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the schema migrations, for tools that inspect them.
func Migrations() fs.FS { sub, _ := fs.Sub(migrations, "migrations"); return sub }

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	// FULL: a transaction acknowledged to a client survives power loss too.
	q.Add("_pragma", "synchronous(FULL)")
	// Page cache per connection: 64 MB for the writer (imports), 2 MB for
	// each reader (4+ of them; the OS page cache holds the file). The hot
	// reads are answered by the ownership and row caches
	// (internal/inventory/cache); what reaches SQLite is sessions,
	// relations, the caches' loads and whatever is too big to cache.
	// Memory SQLite frees stays with modernc's allocator (it keeps up to
	// its high-water mark for reuse), so larger reader caches cost about
	// twice their size in resident memory: at 10M owned items a mixed
	// load kept 240-248 MB resident with 8 MB readers, 150-157 MB with
	// 2 MB, at the same or better throughput (docs/performance.md).
	if readOnly {
		q.Add("_pragma", "cache_size(-2048)")
	} else {
		q.Add("_pragma", "cache_size(-65536)")
	}
	q.Add("_pragma", "temp_store(MEMORY)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path, applies the
// migrations and returns the store.
func Open(ctx context.Context, path string) (*sqlstore.Store, error) {
	path = strings.TrimPrefix(path, "sqlite://")
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if _, err := sqlstore.Migrate(ctx, w, Migrations()); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxLifetime(0)
	st := sqlstore.New(r, w, sqlstore.Dialect{Name: "sqlite", Kind: kind})
	// One writer connection: a write queued behind a long one (an import)
	// is 503 after the slot wait instead of hanging. Exports hold a reader
	// while their clients read: a quarter of the readers.
	st.LimitWriters(1)
	st.LimitExports(max(1, n/4))
	// The change feed: PRAGMA data_version on a connection of its own
	// changes whenever any other connection (the writer, or another
	// process's) commits. One connection, never closed by the pool, so
	// that successive values compare; a tiny page cache, it reads nothing.
	// It connects on the first ChangeVersion (the server's cache), not at
	// open: while it is connected, a bulk import cannot leave WAL mode
	// and writes every page twice (`inventoryd import` never asks).
	v, err := sql.Open("sqlite", dsn(path, true)+"&_pragma=cache_size(-64)")
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	v.SetMaxOpenConns(1)
	v.SetMaxIdleConns(1)
	v.SetConnMaxLifetime(0)
	f := &feed{db: v}
	st.SetChangeFeed(f.version, f)
	return st, nil
}

// feed reads PRAGMA data_version through a statement prepared once (the
// cache reads it every few milliseconds), on first use.
type feed struct {
	db     *sql.DB
	mu     sync.Mutex
	pragma *sql.Stmt
}

func (f *feed) version(ctx context.Context) (uint64, error) {
	f.mu.Lock()
	if f.pragma == nil {
		p, err := f.db.PrepareContext(ctx, "PRAGMA data_version")
		if err != nil {
			f.mu.Unlock()
			return 0, err
		}
		f.pragma = p
	}
	pragma := f.pragma
	f.mu.Unlock()
	var n uint64
	err := pragma.QueryRowContext(ctx).Scan(&n)
	return n, err
}

// Close closes the statement and the connection.
func (f *feed) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	var err error
	if f.pragma != nil {
		err = f.pragma.Close()
	}
	return errors.Join(err, f.db.Close())
}

// kind maps SQLite result codes onto domain kinds (the riverdriver
// interpretError idea).
func kind(err error) inventory.Kind {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CONSTRAINT:
			return inventory.KindConflict
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL:
			// SQLITE_FULL: the disk (or max_page_count) is full. Like
			// PostgreSQL's 53xxx, a 503 until space is freed, not a 500.
			return inventory.KindUnavailable
		}
	}
	return inventory.KindInternal
}
