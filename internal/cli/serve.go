package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/inventoryd/inventoryd/internal/api"
	"github.com/inventoryd/inventoryd/internal/demo"
	"github.com/inventoryd/inventoryd/internal/inventory/cache"
)

func runServe(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	// Defaults here are the built-in ones; INVENTORYD_<NAME> fallbacks are
	// applied after the command line, parsed like their flags (applyEnv).
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (INVENTORYD_ADDR)")
	db := fs.String("db", "inventoryd.db", "store: SQLite file path or postgres:// URL (INVENTORYD_DB)")
	var fixtures listFlag
	fs.Var(&fixtures, "fixtures", "fixture document imported at start, idempotently; repeatable (INVENTORYD_FIXTURES, comma-separated)")
	withDemo := fs.Bool("demo", false, "import the built-in demo data set when the store is empty (INVENTORYD_DEMO)")
	adminKey := fs.String("admin-key", "", "enable the admin API with this bearer key (INVENTORYD_ADMIN_KEY)")
	collectionLimit := fs.Int("collection-limit", 6, "items a profile collection holds (INVENTORYD_COLLECTION_LIMIT)")
	pprofAddr := fs.String("pprof", "", "serve net/http/pprof on this separate address, e.g. 127.0.0.1:6060; off when empty (INVENTORYD_PPROF)")
	// Limits that keep slow or hostile clients from holding the server
	// (docs/compatibility.md, "Hostile input").
	readHeaderTimeout := durationFlag(fs, "read-header-timeout", 10*time.Second, "time a client has to send a request's headers")
	readTimeout := durationFlag(fs, "read-timeout", 60*time.Second, "time a client has to send a whole request, body included")
	writeTimeout := durationFlag(fs, "write-timeout", 60*time.Second, "time to answer a request, from the end of its headers")
	idleTimeout := durationFlag(fs, "idle-timeout", 120*time.Second, "how long an idle keep-alive connection stays open")
	maxHeaderBytes := fs.Int("max-header-bytes", 64<<10, "largest request line plus headers; larger is 431 (INVENTORYD_MAX_HEADER_BYTES)")
	cacheTTL := durationFlag(fs, "cache-ttl", 2*time.Second, "how long users and catalog rows stay cached while the store's change feed is down (with the feed, writes by any process invalidate within a 5 ms poll, plus on PostgreSQL the notification's trip); 0 disables every cache (docs/compatibility.md, \"Caching\")")
	ownershipMB := fs.Int64("ownership-cache-mb", cache.DefaultOwnedBytes>>20, "memory for the ownership cache (copies per owner and per asset, kept coherent through the store's change feed; needs --cache-ttl > 0), 0 disables (INVENTORYD_OWNERSHIP_CACHE_MB)")
	maxBodyBytes := fs.Int64("max-body-bytes", 64<<20, "largest request body read (admin fixture uploads); larger is 413 (INVENTORYD_MAX_BODY_BYTES)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected argument %q: serve takes only flags (to import a fixture document at start: --fixtures %s)", fs.Arg(0), fs.Arg(0))
	}
	src, err := applyEnv(fs, env)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	// Ranges, checked before anything is opened. Zero means "off" only
	// where README's configuration table says so (the caches).
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"read-header-timeout", *readHeaderTimeout}, {"read-timeout", *readTimeout}, {"write-timeout", *writeTimeout}, {"idle-timeout", *idleTimeout}} {
		if d.v <= 0 {
			return fmt.Errorf("serve: %s: must be positive, not %v", src(d.name), d.v)
		}
	}
	if *cacheTTL < 0 {
		return fmt.Errorf("serve: %s: must not be negative, not %v", src("cache-ttl"), *cacheTTL)
	}
	if *ownershipMB < 0 {
		return fmt.Errorf("serve: %s: must not be negative, not %d", src("ownership-cache-mb"), *ownershipMB)
	}
	if *ownershipMB > 1<<30 { // a petabyte: past it, the byte count overflows
		return fmt.Errorf("serve: %s: at most %d, not %d", src("ownership-cache-mb"), 1<<30, *ownershipMB)
	}
	for _, n := range []struct {
		name string
		v    int64
	}{{"collection-limit", int64(*collectionLimit)}, {"max-header-bytes", int64(*maxHeaderBytes)}, {"max-body-bytes", *maxBodyBytes}} {
		if n.v < 1 {
			return fmt.Errorf("serve: %s: must be at least 1, not %d", src(n.name), n.v)
		}
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, nil))
	if env.Getenv("GOMEMLIMIT") == "" {
		// A soft limit for the Go heap, unless the operator set one: the
		// caches are bounded, and the garbage between collections should
		// not double the resident set (docs/performance.md: the 10M
		// target of 200 MB). Past it the collector runs more often; it
		// is not a hard cap.
		debug.SetMemoryLimit((64 + *ownershipMB) << 20)
	}
	if *pprofAddr != "" {
		stop, err := servePprof(*pprofAddr, env)
		if err != nil {
			return err
		}
		defer stop()
	}

	raw, err := OpenStore(ctx, *db)
	if err != nil {
		return err
	}
	st := cache.CachedWith(raw, cache.Options{TTL: *cacheTTL, OwnedBytes: *ownershipMB << 20, OnFeed: func(up bool, err error) {
		if up {
			log.Info("change feed up: the ownership cache serves")
		} else {
			log.Warn("change feed down: ownership is read from the store until it is back", "err", err)
		}
	}})
	defer st.Close() // the store itself, or the cache, which closes it
	if *withDemo {
		empty, err := st.Empty(ctx)
		if err != nil {
			return err
		}
		if empty {
			for i, r := range demo.Documents() {
				if err := importFile(ctx, st, fmt.Sprintf("demo document %d", i+1), r); err != nil {
					return err
				}
			}
		}
	}
	if err := importPaths(ctx, st, fixtures, nil); err != nil {
		return fmt.Errorf("fixtures: %w", err)
	}
	h, err := api.NewServer(ctx, st, api.Config{AdminKey: *adminKey, CollectionLimit: *collectionLimit, MaxBodyBytes: *maxBodyBytes, Logger: log})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	// net/http's own plain-text error answers become JSON envelopes.
	ln = api.WrapListener(ln)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: *readHeaderTimeout,
		ReadTimeout:       *readTimeout,
		WriteTimeout:      *writeTimeout,
		IdleTimeout:       *idleTimeout,
		MaxHeaderBytes:    *maxHeaderBytes,
		// "OPTIONS *" reaches the handler (404 envelope) instead of
		// net/http's empty 200.
		DisableGeneralOptionsHandler: true,
		ErrorLog:                     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(env.Stdout, "inventoryd listening on http://%s\n", ln.Addr())
	if env.Ready != nil {
		env.Ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Requests in flight get 25 s to finish (under Kubernetes' default
	// 30 s grace): a write that waits on a lock and retries can take
	// longer than one query_timeout (10 s).
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// servePprof serves the runtime profiles on their own listener (never on
// the API address), for load testing (docs/performance.md).
func servePprof(addr string, env Env) (func(), error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("pprof: %w", err)
	}
	fmt.Fprintf(env.Stderr, "pprof on http://%s/debug/pprof/\n", ln.Addr())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return func() { _ = srv.Close() }, nil
}

// durationFlag registers a duration flag whose usage names its
// INVENTORYD_<NAME> fallback.
func durationFlag(fs *flag.FlagSet, name string, def time.Duration, usage string) *time.Duration {
	return fs.Duration(name, def, usage+" ("+envName(name)+")")
}

// applyEnv sets every flag not given on the command line from its
// INVENTORYD_<NAME> variable when that is set (empty is unset, as
// envDefault has it), parsed as the flag parses it. A malformed variable
// is an error naming it and what it takes, even under a flag that
// overrides it: a silently ignored setting is worse than a refused one
// (a cache turned off by a typo). It returns src, which names where a
// flag's value came from, for range errors.
func applyEnv(fs *flag.FlagSet, env Env) (src func(string) string, err error) {
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	fromEnv := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) {
		v := env.Getenv(envName(f.Name))
		if err != nil || v == "" {
			return
		}
		if err = checkLike(f, v); err != nil {
			err = fmt.Errorf("%s: %w", envName(f.Name), err)
			return
		}
		if onCommandLine[f.Name] {
			return
		}
		fromEnv[f.Name] = true
		if l, ok := f.Value.(*listFlag); ok {
			*l = append(*l, strings.Split(v, ",")...) // comma-separated
			return
		}
		if err = f.Value.Set(v); err != nil {
			err = fmt.Errorf("%s: %w", envName(f.Name), err)
		}
	})
	return func(name string) string {
		if fromEnv[name] {
			return envName(name)
		}
		return "--" + name
	}, err
}

// checkLike parses v as flag f's own parser does (the flag package's
// bool, int and duration flags use these functions) and says what the
// flag takes when v does not parse.
func checkLike(f *flag.Flag, v string) error {
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return nil
	}
	var err error
	var takes string
	switch g.Get().(type) {
	case bool:
		_, err = strconv.ParseBool(v)
		takes = "a boolean (true or false)"
	case int:
		_, err = strconv.ParseInt(v, 0, strconv.IntSize)
		takes = "a whole number"
	case int64:
		_, err = strconv.ParseInt(v, 0, 64)
		takes = "a whole number"
	case time.Duration:
		_, err = time.ParseDuration(v)
		takes = "a duration (e.g. 2s, 500ms)"
	}
	if err != nil {
		return fmt.Errorf("%q is not %s", v, takes)
	}
	return nil
}
