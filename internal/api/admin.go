package api

import (
	"bufio"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// adminImport serves POST /admin/v1/fixtures: the body is a fixture
// document, imported in one transaction; a bad document is 400 naming the
// path of the bad value, and nothing of it is kept.
func (s *Server) adminImport(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkAdmin(r); err != nil {
		return err
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-ndjson" {
		return s.adminImportStream(w, r)
	}
	f, err := inventory.ParseFixture(r.Body, s.now())
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge
		}
		return domainError(err)
	}
	if err := s.store.Import(r.Context(), f); err != nil {
		return domainError(err)
	}
	writeRaw(w, http.StatusOK, []byte("{}"))
	return nil
}

// adminImportStream imports the streaming (NDJSON) form of a fixture
// document, all in one transaction (docs/bulk-import.md). The body is
// spooled to a temporary file first: the import's transaction holds the
// store's write lock (SQLite's one writer; PostgreSQL's fixture-import
// lock, which every grant takes), and a client that sends one line and
// stalls must not hold it for the whole read timeout.
func (s *Server) adminImportStream(w http.ResponseWriter, r *http.Request) error {
	spool, err := os.CreateTemp("", "inventoryd-import-*.ndjson")
	if err != nil {
		return err
	}
	defer func() {
		spool.Close()
		os.Remove(spool.Name())
	}()
	if _, err := io.Copy(spool, r.Body); err != nil {
		return err // writeError: 413 past the limit, 400 unreadable, 500 the spool's own
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	rd := inventory.NewNDJSONReader(bufio.NewReaderSize(spool, 1<<20), s.now(), 0)
	st, err := s.store.ImportStream(r.Context(), rd.Next, nil)
	if err != nil {
		return domainError(err)
	}
	writeJSON(w, http.StatusOK, struct {
		Records    int64 `json:"records"`
		UserAssets int64 `json:"userAssets"`
	}{st.Records, st.UserAssets})
	return nil
}

// adminReset serves POST /admin/v1/reset: the store is emptied.
func (s *Server) adminReset(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkAdmin(r); err != nil {
		return err
	}
	if err := decodeBody(r, &struct{}{}); err != nil { // takes no body (noBody)
		return err
	}
	if err := s.store.Reset(r.Context()); err != nil {
		return err
	}
	writeRaw(w, http.StatusOK, []byte("{}"))
	return nil
}

// domainError maps client-caused domain errors onto 4xx envelopes whose
// message is the domain message; anything else passes through (5xx).
func domainError(err error) error {
	var de *inventory.Error
	if !errors.As(err, &de) {
		return err
	}
	switch de.Kind {
	case inventory.KindInvalid:
		return &apiError{Status: http.StatusBadRequest, Code: 0, Message: de.Message}
	case inventory.KindNotFound:
		return &apiError{Status: http.StatusNotFound, Code: 0, Message: de.Message}
	case inventory.KindConflict:
		return &apiError{Status: http.StatusConflict, Code: 0, Message: de.Message}
	case inventory.KindForbidden:
		return &apiError{Status: http.StatusForbidden, Code: 0, Message: de.Message}
	}
	return err
}
