package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds the statement cache. The read queries are a small
// fixed set plus the IN-list variants of ListUserAssets and Relations (one
// per list length), so the bound is never reached in practice; past it,
// queries run unprepared.
const maxCachedStmts = 1024

// stmtCache holds the read pool's prepared statements by query text, so a
// request does not parse and plan its SQL again: before it, SQLite's parser
// was the largest item of a listing's CPU profile (docs/performance.md).
// database/sql prepares a cached *sql.Stmt lazily on each pooled
// connection it runs on and keeps it there.
type stmtCache struct {
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

func (c *stmtCache) get(ctx context.Context, db *sql.DB, q string) *sql.Stmt {
	c.mu.RLock()
	st := c.m[q]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st = c.m[q]; st != nil {
		return st
	}
	if len(c.m) >= maxCachedStmts {
		return nil
	}
	st, err := db.PrepareContext(ctx, q)
	if err != nil {
		return nil // let the unprepared query report the error
	}
	if c.m == nil {
		c.m = make(map[string]*sql.Stmt)
	}
	c.m[q] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

// query runs a read on the read pool through the statement cache.
func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := s.stmts.get(ctx, s.r, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.r.QueryContext(ctx, q, args...)
}

// queryRow is query for one row.
func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := s.stmts.get(ctx, s.r, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.r.QueryRowContext(ctx, q, args...)
}
