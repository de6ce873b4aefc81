package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/awsfake"
	"github.com/lambdahealth/lambdahealth/internal/checktest"
)

// TestMain runs main instead of the tests when awsfake.MainEnv is 1, so
// that the tests run this test binary as the function (healthCommand): the
// production flags are built and run by the emulator tests (rietest) and the
// lean-build test.
func TestMain(m *testing.M) { awsfake.TestMainOr(m, main) }

// healthCommand runs this test binary as the function, with env (and
// awsfake.MainEnv) as its whole environment.
func healthCommand(env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append([]string{awsfake.MainEnv + "=1"}, env...)
	return cmd
}

// start runs the binary outside Lambda and returns its address.
func start(t testing.TB, env ...string) (*exec.Cmd, string, *checktest.LockedBuffer) {
	t.Helper()
	return serve(t, healthCommand(append([]string{"PATH=" + os.Getenv("PATH"), "HEALTH_LISTEN=127.0.0.1:0"}, env...)...))
}

// startBinary runs bin (a health bootstrap) outside Lambda and returns its
// address.
func startBinary(t testing.TB, bin string, env ...string) (*exec.Cmd, string, *checktest.LockedBuffer) {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HEALTH_LISTEN=127.0.0.1:0"}, env...)
	return serve(t, cmd)
}

// serve starts cmd, a health server, and returns its address once it logs
// "serving".
func serve(t testing.TB, cmd *exec.Cmd) (*exec.Cmd, string, *checktest.LockedBuffer) {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	logs := &checktest.LockedBuffer{}
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			_, _ = logs.Write([]byte(line + "\n"))
			var rec struct{ Msg, Address string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "serving" {
				addrc <- rec.Address
			}
		}
	}()
	select {
	case addr := <-addrc:
		return cmd, addr, logs
	case <-time.After(10 * time.Second):
		t.Fatalf("server did not start; logs:\n%s", logs)
	}
	return nil, "", nil
}

func TestServesOutsideLambda(t *testing.T) {
	t.Parallel()
	cmd, addr, _ := start(t, `HEALTH_CHECKS=[{"name":"self","type":"tcp","address":"127.0.0.1:1","critical":false}]`)
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Errorf("address = %q; want loopback", addr)
	}
	for path, want := range map[string]int{"/health/live": 200, "/health/ready": 200, "/health": 200, "/nope": 404} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != want || (want == 200 && resp.Header.Get("Content-Type") != "application/health+json") {
			t.Errorf("GET %s = %d %q; want %d application/health+json", path, resp.StatusCode, resp.Header.Get("Content-Type"), want)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v; want 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("no exit within 10s of SIGTERM")
	}
}

func TestBadConfigFailsAtStartup(t *testing.T) {
	t.Parallel()
	const secret = "hunter2-password"
	cmd := healthCommand("HEALTH_BUDGET=soon", `HEALTH_CHECKS=[{"name":"db","type":"postgres","dsn":"postgres://u:`+secret+`@h/db","host":"x"}]`)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("exit = %v; want exit status 1\n%s", err, out)
	}
	for _, field := range []string{"HEALTH_BUDGET", "HEALTH_CHECKS[0].dsn"} {
		if !bytes.Contains(out, []byte(field)) {
			t.Errorf("output does not name %s:\n%s", field, out)
		}
	}
	if bytes.Contains(out, []byte(secret)) {
		t.Errorf("output leaks the password:\n%s", out)
	}
}
