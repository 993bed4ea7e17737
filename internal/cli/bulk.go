package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/inventoryd/inventoryd/internal/generate"
	"github.com/inventoryd/inventoryd/internal/inventory"
)

// isNDJSON reports whether a file name is the streaming form.
func isNDJSON(name string) bool {
	return strings.HasSuffix(name, ".ndjson") || strings.HasSuffix(name, ".jsonl")
}

// maxLine is the longest NDJSON line the reader takes
// (inventory.NewNDJSONReader's scanner buffer; docs/bulk-import.md).
const maxLine = 16 << 20

// countingReader counts the bytes read through it, for progress.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// streamImport loads an NDJSON stream into st in one transaction, parsing
// on one goroutine and loading on another, and reports progress to out
// (nil: quiet). total is the stream's size in bytes (0: unknown).
func streamImport(ctx context.Context, st inventory.Store, name string, r io.Reader, total int64, out io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cr := &countingReader{r: bufio.NewReaderSize(r, 1<<20)}
	rd := inventory.NewNDJSONReader(cr, time.Now(), 0)
	var report func(inventory.BulkProgress)
	var p *progress
	if out != nil {
		p = newProgress(out, float64(total))
		report = func(b inventory.BulkProgress) { p.update(b.Records, b.UserAssets, float64(cr.n), b.Phase) }
	}
	t0 := time.Now()
	next := func() (*inventory.Fixture, error) {
		f, err := rd.Next()
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("line %d: longer than the limit of %d MiB a line", rd.Line()+1, maxLine>>20)
		}
		return f, err
	}
	res, err := st.ImportStream(ctx, inventory.Prefetch(ctx, next, 4), report)
	if p != nil {
		p.finish()
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if out != nil {
		el := time.Since(t0)
		fmt.Fprintf(out, "%s: %s records, %s owned items in %s (%s items/s), peak RSS %d MB\n", name, group(res.Records),
			group(res.UserAssets), el.Round(time.Millisecond), group(int64(float64(res.UserAssets)/el.Seconds())), peakRSS()>>20)
	}
	return nil
}

