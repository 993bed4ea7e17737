package cache_test

import (
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/inventory/cache"
	"github.com/inventoryd/inventoryd/internal/inventory/inventorytest"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// TestContract runs the Store contract suite through the cache, with the
// ownership cache on, on every store: with a TTL far longer than the test,
// only the invalidation on writes (and the change feed) keeps the answers
// right.
func TestContract(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		cached := func(tb testing.TB) inventory.Store { return cache.Cached(open(tb), time.Hour) }
		inventorytest.Run(t, cached)
		inventorytest.RunAdmin(t, cached)
	})
}
