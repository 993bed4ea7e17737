// Package cli is inventoryd's command line: Run dispatches to subcommands
// (serve, import), each with its own FlagSet. Run takes its environment as
// arguments and touches no globals, so tests (and programs embedding
// inventoryd) start it in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
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

// envDefault returns INVENTORYD_<NAME> or def.
func envDefault(env Env, name, def string) string {
	if v := env.Getenv("INVENTORYD_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))); v != "" {
		return v
	}
	return def
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// OpenStore opens the store named by dsn: a postgres:// or postgresql://
// URL selects PostgreSQL, anything else is a SQLite file path.
func OpenStore(ctx context.Context, dsn string) (inventory.Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if openPostgres == nil {
			return nil, errors.New("this build has no PostgreSQL store")
		}
		return openPostgres(ctx, dsn)
	}
	return sqlite.Open(ctx, dsn)
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

// importPaths imports files in order; progress of NDJSON streams goes to
// out (nil: quiet).
func importPaths(ctx context.Context, st inventory.Store, paths []string, out io.Writer) error {
	for _, p := range paths {
		if err := importOne(ctx, st, p, out); err != nil {
			return err
		}
	}
	return nil
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
		return errors.New("import: name at least one fixture document")
	}
	st, err := OpenStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := importPaths(ctx, st, files, env.Stdout); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	fmt.Fprintf(env.Stdout, "imported %d file(s) into %s\n", len(files), *db)
	return nil
}