// runExport writes the whole store as a fixture document (or NDJSON, by
// --format or a .ndjson file name) to FILE or standard output. It reads
// a store, so it never creates one: a mistyped --db would otherwise give
// an empty "backup" and exit 0.
func runExport(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	db := fs.String("db", envDefault(env, "db", "inventoryd.db"), "store: SQLite file path or postgres:// URL (INVENTORYD_DB)")
	format := fs.String("format", "", "json (a fixture document) or ndjson (the streaming form); default from FILE's extension, else json")
	files, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(files) > 1 {
		return fmt.Errorf("export: at most one FILE")
	}
	// Every check before the store is opened: a refused export touches
	// nothing.
	f, err := outputFormat(first(files), *format)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := checkOutput(first(files), sqlitePath(*db)); err != nil {
		return err
	}
	st, err := OpenExistingStore(ctx, *db)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer st.Close()
	if err := writeRecords(env, first(files), f, func(sink inventory.RecordSink) error { return st.Export(ctx, sink) }); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// outputFormat is the format of an output: format if given (json or
// ndjson), else ndjson for a .ndjson or .jsonl file name, else json.
func outputFormat(file, format string) (string, error) {
	switch {
	case format == "" && isNDJSON(file):
		return "ndjson", nil
	case format == "":
		return "json", nil
	case format != "json" && format != "ndjson":
		return "", fmt.Errorf("unknown format %q (json or ndjson)", format)
	}
	return format, nil
}

// writeRecords runs produce into the writer of format (outputFormat's)
// on FILE (see output: a regular file appears only when produce
// succeeds) or on standard output ("" or "-"), which streams.
func writeRecords(env Env, file, format string, produce func(inventory.RecordSink) error) (err error) {
	w := env.Stdout
	if file != "" && file != "-" {
		o, oerr := openOutput(file) // not err: the deferred commit reads the named result
		if oerr != nil {
			return oerr
		}
		defer func() {
			if err == nil {
				err = o.commit()
			} else {
				o.abort()
			}
		}()
		w = o.f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	var sink interface {
		inventory.RecordSink
		Close() error
	} = inventory.NewDocumentWriter(bw)
	if format == "ndjson" {
		sink = inventory.NewNDJSONWriter(bw)
	}
	if err := produce(sink); err != nil {
		return err
	}
	if err := sink.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// runGenerate writes a synthetic data set (internal/generate) to FILE or
// standard output, or with --db loads it straight into a store.
func runGenerate(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	c := generate.Config{ExactShape: true} // --private-share 0 means none
	fs.IntVar(&c.Users, "users", 1000, "users")
	fs.IntVar(&c.Assets, "assets", 500, "catalog assets (every 20th a limited, limited-unique or collectible)")
	fs.Float64Var(&c.ItemsPerUser, "items-per-user", 20, "mean owned copies per user (log-normal: most own few, some very many)")
	fs.Uint64Var(&c.Seed, "seed", 1, "random seed: the same flags give the same data set")
	fs.Float64Var(&c.PrivateShare, "private-share", 0.2, "share of users whose inventory is not public")
	fs.Float64Var(&c.FriendsPerUser, "friends-per-user", 3, "mean friends a user has (a friendship counts for both users)")
	fs.Float64Var(&c.FollowsPerUser, "follows-per-user", 4, "mean users a user follows")
	format := fs.String("format", "", "json (a fixture document) or ndjson; default from FILE's extension, else json")
	db := fs.String("db", "", "load straight into this store (SQLite path or postgres:// URL) instead of writing a file")
	files, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(files) > 1 || (len(files) == 1 && *db != "") {
		return fmt.Errorf("generate: one FILE, or --db")
	}
	// Before the output file or the store is created: a bad flag leaves
	// nothing behind.
	if err := checkGenerate(c); err != nil {
		return err
	}
	f, err := outputFormat(first(files), *format)
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	if *db == "" {
		// The generator stops on ctx (Ctrl-C, SIGTERM); writeRecords then
		// leaves no partial FILE.
		err := writeRecords(env, first(files), f, func(sink inventory.RecordSink) error {
			_, err := generate.GenerateContext(ctx, c, sink)
			return err
		})
		if err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		return nil
	}
	st, err := OpenStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	// The generator writes NDJSON into a pipe that the streaming import
	// reads: the same path as a file, memory bounded by the pipe.
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriterSize(pw, 1<<20)
		_, err := generate.GenerateContext(ctx, c, inventory.NewNDJSONWriter(bw))
		if err == nil {
			err = bw.Flush()
		}
		pw.CloseWithError(err)
	}()
	defer pr.Close()
	return streamGenerated(ctx, st, c, pr, env.Stdout)
}

// checkGenerate validates generate's numeric flags, naming the flag.
func checkGenerate(c generate.Config) error {
	for _, f := range []struct {
		name string
		v    int
	}{{"users", c.Users}, {"assets", c.Assets}} {
		if f.v < 1 {
			return fmt.Errorf("generate: --%s must be a positive integer, not %d", f.name, f.v)
		}
	}
	for _, f := range []struct {
		name  string
		v, hi float64
	}{{"items-per-user", c.ItemsPerUser, generate.MaxItemsPerUser}, {"private-share", c.PrivateShare, 1},
		{"friends-per-user", c.FriendsPerUser, generate.MaxPerUser}, {"follows-per-user", c.FollowsPerUser, generate.MaxPerUser}} {
		if !(f.v >= 0 && f.v <= f.hi) { // NaN and infinities too
			return fmt.Errorf("generate: --%s must be from 0 to %v, not %v", f.name, f.hi, f.v)
		}
	}
	return nil
}

// streamGenerated imports a generated stream with progress measured in
// owned items against the expected count.
func streamGenerated(ctx context.Context, st inventory.Store, c generate.Config, r io.Reader, out io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends the prefetching goroutine on an early error
	rd := inventory.NewNDJSONReader(r, time.Now(), 0)
	p := newProgress(out, float64(c.ExpectedUserAssets()))
	t0 := time.Now()
	res, err := st.ImportStream(ctx, inventory.Prefetch(ctx, rd.Next, 4), func(b inventory.BulkProgress) {
		p.update(b.Records, b.UserAssets, float64(b.UserAssets), b.Phase)
	})
	p.finish()
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	el := time.Since(t0)
	fmt.Fprintf(out, "generated: %s records, %s owned items in %s (%s items/s), peak RSS %d MB\n", group(res.Records),
		group(res.UserAssets), el.Round(time.Millisecond), group(int64(float64(res.UserAssets)/el.Seconds())), peakRSS()>>20)
	return nil
}

// first is the first of args, or "" (standard output).
func first(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}
