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
	addr := fs.String("addr", envDefault(env, "addr", "127.0.0.1:8080"), "listen address (INVENTORYD_ADDR)")
	db := fs.String("db", envDefault(env, "db", "inventoryd.db"), "store: SQLite file path or postgres:// URL (INVENTORYD_DB)")
	var fixtures listFlag
	if v := envDefault(env, "fixtures", ""); v != "" {
		fixtures = strings.Split(v, ",")
	}
	fs.Var(&fixtures, "fixtures", "fixture document imported at start, idempotently; repeatable (INVENTORYD_FIXTURES, comma-separated)")
	demoDefault, _ := strconv.ParseBool(envDefault(env, "demo", "false"))
	withDemo := fs.Bool("demo", demoDefault, "import the built-in demo data set when the store is empty (INVENTORYD_DEMO)")
	adminKey := fs.String("admin-key", envDefault(env, "admin-key", ""), "enable the admin API with this bearer key (INVENTORYD_ADMIN_KEY)")
	collLimit, _ := strconv.Atoi(envDefault(env, "collection-limit", "6"))
	collectionLimit := fs.Int("collection-limit", collLimit, "items a profile collection holds (INVENTORYD_COLLECTION_LIMIT)")
	pprofAddr := fs.String("pprof", envDefault(env, "pprof", ""), "serve net/http/pprof on this separate address, e.g. 127.0.0.1:6060; off when empty (INVENTORYD_PPROF)")
	// Limits that keep slow or hostile clients from holding the server
	// (docs/compatibility.md, "Hostile input").
	readHeaderTimeout := durationFlag(fs, env, "read-header-timeout", 10*time.Second, "time a client has to send a request's headers")
	readTimeout := durationFlag(fs, env, "read-timeout", 60*time.Second, "time a client has to send a whole request, body included")
	writeTimeout := durationFlag(fs, env, "write-timeout", 60*time.Second, "time to answer a request, from the end of its headers")
	idleTimeout := durationFlag(fs, env, "idle-timeout", 120*time.Second, "how long an idle keep-alive connection stays open")
	maxHdr, _ := strconv.Atoi(envDefault(env, "max-header-bytes", strconv.Itoa(64<<10)))
	maxHeaderBytes := fs.Int("max-header-bytes", maxHdr, "largest request line plus headers; larger is 431 (INVENTORYD_MAX_HEADER_BYTES)")
	cacheTTL := durationFlag(fs, env, "cache-ttl", 2*time.Second, "how long users and catalog rows stay cached while the store's change feed is down (with the feed, writes by any process invalidate within a 5 ms poll, plus on PostgreSQL the notification's trip); 0 disables every cache (docs/compatibility.md, \"Caching\")")
	ownedMB, _ := strconv.ParseInt(envDefault(env, "ownership-cache-mb", strconv.Itoa(cache.DefaultOwnedBytes>>20)), 10, 64)
	ownershipMB := fs.Int64("ownership-cache-mb", ownedMB, "memory for the ownership cache (copies per owner and per asset, kept coherent through the store's change feed; needs --cache-ttl > 0), 0 disables (INVENTORYD_OWNERSHIP_CACHE_MB)")
	maxBody, _ := strconv.ParseInt(envDefault(env, "max-body-bytes", strconv.Itoa(64<<20)), 10, 64)
	maxBodyBytes := fs.Int64("max-body-bytes", maxBody, "largest request body read (admin fixture uploads); larger is 413 (INVENTORYD_MAX_BODY_BYTES)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, d := range []*time.Duration{readHeaderTimeout, readTimeout, writeTimeout, idleTimeout} {
		if *d <= 0 {
			return errors.New("serve: timeouts must be positive")
		}
	}
	if *cacheTTL < 0 || *ownershipMB < 0 {
		return errors.New("serve: --cache-ttl and --ownership-cache-mb must not be negative")
	}
	if *maxHeaderBytes <= 0 || *maxBodyBytes <= 0 {
		return errors.New("serve: --max-header-bytes and --max-body-bytes must be positive")
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
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
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

// durationFlag registers a duration flag whose default comes from
// INVENTORYD_<NAME> when that parses.
func durationFlag(fs *flag.FlagSet, env Env, name string, def time.Duration, usage string) *time.Duration {
	if d, err := time.ParseDuration(envDefault(env, name, "")); err == nil {
		def = d
	}
	return fs.Duration(name, def, usage+" (INVENTORYD_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_"))+")")
}
