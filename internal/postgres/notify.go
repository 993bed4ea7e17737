package postgres

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// changeChannel is the LISTEN/NOTIFY channel every write transaction
// notifies before its commit (Dialect().ChangeNotice). PostgreSQL delivers
// a notification only when its transaction commits, and folds those of one
// transaction into one.
const changeChannel = "inventoryd_changes"

// Liveness: a connection that goes silent (a network partition) delivers
// no notifications and no error, so the listener pings the server whenever
// feedPing passes without a notification, and the feed counts as down when
// nothing was heard for feedStale: a replica cut off from the database
// serves from its cache for at most about that long.
const (
	feedPing        = 200 * time.Millisecond
	feedPingTimeout = 500 * time.Millisecond
	feedStale       = time.Second
)

// feed is the PostgreSQL change feed (inventory.ChangeFeed): a connection
// of its own LISTENs on changeChannel and counts what arrives. While it is
// not listening (connecting, or lost and reconnecting with backoff) the
// feed reports an error, so that caches relying on it serve nothing; every
// (re)connection counts as a change, for what may have been missed.
type feed struct {
	n      atomic.Uint64
	ok     atomic.Bool
	cancel context.CancelFunc
	wg     sync.WaitGroup
	err    atomic.Pointer[error] // why the feed is down
	heard  atomic.Int64          // UnixNano of the last word from the server
	once   sync.Once             // starts the listener
	cfg    *pgx.ConnConfig
	ctx    context.Context
}

var errFeedDown = errors.New("postgres: change feed not listening")

// newFeed returns the feed of cc; it starts listening on the first
// version (the server's cache asks; one-shot commands such as
// `inventoryd import` never do, and hold no extra connection).
func newFeed(cc *pgx.ConnConfig) *feed {
	cfg := cc.Copy()
	cfg.Tracer = nil
	cfg.RuntimeParams["statement_timeout"] = "0"
	ctx, cancel := context.WithCancel(context.Background())
	f := &feed{cancel: cancel, cfg: cfg, ctx: ctx}
	down := errFeedDown
	f.err.Store(&down)
	return f
}

// start runs the listener until Close.
func (f *feed) start() {
	ctx, cfg := f.ctx, f.cfg
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		backoff := 50 * time.Millisecond
		for ctx.Err() == nil {
			if err := f.listen(ctx, cfg); err != nil && ctx.Err() == nil {
				f.err.Store(&err)
			}
			f.ok.Store(false)
			f.n.Add(1)
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 2*time.Second)
		}
	}()
}

// listen holds one listening connection until it fails or ctx ends.
func (f *feed) listen(ctx context.Context, cfg *pgx.ConnConfig) error {
	cctx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout)
	conn, err := pgx.ConnectConfig(cctx, cfg)
	cancel()
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+changeChannel); err != nil {
		return err
	}
	f.n.Add(1) // changes made before LISTEN took effect are not announced
	f.heard.Store(time.Now().UnixNano())
	f.ok.Store(true)
	for {
		wctx, cancel := context.WithTimeout(ctx, feedPing)
		_, err := conn.WaitForNotification(wctx)
		cancel()
		if err == nil {
			f.n.Add(1)
			f.heard.Store(time.Now().UnixNano())
			continue
		}
		if ctx.Err() != nil || !pgconn.Timeout(err) {
			return err
		}
		// Quiet: is the server still there? (A timed-out wait leaves
		// the connection usable.)
		pctx, cancel := context.WithTimeout(ctx, feedPingTimeout)
		err = conn.Ping(pctx)
		cancel()
		if err != nil {
			return err
		}
		f.heard.Store(time.Now().UnixNano())
	}
}

// version implements inventory.ChangeFeed for the store.
func (f *feed) version(context.Context) (uint64, error) {
	f.once.Do(f.start)
	if !f.ok.Load() {
		return 0, *f.err.Load()
	}
	if time.Since(time.Unix(0, f.heard.Load())) > feedStale {
		return 0, errFeedDown
	}
	return f.n.Load(), nil
}

// Close stops listening.
func (f *feed) Close() error {
	f.once.Do(func() {}) // a feed never asked never starts
	f.cancel()
	f.wg.Wait()
	return nil
}
