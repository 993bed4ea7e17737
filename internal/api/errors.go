package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// apiError is one Roblox error answer: {"errors":[{"code":N,"message":M}]}.
// wire-behaviour.md §2.1: domain errors carry userFacingMessage "Something
// went wrong"; framework errors (401, CSRF 403, 404, 429) do not.
type apiError struct {
	Status     int
	Code       int
	Message    string
	Field      string // set on parameter-binding errors (wire-behaviour.md §2.5)
	UserFacing bool
	csrfToken  string // set on the CSRF challenge
}

func (e *apiError) Error() string { return e.Message }

func fail(status, code int, msg string) *apiError {
	return &apiError{Status: status, Code: code, Message: msg, UserFacing: true}
}

// Framework errors.
var (
	errNotFound     = &apiError{Status: http.StatusNotFound, Code: 0, Message: "NotFound"}
	errUnauthorized = &apiError{Status: http.StatusUnauthorized, Code: 0, Message: "Authorization has been denied for this request."}
	errUnavailable  = &apiError{Status: http.StatusServiceUnavailable, Code: 0, Message: "Service Unavailable"}
	errInternal     = &apiError{Status: http.StatusInternalServerError, Code: 0, Message: "An unknown error occured."}
	errBadCursor    = &apiError{Status: http.StatusBadRequest, Code: 0, Message: "Invalid cursor.", Field: "cursor"}
	errTooLarge     = &apiError{Status: http.StatusRequestEntityTooLarge, Code: 0, Message: "Request body too large."}
	errBadBody      = &apiError{Status: http.StatusBadRequest, Code: 0, Message: "The request body could not be read."}
	errCancelled    = &apiError{Status: http.StatusBadRequest, Code: 0, Message: "The request was cancelled: the client closed the connection."}
)

type errorBody struct {
	Errors []errorItem `json:"errors"`
}

type errorItem struct {
	Code              int    `json:"code"`
	Message           string `json:"message"`
	UserFacingMessage string `json:"userFacingMessage,omitempty"`
	Field             string `json:"field,omitempty"`
}

// writeError writes err as the Roblox envelope. Errors that are not
// *apiError are mapped by kind; their text never reaches the client.
func writeError(w http.ResponseWriter, r *http.Request, err error, log *slog.Logger) {
	var ae *apiError
	var be *bodyError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
		if ae.Status >= 500 && r.Context().Err() != nil {
			ae = errCancelled // as below (a handler's own 503, /healthz's)
		}
	case errors.As(err, &mbe):
		ae = errTooLarge
	case errors.As(err, &be):
		ae = errBadBody
	case r.Context().Err() != nil:
		// The client closed the connection (net/http cancels the request
		// then), and the store call for it stopped: not a server fault,
		// nor logged as one. A client that only half-closed reads this.
		ae = errCancelled
	default:
		switch inventory.KindOf(err) {
		case inventory.KindUnavailable:
			ae = errUnavailable
		default:
			ae = errInternal
		}
		if log != nil {
			log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
	}
	if ae.csrfToken != "" {
		w.Header().Set("x-csrf-token", ae.csrfToken)
	}
	if ae.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	item := errorItem{Code: ae.Code, Message: ae.Message, Field: ae.Field}
	if ae.UserFacing {
		item.UserFacingMessage = "Something went wrong"
	}
	writeJSON(w, ae.Status, errorBody{Errors: []errorItem{item}})
}

// writeJSON writes v with Roblox's headers and string escaping
// (wirejson.go).
func writeJSON(w http.ResponseWriter, status int, v any) {
	if pa, ok := v.(pageAppender); ok { // hot pages: wirejson.go
		bp := bufPool.Get().(*[]byte)
		b, ok := pa.appendJSON((*bp)[:0])
		if ok {
			writeRaw(w, status, b)
		}
		if cap(b) <= 1<<20 {
			*bp = b[:0]
			bufPool.Put(bp)
		}
		if ok {
			return
		}
	}
	b, err := marshalJSON(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"errors":[{"code":0,"message":"An unknown error occured."}]}`)
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	// A known length: net/http then writes the page as it is instead of
	// in chunks (and the real service sends one too).
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
