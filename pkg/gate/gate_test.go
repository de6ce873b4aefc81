package gate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

const lambdaAppSpec = `{"version":0.0,"Resources":[{"orders":{"Type":"AWS::Lambda::Function",
  "Properties":{"Name":"orders-health","Alias":"live","CurrentVersion":"6","TargetVersion":"7"}}}],
  "Hooks":[{"BeforeAllowTraffic":"gate-pre"},{"AfterAllowTraffic":"gate-post"}]}`

// fakeDeploy is CodeDeploy with function fields; it records the reports.
type fakeDeploy struct {
	spec   string
	getErr error
	putErr error

	mu      sync.Mutex
	reports []string // "<execution id> <status>"
}

func (f *fakeDeploy) GetDeployment(_ context.Context, in *codedeploy.GetDeploymentInput, _ ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentOutput, error) {
	if f.getErr != nil {
		return nil, f.getErr
	}
	return &codedeploy.GetDeploymentOutput{DeploymentInfo: &cdtypes.DeploymentInfo{
		DeploymentId: in.DeploymentId,
		Revision: &cdtypes.RevisionLocation{RevisionType: cdtypes.RevisionLocationTypeAppSpecContent,
			AppSpecContent: &cdtypes.AppSpecContent{Content: aws.String(f.spec)}},
	}}, nil
}

func (f *fakeDeploy) PutLifecycleEventHookExecutionStatus(_ context.Context, in *codedeploy.PutLifecycleEventHookExecutionStatusInput, _ ...func(*codedeploy.Options)) (*codedeploy.PutLifecycleEventHookExecutionStatusOutput, error) {
	f.mu.Lock()
	f.reports = append(f.reports, aws.ToString(in.LifecycleEventHookExecutionId)+" "+string(in.Status))
	f.mu.Unlock()
	return &codedeploy.PutLifecycleEventHookExecutionStatusOutput{}, f.putErr
}

type fakeLambda struct {
	invoke func(ctx context.Context, in *lambda.InvokeInput) (*lambda.InvokeOutput, error)
	mu     sync.Mutex
	calls  []string // "<function>:<qualifier>"
}

func (f *fakeLambda) Invoke(ctx context.Context, in *lambda.InvokeInput, _ ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	f.mu.Lock()
	f.calls = append(f.calls, aws.ToString(in.FunctionName)+":"+aws.ToString(in.Qualifier))
	f.mu.Unlock()
	return f.invoke(ctx, in)
}

type fakeAlarms struct {
	describe func(in *cloudwatch.DescribeAlarmsInput) (*cloudwatch.DescribeAlarmsOutput, error)
}

func (f fakeAlarms) DescribeAlarms(_ context.Context, in *cloudwatch.DescribeAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	return f.describe(in)
}

// answer is a payload 2.0 response with a health body.
func answer(code int, body string) (*lambda.InvokeOutput, error) {
	b, _ := json.Marshal(map[string]any{"statusCode": code, "headers": map[string]string{"content-type": "application/health+json"}, "body": body})
	return &lambda.InvokeOutput{StatusCode: 200, Payload: b}, nil
}

const (
	passBody = `{"status":"pass","serviceId":"orders"}`
	failBody = `{"status":"fail","output":"orders-db: connection refused","checks":{
	  "orders-db:responseTime":[{"componentId":"orders-db","status":"fail","output":"connection refused"}],
	  "cache:responseTime":[{"componentId":"cache","status":"pass"}]}}`
)

var event = Event{DeploymentID: "d-TEST", LifecycleEventHookExecutionID: "exec-1"}

