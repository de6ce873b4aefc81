package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/gate"
	"github.com/lambdahealth/lambdahealth/pkg/lambdahttp"
)

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

// The sample events (the ones `sam local invoke -e` and `make invoke` use)
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
	var ee *lambdahttp.EventError
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), "malformed event") {
		t.Errorf("Invoke(truncated) error = %v; want an EventError", err)
	}
}
