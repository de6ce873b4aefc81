package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/awsfake"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/gate"
	"github.com/lambdahealth/lambdahealth/pkg/jsonerr"
)

func TestMain(m *testing.M) { awsfake.TestMainOr(m, main) }

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoad(t *testing.T) {
	s, err := load(env(map[string]string{"GATE_HOOK": "AfterAllowTraffic", "GATE_ALARMS": "a, b,,c",
		"GATE_EVENT": "alb", "GATE_ATTEMPTS": "2", "GATE_ATTEMPT_TIMEOUT": "3s", "GATE_BACKOFF": "250ms"}))
	want := settings{Hook: gate.AfterAllowTraffic, Shape: gate.ShapeALB, Path: gate.DefaultPath, Alarms: []string{"a", "b", "c"},
		Attempts: 2, AttemptTimeout: 3 * time.Second, Backoff: 250 * time.Millisecond}
	if err != nil || !reflect.DeepEqual(s, want) {
		t.Errorf("load = %+v, %v; want %+v", s, err, want)
	}
	_, err = load(env(map[string]string{"GATE_EVENT": "grpc", "GATE_PATH": "ready", "GATE_ATTEMPTS": "0", "GATE_BACKOFF": "soon"}))
	var fields []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *config.FieldError
		if errors.As(e, &fe) {
			fields = append(fields, fe.Field)
		}
	}
	if want := []string{"GATE_HOOK", "GATE_EVENT", "GATE_PATH", "GATE_ATTEMPTS", "GATE_BACKOFF"}; !reflect.DeepEqual(fields, want) {
		t.Errorf("load errors name %q; want %q (%v)", fields, want, err)
	}
}

// A GATE_PATH with a query or fragment is refused at start-up (the function
// would answer every synthetic request with a 400), and any number of
// alarms is taken: the gate reads them 100 at a time.
func TestLoadPathAndAlarms(t *testing.T) {
	for _, path := range []string{"/health/ready?verbose=1", "/health/ready#x", "/health?", "/health/ready now"} {
		_, err := load(env(map[string]string{"GATE_HOOK": gate.BeforeAllowTraffic, "GATE_PATH": path}))
		var fe *config.FieldError
		if !errors.As(err, &fe) || fe.Field != "GATE_PATH" {
			t.Errorf("load(GATE_PATH=%q) error = %v; want one naming GATE_PATH", path, err)
		}
	}
	names := make([]string, 121)
	for i := range names {
		names[i] = fmt.Sprintf("orders-CheckAlarm%d", i+1)
	}
	s, err := load(env(map[string]string{"GATE_HOOK": gate.AfterAllowTraffic, "GATE_ALARMS": strings.Join(names, ",")}))
	if err != nil || len(s.Alarms) != 121 {
		t.Errorf("load(121 alarms) = %d alarms, %v; want 121", len(s.Alarms), err)
	}
}

// The sample events (the ones `sam local invoke -e` uses)
// are hook events; anything else fails the invocation with EventError.
func TestEvents(t *testing.T) {
	for _, name := range []string{"gate-pretraffic.json", "gate-posttraffic.json"} {
		b, err := os.ReadFile(filepath.Join(testenv.Root(), "events", name))
		if err != nil {
			t.Fatal(err)
		}
		var ev gate.Event
		if err := json.Unmarshal(b, &ev); err != nil || ev.DeploymentID == "" || ev.LifecycleEventHookExecutionID == "" {
			t.Errorf("%s = %+v, %v; want both IDs", name, ev, err)
		}
	}
	_, err := hookHandler{}.Invoke(context.Background(), []byte(`{"DeploymentId":`))
	var ee *jsonerr.EventError
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), "malformed event") {
		t.Errorf("Invoke(truncated) error = %v; want an EventError", err)
	}
	// A name given twice is refused (encoding/json kept the last), and names
	// match exactly (encoding/json took deploymentid for DeploymentId).
	_, err = hookHandler{}.Invoke(context.Background(), []byte(`{"DeploymentId":"d-1","DeploymentId":"d-2","LifecycleEventHookExecutionId":"e"}`))
	if !errors.As(err, &ee) {
		t.Errorf("Invoke(DeploymentId twice) error = %v; want an EventError", err)
	}
	var ev gate.Event
	if err := decodeEvent([]byte(`{"deploymentid":"d-1","lifecycleeventhookexecutionid":"e"}`), &ev); err != nil || ev.DeploymentID != "" {
		t.Errorf("decodeEvent(lower-case names) = %+v, %v; want the IDs left empty", ev, err)
	}
}

// Outside Lambda the gate handles the event on stdin, prints the verdict
// and exits 0 on Succeeded, 1 on Failed.
func TestRunOnce(t *testing.T) {
	for _, tt := range []struct {
		code   int
		status string
		exit   int
	}{{200, "pass", 0}, {503, "fail", 1}} {
		t.Run(tt.status, func(t *testing.T) {
			version := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := json.Marshal(map[string]any{"statusCode": tt.code, "body": `{"status":"` + tt.status + `"}`})
				_, _ = w.Write(body)
			}))
			defer version.Close()
			front := awsfake.NewLambdaFront()
			front.Route("orders", "2", version.URL)
			lambdaSrv := httptest.NewServer(front)
			defer lambdaSrv.Close()
			deploy := awsfake.NewCodeDeploy()
			deploy.AddDeployment("d-1", awsfake.LambdaAppSpec("orders", "live", "1", "2"))
			deploySrv := httptest.NewServer(deploy)
			defer deploySrv.Close()
			t.Setenv("AWS_REGION", "us-east-1")
			t.Setenv("AWS_ACCESS_KEY_ID", "test")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
			t.Setenv("AWS_ENDPOINT_URL_LAMBDA", lambdaSrv.URL)
			t.Setenv("AWS_ENDPOINT_URL_CODEDEPLOY", deploySrv.URL)
			t.Setenv("GATE_HOOK", gate.BeforeAllowTraffic)
			t.Setenv("GATE_ATTEMPTS", "1")
			g, err := setup(context.Background(), slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			exit := runOnce(g, strings.NewReader(`{"DeploymentId":"d-1","LifecycleEventHookExecutionId":"e-1"}`), &out)
			var v gate.Verdict
			if err := json.Unmarshal(out.Bytes(), &v); err != nil || exit != tt.exit {
				t.Errorf("runOnce = %d, %s; want exit %d", exit, out.String(), tt.exit)
			}
			if r := deploy.Reports(); len(r) != 1 || r[0].Status != v.Status {
				t.Errorf("reports = %+v; want the verdict %s", r, v.Status)
			}
		})
	}
	if exit := runOnce(nil, strings.NewReader("not json"), io.Discard); exit != 2 {
		t.Errorf("runOnce(not JSON) = %d; want 2", exit)
	}
}

// In Lambda only JSON lines reach the logs: aws-lambda-go's plain-text line
// for a failed invocation (`2026/12/06 22:06:10 {"errorMessage":…}`) and
// for its own exit go through the JSON logger.
func TestLogsAreJSONUnderRuntimeAPI(t *testing.T) {
	awsfake.CheckRejectedEvent(t, os.Args[0], []string{awsfake.MainEnv + "=1", "GATE_HOOK=" + gate.BeforeAllowTraffic}, []byte(`{"DeploymentId":`))
}
