package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/lambdahealth/lambdahealth/internal/awsfake"
	"github.com/lambdahealth/lambdahealth/internal/rie"
	"github.com/lambdahealth/lambdahealth/internal/rie/rietest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/gate"
)

// gateTimeout is the gate function's own timeout: the hook's deadline.
const gateTimeout = 12 * time.Second

// TestGateThroughEmulator runs the gate's production bootstrap under the
// Lambda Runtime Interface Emulator, pointed (AWS_ENDPOINT_URL_LAMBDA) at
// real health bootstraps in emulators of their own, one per version, and
// (AWS_ENDPOINT_URL_CODEDEPLOY) at a local CodeDeploy endpoint that records
// the verdicts: moto's server does not serve PutLifecycleEventHookExecutionStatus.
func TestGateThroughEmulator(t *testing.T) {
	emulator := rietest.EmulatorPath(t)
	healthBin := rietest.Bootstrap(t, "./functions/health")
	gateBin := rietest.Bootstrap(t, "./functions/gate")

	dependency := testenv.OpenPort(t)
	hung := "http://" + testenv.HungListener(t) + "/"
	versions := map[string][]string{
		// 1: healthy.
		"1": {`HEALTH_CHECKS=[{"name":"dep","type":"tcp","address":"` + dependency + `"}]`},
		// 2: its critical dependency is down.
		"2": {`HEALTH_CHECKS=[{"name":"dep","type":"tcp","address":"` + testenv.ClosedPort(t) + `"}]`},
		// 3: hangs: a check that waits a minute on a server that never answers.
		"3": {"HEALTH_BUDGET=60s", `HEALTH_CHECKS=[{"name":"slow","type":"http","url":"` + hung + `","timeout":"60s"}]`},
	}
	front := awsfake.NewLambdaFront()
	for v, env := range versions {
		e := rietest.Start(t, rie.Config{Emulator: emulator, Bootstrap: healthBin, FunctionName: "orders-health",
			MemoryMB: 256, Timeout: 60 * time.Second, Env: append([]string{"AWS_REGION=us-east-1", "HEALTH_SERVICE=orders"}, env...)})
		front.Route("orders-health", v, e.URL())
		if v == "1" {
			front.Route("orders-health", "live", e.URL())
		}
	}
	lambdaURL := httptest.NewServer(front).URL
	deploy := awsfake.NewCodeDeploy()
	deployURL := httptest.NewServer(deploy).URL

	start := func(hook string) *rie.Emulator {
		return rietest.Start(t, rie.Config{Emulator: emulator, Bootstrap: gateBin, FunctionName: "gate",
			MemoryMB: 128, Timeout: gateTimeout, Env: []string{
				"AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
				"AWS_ENDPOINT_URL_LAMBDA=" + lambdaURL, "AWS_ENDPOINT_URL_CODEDEPLOY=" + deployURL,
				"GATE_HOOK=" + hook, "GATE_ATTEMPTS=3", "GATE_BACKOFF=200ms", "GATE_ATTEMPT_TIMEOUT=2s",
			}})
	}
	pre := start(gate.BeforeAllowTraffic)
	post := start(gate.AfterAllowTraffic)
	defer t.Run("after traffic with an alarm in ALARM (LocalStack)", func(t *testing.T) {
		afterTrafficAlarm(t, emulator, gateBin, lambdaURL, deployURL, deploy)
	})

	reports := 0
	for _, tt := range []struct {
		name     string
		e        *rie.Emulator
		appSpec  string
		throttle int
		status   string
		reason   string
		calls    []string
		log      string
	}{
		{name: "healthy version", e: pre, appSpec: awsfake.LambdaAppSpec("orders-health", "live", "0", "1"),
			status: gate.Succeeded, calls: []string{"orders-health:1"}},
		{name: "critical dependency down", e: pre, appSpec: awsfake.LambdaAppSpec("orders-health", "live", "1", "2"),
			status: gate.Failed, reason: "/health/ready answered 503 fail",
			calls: []string{"orders-health:2", "orders-health:2", "orders-health:2"}, log: `"failing_checks":["dep: connection refused"]`},
		{name: "version hangs", e: pre, appSpec: awsfake.LambdaAppSpec("orders-health", "live", "1", "3"),
			// The first attempt times out; the emulator, still busy with it, refuses the others.
			status: gate.Failed, reason: "invoke: ",
			calls: []string{"orders-health:3", "orders-health:3", "orders-health:3"}},
		{name: "appspec names no function", e: pre, appSpec: `{"version":0.0,"Resources":[],"Hooks":[]}`,
			status: gate.Failed, reason: "appspec: names no AWS::Lambda::Function resource"},
		{name: "throttled invoke is retried", e: pre, appSpec: awsfake.LambdaAppSpec("orders-health", "live", "0", "1"), throttle: 1,
			status: gate.Succeeded, calls: []string{"orders-health:1", "orders-health:1"}},
		{name: "after traffic through the alias", e: post, appSpec: awsfake.LambdaAppSpec("orders-health", "live", "0", "1"),
			status: gate.Succeeded, calls: []string{"orders-health:live"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			id := fmt.Sprintf("d-%d", reports+1)
			deploy.AddDeployment(id, tt.appSpec)
			front.Throttle(tt.throttle)
			before := len(front.Calls())
			payload, _ := json.Marshal(gate.Event{DeploymentID: id, LifecycleEventHookExecutionID: "exec-" + id})
			inv := rietest.Invoke(t, tt.e, payload)
			if inv.StatusCode != http.StatusOK {
				t.Fatalf("gate answered %d %s", inv.StatusCode, inv.Payload)
			}
			reports++
			r, ok := deploy.WaitReport(reports, 5*time.Second)
			if !ok {
				t.Fatalf("the gate reported nothing to CodeDeploy; it answered %s", inv.Payload)
			}
			if r.DeploymentID != id || r.ExecutionID != "exec-"+id || r.Status != tt.status {
				t.Errorf("report = %+v; want %s for %s", r, tt.status, id)
			}
			var v gate.Verdict
			if err := json.Unmarshal(inv.Payload, &v); err != nil || v.Status != tt.status || !strings.HasPrefix(v.Reason, tt.reason) || (tt.reason == "") != (v.Reason == "") {
				t.Errorf("verdict = %s (%v); want %s %q", inv.Payload, err, tt.status, tt.reason)
			}
			if calls := front.Calls()[before:]; !reflect.DeepEqual(calls, tt.calls) && !(len(calls) == 0 && tt.calls == nil) {
				t.Errorf("invocations = %q; want %q", calls, tt.calls)
			}
			// Before the hook's deadline, with the margin to report.
			if limit := gateTimeout - gate.DefaultReportMargin + time.Second; inv.Elapsed() > limit {
				t.Errorf("verdict after %v; want it before %v", inv.Elapsed(), limit)
			}
			t.Logf("%s: %s (%s) after %v", tt.name, r.Status, v.Reason, inv.Elapsed().Round(time.Millisecond))
			if tt.log != "" && !strings.Contains(tt.e.Stdout(), tt.log) {
				t.Errorf("gate log does not name the failing check (%s):\n%s", tt.log, tt.e.Stdout())
			}
		})
	}
}

