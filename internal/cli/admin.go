package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/inventoryd/inventoryd/internal/api"
)

// adminCmd is one `inventoryd admin` operation: an admin API request whose
// path takes the positional arguments in order; with body, the last
// argument is the JSON body (inline, @FILE, or - for standard input).
type adminCmd struct {
	method, path string
	body         bool
	fixed        string // a fixed body instead
	help         string
}

// optBody names the operations whose body may be left out.
var optBody = map[string]bool{"item-grant": true}

var adminCmds = map[string]adminCmd{
	"user-create":      {"POST", "/admin/v1/users", true, "", "JSON"},
	"user-get":         {"GET", "/admin/v1/users/%s", false, "", "USER"},
	"user-update":      {"PATCH", "/admin/v1/users/%s", true, "", "USER JSON"},
	"ban":              {"PATCH", "/admin/v1/users/%s", false, `{"isBanned":true}`, "USER"},
	"unban":            {"PATCH", "/admin/v1/users/%s", false, `{"isBanned":false}`, "USER"},
	"friend-add":       {"PUT", "/admin/v1/users/%s/friends/%s", false, "", "USER FRIEND"},
	"friend-remove":    {"DELETE", "/admin/v1/users/%s/friends/%s", false, "", "USER FRIEND"},
	"follow-add":       {"PUT", "/admin/v1/users/%s/following/%s", false, "", "FOLLOWER FOLLOWED"},
	"follow-remove":    {"DELETE", "/admin/v1/users/%s/following/%s", false, "", "FOLLOWER FOLLOWED"},
	"session-create":   {"POST", "/admin/v1/users/%s/sessions", false, "", "USER"},
	"session-revoke":   {"POST", "/admin/v1/users/%s/sessions/revoke", true, "", `USER '{"cookie":"..."}'`},
	"sessions-revoke":  {"DELETE", "/admin/v1/users/%s/sessions", false, "", "USER"},
	"group-create":     {"POST", "/admin/v1/groups", true, "", "JSON"},
	"group-get":        {"GET", "/admin/v1/groups/%s", false, "", "GROUP"},
	"group-update":     {"PUT", "/admin/v1/groups/%s", true, "", "GROUP JSON"},
	"asset-create":     {"POST", "/admin/v1/assets", true, "", "JSON"},
	"asset-get":        {"GET", "/admin/v1/assets/%s", false, "", "ASSET"},
	"asset-update":     {"PATCH", "/admin/v1/assets/%s", true, "", "ASSET JSON"},
	"game-pass-create": {"POST", "/admin/v1/game-passes", true, "", "JSON"},
	"game-pass-get":    {"GET", "/admin/v1/game-passes/%s", false, "", "ID"},
	"game-pass-update": {"PUT", "/admin/v1/game-passes/%s", true, "", "ID JSON"},
	"badge-create":     {"POST", "/admin/v1/badges", true, "", "JSON"},
	"badge-get":        {"GET", "/admin/v1/badges/%s", false, "", "ID"},
	"badge-update":     {"PUT", "/admin/v1/badges/%s", true, "", "ID JSON"},
	"bundle-create":    {"POST", "/admin/v1/bundles", true, "", "JSON"},
	"bundle-get":       {"GET", "/admin/v1/bundles/%s", false, "", "ID"},
	"bundle-update":    {"PUT", "/admin/v1/bundles/%s", true, "", "ID JSON"},
	"place-create":     {"POST", "/admin/v1/places", true, "", "JSON"},
	"place-get":        {"GET", "/admin/v1/places/%s", false, "", "ID"},
	"place-update":     {"PUT", "/admin/v1/places/%s", true, "", "ID JSON"},
	"grant":            {"POST", "/admin/v1/user-assets", true, "", `'{"assetId":N,"owner":{"type":"User","id":N}}'`},
	"user-asset-get":   {"GET", "/admin/v1/user-assets/%s", false, "", "USERASSET"},
	"transfer":         {"POST", "/admin/v1/user-assets/%s/transfer", true, "", `USERASSET '{"from":{...},"to":{"type":"User","id":N}}'`},
	"revoke":           {"DELETE", "/admin/v1/user-assets/%s", false, "", "USERASSET [User|Group OWNER]"},
	"history":          {"GET", "/admin/v1/user-assets/%s/history", false, "", "USERASSET"},
	"item-grant":       {"PUT", "/admin/v1/users/%s/items/%s/%s", false, "", `USER GamePass|Badge|Bundle ID ['{"instanceId":...,"created":...}']`},
	"item-revoke":      {"DELETE", "/admin/v1/users/%s/items/%s/%s", false, "", "USER GamePass|Badge|Bundle ID"},
	"place-add":        {"PUT", "/admin/v1/users/%s/places/%s/%s", false, "", "USER MyGames|OtherGames|Purchased PLACE"},
	"place-remove":     {"DELETE", "/admin/v1/users/%s/places/%s/%s", false, "", "USER MyGames|OtherGames|Purchased PLACE"},
	"reset":            {"POST", "/admin/v1/reset", false, "", ""},
}

func adminUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `usage: inventoryd admin [--db DB | --url URL --admin-key KEY] OPERATION ARGS...

Every operation is a request to the admin API (docs/admin-api.md): against
a running server with --url, or in-process on a store with --db. JSON
arguments may be inline, @FILE or - (standard input). The answer's JSON
goes to standard output; an error answer exits non-zero.

operations:
`)
	names := make([]string, 0, len(adminCmds))
	for n := range adminCmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-17s %s\n", n, adminCmds[n].help)
	}
	fmt.Fprint(w, `  export            [json|ndjson]   (the whole store, as GET /admin/v1/export)
  import            FILE|-          (a fixture document, or an NDJSON stream if FILE ends .ndjson
                                     or the input's first line has a "kind")
  request           METHOD PATH [JSON]   (any admin API request)

flags:
`)
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// runAdmin runs one admin operation.
func runAdmin(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("admin", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // a flag error is returned, and printed once

	db := fs.String("db", envDefault(env, "db", ""), "operate on this store directly (SQLite path or postgres:// URL) (INVENTORYD_DB)")
	serverURL := fs.String("url", envDefault(env, "url", ""), "operate through a running server, e.g. http://127.0.0.1:8080 (INVENTORYD_URL)")
	key := fs.String("admin-key", envDefault(env, "admin-key", ""), "the server's admin key, with --url (INVENTORYD_ADMIN_KEY)")
	// Only -h (and no operation at all) prints the whole usage: after an
	// argument error, the error and a pointer to -h say enough.
	fs.Usage = func() {}
	pos, err := parseArgs(fs, args) // flags before or after the operation
	if errors.Is(err, flag.ErrHelp) {
		adminUsage(env.Stderr, fs)
		return err
	}
	if err != nil {
		return adminArgError{err}
	}
	if len(pos) == 0 {
		adminUsage(env.Stderr, fs)
		return errors.New("admin: name an operation")
	}
	// One target. A flag on the command line wins over the other's
	// INVENTORYD_ variable; two flags, or two variables, are ambiguous.
	if *db != "" && *serverURL != "" {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		switch {
		case set["db"] && !set["url"]:
			*serverURL = ""
		case set["url"] && !set["db"]:
			*db = ""
		default:
			return adminArgError{errors.New("admin: --db or --url, not both (INVENTORYD_DB and INVENTORYD_URL count as well)")}
		}
	}
	req, err := adminRequest(env, pos)
	if err != nil {
		return adminArgError{err}
	}
	var status int
	var out []byte
	switch {
	case *serverURL != "":
		status, out, err = adminRemote(ctx, *serverURL, *key, req)
		if err == nil && status == http.StatusUnauthorized && *key == "" {
			env.Stderr.Write(append(out, '\n'))
			return fmt.Errorf("admin %s: %d %s: no admin key: pass --admin-key or set INVENTORYD_ADMIN_KEY", pos[0], status, http.StatusText(status))
		}
	case *db != "":
		// Only import and user-create, which start a store from nothing
		// (docs/admin-api.md), may create it, as `inventoryd import` does:
		// any other operation on a mistyped path answered from a new,
		// empty store (404s, as if the records were gone).
		create := pos[0] == "import" || pos[0] == "user-create"
		status, out, err = adminLocal(ctx, *db, create, req)
	default:
		return errors.New("admin: name a store (--db) or a server (--url)")
	}
	if err != nil {
		return err
	}
	if status >= 400 {
		env.Stderr.Write(append(out, '\n'))
		return fmt.Errorf("admin %s: %d %s", pos[0], status, http.StatusText(status))
	}
	if req.raw {
		_, err = env.Stdout.Write(out) // an export, exactly as served
		return err
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, out, "", "  ") == nil {
		out = pretty.Bytes()
	}
	_, err = env.Stdout.Write(append(out, '\n'))
	return err
}

// adminArgError is a mistake in admin's arguments: its text points to
// -h, which lists the operations and their arguments.
type adminArgError struct{ err error }

func (e adminArgError) Error() string {
	return e.err.Error() + "\n(inventoryd admin -h lists the operations and their arguments)"
}

func (e adminArgError) Unwrap() error { return e.err }

// adminReq is one admin API request.
type adminReq struct {
	method, path string
	body         []byte
	contentType  string // application/json when empty
	raw          bool   // print the answer unchanged
}

// adminRequest turns an operation and its arguments into a request.
func adminRequest(env Env, args []string) (adminReq, error) {
	if len(args) == 0 {
		return adminReq{}, errors.New("admin: name an operation")
	}
	switch args[0] {
	case "request":
		if len(args) < 3 || len(args) > 4 {
			return adminReq{}, errors.New("admin request: METHOD PATH [JSON]")
		}
		r := adminReq{method: strings.ToUpper(args[1]), path: args[2]}
		// The path as the server would see it, the same in both modes:
		// without a leading slash --url would paste it onto the host.
		if !strings.HasPrefix(r.path, "/") {
			return adminReq{}, fmt.Errorf("admin request: PATH must start with / (e.g. /admin/v1/users/42), not %q", r.path)
		}
		if _, err := url.Parse(r.path); err != nil {
			return adminReq{}, fmt.Errorf("admin request: %w", err)
		}
		var err error
		if len(args) == 4 {
			r.body, err = readArg(env, args[3])
		}
		return r, err
	case "export":
		r := adminReq{method: "GET", path: "/admin/v1/export", raw: true}
		switch {
		case len(args) == 1 || len(args) == 2 && args[1] == "json":
		case len(args) == 2 && args[1] == "ndjson":
			r.path += "?format=ndjson"
		default:
			return adminReq{}, errors.New("admin export: [json|ndjson]")
		}
		return r, nil
	case "import":
		if len(args) != 2 {
			return adminReq{}, errors.New("admin import: FILE|-")
		}
		name := args[1]
		if name != "-" {
			name = "@" + name
		}
		body, err := readArg(env, name)
		if err != nil {
			return adminReq{}, err
		}
		r := adminReq{method: "POST", path: "/admin/v1/fixtures", body: body}
		// A stream by its name or, a file or standard input alike, by its
		// first line (docs/admin-api.md).
		if isNDJSON(args[1]) || firstLineIsRecord(body) {
			r.contentType = "application/x-ndjson"
		}
		return r, nil
	}
	c, ok := adminCmds[args[0]]
	if !ok {
		return adminReq{}, fmt.Errorf("admin: unknown operation %q", args[0])
	}
	rest := args[1:]
	var query string
	if args[0] == "revoke" && len(rest) == 3 {
		// Conditional: only while that owner has the copy (else 409).
		query = "?ownerType=" + url.QueryEscape(rest[1]) + "&ownerId=" + url.QueryEscape(rest[2])
		rest = rest[:1]
	}
	want := strings.Count(c.path, "%s")
	if c.body || optBody[args[0]] && len(rest) == want+1 {
		want++
	}
	if len(rest) != want {
		return adminReq{}, fmt.Errorf("admin %s: want arguments %s", args[0], c.help)
	}
	var body []byte
	if c.body || optBody[args[0]] && len(rest) > strings.Count(c.path, "%s") {
		var err error
		if body, err = readArg(env, rest[len(rest)-1]); err != nil {
			return adminReq{}, err
		}
		rest = rest[:len(rest)-1]
	} else if c.fixed != "" {
		body = []byte(c.fixed)
	}
	// Each argument is one path segment: escaped, a space, "%", "#", "?"
	// or "/" in it reaches the handler as part of the value (which then
	// refuses it) instead of ending or changing the path.
	parts := make([]any, len(rest))
	for i, a := range rest {
		parts[i] = url.PathEscape(a)
	}
	return adminReq{method: c.method, path: fmt.Sprintf(c.path, parts...) + query, body: body}, nil
}

// firstLineIsRecord reports whether b starts with an NDJSON record: a
// whole JSON object on the first line with a "kind" (a fixture document's
// first line is not a whole object, or has no kind).
func firstLineIsRecord(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF")) // a UTF-8 byte order mark, as the parsers skip
	line, _, _ := bytes.Cut(bytes.TrimLeft(b, " \t\r\n"), []byte("\n"))
	var rec struct {
		Kind *string `json:"kind"`
	}
	return json.Unmarshal(line, &rec) == nil && rec.Kind != nil
}

// readArg reads a JSON argument: inline, @FILE or - (standard input).
func readArg(env Env, a string) ([]byte, error) {
	switch {
	case a == "-":
		if env.Stdin == nil {
			return nil, errors.New("no standard input")
		}
		return io.ReadAll(env.Stdin)
	case strings.HasPrefix(a, "@"):
		return os.ReadFile(a[1:])
	}
	return []byte(a), nil
}

func (r adminReq) contentTypeOrJSON() string {
	if r.contentType != "" {
		return r.contentType
	}
	return "application/json"
}

// httpRequest builds the request for the server at base, the same way in
// both modes, so a bad method or path is the same error in both
// (httptest.NewRequest would panic on it).
func (r adminReq) httpRequest(ctx context.Context, base, key string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, r.method, base+r.path, bytes.NewReader(r.body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", r.contentTypeOrJSON())
	return req, nil
}

func adminRemote(ctx context.Context, base, key string, r adminReq) (int, []byte, error) {
	// Five minutes for an operation; an export or import of a large store
	// may take longer, and streams as it goes (Ctrl-C still stops it).
	if !strings.HasPrefix(r.path, "/admin/v1/export") && !strings.HasPrefix(r.path, "/admin/v1/fixtures") {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
	}
	req, err := r.httpRequest(ctx, strings.TrimSuffix(base, "/"), key)
	if err != nil {
		return 0, nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}

// adminLocal serves the request in-process with the admin API's own
// handler on the store, so both modes run exactly the same code.
func adminLocal(ctx context.Context, db string, create bool, r adminReq) (int, []byte, error) {
	k := make([]byte, 16)
	if _, err := rand.Read(k); err != nil {
		return 0, nil, err
	}
	key := hex.EncodeToString(k)
	// The request first: a bad one opens (or creates) nothing.
	req, err := r.httpRequest(ctx, "http://localhost", key)
	if err != nil {
		return 0, nil, err
	}
	// As a server fills them in for a request it reads.
	req.RequestURI = req.URL.RequestURI()
	req.RemoteAddr = "127.0.0.1:0"
	open := OpenExistingStore // a missing SQLite file is an error
	if create {
		open = OpenStore
	}
	st, err := open(ctx, db)
	if err != nil {
		return 0, nil, err
	}
	defer st.Close()
	h, err := api.NewServer(ctx, st, api.Config{AdminKey: key})
	if err != nil {
		return 0, nil, err
	}
	return serveLocal(h, req)
}

// serveLocal runs one request through h. A handler that ends its answer
// part way (an export whose store fails after its 200: net/http's
// ErrAbortHandler, which a server turns into a cut connection) is an
// error here, not a panic and not a whole answer.
func serveLocal(h http.Handler, req *http.Request) (code int, body []byte, err error) {
	rec := httptest.NewRecorder()
	defer func() {
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler {
				panic(v)
			}
			code, body, err = 0, nil, errors.New("the answer was cut short: the store failed part way")
		}
	}()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes(), nil
}
