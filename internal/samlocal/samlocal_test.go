//go:build samlocal

package samlocal

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/awsfake"
	"github.com/lambdahealth/lambdahealth/internal/eventcases"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// The real `sam local invoke` and `sam local start-api` (make sam-local),
// built with the tag samlocal (scripts/sam-local.sh): TestMain sets up a Run (Setup), the tests below invoke
// the functions through SAM, and TestMain stops everything at the end.

var (
	samRun   *Run
	setupErr error
)

// id is who the health function says it is: the parameter overrides below.
var id = eventcases.Identity{ServiceID: "orders", ReleaseID: "1.2.3", Version: "1",
	Check: "db:" + health.MeasurementResponseTime, ComponentType: health.ComponentDatastore}

// params are the template parameters every invocation gets.
var params = []string{"ServiceName=orders", "EnvironmentName=test", "ServiceVersion=1.2.3"}

// vars are the same values for the variables template.yaml sets with
// Fn::If (HEALTH_VERSION: !If [HasVersion, !Ref ServiceVersion,
// !Ref AWS::NoValue]): sam local 1.170 passed those blank with the
// parameters above set (seen here: releaseId ""), as it passes any value
// it leaves unresolved (samcli/local/lambdafn/env_vars.py, _stringify_value;
// aws/aws-sam-cli#4510), so --env-vars gives them.
var vars = map[string]string{"HEALTH_VERSION": "1.2.3", "HEALTH_ENVIRONMENT": "test"}

// checks is the one check the functions get: the local PostgreSQL, as the
// container reaches it.
func checks(c map[string]string) string {
	b, _ := json.Marshal([]map[string]string{{"name": "db", "type": "postgres", "dsn": c["LOCAL_PG_DSN"], "timeout": "3s"}})
	return string(b)
}

func TestMain(m *testing.M) {
	ctx := context.Background()
	start := time.Now()
	var err error
	samRun, err = Setup(ctx, testenv.Root(), Options{Dir: os.Getenv("SAM_LOCAL_DIR"), Subnet: os.Getenv("SAM_LOCAL_SUBNET"), Checks: checks, Vars: vars}, os.Stderr)
	if err != nil {
		setupErr = err
		samRun = nil
	} else {
		fmt.Fprintf(os.Stderr, "[sam-local] set up in %.1f s\n", time.Since(start).Seconds())
		// Ctrl-C (or go test's kill) would leave dockerd and the host changes
		// behind until the next run: undo them first.
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		go func() {
			s := <-sig
			fmt.Fprintf(os.Stderr, "[sam-local] %v: stopping everything\n", s)
			if err := samRun.Close(ctx); err != nil {
				fmt.Fprintln(os.Stderr, "[sam-local] stopping:", err)
			}
			os.Exit(130)
		}()
	}
	code := m.Run()
	if samRun != nil {
		if err := samRun.Close(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "[sam-local] stopping:", err)
			code = 1
		}
	}
	fmt.Fprintf(os.Stderr, "[sam-local] %.1f s in all\n", time.Since(start).Seconds())
	os.Exit(code)
}

// need skips the test, or fails it under HEALTH_REQUIRE_INTEGRATION=1,
// when Setup failed.
func need(t *testing.T) *Run {
	t.Helper()
	if samRun != nil {
		return samRun
	}
	testenv.Missing(t, "sam local: "+setupErr.Error())
	return nil
}

// TestInvokeHealth: `sam local invoke HealthFunction` with each event shape
// (API Gateway REST v1, HTTP API v2, ALB, Function URL) on liveness,
// readiness and the one check's route, each answer checked whole.
func TestInvokeHealth(t *testing.T) {
	r := need(t)
	envVars, err := r.EnvVars("env-health.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, shape := range []string{"v1", "v2", "alb", "furl"} {
		for _, route := range []string{"live", "ready", "check"} {
			name := "health-" + shape + "-" + route + ".json"
			t.Run(name, func(t *testing.T) {
				// Each invoke is its own sam process and container, and
				// most of its time is theirs starting: they run side by side.
				t.Parallel()
				start := time.Now()
				out, _, err := r.SAM.Invoke(context.Background(), "HealthFunction", filepath.Join(r.SAM.Root, "events", name), envVars, params...)
				t.Logf("%s in %.1f s (sam exit: %v)", name, time.Since(start).Seconds(), err)
				eventcases.Verify(t, name, out, eventcases.Expect(name, true), id)
			})
		}
	}
}

