package cli_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inventoryd/inventoryd/internal/cli"
)

// TestServeRefusesBadSettings: a malformed or meaningless INVENTORYD_*
// value, flag or stray argument stops serve before it opens the store,
// with a message naming what the user set (the variable, or the flag) and
// what it takes, instead of a silent default.
func TestServeRefusesBadSettings(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want []string // in the error
	}{
		{"cache mb not a number", map[string]string{"INVENTORYD_OWNERSHIP_CACHE_MB": "lots"}, nil,
			[]string{`INVENTORYD_OWNERSHIP_CACHE_MB: "lots" is not a whole number`}},
		{"demo not a boolean", map[string]string{"INVENTORYD_DEMO": "yes"}, nil,
			[]string{`INVENTORYD_DEMO: "yes" is not a boolean (true or false)`}},
		{"ttl without a unit", map[string]string{"INVENTORYD_CACHE_TTL": "5"}, nil,
			[]string{`INVENTORYD_CACHE_TTL: "5" is not a duration (e.g. 2s, 500ms)`}},
		{"timeout not a duration", map[string]string{"INVENTORYD_READ_TIMEOUT": "soon"}, nil,
			[]string{`INVENTORYD_READ_TIMEOUT: "soon" is not a duration`}},
		{"limit not a number", map[string]string{"INVENTORYD_COLLECTION_LIMIT": "six"}, nil,
			[]string{`INVENTORYD_COLLECTION_LIMIT: "six" is not a whole number`}},
		{"limit zero", map[string]string{"INVENTORYD_COLLECTION_LIMIT": "0"}, nil,
			[]string{`INVENTORYD_COLLECTION_LIMIT: must be at least 1, not 0`}},
		{"limit negative flag", nil, []string{"--collection-limit", "-3"},
			[]string{`--collection-limit: must be at least 1, not -3`}},
		{"body with a unit", map[string]string{"INVENTORYD_MAX_BODY_BYTES": "64MiB"}, nil,
			[]string{`INVENTORYD_MAX_BODY_BYTES: "64MiB" is not a whole number`}},
		{"header negative", map[string]string{"INVENTORYD_MAX_HEADER_BYTES": "-1"}, nil,
			[]string{`INVENTORYD_MAX_HEADER_BYTES: must be at least 1, not -1`}},
		{"timeout zero", map[string]string{"INVENTORYD_IDLE_TIMEOUT": "0s"}, nil,
			[]string{`INVENTORYD_IDLE_TIMEOUT: must be positive, not 0s`}},
		{"ttl negative flag", nil, []string{"--cache-ttl", "-1s"},
			[]string{`--cache-ttl: must not be negative, not -1s`}},
		{"cache mb negative", map[string]string{"INVENTORYD_OWNERSHIP_CACHE_MB": "-5"}, nil,
			[]string{`INVENTORYD_OWNERSHIP_CACHE_MB: must not be negative, not -5`}},
		// A bad variable is refused even where a flag overrides it.
		{"bad variable under a flag", map[string]string{"INVENTORYD_CACHE_TTL": "5"}, []string{"--cache-ttl", "5s"},
			[]string{`INVENTORYD_CACHE_TTL: "5" is not a duration`}},
		{"stray argument", nil, []string{"s.json"},
			[]string{`unexpected argument "s.json"`, "--fixtures s.json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "x.db")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var stderr strings.Builder
			err := cli.Run(ctx, cli.Env{
				Args:   append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, tc.args...),
				Getenv: func(k string) string { return tc.env[k] },
				Stdout: io.Discard, Stderr: &stderr,
				Ready: func(string) { t.Error("serve started"); cancel() },
			})
			if err == nil || ctx.Err() != nil {
				t.Fatal("serve accepted it")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if _, err := os.Stat(db); err == nil {
				t.Error("the store was created before the settings were checked")
			}
		})
	}
}

// TestServeTakesSettingsFromEnvironment: well-formed variables are used
// (INVENTORYD_DEMO=1 loads the demo, as --demo does).
func TestServeTakesSettingsFromEnvironment(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := map[string]string{"INVENTORYD_DEMO": "1", "INVENTORYD_CACHE_TTL": "5s", "INVENTORYD_COLLECTION_LIMIT": "8",
		"INVENTORYD_MAX_BODY_BYTES": "1048576", "INVENTORYD_FIXTURES": ""}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- cli.Run(ctx, cli.Env{Args: []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "e.db")},
			Getenv: func(k string) string { return env[k] },
			Stdout: io.Discard, Stderr: io.Discard, Ready: func(a string) { ready <- a }})
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve exited: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	res, err := http.Get("http://" + addr + "/v1/users/156/items/Asset/1028606/is-owned")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(b) != "true" {
		t.Errorf("INVENTORYD_DEMO=1 did not load the demo: %d %s", res.StatusCode, b)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}
