package rie_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/rie"
	"github.com/lambdahealth/lambdahealth/internal/rie/rietest"
)

// TestEmulator runs the echo function (testdata/echo) under the emulator:
// environment, answers, logs, REPORT lines, init timing, function errors,
// a runtime that exits and is started again, loopback-only ports, and a
// Stop that leaves no process behind.
func TestEmulator(t *testing.T) {
	emulator := rietest.EmulatorPath(t)
	bootstrap := rietest.Bootstrap(t, "./internal/rie/testdata/echo")
	e, err := rie.Start(context.Background(), rie.Config{
		Emulator: emulator, Bootstrap: bootstrap,
		FunctionName: "echo-fn", MemoryMB: 512, Timeout: 5 * time.Second,
		Env: []string{"ECHO_INIT_SLEEP=200ms", "FOO=bar"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if t.Failed() {
			t.Logf("stdout:\n%s\nstderr:\n%s", e.Stdout(), e.Stderr())
		}
	}()
	defer e.Stop()
	invoke := func(payload string) *rie.Invocation {
		t.Helper()
		inv, err := e.Invoke(context.Background(), []byte(payload))
		if err != nil {
			t.Fatalf("Invoke(%s): %v", payload, err)
		}
		return inv
	}

	for _, addr := range []string{e.Addr(), e.RuntimeAPIAddr()} {
		if got := listeners(t, addr); len(got) != 1 || got[0] != addr {
			t.Errorf("listeners on the port of %s = %v; want only %s", addr, got, addr)
		}
	}

	first := invoke(`{"hello":"world"}`)
	if first.StatusCode != 200 || string(first.Payload) != `{"hello":"world"}` {
		t.Errorf("echo = %d %s; want 200 and the event back", first.StatusCode, first.Payload)
	}
	if first.Report == nil || !first.Report.Cold || first.Report.MemorySizeMB != 512 || first.Report.RequestID != first.RequestID {
		t.Errorf("first REPORT = %+v (request %s); want a cold report of 512 MB for the same request", first.Report, first.RequestID)
	}
	if d, ok := e.InitReport(context.Background()); !ok || d < 200*time.Millisecond {
		t.Errorf("InitReport() = %v, %v; want at least the function's 200ms start-up", d, ok)
	}
	if first.Report != nil && first.Report.Duration < 200*time.Millisecond {
		t.Errorf("first invocation Duration = %v; want it to include the 200ms start-up", first.Report.Duration)
	}

	for name, want := range map[string]string{
		"FOO": "bar", "AWS_LAMBDA_FUNCTION_NAME": "echo-fn", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
		"AWS_LAMBDA_RUNTIME_API": e.RuntimeAPIAddr(), "HOME": "",
	} {
		inv := invoke(`{"op":"env","name":"` + name + `"}`)
		var got struct{ Value string }
		if err := json.Unmarshal(inv.Payload, &got); err != nil || got.Value != want {
			t.Errorf("function's %s = %s; want %q", name, inv.Payload, want)
		}
		if inv.Report == nil || inv.Report.Cold {
			t.Errorf("warm REPORT = %+v; want one without Init Duration", inv.Report)
		}
	}

	if inv := invoke(`{"op":"log"}`); strings.Join(inv.Logs, "|") != "echo: a log line" {
		t.Errorf("Logs = %q; want the function's one line", inv.Logs)
	}

	inv := invoke(`{"op":"error"}`)
	if fe, ok := inv.FunctionError(); inv.StatusCode != 200 || !ok || fe.Type != "errorString" || fe.Message != "echo: asked to fail" {
		t.Errorf("error = %d %s; want 200 with errorType errorString, errorMessage \"echo: asked to fail\"", inv.StatusCode, inv.Payload)
	}
	if inv.Report == nil {
		t.Errorf("no REPORT after a function error")
	}

	pid := invoke(`{"op":"pid"}`)
	inv = invoke(`{"op":"exit"}`)
	if fe, ok := inv.FunctionError(); inv.StatusCode != 502 || !ok || fe.Type != "Runtime.ExitError" {
		t.Errorf("exit = %d %s; want 502 Runtime.ExitError", inv.StatusCode, inv.Payload)
	}
	if again := invoke(`"again"`); again.StatusCode != 200 || string(again.Payload) != `"again"` {
		t.Errorf("after the runtime exited = %d %s; want a new runtime to answer", again.StatusCode, again.Payload)
	}
	if n := len(e.InitReports()); n != 2 {
		t.Errorf("InitReports() has %d phases; want 2 (start, and restart after the exit)", n)
	}
	if n := len(e.Reports()); n < 9 {
		t.Errorf("Reports() = %d; want one per invocation that did not crash", n)
	}
	second := invoke(`{"op":"pid"}`)

	if err := e.Stop(); err != nil {
		t.Errorf("Stop() = %v", err)
	}
	if err := e.Stop(); err != nil {
		t.Errorf("second Stop() = %v", err)
	}
	for _, p := range []*rie.Invocation{pid, second} {
		n, _ := strconv.Atoi(string(p.Payload))
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", n)); n == 0 || err == nil {
			t.Errorf("runtime process %d still there after Stop (running, or a zombie nobody reaped)", n)
		}
	}
	if e.Running() {
		t.Errorf("Running() = true after Stop")
	}
	if c, err := net.DialTimeout("tcp", e.Addr(), time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after Stop", e.Addr())
	}
	if _, err := e.Invoke(context.Background(), []byte(`{}`)); err == nil {
		t.Errorf("Invoke after Stop = nil error")
	}
}

// TestStartFailure: a missing bootstrap is refused at once; one whose
// runtime exits before it asks for an event gets the emulator's 502 (with
// an empty body: the init failed) and no REPORT.
func TestStartFailure(t *testing.T) {
	emulator := rietest.EmulatorPath(t)
	for _, bootstrap := range []string{"", t.TempDir() + "/missing", t.TempDir()} {
		if e, err := rie.Start(context.Background(), rie.Config{Emulator: emulator, Bootstrap: bootstrap}); err == nil {
			e.Stop()
			t.Errorf("Start(bootstrap %q) = nil error", bootstrap)
		}
	}
	if e, err := rie.Start(context.Background(), rie.Config{Emulator: "/bin/false", Bootstrap: "/bin/true"}); err == nil || !strings.Contains(err.Error(), "exited at start") {
		if e != nil {
			e.Stop()
		}
		t.Errorf("Start(an emulator that exits) = %v; want an error saying it exited at start", err)
	}
	e := rietest.Start(t, rie.Config{Emulator: emulator, Bootstrap: "/bin/false"})
	inv := rietest.Invoke(t, e, []byte(`{}`))
	if inv.StatusCode != 502 || inv.Report != nil {
		t.Errorf("invoke with a runtime that exits = %d %s, report %+v; want 502 and no REPORT", inv.StatusCode, inv.Payload, inv.Report)
	}
}

// listeners returns the listening TCP sockets (IPv4 and IPv6) on addr's port.
func listeners(t *testing.T, addr string) []string {
	t.Helper()
	_, portStr, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portStr)
	var out []string
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(file)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 4 || fields[3] != "0A" { // 0A: LISTEN
				continue
			}
			ipHex, portHex, ok := strings.Cut(fields[1], ":")
			p, err := strconv.ParseUint(portHex, 16, 32)
			if !ok || err != nil || int(p) != port {
				continue
			}
			out = append(out, net.JoinHostPort(hexIP(ipHex), strconv.Itoa(port)))
		}
		f.Close()
	}
	return out
}

// hexIP decodes /proc/net/tcp's address: 4-byte words in host (little-endian) order.
func hexIP(h string) string {
	b := make(net.IP, 0, len(h)/2)
	for i := 0; i+8 <= len(h); i += 8 {
		w, _ := strconv.ParseUint(h[i:i+8], 16, 32)
		b = append(b, byte(w), byte(w>>8), byte(w>>16), byte(w>>24))
	}
	return b.String()
}