// TestInvokeCanary: the canary's scheduled event; it answers null when it
// ran its check and recorded the metrics (LocalStack's CloudWatch).
func TestInvokeCanary(t *testing.T) {
	r := need(t)
	envVars, err := r.EnvVars("env-canary.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := r.SAM.Invoke(context.Background(), "CanaryFunction", filepath.Join(r.SAM.Root, "events", "canary-scheduled.json"), envVars, params...)
	if string(out) != "null" {
		t.Errorf("canary answered %s (sam: %v); want null: it ran and recorded its metrics", out, err)
	}
}

// TestInvokeGates: both deployment hooks, against the stand-ins for
// CodeDeploy and the health function's new version (awsfake), which the
// container reaches through the bridge. Each hook must report Succeeded.
func TestInvokeGates(t *testing.T) {
	r := need(t)
	for _, tt := range []struct{ function, event string }{
		{"GatePreTrafficFunction", "gate-pretraffic.json"},
		{"GatePostTrafficFunction", "gate-posttraffic.json"},
	} {
		t.Run(tt.function, func(t *testing.T) {
			event := filepath.Join(r.SAM.Root, "events", tt.event)
			var ev struct{ DeploymentId string }
			if b, err := os.ReadFile(event); err != nil || json.Unmarshal(b, &ev) != nil {
				t.Fatalf("%s: %v", event, err)
			}
			t.Setenv("HEALTH_CHECKS", "[]")
			standIns, err := awsfake.StartStandIns(context.Background(), r.SAM.Root, ev.DeploymentId)
			if err != nil {
				t.Fatal(err)
			}
			var told strings.Builder
			defer func() {
				standIns.Stop(&told)
				t.Log(told.String())
				if want := "told Succeeded for " + ev.DeploymentId; !strings.Contains(told.String(), want) {
					t.Errorf("the stand-in CodeDeploy was not %s: %s", want, told.String())
				}
			}()
			extra := map[string]string{}
			var ports []int
			for _, kv := range standIns.Env {
				k, v, _ := strings.Cut(kv, "=")
				extra[k] = strings.ReplaceAll(v, "127.0.0.1", r.Engine.Gateway.String())
				ports = append(ports, LoopbackPorts(map[string]string{k: v})...)
			}
			if err := r.Engine.Forward(context.Background(), ports...); err != nil {
				t.Fatal(err)
			}
			envVars, err := r.EnvVars("env-"+tt.function+".json", extra)
			if err != nil {
				t.Fatal(err)
			}
			out, _, err := r.SAM.Invoke(context.Background(), tt.function, event, envVars, params...)
			var verdict struct{ Status string }
			if json.Unmarshal(out, &verdict) != nil || verdict.Status != "Succeeded" {
				t.Errorf("%s answered %s (sam: %v); want a Succeeded verdict", tt.function, out, err)
			}
		})
	}
}

// TestStartAPI: `sam local start-api` serves the HTTP API's routes, as API
// Gateway would, from warm containers; each route's status and body.
func TestStartAPI(t *testing.T) {
	r := need(t)
	envVars, err := r.EnvVars("env-api.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	api, err := r.StartAPI(context.Background(), envVars, freePort(t), params...)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := api.Stop(); err != nil {
			t.Error(err)
		}
	}()
	for _, tt := range []struct {
		method, path string
		code         int
		status       string // the body's status; "" when not application/health+json
	}{
		{"GET", "/health/live", 200, "pass"},
		{"GET", "/health/ready", 200, "pass"},
		{"GET", "/health/checks/db", 200, "pass"},
		{"GET", "/health", 200, "pass"},
		{"HEAD", "/health/ready", 200, ""},
		{"GET", "/health/checks/nope", 404, ""},
		{"POST", "/health/live", 405, ""},
		{"GET", "/nope", 404, ""},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			start := time.Now()
			req, _ := http.NewRequest(tt.method, api.URL+tt.path, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			t.Logf("%s %s: %d in %d ms", tt.method, tt.path, resp.StatusCode, time.Since(start).Milliseconds())
			if resp.StatusCode != tt.code {
				t.Errorf("%s %s = %d %s; want %d", tt.method, tt.path, resp.StatusCode, body, tt.code)
			}
			if tt.status != "" {
				var doc struct{ Status, ServiceID, ReleaseID string }
				if err := json.Unmarshal(body, &doc); err != nil || doc.Status != tt.status || doc.ServiceID != id.ServiceID || doc.ReleaseID != id.ReleaseID {
					t.Errorf("%s %s body = %s; want status %q, serviceId %q, releaseId %q", tt.method, tt.path, body, tt.status, id.ServiceID, id.ReleaseID)
				}
			}
		})
	}
}

