package rie

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
)

func TestParseReport(t *testing.T) {
	tests := []struct {
		line string
		want Report
		ok   bool
	}{
		{"REPORT RequestId: 2698\tInit Duration: 0.24 ms\tDuration: 10.21 ms\tBilled Duration: 11 ms\tMemory Size: 256 MB\tMax Memory Used: 256 MB\t",
			Report{RequestID: "2698", Cold: true, InitDuration: 240 * time.Microsecond, Duration: 10210 * time.Microsecond,
				BilledDuration: 11 * time.Millisecond, MemorySizeMB: 256, MaxMemoryUsedMB: 256}, true},
		{"REPORT RequestId: 732f\tDuration: 1.42 ms\tBilled Duration: 2 ms\tMemory Size: 3008 MB\tMax Memory Used: 3008 MB\t",
			Report{RequestID: "732f", Duration: 1420 * time.Microsecond, BilledDuration: 2 * time.Millisecond, MemorySizeMB: 3008, MaxMemoryUsedMB: 3008}, true},
		{"START RequestId: 732f Version: $LATEST", Report{}, false},
		{"REPORT nothing", Report{}, false},
		{`{"msg":"REPORT RequestId: x"}`, Report{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseReport(tt.line)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseReport(%q) = %+v, %v; want %+v, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseInitReport(t *testing.T) {
	tests := []struct {
		line string
		want time.Duration
		ok   bool
	}{
		{"22 Nov 2026 10:49:15,340 [INFO] (rapid) INIT REPORT(durationMs: 8.503000)", 8503 * time.Microsecond, true},
		{"22 Nov 2026 10:49:15,331 [INFO] (rapid) INIT START(type: on-demand, phase: init)", 0, false},
		{"INIT REPORT(durationMs: soon)", 0, false},
	}
	for _, tt := range tests {
		if got, ok := parseInitReport(tt.line); got != tt.want || ok != tt.ok {
			t.Errorf("parseInitReport(%q) = %v, %v; want %v, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseFunctionError(t *testing.T) {
	tests := []struct {
		payload string
		want    *FunctionError
	}{
		{`{"errorMessage":"malformed event: truncated JSON","errorType":"wrapError"}`, &FunctionError{Type: "wrapError", Message: "malformed event: truncated JSON"}},
		{`{"errorType":"Runtime.ExitError","errorMessage":"RequestId: x Error: Runtime exited with error: exit status 3"}`,
			&FunctionError{Type: "Runtime.ExitError", Message: "RequestId: x Error: Runtime exited with error: exit status 3"}},
		{`{"errorMessage":"boom","errorType":"runtime.Error","stackTrace":[{"path":"x.go","line":1,"label":"f"}]}`,
			&FunctionError{Type: "runtime.Error", Message: "boom", StackTrace: []any{map[string]any{"path": "x.go", "line": 1.0, "label": "f"}}}},
		{`{"statusCode":200,"body":"{}"}`, nil},
		{`{"errorMessage":"x","statusCode":500}`, nil},
		{`null`, nil},
		{`"errorMessage"`, nil},
		{`{}`, nil},
		{``, nil},
	}
	for _, tt := range tests {
		got, ok := ParseFunctionError([]byte(tt.payload))
		if ok != (tt.want != nil) {
			t.Errorf("ParseFunctionError(%s) = %v, %v; want %v", tt.payload, got, ok, tt.want)
			continue
		}
		if ok && (got.Type != tt.want.Type || got.Message != tt.want.Message || len(got.StackTrace) != len(tt.want.StackTrace)) {
			t.Errorf("ParseFunctionError(%s) = %+v; want %+v", tt.payload, got, tt.want)
		}
	}
}

func TestInvocationLines(t *testing.T) {
	out := strings.Split(strings.Join([]string{
		"START RequestId: a Version: $LATEST",
		"log a",
		"END RequestId: a",
		"REPORT RequestId: a\tInit Duration: 0.02 ms\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\t",
		"START RequestId: b Version: $LATEST",
		"START RequestId: c Version: $LATEST",
		"log c 1",
		"log c 2",
		"END RequestId: c",
		"REPORT RequestId: c\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\t",
	}, "\n"), "\n")
	tests := []struct {
		n       int
		id      string
		report  bool
		cold    bool
		logs    []string
		comment string
	}{
		{0, "a", true, true, []string{"log a"}, "first, cold"},
		{1, "b", false, false, nil, "crashed: START without REPORT"},
		{2, "c", true, false, []string{"log c 1", "log c 2"}, "after the crash"},
		{3, "", false, false, nil, "not started yet"},
	}
	for _, tt := range tests {
		id, r, logs := invocationLines(out, tt.n)
		if id != tt.id || (r != nil) != tt.report || (r != nil && (r.Cold != tt.cold || r.RequestID != tt.id)) || strings.Join(logs, "|") != strings.Join(tt.logs, "|") {
			t.Errorf("invocationLines(%d) (%s) = %q, %+v, %q; want %q, report %v (cold %v), %q", tt.n, tt.comment, id, r, logs, tt.id, tt.report, tt.cold, tt.logs)
		}
	}
}

func TestEnvironment(t *testing.T) {
	env := environment(Config{FunctionName: "fn", MemoryMB: 256, Timeout: 1500 * time.Millisecond,
		Env: []string{"FOO=bar", "TZ=Europe/Paris", "X=a=b"}}, "/task")
	got := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if _, dup := got[k]; dup {
			t.Errorf("environment has %s twice", k)
		}
		got[k] = v
	}
	for k, want := range map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME": "fn", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "AWS_LAMBDA_FUNCTION_TIMEOUT": "2",
		"LAMBDA_TASK_ROOT": "/task", "FOO": "bar", "TZ": "Europe/Paris", "X": "a=b",
	} {
		if got[k] != want {
			t.Errorf("environment[%s] = %q; want %q", k, got[k], want)
		}
	}
	if _, ok := got["HOME"]; ok {
		t.Errorf("environment leaks the caller's HOME")
	}
}

func TestArch(t *testing.T) {
	for goarch, want := range map[string]string{"amd64": "x86_64", "arm64": "arm64", "386": ""} {
		if got := Arch(goarch); got != want {
			t.Errorf("Arch(%q) = %q; want %q", goarch, got, want)
		}
	}
}

func TestPortTaken(t *testing.T) {
	emulator, err := Find(testenv.Root())
	if err != nil {
		testenv.Missing(t, err.Error())
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	free, err := freePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Emulator: emulator, Bootstrap: "/bin/true", StartTimeout: 5 * time.Second}
	e, err := start(context.Background(), cfg, ln.Addr().String(), net.JoinHostPort("127.0.0.1", strconv.Itoa(free[0])))
	if err == nil {
		e.Stop()
	}
	if !errors.Is(err, errPortTaken) {
		t.Errorf("start on a taken port = %v; want errPortTaken (Start then tries other ports)", err)
	}
}

func TestProblem(t *testing.T) {
	log := "a\n22 Nov 2026 10:57:33,861 [PANIC] (rapid) listen tcp 127.0.0.1:1: bind: address already in use\npanic: x\ngoroutine 1\n\tmain.go:19\n"
	if got := problem(log); !strings.Contains(got, "[PANIC]") {
		t.Errorf("problem() = %q; want the PANIC line", got)
	}
	if got := problem("1\n2\n3\n4\n5\n6\n"); got != "2 | 3 | 4 | 5 | 6" {
		t.Errorf("problem() = %q; want the last five lines", got)
	}
}
