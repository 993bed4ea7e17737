package inventorytest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// concurrentImports: imports that run at once, and beside grants, all
// commit, and the copies they number get distinct userAssetIds. Streams
// and documents number copies without one above the largest id they
// read: side by side on PostgreSQL they gave the same ids (a unique
// violation), and documents updating the same users deadlocked.
func (s *suite) concurrentImports(t *testing.T) {
	st := s.example(t)
	const streams, docs, grants = 6, 6, 6
	var wg sync.WaitGroup
	errs := make(chan error, streams+docs+grants)
	for i := range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := parse(t, fmt.Sprintf(`{"users": [{"id": %d, "username": "stream%d"}, {"id": 2001, "username": "Telamon"}],
				"userAssets": [{"assetId": 1365767, "owner": {"type": "User", "id": %d}}]}`, 7000+i, i, 7000+i))
			errs <- loads["ImportStream"](st, f)
		}()
	}
	for i := range docs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			users := `{"id": 261, "username": "Shedletsky"}, {"id": 2001, "username": "Telamon"}`
			if i%2 == 1 { // the same rows in the other order
				users = `{"id": 2001, "username": "Telamon"}, {"id": 261, "username": "Shedletsky"}`
			}
			f := parse(t, fmt.Sprintf(`{"users": [%s, {"id": %d, "username": "doc%d"}],
				"userAssets": [{"assetId": 1365767, "owner": {"type": "User", "id": %d}}]}`, users, 8000+i, i, 8000+i))
			f.Hash = ""
			errs <- st.Import(bg, f)
		}()
	}
	for range grants {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := st.Grant(bg, inventory.GrantRequest{AssetID: 1365767, Owner: inventory.Agent{Type: inventory.AgentUser, ID: 2003}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent write: %v", err)
		}
	}
	seen := map[int64]bool{}
	count := func(owner int64, want int) {
		cs, err := st.OwnedCopies(bg, owner, 1365767, 100)
		must(t, err)
		if len(cs) != want {
			t.Errorf("user %d owns %d copies, want %d", owner, len(cs), want)
		}
		for _, c := range cs {
			if seen[c.ID] {
				t.Errorf("userAssetId %d given twice", c.ID)
			}
			seen[c.ID] = true
		}
	}
	for i := range streams {
		count(7000+int64(i), 1)
	}
	for i := range docs {
		count(8000+int64(i), 1)
	}
	count(2003, grants)
	checkInvariants(t, st)
}
