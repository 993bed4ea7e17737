package api

import (
	"bufio"
	"net/http"
	"strconv"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// Ownership: grant, transfer, revoke, history; game passes, badges and
// bundles; places tabs; export.

func (s *Server) adminGrant(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		AssetID   int64      `json:"assetId"`
		Owner     *agentBody `json:"owner"`
		HoldUntil string     `json:"holdUntil"`
		ExpireAt  string     `json:"expireAt"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	owner, err := agentParam("owner", body.Owner)
	if err != nil {
		return err
	}
	g := inventory.GrantRequest{AssetID: body.AssetID, Owner: owner}
	if g.HoldUntil, err = optTimeParam("holdUntil", body.HoldUntil); err != nil {
		return err
	}
	if g.ExpireAt, err = optTimeParam("expireAt", body.ExpireAt); err != nil {
		return err
	}
	ua, err := s.adminLayer().Grant(r.Context(), g)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, inventory.UserAssetRecordOf(ua))
	return nil
}

func (s *Server) adminGetUserAsset(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "userAssetId")
	if err != nil {
		return err
	}
	ua, err := s.store.UserAsset(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, inventory.UserAssetRecordOf(ua))
	return nil
}

func (s *Server) adminTransfer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "userAssetId")
	if err != nil {
		return err
	}
	var body struct {
		From      *agentBody `json:"from"`
		To        *agentBody `json:"to"`
		HoldUntil string     `json:"holdUntil"`
	}
	if err := decodeBody(r, &body); err != nil {
		return err
	}
	t := inventory.TransferRequest{UserAssetID: id}
	if t.To, err = agentParam("to", body.To); err != nil {
		return err
	}
	if body.From != nil {
		from, err := agentParam("from", body.From)
		if err != nil {
			return err
		}
		t.From = &from
	}
	if t.HoldUntil, err = optTimeParam("holdUntil", body.HoldUntil); err != nil {
		return err
	}
	ua, err := s.adminLayer().Transfer(r.Context(), t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, inventory.UserAssetRecordOf(ua))
	return nil
}

// adminRevoke serves DELETE /admin/v1/user-assets/{userAssetId}; with
// ?ownerType=User&ownerId=N only while that owner still has the copy.
func (s *Server) adminRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "userAssetId")
	if err != nil {
		return err
	}
	var from *inventory.Agent
	q := r.URL.Query()
	if t, n := q.Get("ownerType"), q.Get("ownerId"); t != "" || n != "" {
		oid, err := strconv.ParseInt(n, 10, 64)
		if err != nil {
			return invalidBody("ownerId: must be an integer")
		}
		at, ok := inventory.ParseAgentType(t)
		if !ok || at == inventory.AgentExperience {
			return invalidBody("ownerType: must be User or Group")
		}
		from = &inventory.Agent{Type: at, ID: oid}
	}
	ua, err := s.adminLayer().Revoke(r.Context(), id, from)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, inventory.UserAssetRecordOf(ua))
	return nil
}

// ledgerEntry is one history row on the wire.
type ledgerEntry struct {
	ID          int64                  `json:"id"`
	At          string                 `json:"at"`
	Op          string                 `json:"op"`
	ItemType    string                 `json:"itemType"`
	ItemID      int64                  `json:"itemId"`
	UserAssetID *int64                 `json:"userAssetId"`
	Serial      *int64                 `json:"serialNumber"`
	InstanceID  *string                `json:"collectibleItemInstanceId"`
	From        *inventory.AgentRecord `json:"from"`
	To          *inventory.AgentRecord `json:"to"`
}

func agentPtr(a *inventory.Agent) *inventory.AgentRecord {
	if a == nil {
		return nil
	}
	return &inventory.AgentRecord{Type: a.Type.String(), ID: a.ID}
}

func (s *Server) adminHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "userAssetId")
	if err != nil {
		return err
	}
	es, err := s.store.History(r.Context(), id)
	if err != nil {
		return err
	}
	out := make([]ledgerEntry, len(es))
	for i, e := range es {
		out[i] = ledgerEntry{ID: e.ID, At: inventory.FormatTime(e.At), Op: e.Op.String(), ItemType: e.ItemType.String(), ItemID: e.ItemID,
			Serial: e.Serial, InstanceID: optString(e.InstanceID), From: agentPtr(e.From), To: agentPtr(e.To)}
		if e.UserAssetID != 0 {
			v := e.UserAssetID
			out[i].UserAssetID = &v
		}
	}
	writeJSON(w, http.StatusOK, struct {
		Data []ledgerEntry `json:"data"`
	}{out})
	return nil
}

// adminUserItem serves PUT (grant) and DELETE (revoke)
// /admin/v1/users/{userId}/items/{itemType}/{itemId}.
func (s *Server) adminUserItem(on bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ids, err := pathIDs(r, "userId", "itemId")
		if err != nil {
			return err
		}
		t, ok := inventory.ParseItemType(r.PathValue("itemType"))
		if !ok {
			return invalidBody("itemType: must be GamePass, Badge or Bundle")
		}
		var body struct {
			InstanceID *int64 `json:"instanceId"`
			Created    string `json:"created"`
		}
		if on {
			if err := decodeBody(r, &body); err != nil {
				return err
			}
		}
		it := inventory.UserItem{UserID: ids[0], Type: t, ItemID: ids[1], InstanceID: body.InstanceID}
		if c, err := optTimeParam("created", body.Created); err != nil {
			return err
		} else if c != nil {
			it.Created = *c
		}
		if err := s.adminLayer().SetUserItem(r.Context(), it, on); err != nil {
			return err
		}
		writeRaw(w, http.StatusOK, []byte("{}"))
		return nil
	}
}

// adminUserPlace serves PUT and DELETE
// /admin/v1/users/{userId}/places/{placesTab}/{placeId}.
func (s *Server) adminUserPlace(on bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ids, err := pathIDs(r, "userId", "placeId")
		if err != nil {
			return err
		}
		tab, ok := inventory.ParsePlacesTab(r.PathValue("placesTab"))
		if !ok {
			return invalidBody("placesTab: must be MyGames, OtherGames or Purchased")
		}
		if err := s.adminLayer().SetUserPlace(r.Context(), ids[0], tab, ids[1], on); err != nil {
			return err
		}
		writeRaw(w, http.StatusOK, []byte("{}"))
		return nil
	}
}

// adminExport serves GET /admin/v1/export: the whole store as a fixture
// document (or ?format=ndjson, the streaming form), streamed from one
// snapshot. An error after the first byte can only cut the body short.
func (s *Server) adminExport(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "ndjson" {
		return invalidBody("format: must be json or ndjson")
	}
	ndjson := format == "ndjson"
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	if ndjson {
		h.Set("Content-Type", "application/x-ndjson")
	} else {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	// The server's WriteTimeout bounds a whole answer; an export of a
	// large store takes longer, so each write gets its own deadline
	// instead: a reader may be slow, not stalled.
	cw := &countingWriter{w: w, rc: http.NewResponseController(w)}
	bw := bufio.NewWriterSize(cw, 64<<10)
	var sink interface {
		inventory.RecordSink
		Close() error
	} = inventory.NewDocumentWriter(bw)
	if ndjson {
		sink = inventory.NewNDJSONWriter(bw)
	}
	if err := s.store.Export(r.Context(), sink); err != nil {
		if cw.n == 0 {
			return err // nothing sent yet: an error envelope still fits
		}
		// The 200 is gone: end the connection without the chunked body's
		// last chunk, so that the client reads an incomplete answer (an
		// unexpected EOF; curl exits 18) instead of a clean end. A cut that
		// fell between two records used to look like a whole export.
		if r.Context().Err() == nil { // not the client leaving
			s.log.Error("export failed", "err", err)
		}
		panic(http.ErrAbortHandler)
	}
	if err := sink.Close(); err != nil {
		panic(http.ErrAbortHandler)
	}
	if err := bw.Flush(); err != nil {
		panic(http.ErrAbortHandler)
	}
	return nil
}

// exportWriteWait is how long one write of an export may wait for the
// client to read.
const exportWriteWait = 60 * time.Second

// countingWriter counts the bytes that reached the client, and gives each
// write a deadline of its own.
type countingWriter struct {
	w  http.ResponseWriter
	rc *http.ResponseController
	n  int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	_ = c.rc.SetWriteDeadline(time.Now().Add(exportWriteWait))
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
