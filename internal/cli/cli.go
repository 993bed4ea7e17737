// Package cli is inventoryd's command line: Run dispatches to subcommands
// (serve, import), each with its own FlagSet. Run takes its environment as
// arguments and touches no globals, so tests (and programs embedding
// inventoryd) start it in-process.
package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/inventoryd/inventoryd/internal/inventory"
	"github.com/inventoryd/inventoryd/internal/postgres"
	"github.com/inventoryd/inventoryd/internal/sqlite"
)

// Env is what a command may use of its process.
type Env struct {
	Args   []string // without the program name
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Ready, when set, receives the serving address once the server
	// listens (tests).
	Ready func(addr string)
}

const usage = `usage: inventoryd <command> [flags]

commands:
  serve     run the HTTP server
  import    import fixture documents (FILE.json) or streams (FILE.ndjson) into a store
  export    write the whole store as a fixture document or stream
  generate  make a deterministic synthetic data set (a file, or straight into a store)
  admin     run an admin operation on a store (--db) or a running server (--url)
`

// Run runs one command.
func Run(ctx context.Context, env Env) error {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if len(env.Args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return errors.New("no command")
	}
	err := run(ctx, env)
	if errors.Is(err, flag.ErrHelp) {
		return nil // a subcommand's -h printed its flags
	}
	return err
}