// freePort returns a loopback port nothing listens on.
func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestBrokenTemplate: a template value broken on purpose makes the
// invocation fail, and the reason is in SAM's own output: a function
// without its GATE_HOOK variable (the gate refuses to start and SAM reports
// the failed invocation), and a misspelt Runtime (SAM refuses it).
func TestBrokenTemplate(t *testing.T) {
	r := need(t)
	src, err := os.ReadFile(r.SAM.Template)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, function, event, old, new string
		good                            string   // in the unbroken answer
		want                            []string // in SAM's output
	}{
		// SAM exits 0 here: only the answer and the output tell.
		{"missing GATE_HOOK", "GatePreTrafficFunction", "gate-pretraffic.json", "GATE_HOOK: BeforeAllowTraffic\n", "\n", "Succeeded",
			// The emulator writes "Init failed error=…" or, when the
			// invocation has begun, "Init failed InvokeID= error=…".
			[]string{"GATE_HOOK: required", "(rapid) Init failed", "error=Runtime exited with error: exit status 2", "Sandbox.Failure"}},
		{"misspelt Runtime", "HealthFunction", "health-v2-live.json", "Runtime: provided.al2023\n", "Runtime: provided.al2033\n", "statusCode",
			[]string{"Error: Runtime provided.al2033 is not supported on 'arm64' architecture"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(string(src), tt.old) {
				t.Fatalf("%s has no %q to break", r.SAM.Template, tt.old)
			}
			broken := *r.SAM
			broken.Template = filepath.Join(filepath.Dir(r.SAM.Template), "template.broken.yaml")
			if err := os.WriteFile(broken.Template, []byte(strings.Replace(string(src), tt.old, tt.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			defer os.Remove(broken.Template)
			envVars, err := r.EnvVars("env-broken.json", nil)
			if err != nil {
				t.Fatal(err)
			}
			out, samOut, err := broken.Invoke(context.Background(), tt.function, filepath.Join(r.SAM.Root, "events", tt.event), envVars, params...)
			t.Logf("sam exit: %v; answer: %q", err, out)
			if strings.Contains(string(out), tt.good) {
				t.Errorf("the broken template still answered as the good one: %s", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(samOut)+string(out), w) {
					t.Errorf("SAM's output does not say %q", w)
				}
			}
		})
	}
}

// TestInvokeNestedApp: examples/samapp, the orders service that nests
// template.yaml as an AWS::Serverless::Application, built by `sam build`
// (the nested functions through mk/sam.mk, as `make example-sam` does) and
// its nested health function invoked as SAM users name it,
// `sam local invoke Health/HealthFunction`: liveness answers 200 pass.
// HEALTH_CHECKS is given as []: under sam local the app's !Sub of its
// table and queue resolves to their logical IDs, which are not a queue URL.
func TestInvokeNestedApp(t *testing.T) {
	r := need(t)
	ctx := context.Background()
	app := *r.SAM
	app.Root = filepath.Join(r.SAM.Root, "examples", "samapp")
	app.BuildDir = filepath.Join(filepath.Dir(r.SAM.BuildDir), "samapp-build")
	build := app.Command(ctx, "build", "--template-file", "template.yaml", "--build-dir", app.BuildDir, "--build-in-source")
	build.Env = append(build.Env, "MAKEFILES="+filepath.Join(r.SAM.Root, "mk", "sam.mk"))
	build.Stdout, build.Stderr = app.Out, app.Out
	if err := build.Run(); err != nil {
		t.Fatalf("sam build (examples/samapp): %v", err)
	}
	app.Template = filepath.Join(app.BuildDir, "template.yaml")
	envVars, err := r.EnvVars("env-samapp.json", map[string]string{"HEALTH_CHECKS": "[]"})
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := app.Invoke(ctx, "Health/HealthFunction", filepath.Join(r.SAM.Root, "events", "health-v2-live.json"), envVars)
	var resp struct {
		StatusCode int    `json:"statusCode"`
		Body       string `json:"body"`
	}
	if json.Unmarshal(out, &resp) != nil || resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, `"status":"pass"`) {
		t.Errorf("Health/HealthFunction answered %s (sam: %v); want 200 with status pass", out, err)
	}
}
