package storetest

import (
	"fmt"
	"net"
	"runtime"
	"sync"
	"testing"
)

// recorder is a testing.TB that records how a helper ended.
type recorder struct {
	testing.TB
	mu      sync.Mutex
	fatal   string
	skipped string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Cleanup(func())            {}
func (r *recorder) Errorf(string, ...any)     {}
func (r *recorder) Fatal(args ...any)         { r.Fatalf("%s", fmt.Sprint(args...)) }
func (r *recorder) Skipf(f string, a ...any)  { r.end(&r.skipped, f, a) }
func (r *recorder) Fatalf(f string, a ...any) { r.end(&r.fatal, f, a) }
func (r *recorder) end(dst *string, f string, a []any) {
	r.mu.Lock()
	*dst = fmt.Sprintf(f, a...)
	r.mu.Unlock()
	runtime.Goexit()
}

// run calls PostgresURL with a recorder, as a test would.
func run(t *testing.T) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		PostgresURL(r)
	}()
	<-done
	return r
}

// A missing or unreachable PostgreSQL must fail the tests when it is
// required, never skip them.
func TestRequiredPostgresFails(t *testing.T) {
	t.Setenv(EnvRequirePostgres, "1")
	t.Setenv(EnvPostgresURL, "")
	if r := run(t); r.fatal == "" || r.skipped != "" {
		t.Fatalf("required, no URL: fatal %q, skipped %q", r.fatal, r.skipped)
	}
	// A port nothing listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv(EnvPostgresURL, "postgres://postgres@"+addr+"/postgres?sslmode=disable&connect_timeout=2")
	if r := run(t); r.fatal == "" || r.skipped != "" {
		t.Fatalf("required, unreachable: fatal %q, skipped %q", r.fatal, r.skipped)
	}
	// Unreachable but named is a failure even when not required.
	t.Setenv(EnvRequirePostgres, "")
	if r := run(t); r.fatal == "" {
		t.Fatalf("named but unreachable: fatal %q, skipped %q", r.fatal, r.skipped)
	}
	// Neither named nor required: skipped.
	t.Setenv(EnvPostgresURL, "")
	if r := run(t); r.skipped == "" || r.fatal != "" {
		t.Fatalf("not configured: fatal %q, skipped %q", r.fatal, r.skipped)
	}
}
