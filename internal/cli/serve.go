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
	"strconv"
	"strings"
	"time"

	"github.com/inventoryd/inventoryd/internal/api"
	"github.com/inventoryd/inventoryd/internal/demo"
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, nil))
	if *pprofAddr != "" {
		stop, err := servePprof(*pprofAddr, env)
		if err != nil {
			return err
		}
		defer stop()
	}

	st, err := OpenStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
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
	if err := importPaths(ctx, st, fixtures); err != nil {
		return fmt.Errorf("fixtures: %w", err)
	}
	h, err := api.NewServer(ctx, st, api.Config{AdminKey: *adminKey, CollectionLimit: *collectionLimit, Logger: log})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
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