func run(ctx context.Context, env Env) error {
	switch env.Args[0] {
	case "serve":
		return runServe(ctx, env, env.Args[1:])
	case "import":
		return runImport(ctx, env, env.Args[1:])
	case "export":
		return runExport(ctx, env, env.Args[1:])
	case "generate":
		return runGenerate(ctx, env, env.Args[1:])
	case "admin":
		return runAdmin(ctx, env, env.Args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return nil
	}
	fmt.Fprint(env.Stderr, usage)
	return fmt.Errorf("unknown command %q", env.Args[0])
}

// envName is the environment fallback of flag name: INVENTORYD_<NAME>.
func envName(name string) string {
	return "INVENTORYD_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// envDefault returns INVENTORYD_<NAME> or def.
func envDefault(env Env, name, def string) string {
	if v := env.Getenv(envName(name)); v != "" {
		return v
	}
	return def
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// OpenStore opens the store named by dsn: a postgres:// or postgresql://
// URL selects PostgreSQL, anything else is a SQLite file path, created
// (with an empty store) if it does not exist.
func OpenStore(ctx context.Context, dsn string) (inventory.Store, error) {
	if isPostgres(dsn) {
		if openPostgres == nil {
			return nil, errors.New("this build has no PostgreSQL store")
		}
		return openPostgres(ctx, dsn)
	}
	return sqlite.Open(ctx, dsn)
}

// OpenExistingStore is OpenStore for commands that only read a store
// (export, admin --db): it refuses a SQLite path that does not exist
// instead of creating an empty store there, which a mistyped --db made
// look like an empty store (and an export of it a valid, empty backup).
func OpenExistingStore(ctx context.Context, dsn string) (inventory.Store, error) {
	if p := sqlitePath(dsn); p != "" {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no store at %s (inventoryd import or serve creates one)", p)
		}
	}
	return OpenStore(ctx, dsn)
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// redactDSN is dsn fit for output: a PostgreSQL URL with its password
// (in the user info or a password parameter) replaced by "xxxxx".
func redactDSN(dsn string) string {
	if !isPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable PostgreSQL URL)"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// openPostgres opens the PostgreSQL store (internal/postgres).
var openPostgres = func(ctx context.Context, url string) (inventory.Store, error) {
	return postgres.Open(ctx, url)
}

// importFile parses and imports one fixture document.
func importFile(ctx context.Context, st inventory.Store, name string, r io.Reader) error {
	f, err := inventory.ParseFixture(r, time.Now())
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := st.Import(ctx, f); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// importPaths imports files in order (importFiles, without standard
// input); progress of NDJSON streams goes to out (nil: quiet).
func importPaths(ctx context.Context, st inventory.Store, paths []string, out io.Writer) error {
	return importFiles(ctx, st, paths, nil, out)
}

// importFiles imports files in order, "-" being stdin. Every file is
// opened, and every document parsed, before anything is imported, so a
// missing file or a bad document refuses the whole import; streams are
// imported as they are read, and an error that stops the import later
// (a bad line, or a reference the store does not have) says which files
// were imported before it. Each file is its own transaction.
func importFiles(ctx context.Context, st inventory.Store, paths []string, stdin io.Reader, out io.Writer) error {
	srcs, closeAll, err := openSources(paths, stdin)
	if err != nil {
		return fmt.Errorf("%w%s", err, importedNote(paths, 0))
	}
	defer closeAll()
	for i, s := range srcs {
		if s.doc != nil {
			err = st.Import(ctx, s.doc)
			if err != nil {
				err = fmt.Errorf("%s: %w", s.name, err)
			}
		} else {
			err = streamImport(ctx, st, s.name, s.stream, s.size, out)
		}
		if err != nil {
			return fmt.Errorf("%w%s", err, importedNote(paths, i))
		}
	}
	return nil
}

// importedNote tells, after an error in paths[i], which files were
// imported and which not.
func importedNote(paths []string, i int) string {
	switch {
	case len(paths) < 2:
		return ""
	case i == 0:
		return " (no file imported)"
	}
	return fmt.Sprintf(" (imported: %s; not imported: %s)", strings.Join(paths[:i], ", "), strings.Join(paths[i:], ", "))
}

// importSource is one file of an import, opened; a document is parsed.
type importSource struct {
	name   string
	doc    *inventory.Fixture
	stream io.Reader // an NDJSON stream, when doc is nil
	size   int64     // the stream's size in bytes (0: unknown)
}

// sniffBytes is how much of a file is read to tell a stream from a
// document (firstLineIsRecord): a stream's first line must end within it.
const sniffBytes = 1 << 20

// openSources opens paths and parses the documents among them. A file is
// a stream when its name ends in .ndjson or .jsonl or its first line is a
// record with a "kind" (admin import's rule), a document otherwise.
func openSources(paths []string, stdin io.Reader) (srcs []importSource, closeAll func(), err error) {
	var files []*os.File
	closeFiles := func() {
		for _, f := range files {
			f.Close()
		}
	}
	defer func() {
		if err != nil {
			closeFiles()
		}
	}()
	now := time.Now()
	seenStdin := false
	for _, p := range paths {
		s := importSource{name: p}
		var r io.Reader
		if p == "-" {
			switch {
			case stdin == nil:
				return nil, nil, errors.New("-: no standard input to read here")
			case seenStdin:
				return nil, nil, errors.New("- named twice: standard input can be read once")
			}
			seenStdin, s.name, r = true, "standard input", stdin
		} else {
			fh, err := os.Open(p)
			if err != nil {
				return nil, nil, err
			}
			files = append(files, fh)
			fi, err := fh.Stat()
			if err != nil {
				return nil, nil, err
			}
			if fi.IsDir() {
				return nil, nil, fmt.Errorf("%s: is a directory", p)
			}
			if fi.Mode().IsRegular() {
				s.size = fi.Size()
			}
			r = fh
		}
		br := bufio.NewReaderSize(r, sniffBytes)
		head, _ := br.Peek(sniffBytes) // short at EOF; a read error shows again below
		if isNDJSON(p) || firstLineIsRecord(head) {
			s.stream = br
		} else if s.doc, err = inventory.ParseFixture(br, now); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", s.name, err)
		}
		srcs = append(srcs, s)
	}
	return srcs, closeFiles, nil
}

// parseArgs parses fs's flags wherever they stand among the positional
// arguments ("import a.json --db x.db" as well as "import --db x.db
// a.json", as people type them; the flag package alone stops at the first
// positional and would leave "--db x.db" to be read as file names) and
// returns the positionals. "--" ends the flags.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos, tail []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, tail = args[:i], args[i+1:]
	}
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return append(pos, tail...), nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

func runImport(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	db := fs.String("db", envDefault(env, "db", "inventoryd.db"), "store: SQLite file path or postgres:// URL (INVENTORYD_DB)")
	files, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return errors.New("import: name at least one fixture document or stream (- for standard input)")
	}
	// A file that cannot be opened stops the import before the store is
	// opened, which would create an empty one on a new path.
	for _, f := range files {
		if f == "-" {
			continue
		}
		fh, err := os.Open(f)
		if err != nil {
			return fmt.Errorf("import: %w (no file imported)", err)
		}
		fi, err := fh.Stat()
		fh.Close()
		if err == nil && fi.IsDir() {
			err = errors.New("is a directory")
		}
		if err != nil {
			return fmt.Errorf("import: %s: %w (no file imported)", f, err)
		}
	}
	st, err := OpenStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := importFiles(ctx, st, files, env.Stdin, env.Stdout); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	fmt.Fprintf(env.Stdout, "imported %d file(s) into %s\n", len(files), redactDSN(*db))
	return nil
}
