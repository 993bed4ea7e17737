package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"runtime/debug"
	"strings"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
)

// Config holds the server's settings.
type Config struct {
	// AdminKey enables the admin API (Authorization: Bearer <key>); empty
	// disables it (404).
	AdminKey string
	// CollectionLimit is how many items a profile collection holds
	// (wire-behaviour.md §3.8: no source; the profile UI showed 6).
	CollectionLimit int
	// MaxBodyBytes bounds request bodies (the admin fixture upload).
	MaxBodyBytes int64
	// Logger receives request failures; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Server serves the inventory API.
type Server struct {
	store   inventory.Store
	cfg     Config
	cursors *inventory.Cursors
	csrfKey []byte
	log     *slog.Logger
	now     func() time.Time
	mux     *http.ServeMux
}

// NewServer builds the handler. It reads the cursor and CSRF keys from the
// store, creating them on first start, so every replica shares them.
func NewServer(ctx context.Context, store inventory.Store, cfg Config) (*Server, error) {
	if cfg.CollectionLimit <= 0 {
		cfg.CollectionLimit = 6
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 64 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ck, err := store.Secret(ctx, "cursor-hmac")
	if err != nil {
		return nil, fmt.Errorf("cursor key: %w", err)
	}
	xk, err := store.Secret(ctx, "csrf-hmac")
	if err != nil {
		return nil, fmt.Errorf("csrf key: %w", err)
	}
	s := &Server{store: store, cfg: cfg, cursors: inventory.NewCursors(ck), csrfKey: xk, log: log, now: cfg.Now, mux: http.NewServeMux()}
	s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
			writeError(w, r, errInternal, nil)
		}
	}()
	normalize(r)
	if p := r.URL.EscapedPath(); cleanPath(p) != p {
		// ServeMux would redirect (307, an HTML body) to the cleaned path,
		// and answer a CONNECT authority-form target with a plain-text 404:
		// no route of Roblox's has empty or dot segments.
		writeError(w, r, errNotFound, nil)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// cleanPath is ServeMux's canonical form of a path: rooted, no empty, "."
// or ".." segments, a trailing slash kept.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}

// queryKeys are the query parameters of the swagger, by lower-case name.
var queryKeys = map[string]string{}

func init() {
	for _, k := range []string{"limit", "cursor", "sortOrder", "assetTypes", "assetType", "filterDisapprovedAssets",
		"showApprovedOnly", "placesTab", "itemsPerPage"} {
		queryKeys[strings.ToLower(k)] = k
	}
}

// normalize makes routing behave like ASP.NET's, which Roblox runs: paths
// match case-insensitively and with or without one trailing slash, and
// query parameter names bind case-insensitively. Every path parameter is
// a number, a UUID or a case-insensitive enum name, so lower-casing the
// path loses nothing.
func normalize(r *http.Request) {
	p := r.URL.Path
	if len(p) > 1 && p[len(p)-1] == '/' {
		p = p[:len(p)-1]
	}
	for i := 0; i < len(p); i++ {
		if 'A' <= p[i] && p[i] <= 'Z' {
			p = strings.ToLower(p)
			break
		}
	}
	if p != r.URL.Path {
		r.URL.Path, r.URL.RawPath = p, ""
	}
	raw := r.URL.RawQuery
	if raw == "" {
		return
	}
	for part := range strings.SplitSeq(raw, "&") {
		k, _, _ := strings.Cut(part, "=")
		if c, ok := lookupQueryKey(k); ok && c != k {
			r.URL.RawQuery = canonicalQuery(raw).Encode()
			return
		}
	}
}

// lookupQueryKey is queryKeys[strings.ToLower(k)] without allocating: the
// keys are short ASCII, lower-cased into a stack buffer; a longer key or one
// with non-ASCII bytes takes strings.ToLower, exactly as before (Unicode
// case mapping, e.g. the Kelvin sign K, can lower-case to ASCII).
func lookupQueryKey(k string) (string, bool) {
	var buf [24]byte
	if len(k) > len(buf) {
		c, ok := queryKeys[strings.ToLower(k)]
		return c, ok
	}
	for i := 0; i < len(k); i++ {
		ch := k[i]
		if ch >= 0x80 {
			c, ok := queryKeys[strings.ToLower(k)]
			return c, ok
		}
		if 'A' <= ch && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		buf[i] = ch
	}
	c, ok := queryKeys[string(buf[:len(k)])]
	return c, ok
}

// canonicalQuery parses raw as url.ParseQuery does, with the swagger's
// keys in their canonical case. Values keep the order they had in the
// request, across spellings of a key (?LIMIT=10&limit=25 is [10 25]), so
// that the first value, which the handlers use, does not depend on map
// iteration order.
func canonicalQuery(raw string) url.Values {
	out := url.Values{}
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" || strings.Contains(part, ";") {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			continue
		}
		if c, ok := lookupQueryKey(k); ok {
			k = c
		}
		out[k] = append(out[k], v)
	}
	return out
}