func newGate(t *testing.T, hook string, d CodeDeployAPI, l LambdaAPI, opts ...Option) *Gate {
	t.Helper()
	g, err := New(hook, d, l, append([]Option{WithBackoff(10*time.Millisecond, 40*time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return g
}

func throttled() error {
	return &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 429}}, Err: errors.New("TooManyRequestsException")}
}

func TestHandle(t *testing.T) {
	for _, tt := range []struct {
		name     string
		hook     string
		spec     string
		invoke   func(n int) (*lambda.InvokeOutput, error)
		alarms   []cwtypes.MetricAlarm
		status   string
		reason   string
		calls    []string
		failing  []string
		attempts int
	}{
		{name: "healthy version", hook: BeforeAllowTraffic, spec: lambdaAppSpec,
			invoke: func(int) (*lambda.InvokeOutput, error) { return answer(200, passBody) },
			status: Succeeded, calls: []string{"orders-health:7"}, attempts: 1},
		{name: "warn takes traffic", hook: BeforeAllowTraffic, spec: lambdaAppSpec,
			invoke: func(int) (*lambda.InvokeOutput, error) {
				return answer(200, `{"status":"warn","checks":{"jobs:messages":[{"componentId":"jobs","status":"warn","output":"queue depth 1200 above 1000"}]}}`)
			},
			status: Succeeded, calls: []string{"orders-health:7"}, attempts: 1, failing: []string{"jobs: queue depth 1200 above 1000"}},
		{name: "critical dependency down", hook: BeforeAllowTraffic, spec: lambdaAppSpec,
			invoke: func(int) (*lambda.InvokeOutput, error) { return answer(503, failBody) },
			status: Failed, reason: "/health/ready answered 503 fail", attempts: 3,
			calls:   []string{"orders-health:7", "orders-health:7", "orders-health:7"},
			failing: []string{"orders-db: connection refused"}},
		{name: "throttled invoke is retried", hook: BeforeAllowTraffic, spec: lambdaAppSpec,
			invoke: func(n int) (*lambda.InvokeOutput, error) {
				if n == 1 {
					return nil, throttled()
				}
				return answer(200, passBody)
			},
			status: Succeeded, calls: []string{"orders-health:7", "orders-health:7"}, attempts: 2},
		{name: "function error", hook: BeforeAllowTraffic, spec: lambdaAppSpec,
			invoke: func(int) (*lambda.InvokeOutput, error) {
				return &lambda.InvokeOutput{StatusCode: 200, FunctionError: aws.String("Unhandled"), Payload: []byte(`{"errorMessage":"secret-host:5432 refused"}`)}, nil
			},
			status: Failed, reason: "function error (Unhandled)", attempts: 3,
			calls: []string{"orders-health:7", "orders-health:7", "orders-health:7"}},
		{name: "appspec names no function", hook: BeforeAllowTraffic,
			spec:   `{"version":0.0,"Resources":[],"Hooks":[]}`,
			status: Failed, reason: "appspec: names no AWS::Lambda::Function resource"},
		{name: "after traffic through the alias", hook: AfterAllowTraffic, spec: lambdaAppSpec,
			invoke: func(int) (*lambda.InvokeOutput, error) { return answer(200, passBody) },
			alarms: []cwtypes.MetricAlarm{{AlarmName: aws.String("orders-success"), StateValue: cwtypes.StateValueOk}},
			status: Succeeded, calls: []string{"orders-health:live"}, attempts: 1},
		{name: "after traffic with an alarm firing", hook: AfterAllowTraffic, spec: lambdaAppSpec,
			invoke: func(int) (*lambda.InvokeOutput, error) { return answer(200, passBody) },
			alarms: []cwtypes.MetricAlarm{{AlarmName: aws.String("orders-success"), StateValue: cwtypes.StateValueOk},
				{AlarmName: aws.String("orders-check-db"), StateValue: cwtypes.StateValueAlarm}},
			status: Failed, reason: "in ALARM: orders-check-db", calls: []string{"orders-health:live"}, attempts: 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := &fakeDeploy{spec: tt.spec}
			var n int
			l := &fakeLambda{invoke: func(context.Context, *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
				n++
				return tt.invoke(n)
			}}
			var names []string
			alarms := fakeAlarms{describe: func(in *cloudwatch.DescribeAlarmsInput) (*cloudwatch.DescribeAlarmsOutput, error) {
				names = in.AlarmNames
				return &cloudwatch.DescribeAlarmsOutput{MetricAlarms: tt.alarms}, nil
			}}
			var logs bytes.Buffer
			g := newGate(t, tt.hook, d, l, WithAttempts(3), WithAlarms(alarms, "orders-success", "orders-check-db"),
				WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
			v, err := g.Handle(context.Background(), event)
			if err != nil {
				t.Fatalf("Handle: %v", err)
			}
			if v.Status != tt.status || v.Reason != tt.reason || v.Attempts != tt.attempts {
				t.Errorf("verdict = %s %q after %d attempts; want %s %q after %d", v.Status, v.Reason, v.Attempts, tt.status, tt.reason, tt.attempts)
			}
			if !reflect.DeepEqual(l.calls, tt.calls) {
				t.Errorf("invocations = %q; want %q", l.calls, tt.calls)
			}
			if !reflect.DeepEqual(v.Failing, tt.failing) {
				t.Errorf("failing = %q; want %q", v.Failing, tt.failing)
			}
			if want := []string{"exec-1 " + tt.status}; !reflect.DeepEqual(d.reports, want) {
				t.Errorf("reports = %q; want %q", d.reports, want)
			}
			if tt.hook == AfterAllowTraffic && !reflect.DeepEqual(names, []string{"orders-success", "orders-check-db"}) {
				t.Errorf("DescribeAlarms names = %q", names)
			}
			line := logs.String()
			if !strings.Contains(line, `"msg":"gate verdict"`) || !strings.Contains(line, `"verdict":"`+tt.status+`"`) {
				t.Errorf("log = %s; want a gate verdict line", line)
			}
			for _, f := range tt.failing {
				if !strings.Contains(line, f) {
					t.Errorf("log = %s; want it to name %q", line, f)
				}
			}
			if strings.Contains(line, "secret-host") {
				t.Errorf("log quotes the function's error message: %s", line)
			}
		})
	}
}

// A version that never answers fails the hook before its deadline: each
// attempt is cut at its timeout, and the retries stop at the deadline
// minus the report margin.
func TestHangingVersionFailsBeforeDeadline(t *testing.T) {
	d := &fakeDeploy{spec: lambdaAppSpec}
	l := &fakeLambda{invoke: func(ctx context.Context, _ *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	g := newGate(t, BeforeAllowTraffic, d, l, WithAttempts(100), WithAttemptTimeout(300*time.Millisecond),
		WithReportMargin(500*time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	v, err := g.Handle(ctx, event)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if v.Status != Failed || !strings.HasPrefix(v.Reason, "invoke: timeout after ") {
		t.Errorf("verdict = %s %q; want Failed \"invoke: timeout after …\"", v.Status, v.Reason)
	}
	if elapsed > 1600*time.Millisecond {
		t.Errorf("verdict after %v; want it before the deadline minus the margin (1.5s) plus slack", elapsed)
	}
	if len(d.reports) != 1 || d.reports[0] != "exec-1 Failed" {
		t.Errorf("reports = %q; want one Failed", d.reports)
	}
}

func TestHandleRejectsEventWithoutIDs(t *testing.T) {
	d := &fakeDeploy{spec: lambdaAppSpec}
	g := newGate(t, BeforeAllowTraffic, d, &fakeLambda{})
	if _, err := g.Handle(context.Background(), Event{DeploymentID: "d-1"}); !errors.Is(err, ErrEvent) {
		t.Errorf("Handle without an execution ID: %v; want ErrEvent", err)
	}
	if len(d.reports) != 0 {
		t.Errorf("reports = %q; want none", d.reports)
	}
}

func TestReportFailureIsAnError(t *testing.T) {
	d := &fakeDeploy{spec: lambdaAppSpec, putErr: throttled()}
	l := &fakeLambda{invoke: func(context.Context, *lambda.InvokeInput) (*lambda.InvokeOutput, error) { return answer(200, passBody) }}
	g := newGate(t, BeforeAllowTraffic, d, l)
	if _, err := g.Handle(context.Background(), event); err == nil || !strings.Contains(err.Error(), "throttled") {
		t.Errorf("Handle = %v; want a report error naming its class", err)
	}
}

func TestNewRejects(t *testing.T) {
	d, l := &fakeDeploy{}, &fakeLambda{}
	for name, tt := range map[string]struct {
		hook string
		opts []Option
	}{
		"hook":     {"Install", nil},
		"shape":    {BeforeAllowTraffic, []Option{WithShape("grpc")}},
		"attempts": {BeforeAllowTraffic, []Option{WithAttempts(0)}},
		"path":     {BeforeAllowTraffic, []Option{WithPath("health")}},
	} {
		if _, err := New(tt.hook, d, l, tt.opts...); err == nil {
			t.Errorf("New with a bad %s: no error", name)
		}
	}
}
