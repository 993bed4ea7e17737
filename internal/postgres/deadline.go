package postgres

import (
	"context"
	"database/sql/driver"
	"sync"
	"time"

	"github.com/inventoryd/inventoryd/internal/sqlstore"
)

// The store's callers (HTTP handlers) pass request contexts without a
// deadline. So that no request can wait on a database that is gone or hung
// — a blackholed network, a stuck server, an exhausted pool — every driver
// operation here gets a deadline of its own: acquiring a connection from the
// pool, each statement (until its rows are closed), and BEGIN, COMMIT and
// ROLLBACK. A transaction as a whole is not bounded (a large fixture import
// may run long), only each step of it. When a deadline passes pgconn closes
// the connection, the pool replaces it, and the store maps the error onto
// inventory.KindUnavailable (HTTP 503).

// bound returns ctx with a deadline at most d away (d <= 0, or a long
// operation's context, sqlstore.Unbounded: ctx unchanged).
func bound(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 || sqlstore.IsUnbounded(ctx) {
		return ctx, func() {}
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= d {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, d)
}

// innerConn is what the stdlib connection implements and the wrapper
// forwards.
type innerConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.NamedValueChecker
}

// connector wraps the pool connector with deadlines; closing the *sql.DB
// closes it, and it closes the pool.
type connector struct {
	inner   driver.Connector
	timeout time.Duration
	close   func()
}

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	ctx, cancel := bound(ctx, c.timeout)
	defer cancel()
	dc, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	ic, ok := dc.(innerConn)
	if !ok {
		dc.Close()
		return nil, errNotStdlib
	}
	return &conn{inner: ic, timeout: c.timeout}, nil
}

func (c *connector) Driver() driver.Driver { return c.inner.Driver() }

// Close is called by (*sql.DB).Close.
func (c *connector) Close() error {
	if c.close != nil {
		c.close()
	}
	return nil
}

type conn struct {
	inner   innerConn
	timeout time.Duration
}

var (
	_ innerConn               = (*conn)(nil)
	_ driver.Connector        = (*connector)(nil)
	_ driver.StmtExecContext  = (*stmt)(nil)
	_ driver.StmtQueryContext = (*stmt)(nil)
)

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext does not prepare on the server. database/sql prepares a
// statement on every connection it runs on, and closes it with the
// connection — here after each use, as the pgxpool does the pooling — so a
// server-side prepare would cost a round trip to prepare and another to
// deallocate per query. pgx's statement cache already prepares each query
// text once per physical connection and keeps it for the connection's
// life; the statement runs through it.
func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &stmt{conn: c, query: query}, nil
}

func (c *conn) Close() error { return c.inner.Close() }

func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx hands the driver a context whose cancellation the wrapper
// controls: pgx keeps the BEGIN context for COMMIT and ROLLBACK, and each
// of the three gets its own deadline.
func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tc := newStepContext(ctx)
	stop := tc.arm(c.timeout)
	t, err := c.inner.BeginTx(tc, opts)
	stop()
	if err != nil {
		tc.release()
		return nil, err
	}
	return &tx{inner: t, ctx: tc, timeout: c.timeout}, nil
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	ctx, cancel := bound(ctx, c.timeout)
	defer cancel()
	return c.inner.ExecContext(ctx, query, args)
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	ctx, cancel := bound(ctx, c.timeout)
	r, err := c.inner.QueryContext(ctx, query, args)
	if err != nil {
		cancel()
		return nil, err
	}
	return &rows{Rows: r, cancel: cancel}, nil
}

func (c *conn) Ping(ctx context.Context) error {
	ctx, cancel := bound(ctx, c.timeout)
	defer cancel()
	return c.inner.Ping(ctx)
}

func (c *conn) ResetSession(ctx context.Context) error {
	ctx, cancel := bound(ctx, c.timeout)
	defer cancel()
	return c.inner.ResetSession(ctx)
}

func (c *conn) CheckNamedValue(v *driver.NamedValue) error { return c.inner.CheckNamedValue(v) }

// rows keeps the statement's deadline until the rows are closed.
type rows struct {
	driver.Rows
	cancel context.CancelFunc
}

func (r *rows) Close() error {
	err := r.Rows.Close()
	r.cancel()
	return err
}

// stmt is a query text bound to a connection (see PrepareContext).
type stmt struct {
	conn  *conn
	query string
}

func (s *stmt) Close() error  { return nil }
func (s *stmt) NumInput() int { return -1 } // unknown: the server checks

func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.conn.ExecContext(ctx, s.query, args)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.conn.QueryContext(ctx, s.query, args)
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, v := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

type tx struct {
	inner   driver.Tx
	ctx     *stepContext
	timeout time.Duration
}

func (t *tx) Commit() error {
	defer t.ctx.release()
	stop := t.ctx.arm(t.timeout)
	defer stop()
	return t.inner.Commit()
}

func (t *tx) Rollback() error {
	defer t.ctx.release()
	stop := t.ctx.arm(t.timeout)
	defer stop()
	return t.inner.Rollback()
}

// stepContext is a context that is done when its parent is, or when a
// deadline armed for one step (BEGIN, COMMIT, ROLLBACK) passes. Between
// steps it has no deadline, so a long transaction is not cut short.
type stepContext struct {
	context.Context // the parent, for Value
	done            chan struct{}
	once            sync.Once
	mu              sync.Mutex
	err             error
	stopParent      func() bool
}

func newStepContext(parent context.Context) *stepContext {
	c := &stepContext{Context: parent, done: make(chan struct{})}
	c.stopParent = context.AfterFunc(parent, func() { c.fire(parent.Err()) })
	return c
}

func (c *stepContext) fire(err error) {
	c.once.Do(func() {
		c.mu.Lock()
		c.err = err
		c.mu.Unlock()
		close(c.done)
	})
}

// arm starts a deadline d away for one step; the returned func disarms it.
func (c *stepContext) arm(d time.Duration) func() {
	if d <= 0 {
		return func() {}
	}
	t := time.AfterFunc(d, func() { c.fire(context.DeadlineExceeded) })
	return func() { t.Stop() }
}

// release detaches the context from its parent once the transaction ends.
func (c *stepContext) release() { c.stopParent() }

func (c *stepContext) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c *stepContext) Done() <-chan struct{}       { return c.done }
func (c *stepContext) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}
