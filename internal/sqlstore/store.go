package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"strings"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// Dialect is what differs between the databases.
type Dialect struct {
	// Name is "sqlite" or "postgres".
	Name string
	// Kind classifies a driver error (unique violation: KindConflict, lost
	// connection: KindUnavailable); it returns KindInternal otherwise.
	Kind func(error) inventory.Kind
	// Retryable reports whether a write transaction should be retried
	// (PostgreSQL serialization failures, SQLSTATE 40001 and 40P01).
	Retryable func(error) bool
	// TxIsolation is the isolation level of write transactions
	// (PostgreSQL: serializable, so that check-then-write transactions
	// behave as on SQLite, whose writers are serialized by its lock).
	TxIsolation sql.IsolationLevel
	// ForUpdate is appended to the SELECTs that read a row a write
	// transaction is about to change on its strength (the asset a grant
	// numbers, the copy a transfer moves): " FOR UPDATE" on PostgreSQL,
	// "" on SQLite, whose one immediate-mode writer already serializes.
	ForUpdate string
	// ChangeNotice, when set, runs in every write transaction just before
	// its commit, so that other processes learn of the change when (and
	// only if) it commits: PostgreSQL's pg_notify, whose notifications
	// are delivered at commit (the ownership cache of the replicas,
	// internal/inventory/cache). SQLite needs none: its data_version
	// counter changes on every commit by any connection.
	ChangeNotice string
	// CopiesLock and CopiesShareLock, when set, run first in a write
	// transaction that numbers new copies: an import takes CopiesLock
	// (exclusive), a grant CopiesShareLock (shared), so that imports run
	// one at a time and never beside a grant, as all writers do on SQLite.
	// Both number copies above the largest id they read, and a stream's
	// transaction is long and not serializable: two imports side by side
	// gave the same ids, or deadlocked on the rows they both update, until
	// their retries ran out. It must be the transaction's first statement.
	CopiesLock, CopiesShareLock string
	// UniqueKey, when set, returns the columns and values of the key a
	// unique violation clashed on (PostgreSQL's error detail), so that
	// imports can name them; without it the store finds them (bulk.clash).
	UniqueKey func(error) (cols, vals []string, ok bool)
}

// lockCopies runs q (a Dialect lock statement) in tx, if it is set.
func (s *Store) lockCopies(ctx context.Context, tx *sql.Tx, q string) error {
	if q == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, q)
	return err
}

// Store is the shared inventory.Store implementation.
type Store struct {
	r, w  *sql.DB
	d     Dialect
	now   func() time.Time
	stmts stmtCache // prepared reads (stmtcache.go)

	feed       func(context.Context) (uint64, error) // copies.go
	feedCloser io.Closer

	// writeSlots, when set (LimitWriters), bounds the write transactions
	// in flight in this process, so that writers queued on a lock (grants
	// of one popular asset) cannot hold every connection of a pool that
	// reads share.
	writeSlots chan struct{}
	// exportSlots, when set (LimitExports), bounds the exports in flight:
	// an export holds a read connection (and its snapshot) for as long as
	// its client takes to read it.
	exportSlots chan struct{}
}

// LimitWriters lets at most n write transactions run at once in this
// process (n < 1: no limit). PostgreSQL's store sets half its pool;
// SQLite's, one (its one writer connection), so that a write waiting
// behind a long one (an import) gets a 503 after slotWait, not a hang.
func (s *Store) LimitWriters(n int) {
	if n > 0 {
		s.writeSlots = make(chan struct{}, n)
	}
}

// LimitExports lets at most n exports run at once in this process (n < 1:
// no limit). Both stores set a quarter of their read pool, at least one.
func (s *Store) LimitExports(n int) {
	if n > 0 {
		s.exportSlots = make(chan struct{}, n)
	}
}

// slotWait bounds the wait for a write or export slot (fixed, whatever
// query_timeout is): past it the operation is 503.
var slotWait = 10 * time.Second