// afterTrafficAlarm: the AfterAllowTraffic gate reads its alarms from
// LocalStack's CloudWatch; one in ALARM fails the hook although the alias
// answers 200.
func afterTrafficAlarm(t *testing.T, emulator, gateBin, lambdaURL, deployURL string, deploy *awsfake.CodeDeploy) {
	local := testenv.Need(t, "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
	testenv.SetAWSEnv(t)
	ctx := context.Background()
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cw := cloudwatch.NewFromConfig(cfg)
	// The gate reads alarm states; how CloudWatch reaches them is not what
	// this tests. Each alarm is put in its state directly (SetAlarmState),
	// and its missing-data treatment leads LocalStack's own evaluation to
	// the same state (breaching: ALARM, as SuccessAlarm when the canary
	// stops; notBreaching: OK), so an evaluation in between changes nothing.
	ok, firing := "gate-ok-"+testenv.RandomSuffix(t), "gate-firing-"+testenv.RandomSuffix(t)
	for _, a := range []struct {
		name, missing string
		state         cwtypes.StateValue
	}{{ok, "notBreaching", cwtypes.StateValueOk}, {firing, "breaching", cwtypes.StateValueAlarm}} {
		if _, err := cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
			AlarmName: aws.String(a.name), Namespace: aws.String("GateTest"), MetricName: aws.String("Success"),
			Statistic: cwtypes.StatisticMinimum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1),
			Threshold: aws.Float64(1), ComparisonOperator: cwtypes.ComparisonOperatorLessThanThreshold,
			TreatMissingData: aws.String(a.missing),
		}); err != nil {
			t.Fatalf("PutMetricAlarm: %v", err)
		}
		t.Cleanup(func() { _, _ = cw.DeleteAlarms(ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{a.name}}) })
		if _, err := cw.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{
			AlarmName: aws.String(a.name), StateValue: a.state, StateReason: aws.String("set by the gate's test"),
		}); err != nil {
			t.Fatalf("SetAlarmState %s %s: %v", a.name, a.state, err)
		}
	}
	out, err := cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{ok, firing}})
	if err != nil || len(out.MetricAlarms) != 2 {
		t.Fatalf("DescribeAlarms = %+v, %v; want the 2 alarms", out, err)
	}
	for _, a := range out.MetricAlarms {
		if want := map[string]cwtypes.StateValue{ok: cwtypes.StateValueOk, firing: cwtypes.StateValueAlarm}[aws.ToString(a.AlarmName)]; a.StateValue != want {
			t.Fatalf("LocalStack has %s in %s; want %s", aws.ToString(a.AlarmName), a.StateValue, want)
		}
	}
	e := rietest.Start(t, rie.Config{Emulator: emulator, Bootstrap: gateBin, FunctionName: "gate",
		MemoryMB: 128, Timeout: gateTimeout, Env: []string{
			"AWS_REGION=" + local["AWS_REGION"], "AWS_ACCESS_KEY_ID=" + local["AWS_ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY=" + local["AWS_SECRET_ACCESS_KEY"],
			"AWS_ENDPOINT_URL=" + local["AWS_ENDPOINT_URL"],
			"AWS_ENDPOINT_URL_LAMBDA=" + lambdaURL, "AWS_ENDPOINT_URL_CODEDEPLOY=" + deployURL,
			"GATE_HOOK=" + gate.AfterAllowTraffic, "GATE_ALARMS=" + ok + "," + firing,
		}})
	id := "d-alarm"
	deploy.AddDeployment(id, awsfake.LambdaAppSpec("orders-health", "live", "0", "1"))
	payload, _ := json.Marshal(gate.Event{DeploymentID: id, LifecycleEventHookExecutionID: "exec-" + id})
	inv := rietest.Invoke(t, e, payload)
	var v gate.Verdict
	if err := json.Unmarshal(inv.Payload, &v); err != nil || v.Status != gate.Failed || v.Reason != "in ALARM: "+firing {
		t.Errorf("verdict = %s (%v); want Failed \"in ALARM: %s\"", inv.Payload, err, firing)
	}
	var reported bool
	for _, r := range deploy.Reports() {
		reported = reported || (r.DeploymentID == id && r.Status == gate.Failed)
	}
	if !reported {
		t.Errorf("reports = %+v; want Failed for %s", deploy.Reports(), id)
	}
}
