package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, nil))

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