// writeSlot takes a write slot; release gives it back.
func (s *Store) writeSlot(ctx context.Context, op string) (release func(), err error) {
	return s.slot(ctx, s.writeSlots, op, "too many writes waiting")
}

// slot takes one of slots (none: no limit), waiting at most slotWait.
func (s *Store) slot(ctx context.Context, slots chan struct{}, op, busy string) (release func(), err error) {
	if slots == nil {
		return func() {}, nil
	}
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	default:
	}
	t := time.NewTimer(slotWait)
	defer t.Stop()
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	case <-ctx.Done():
		return nil, s.wrap(op, ctx.Err())
	case <-t.C:
		return nil, &inventory.Error{Kind: inventory.KindUnavailable, Message: op + ": " + busy}
	}
}

// New returns a Store that reads through r and writes through w (they may
// be the same pool).
func New(r, w *sql.DB, d Dialect) *Store {
	if d.Kind == nil {
		d.Kind = func(error) inventory.Kind { return inventory.KindInternal }
	}
	if d.Retryable == nil {
		d.Retryable = func(error) bool { return false }
	}
	return &Store{r: r, w: w, d: d, now: time.Now}
}

// SetClock replaces the clock used for generated timestamps (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Reader and Writer expose the pools, for adapters and tests.
func (s *Store) Reader() *sql.DB { return s.r }

// Writer returns the write pool.
func (s *Store) Writer() *sql.DB { return s.w }

// wrap turns a driver error into a domain error of the dialect's kind.
func (s *Store) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var de *inventory.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &inventory.Error{Kind: inventory.KindNotFound, Message: op + ": not found"}
	}
	k := s.d.Kind(err)
	if errors.Is(err, context.DeadlineExceeded) {
		k = inventory.KindUnavailable
	}
	return &inventory.Error{Kind: k, Message: op, Err: err}
}

// txAttempts bounds the tries of a write transaction that keeps failing
// to serialize (PostgreSQL under contention on one row).
const txAttempts = 16

// tx runs fn in a write transaction, retrying serialization failures.
func (s *Store) tx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	release, err := s.writeSlot(ctx, op)
	if err != nil {
		return err
	}
	defer release()
	for attempt := 0; attempt < txAttempts; attempt++ {
		var tx *sql.Tx
		tx, err = s.w.BeginTx(ctx, &sql.TxOptions{Isolation: s.d.TxIsolation})
		if err != nil {
			return s.wrap(op, err)
		}
		if err = fn(tx); err == nil {
			err = s.changeNotice(ctx, tx)
		}
		if err == nil {
			if err = tx.Commit(); err == nil {
				return nil
			}
		} else {
			_ = tx.Rollback()
		}
		if !s.d.Retryable(err) {
			break
		}
		// Jittered, growing backoff: transactions that failed together
		// must not retry in lockstep.
		time.Sleep(time.Duration(mrand.Int64N(int64(min(attempt+1, 10)) * int64(5*time.Millisecond))))
	}
	return s.wrap(op, err)
}

// changeNotice runs the dialect's ChangeNotice in tx.
func (s *Store) changeNotice(ctx context.Context, tx *sql.Tx) error {
	if s.d.ChangeNotice == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, s.d.ChangeNotice)
	return err
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func optMS(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

func fromOptMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

func optInt(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	x := v.Int64
	return &x
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Ping implements inventory.Store.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.r.PingContext(ctx); err != nil {
		return s.wrap("ping", err)
	}
	var one int
	return s.wrap("ping", s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one))
}

// Close implements inventory.Store.
func (s *Store) Close() error {
	s.stmts.close()
	var err error
	if s.feedCloser != nil {
		err = s.feedCloser.Close()
	}
	err = errors.Join(err, s.r.Close())
	if s.w != s.r {
		err = errors.Join(err, s.w.Close())
	}
	return err
}

