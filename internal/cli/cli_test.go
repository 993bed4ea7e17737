package cli_test

import (
	"bytes"
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

// TestServeDemo starts the real command in-process on 127.0.0.1:0 with the
// demo data, as README's first command does, and polls /healthz.
func TestServeDemo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	db := filepath.Join(t.TempDir(), "demo.db")
	var out bytes.Buffer
	go func() {
		done <- cli.Run(ctx, cli.Env{Args: []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--demo"},
			Stdout: &out, Stderr: io.Discard, Ready: func(a string) { ready <- a }})
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve exited: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	base := "http://" + addr
	get := func(path string) (int, string) {
		t.Helper()
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	// The demo contains example.json plus enough to page.
	if code, body := get("/v1/users/156/items/Asset/1028606/is-owned"); code != 200 || body != "true" {
		t.Fatalf("is-owned: %d %s", code, body)
	}
	if code, body := get("/v2/assets/20100001/owners"); code != 200 || !strings.Contains(body, `"nextPageCursor":"`) {
		t.Fatalf("demo owners do not page: %d %s", code, body)
	}
	if !strings.Contains(out.String(), "inventoryd listening on http://"+addr) {
		t.Fatalf("stdout: %q", out.String())
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

// TestImportRefusesBadDocument: a bad document names the path of the bad
// value and leaves nothing behind.
func TestImportRefusesBadDocument(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	doc := `{"users":[{"id":5,"username":"five"}],"assets":[{"id":7,"name":"x","assetType":"Hat","creator":{"type":"User","id":5}}],
		"userAssets":[{"assetId":7,"owner":{"type":"User","id":5}},{"assetId":8,"owner":{"type":"User","id":5}}]}`
	if err := os.WriteFile(bad, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "x.db")
	run := func(args ...string) error {
		return cli.Run(context.Background(), cli.Env{Args: args, Stdout: io.Discard, Stderr: io.Discard})
	}
	err := run("import", "--db", db, bad)
	if err == nil || !strings.Contains(err.Error(), "userAssets[1].assetId: unknown asset 8") {
		t.Fatalf("err = %v", err)
	}
	st, err := cli.OpenStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if empty, err := st.Empty(context.Background()); err != nil || !empty {
		t.Fatalf("a refused document left rows behind (empty=%v, err=%v)", empty, err)
	}
	good := filepath.Join(dir, "good.json")
	if err := os.WriteFile(good, []byte(strings.Replace(doc, `"assetId":8`, `"assetId":7`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run("import", "--db", db, good); err != nil {
		t.Fatal(err)
	}
}