// handler is an endpoint that returns its error instead of writing it.
type handler func(w http.ResponseWriter, r *http.Request) error

func (s *Server) adapt(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The handler gets a copy of the request whose body is read
		// through the size limit; the original's stays net/http's own,
		// which it needs after the handler: with `Expect: 100-continue`
		// and a body the handler never read, it then answers at once and
		// closes, instead of draining a body the client never sends (a
		// wait of the whole read timeout). The context is the request's:
		// a client that goes away stops the work done for it (writeError).
		r = r.WithContext(r.Context())
		if r.Body != nil {
			r.Body = bodyReader{http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)}
		}
		if err := h(w, r); err != nil {
			writeError(w, r, err, s.log)
		}
	})
}

// bodyReader marks the errors of reading a request body (a client that
// stalls past the read timeout or hangs up mid-body, a body over the
// limit), so that writeError answers them as the client's fault (400, 413)
// whatever the handler wrapped them in.
type bodyReader struct{ io.ReadCloser }

func (b bodyReader) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = &bodyError{err}
	}
	return n, err
}

type bodyError struct{ err error }

func (e *bodyError) Error() string { return "read request body: " + e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }

// sessionCookie is the Roblox session cookie (securityScheme
// roblox-legacy-cookie, wire-behaviour.md §2.2).
const sessionCookie = ".ROBLOSECURITY"

// session is what the cookie resolved to.
type session struct {
	inventory.Viewer
	tokenHash []byte // nil when no cookie was sent
}

// viewer resolves the session cookie. An absent, empty or unknown cookie is
// anonymous, never an error (public GETs must not 401).
func (s *Server) viewer(r *http.Request) (session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 8192 {
		return session{}, nil
	}
	h := inventory.HashToken(c.Value)
	id, err := s.store.SessionUser(r.Context(), h)
	if err != nil {
		if inventory.KindOf(err) == inventory.KindNotFound {
			return session{tokenHash: h}, nil
		}
		return session{}, err
	}
	return session{Viewer: inventory.Viewer{UserID: id}, tokenHash: h}, nil
}

// requireSession is viewer for cookie-only routes: 401 when anonymous.
func (s *Server) requireSession(r *http.Request) (session, error) {
	se, err := s.viewer(r)
	if err != nil {
		return se, err
	}
	if se.Anonymous() {
		return se, errUnauthorized
	}
	return se, nil
}

// csrfWindow is how long one CSRF token bucket lasts; a token is accepted
// in its own window and the two before it.
const csrfWindow = 30 * time.Minute

func (s *Server) csrfToken(tokenHash []byte, bucket int64) string {
	m := hmac.New(sha256.New, s.csrfKey)
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(bucket))
	m.Write(b[:])
	m.Write(tokenHash)
	return base64.RawStdEncoding.EncodeToString(m.Sum(nil)[:9])
}

// checkCSRF enforces the XSRF challenge of wire-behaviour.md §2.3: a
// missing or wrong x-csrf-token is 403 code 0 "Token Validation Failed"
// with a fresh token in the x-csrf-token header. Tokens are an HMAC of the
// session and a time bucket under a key kept in the store, so they are
// bound to the session and valid across restarts and replicas.
func (s *Server) checkCSRF(r *http.Request, se session) error {
	bucket := s.now().UnixNano() / int64(csrfWindow)
	got := r.Header.Get("x-csrf-token")
	if got != "" && len(got) <= 64 {
		for i := int64(0); i < 3; i++ {
			if subtle.ConstantTimeCompare([]byte(got), []byte(s.csrfToken(se.tokenHash, bucket-i))) == 1 {
				return nil
			}
		}
	}
	return &apiError{Status: http.StatusForbidden, Code: 0, Message: "Token Validation Failed", csrfToken: s.csrfToken(se.tokenHash, bucket)}
}

// checkAdmin compares the bearer token with the admin key in constant time.
// The scheme name is case-insensitive (RFC 9110 §11.1: "bearer" is
// "Bearer"), and spaces around the token are not part of it.
func (s *Server) checkAdmin(r *http.Request) error {
	if s.cfg.AdminKey == "" {
		return errNotFound
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") ||
		subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(s.cfg.AdminKey)) != 1 {
		return errUnauthorized
	}
	return nil
}
