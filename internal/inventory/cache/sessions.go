package cache

// Sessions and relations, cached only while the change feed is up (there
// is no TTL fallback for them): a logout, a session revocation or a new
// friendship through this process invalidates when it returns, and one
// through another process within one poll of its commit, as ownership
// (docs/compatibility.md, "Caching"). Only sessions that exist are
// cached; an unknown token always asks the store.

import (
	"context"
	"sync"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// maxSocial bounds the cached sessions and relations (each).
const maxSocial = 1 << 16

type relKey struct{ viewer, owner int64 }

type genVal[V any] struct {
	v   V
	gen uint64
}

// social is a small generation-checked map, cleared when full.
type social[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]genVal[V]
}

func (s *social[K, V]) get(k K, gen uint64) (V, bool) {
	s.mu.RLock()
	e, ok := s.m[k]
	s.mu.RUnlock()
	if !ok || e.gen != gen {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (s *social[K, V]) put(k K, v V, gen uint64) {
	s.mu.Lock()
	if s.m == nil || len(s.m) >= maxSocial {
		s.m = make(map[K]genVal[V])
	}
	s.m[k] = genVal[V]{v: v, gen: gen}
	s.mu.Unlock()
}

// SessionUser implements inventory.Store.
func (c *Store) SessionUser(ctx context.Context, tokenHash []byte) (int64, error) {
	if !c.feedOK.Load() {
		return c.Store.SessionUser(ctx, tokenHash)
	}
	gen := c.gen.Load()
	if id, ok := c.sessions.get(string(tokenHash), gen); ok {
		return id, nil
	}
	id, err := c.Store.SessionUser(ctx, tokenHash)
	if err == nil && c.feedOK.Load() {
		c.sessions.put(string(tokenHash), id, gen)
	}
	return id, err
}

// Relations implements inventory.Store.
func (c *Store) Relations(ctx context.Context, viewer int64, owners []int64) (map[int64]inventory.Relation, error) {
	if !c.feedOK.Load() {
		return c.Store.Relations(ctx, viewer, owners)
	}
	gen := c.gen.Load()
	out := make(map[int64]inventory.Relation, len(owners))
	for _, o := range owners {
		r, ok := c.relations.get(relKey{viewer, o}, gen)
		if !ok {
			break
		}
		out[o] = r
	}
	if len(out) == len(owners) {
		return out, nil
	}
	rels, err := c.Store.Relations(ctx, viewer, owners)
	if err != nil {
		return nil, err
	}
	if c.feedOK.Load() {
		for _, o := range owners {
			c.relations.put(relKey{viewer, o}, rels[o], gen)
		}
	}
	return rels, nil
}

// The writes of sessions and relations invalidate, as every write.

// CreateSession implements inventory.AdminStore.
func (c *Store) CreateSession(ctx context.Context, userID int64, tokenHash []byte) error {
	defer c.Invalidate()
	return c.Store.CreateSession(ctx, userID, tokenHash)
}

// DeleteSession implements inventory.Store.
func (c *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	defer c.Invalidate()
	return c.Store.DeleteSession(ctx, tokenHash)
}

// RevokeSessions implements inventory.AdminStore.
func (c *Store) RevokeSessions(ctx context.Context, userID int64, tokenHash []byte) (int, error) {
	defer c.Invalidate()
	return c.Store.RevokeSessions(ctx, userID, tokenHash)
}

// SetFriendship implements inventory.AdminStore.
func (c *Store) SetFriendship(ctx context.Context, a, b int64, on bool) error {
	defer c.Invalidate()
	return c.Store.SetFriendship(ctx, a, b, on)
}

// SetFollow implements inventory.AdminStore.
func (c *Store) SetFollow(ctx context.Context, follower, following int64, on bool) error {
	defer c.Invalidate()
	return c.Store.SetFollow(ctx, follower, following, on)
}
