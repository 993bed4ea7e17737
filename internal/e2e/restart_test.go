package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pgBin is where PostgreSQL's server binaries are (scripts/pg-cluster.sh).
func pgBin() string {
	if b := os.Getenv("INVENTORYD_TEST_PG_BIN"); b != "" {
		return b
	}
	return "/usr/lib/postgresql/15/bin"
}

// asPostgres runs a PostgreSQL server binary, as the postgres user when
// the test runs as root (the server refuses to run as root).
func asPostgres(t *testing.T, name string, args ...string) {
	t.Helper()
	path := filepath.Join(pgBin(), name)
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// The real thing: a PostgreSQL cluster of the test's own is stopped under
// load (fast shutdown: sessions are terminated, new connections refused)
// and started again on the same port. The answers are as in TestOutage.
func TestRestart(t *testing.T) {
	if _, err := os.Stat(filepath.Join(pgBin(), "pg_ctl")); err != nil {
		t.Skipf("no PostgreSQL server binaries in %s (INVENTORYD_TEST_PG_BIN); TestOutage covers outages through a proxy", pgBin())
	}
	if testing.Short() {
		t.Skip("short")
	}
	dir, err := os.MkdirTemp("", "inventoryd-e2e-pg-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil { // the server runs as postgres
		t.Fatal(err)
	}
	script, err := filepath.Abs("../../scripts/pg-cluster.sh")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", script, "start", dir)
	cmd.Env = append(os.Environ(), "PG_BIN="+pgBin())
	out, err := cmd.Output()
	t.Cleanup(func() {
		_ = exec.Command("bash", script, "stop", dir).Run()
		os.RemoveAll(dir)
	})
	if err != nil {
		t.Fatalf("start a PostgreSQL cluster: %v", err)
	}
	dbURL := strings.TrimSpace(string(out))
	port, err := os.ReadFile(filepath.Join(dir, "port"))
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	srv := start(t, "--db", outageURL(t, dbURL, ""), "--fixtures", writeDoc(t, "fixture.json", fixtureDoc()))
	startLoad(t, srv, 4).outage(
		func() { asPostgres(t, "pg_ctl", "-D", data, "-m", "fast", "-w", "stop") },
		func() {
			asPostgres(t, "pg_ctl", "-D", data, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60",
				"-o", "-p "+strings.TrimSpace(string(port))+" -k "+dir+" -c listen_addresses=127.0.0.1 -c fsync=off", "start")
		})
}