// Secret implements inventory.Store.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	var v []byte
	err := s.r.QueryRowContext(ctx, "SELECT value FROM secrets WHERE name = $1", name).Scan(&v)
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, s.wrap("secret", err)
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	err = s.tx(ctx, "secret", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", name, fresh); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "SELECT value FROM secrets WHERE name = $1", name).Scan(&v)
	})
	return v, err
}

// User implements inventory.Store.
func (s *Store) User(ctx context.Context, id int64) (inventory.User, error) {
	var u inventory.User
	var created int64
	err := s.queryRow(ctx, `SELECT id, username, display_name, membership, privacy, banned, created
		FROM users WHERE id = $1`, id).Scan(&u.ID, &u.Name, &u.DisplayName, &u.Membership, &u.Privacy, &u.Banned, &created)
	u.Created = fromMS(created)
	return u, s.wrap("user", err)
}

// Group implements inventory.Store.
func (s *Store) Group(ctx context.Context, id int64) (inventory.Group, error) {
	var g inventory.Group
	err := s.queryRow(ctx, "SELECT id, name FROM agent_groups WHERE id = $1", id).Scan(&g.ID, &g.Name)
	return g, s.wrap("group", err)
}

// inList returns "$k,$k+1,..." for n values starting at placeholder k.
func inList(k, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "$%d", k+i)
	}
	return b.String()
}

// Relations implements inventory.Store.
func (s *Store) Relations(ctx context.Context, viewer int64, owners []int64) (map[int64]inventory.Relation, error) {
	out := make(map[int64]inventory.Relation, len(owners))
	if len(owners) == 0 {
		return out, nil
	}
	args := []any{viewer}
	for _, o := range owners {
		args = append(args, o)
	}
	list := inList(2, len(owners))
	queries := []struct {
		q   string
		set func(*inventory.Relation)
	}{
		{"SELECT friend_id FROM friendships WHERE user_id = $1 AND friend_id IN (" + list + ")", func(r *inventory.Relation) { r.Friends = true }},
		{"SELECT follower_id FROM follows WHERE following_id = $1 AND follower_id IN (" + list + ")", func(r *inventory.Relation) { r.OwnerFollows = true }},
		{"SELECT following_id FROM follows WHERE follower_id = $1 AND following_id IN (" + list + ")", func(r *inventory.Relation) { r.ViewerFollows = true }},
	}
	for _, q := range queries {
		rows, err := s.query(ctx, q.q, args...)
		if err != nil {
			return nil, s.wrap("relations", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, s.wrap("relations", err)
			}
			r := out[id]
			q.set(&r)
			out[id] = r
		}
		if err := rows.Close(); err != nil {
			return nil, s.wrap("relations", err)
		}
	}
	return out, nil
}

// SessionUser implements inventory.Store.
func (s *Store) SessionUser(ctx context.Context, tokenHash []byte) (int64, error) {
	var id int64
	err := s.queryRow(ctx, "SELECT user_id FROM sessions WHERE token_hash = $1", tokenHash).Scan(&id)
	return id, s.wrap("session", err)
}

// DeleteSession implements inventory.Store.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	return s.tx(ctx, "delete session", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = $1", tokenHash)
		return err
	})
}

// Empty implements inventory.Store.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM users LIMIT 1) u) + (SELECT COUNT(*) FROM (SELECT 1 FROM assets LIMIT 1) a)").Scan(&n)
	return n == 0, s.wrap("empty", err)
}

// dataTables lists every data table, children first.
var dataTables = []string{"ownership_ledger", "collections", "user_places", "places", "user_items", "bundles", "badges", "game_passes",
	"user_assets", "package_assets", "assets", "sessions", "follows", "friendships", "agent_groups", "users", "fixture_imports"}

// Reset implements inventory.Store.
func (s *Store) Reset(ctx context.Context) error {
	return s.tx(ctx, "reset", func(tx *sql.Tx) error {
		for _, t := range dataTables {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+t); err != nil {
				return err
			}
		}
		return nil
	})
}
