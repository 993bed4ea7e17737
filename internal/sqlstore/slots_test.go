package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/sqlstore"
	"github.com/inventoryd/inventoryd/internal/storetest"
)

// stalledSink is an export's client that does not read: its first record
// blocks until release is closed.
type stalledSink struct {
	started chan struct{}
	release chan struct{}
	once    sync.Once
}

func (s *stalledSink) Record(string, any) error {
	s.once.Do(func() { close(s.started) })
	<-s.release
	return nil
}

// TestExportsBounded: exports whose clients stop reading hold a read
// connection each; the store lets only some run at once (the next gets
// KindUnavailable, a 503, once the slot wait passes), so that reads still
// find a connection. Before, eight unread exports took PostgreSQL's whole
// default pool and the replica answered 503 to every read for a minute.
func TestExportsBounded(t *testing.T) {
	defer func(v time.Duration) { *sqlstore.SlotWait = v }(*sqlstore.SlotWait)
	*sqlstore.SlotWait = 200 * time.Millisecond
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		st := open(t)
		importDoc(t, st, `{"users":[{"id":1,"username":"a"}]}`)
		release := make(chan struct{})
		var wg sync.WaitGroup
		defer func() { close(release); wg.Wait() }()
		running := 0
		for ; running < 64; running++ {
			sink := &stalledSink{started: make(chan struct{}), release: release}
			done := make(chan error, 1)
			wg.Add(1)
			go func() { defer wg.Done(); done <- st.Export(ctx, sink) }()
			select {
			case <-sink.started:
				continue // holds its connection now
			case err := <-done:
				if inventory.KindOf(err) != inventory.KindUnavailable {
					t.Fatalf("export %d: %v, want unavailable (too many exports)", running+1, err)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("export %d neither started nor was refused: it waits for a connection, the pool is exhausted", running+1)
			}
			break
		}
		if running == 0 || running >= 64 {
			t.Fatalf("%d exports ran at once: want a limit of at least one", running)
		}
		// With every export slot held by a stalled client, reads go on.
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if u, err := st.User(rctx, 1); err != nil || u.Name != "a" {
			t.Fatalf("read while %d exports stall: %+v, %v", running, u, err)
		}
	})
}
