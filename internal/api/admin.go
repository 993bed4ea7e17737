package api

import (
	"bufio"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"time"

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
	answer := importDeadline(w)
	err = s.store.Import(r.Context(), f)
	answer() // the error envelope, too
	if err != nil {
		return domainError(err)
	}
	writeRaw(w, http.StatusOK, []byte("{}"))
	return nil
}

// importDeadline lifts the server's write timeout, which runs from the
// request's headers, for an import that follows its upload: the upload
// and the import together may take longer, and an import that committed
// must not end in a cut connection (a client would retry it). The
// returned function gives the answer its own deadline.
func importDeadline(w http.ResponseWriter) (answer func()) {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // not supported by test recorders: nothing to lift
	return func() { _ = rc.SetWriteDeadline(time.Now().Add(exportWriteWait)) }
}

// spoolFile is an import's spool; its write errors (a full disk) are the
// server's trouble for now, 503, not the client's.
type spoolFile struct{ f *os.File }

func (s spoolFile) Write(p []byte) (int, error) {
	n, err := s.f.Write(p)
	if err != nil {
		err = spoolError(err)
	}
	return n, err
}

func spoolError(err error) error {
	return &inventory.Error{Kind: inventory.KindUnavailable, Message: "spooling the upload: " + err.Error()}
}

// adminImportStream imports the streaming (NDJSON) form of a fixture
// document, all in one transaction (docs/bulk-import.md). The body is
// spooled to a temporary file first: the import's transaction holds the
// store's write lock (SQLite's one writer; PostgreSQL's fixture-import
// lock, which every grant takes), and a client that sends one line and
// stalls must not hold it for the whole read timeout.
func (s *Server) adminImportStream(w http.ResponseWriter, r *http.Request) error {
	spool, err := os.CreateTemp("", "inventoryd-import-*.ndjson") // in $TMPDIR
	if err != nil {
		return spoolError(err)
	}
	// Unlinked at once where the system allows (the open file stays
	// readable), so that a crash leaves no spool behind.
	unlinked := os.Remove(spool.Name()) == nil
	defer func() {
		spool.Close()
		if !unlinked {
			os.Remove(spool.Name())
		}
	}()
	if _, err := io.Copy(spoolFile{spool}, r.Body); err != nil {
		return err // writeError: 413 past the limit, 400 unreadable, 503 the spool's own
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return spoolError(err)
	}
	answer := importDeadline(w)
	rd := inventory.NewNDJSONReader(bufio.NewReaderSize(spool, 1<<20), s.now(), 0)
	st, err := s.store.ImportStream(r.Context(), rd.Next, nil)
	answer()
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
