package gate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"
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
	// The clock is a synctest bubble's: the bound is exact, whatever the
	// machine's load.
	synctest.Test(t, func(t *testing.T) {
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
		if elapsed > 1500*time.Millisecond {
			t.Errorf("verdict after %v; want it by the deadline minus the margin (1.5s)", elapsed)
		}
		if len(d.reports) != 1 || d.reports[0] != "exec-1 Failed" {
			t.Errorf("reports = %q; want one Failed", d.reports)
		}
	})
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
		"query":    {BeforeAllowTraffic, []Option{WithPath("/health/ready?x=1")}},
		"fragment": {BeforeAllowTraffic, []Option{WithPath("/health/ready#top")}},
		"space":    {BeforeAllowTraffic, []Option{WithPath("/health/ready now")}},
	} {
		if _, err := New(tt.hook, d, l, tt.opts...); err == nil {
			t.Errorf("New with a bad %s: no error", name)
		}
	}
}

// pagedAlarms serves DescribeAlarms for n metric alarms alarm-1..alarm-n,
// perPage a page, with the ones in firing in ALARM; block(page) may hold a
// page until ctx ends.
type pagedAlarms struct {
	perPage int
	firing  map[string]bool
	block   func(page int) bool

	mu    sync.Mutex
	calls []string // "<first name>+<count> token=<token>"
}

func (f *pagedAlarms) DescribeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	if len(in.AlarmNames) > 100 {
		return nil, errors.New("ValidationError: at most 100 AlarmNames")
	}
	start := 0
	if in.NextToken != nil {
		fmt.Sscan(*in.NextToken, &start)
	}
	f.mu.Lock()
	f.calls = append(f.calls, fmt.Sprintf("%s+%d token=%d", in.AlarmNames[0], len(in.AlarmNames), start))
	page := len(f.calls)
	f.mu.Unlock()
	if f.block != nil && f.block(page) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	out := &cloudwatch.DescribeAlarmsOutput{}
	end := min(start+f.perPage, len(in.AlarmNames))
	for _, name := range in.AlarmNames[start:end] {
		state := cwtypes.StateValueOk
		if f.firing[name] {
			state = cwtypes.StateValueAlarm
		}
		out.MetricAlarms = append(out.MetricAlarms, cwtypes.MetricAlarm{AlarmName: aws.String(name), StateValue: state})
	}
	if end < len(in.AlarmNames) {
		out.NextToken = aws.String(fmt.Sprint(end))
	}
	return out, nil
}

func alarmNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("alarm-%d", i+1)
	}
	return names
}

// The gate reads every page of DescribeAlarms, and asks for more than 100
// names 100 at a time: the alarm on the last page fails the hook.
func TestAlarmsOnEveryPage(t *testing.T) {
	pass := func(context.Context, *lambda.InvokeInput) (*lambda.InvokeOutput, error) { return answer(200, passBody) }
	for _, tt := range []struct {
		name   string
		n      int
		firing string
		calls  []string
	}{
		{"60 alarms, 50 a page, the 60th firing", 60, "alarm-60",
			[]string{"alarm-1+60 token=0", "alarm-1+60 token=50"}},
		{"121 alarms, the 121st firing", 121, "alarm-121",
			[]string{"alarm-1+100 token=0", "alarm-1+100 token=50", "alarm-101+21 token=0"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			alarms := &pagedAlarms{perPage: 50, firing: map[string]bool{tt.firing: true}}
			g := newGate(t, AfterAllowTraffic, &fakeDeploy{spec: lambdaAppSpec}, &fakeLambda{invoke: pass},
				WithAlarms(alarms, alarmNames(tt.n)...))
			v, err := g.Handle(context.Background(), event)
			if err != nil {
				t.Fatalf("Handle: %v", err)
			}
			if want := "in ALARM: " + tt.firing; v.Status != Failed || v.Reason != want {
				t.Errorf("verdict = %s %q; want Failed %q", v.Status, v.Reason, want)
			}
			if !reflect.DeepEqual(alarms.calls, tt.calls) {
				t.Errorf("DescribeAlarms calls = %q; want %q", alarms.calls, tt.calls)
			}
		})
	}
}

// A page that cannot be read before the hook's deadline fails the hook,
// naming why, and the verdict is still reported in time.
func TestAlarmPageAfterDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		alarms := &pagedAlarms{perPage: 50, block: func(page int) bool { return page == 2 }}
		d := &fakeDeploy{spec: lambdaAppSpec}
		g := newGate(t, AfterAllowTraffic, d, &fakeLambda{invoke: func(context.Context, *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
			return answer(200, passBody)
		}}, WithAlarms(alarms, alarmNames(60)...), WithReportMargin(time.Second))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		v, err := g.Handle(ctx, event)
		if err != nil {
			t.Fatalf("Handle: %v", err)
		}
		if want := "describe alarms: page 2 not read before the hook's deadline"; v.Status != Failed || v.Reason != want {
			t.Errorf("verdict = %s %q; want Failed %q", v.Status, v.Reason, want)
		}
		if elapsed := time.Since(start); elapsed != 9*time.Second {
			t.Errorf("verdict after %v; want it at the deadline minus the margin (9s)", elapsed)
		}
		if !reflect.DeepEqual(d.reports, []string{"exec-1 Failed"}) {
			t.Errorf("reports = %q; want one Failed", d.reports)
		}
	})
}

// An unknown deployment, or one the gate may not read, is named by its
// class, not as a generic failure.
func TestGetDeploymentClass(t *testing.T) {
	for code, want := range map[string]string{
		"DeploymentDoesNotExistException": "get deployment: not found",
		"InvalidDeploymentIdException":    "get deployment: not found",
		"AccessDeniedException":           "get deployment: access denied",
	} {
		d := &fakeDeploy{getErr: &smithy.OperationError{ServiceID: "CodeDeploy", OperationName: "GetDeployment",
			Err: &smithy.GenericAPIError{Code: code, Message: "The deployment d-TEST could not be found."}}}
		g := newGate(t, BeforeAllowTraffic, d, &fakeLambda{})
		v, err := g.Handle(context.Background(), event)
		if err != nil || v.Status != Failed || v.Reason != want {
			t.Errorf("GetDeployment failing with %s: verdict = %s %q, %v; want Failed %q", code, v.Status, v.Reason, err, want)
		}
	}
}
