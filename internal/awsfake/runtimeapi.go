package awsfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// runtimeAPIPrefix is the Lambda Runtime API's path prefix.
const runtimeAPIPrefix = "/2018-06-01/runtime/"

// RuntimeAPI is a Lambda Runtime API (AWS_LAMBDA_RUNTIME_API) that hands
// a bootstrap its events one by one and records what it answers. Once the
// events are used up, /next answers 500, on which aws-lambda-go's loop
// ends the process: a run under it is bounded. Safe for concurrent use.
type RuntimeAPI struct {
	mu      sync.Mutex
	events  [][]byte
	answers []RuntimeAnswer
}

// RuntimeAnswer is what the bootstrap posted for one invocation.
type RuntimeAnswer struct {
	RequestID string
	// Error reports a post to /error (the invocation failed) rather than to
	// /response.
	Error bool
	Body  string
}

// NewRuntimeAPI returns a Runtime API that will hand out events, in order.
func NewRuntimeAPI(events ...[]byte) *RuntimeAPI { return &RuntimeAPI{events: events} }

// Answers returns what the bootstrap posted so far, in order.
func (r *RuntimeAPI) Answers() []RuntimeAnswer {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]RuntimeAnswer(nil), r.answers...)
}

// ServeHTTP serves GET .../invocation/next and POST
// .../invocation/{id}/response or /error.
func (r *RuntimeAPI) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	path, ok := strings.CutPrefix(req.URL.Path, runtimeAPIPrefix+"invocation/")
	switch {
	case ok && path == "next" && req.Method == http.MethodGet:
		r.mu.Lock()
		n := len(r.answers) + len(r.events)
		var ev []byte
		if len(r.events) > 0 {
			ev, r.events = r.events[0], r.events[1:]
		}
		r.mu.Unlock()
		if ev == nil {
			http.Error(w, "no more events", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", fmt.Sprintf("req-%d", n))
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(time.Minute).UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:local")
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
		_, _ = w.Write(ev)
	case ok && req.Method == http.MethodPost:
		id, kind, _ := strings.Cut(path, "/")
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.answers = append(r.answers, RuntimeAnswer{RequestID: id, Error: kind == "error", Body: string(body)})
		r.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	default:
		http.NotFound(w, req)
	}
}

// MainEnv set to 1 makes a test binary whose TestMain is TestMainOr run
// main instead of its tests: RunBootstrap(os.Args[0], MainEnv+"=1") runs
// the bootstrap as Lambda would, without building it again.
const MainEnv = "AWSFAKE_RUN_MAIN"

// TestMainOr runs main when MainEnv is 1, and the tests otherwise.
func TestMainOr(m *testing.M, main func()) {
	if os.Getenv(MainEnv) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// RunBootstrap runs the Lambda bootstrap bin, with env added to a minimal
// environment, under a RuntimeAPI that hands it events, and returns what it
// printed and answered once it has exited (which it does when the events
// are used up) or ctx has ended.
func RunBootstrap(ctx context.Context, bin string, env []string, events ...[]byte) (stdout, stderr string, answers []RuntimeAnswer, err error) {
	api := NewRuntimeAPI(events...)
	srv := httptest.NewServer(api)
	defer srv.Close()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "AWS_LAMBDA_RUNTIME_API=" + strings.TrimPrefix(srv.URL, "http://"),
		"AWS_LAMBDA_FUNCTION_NAME=local", "AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_EC2_METADATA_DISABLED=true"}, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if ctx.Err() != nil {
		err = ctx.Err()
	} else if _, exited := err.(*exec.ExitError); exited {
		err = nil // the expected end: the events are used up
	}
	return out.String(), errOut.String(), api.Answers(), err
}

// CheckRejectedEvent runs bin (as RunBootstrap does) on one event that is
// not JSON, and fails t unless the invocation failed with an EventError
// and every line the bootstrap printed is a JSON object, among them the
// failed invocation's. It returns stdout, for more checks.
func CheckRejectedEvent(t testing.TB, bin string, env []string, event []byte) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stdout, stderr, answers, err := RunBootstrap(ctx, bin, env, event)
	if err != nil {
		t.Fatalf("run: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	if len(answers) != 1 || !answers[0].Error || !strings.Contains(answers[0].Body, `"errorType":"EventError"`) {
		t.Errorf("answers = %+v; want one EventError", answers)
	}
	var plain []string
	for line := range strings.Lines(stdout + stderr) {
		var obj map[string]any
		if json.Unmarshal([]byte(line), &obj) != nil || obj == nil {
			plain = append(plain, strings.TrimSuffix(line, "\n"))
		}
	}
	if len(plain) > 0 {
		t.Errorf("lines that are not JSON: %q", plain)
	}
	if !strings.Contains(stdout, `"msg":"invocation failed","error_type":"EventError"`) {
		t.Errorf("stdout = %s; want the failed invocation as a JSON line", stdout)
	}
	return stdout
}
