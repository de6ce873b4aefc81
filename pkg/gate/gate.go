package gate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// The lifecycle hooks of a Lambda deployment that the gate serves.
const (
	BeforeAllowTraffic = "BeforeAllowTraffic"
	AfterAllowTraffic  = "AfterAllowTraffic"
)

// The variables the gate function (functions/gate) reads, which the stack
// sets.
const (
	EnvHook           = "GATE_HOOK"
	EnvEvent          = "GATE_EVENT"
	EnvPath           = "GATE_PATH"
	EnvAlarms         = "GATE_ALARMS"
	EnvAttempts       = "GATE_ATTEMPTS"
	EnvAttemptTimeout = "GATE_ATTEMPT_TIMEOUT"
	EnvBackoff        = "GATE_BACKOFF"
)

// The IAM actions of the calls the gate makes, besides
// PutLifecycleEventHookExecutionStatus, which the deployment group grants.
const (
	// ActionGetDeployment authorizes reading the deployment's target version.
	ActionGetDeployment = "codedeploy:GetDeployment"
	// ActionInvokeFunction authorizes the synthetic readiness request.
	ActionInvokeFunction = "lambda:InvokeFunction"
	// ActionDescribeAlarms authorizes reading the alarms after traffic.
	ActionDescribeAlarms = "cloudwatch:DescribeAlarms"
)

// Verdicts, as PutLifecycleEventHookExecutionStatus takes them.
const (
	Succeeded = string(cdtypes.LifecycleEventStatusSucceeded)
	Failed    = string(cdtypes.LifecycleEventStatusFailed)
)

// Defaults of the options.
const (
	DefaultAttempts       = 5
	DefaultAttemptTimeout = 10 * time.Second
	DefaultBackoff        = time.Second
	DefaultMaxBackoff     = 8 * time.Second
	// DefaultReportMargin is kept back from the invocation's deadline to
	// report the verdict.
	DefaultReportMargin = 3 * time.Second
)

// ErrEvent is returned for a hook event without its IDs: there is no
// deployment to report to.
var ErrEvent = errors.New("not a CodeDeploy lifecycle hook event")

// Event is what CodeDeploy sends a lifecycle hook function.
type Event struct {
	DeploymentID                  string `json:"DeploymentId"`
	LifecycleEventHookExecutionID string `json:"LifecycleEventHookExecutionId"`
}

// CodeDeployAPI is the part of the CodeDeploy client the gate uses.
type CodeDeployAPI interface {
	GetDeployment(ctx context.Context, in *codedeploy.GetDeploymentInput, optFns ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentOutput, error)
	PutLifecycleEventHookExecutionStatus(ctx context.Context, in *codedeploy.PutLifecycleEventHookExecutionStatusInput, optFns ...func(*codedeploy.Options)) (*codedeploy.PutLifecycleEventHookExecutionStatusOutput, error)
}

// LambdaAPI is the part of the Lambda client the gate uses.
type LambdaAPI interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, optFns ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// AlarmsAPI is the part of the CloudWatch client the gate uses.
type AlarmsAPI interface {
	DescribeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error)
}

// Gate is one lifecycle hook: BeforeAllowTraffic or AfterAllowTraffic.
type Gate struct {
	hook           string
	deploy         CodeDeployAPI
	lambda         LambdaAPI
	alarms         AlarmsAPI
	alarmNames     []string
	shape          string
	path           string
	attempts       int
	attemptTimeout time.Duration
	backoff        time.Duration
	maxBackoff     time.Duration
	margin         time.Duration
	logger         *slog.Logger
	sleep          func(ctx context.Context, d time.Duration) error
}

// Option configures a Gate.
type Option func(*Gate)

// WithShape sets the event shape of the synthetic request (Shapes).
// Default ShapeV2.
func WithShape(shape string) Option { return func(g *Gate) { g.shape = shape } }

// WithPath sets the route the gate asks. Default DefaultPath.
func WithPath(path string) Option { return func(g *Gate) { g.path = path } }

// WithAlarms makes AfterAllowTraffic fail while any of the named alarms is
// in ALARM (names, not ARNs; any number: they are read 100 at a time, every
// page of each). Default: none.
func WithAlarms(api AlarmsAPI, names ...string) Option {
	return func(g *Gate) { g.alarms, g.alarmNames = api, names }
}

// WithAttempts sets how many times the version is asked before the gate
// gives up (the hook's deadline may end it sooner). Default DefaultAttempts.
func WithAttempts(n int) Option { return func(g *Gate) { g.attempts = n } }

// WithAttemptTimeout bounds one invocation of the gated function. Default
// DefaultAttemptTimeout.
func WithAttemptTimeout(d time.Duration) Option { return func(g *Gate) { g.attemptTimeout = d } }

// WithBackoff sets the wait after the first failed attempt; it doubles
// after each one, up to max. Default DefaultBackoff up to DefaultMaxBackoff.
func WithBackoff(first, max time.Duration) Option {
	return func(g *Gate) { g.backoff, g.maxBackoff = first, max }
}

// WithReportMargin sets how much of the invocation's deadline is kept to
// report the verdict. Default DefaultReportMargin.
func WithReportMargin(d time.Duration) Option { return func(g *Gate) { g.margin = d } }

// WithLogger sets the logger of the verdict lines. Default: discard.
func WithLogger(l *slog.Logger) Option { return func(g *Gate) { g.logger = l } }

// New returns the gate for hook (BeforeAllowTraffic or AfterAllowTraffic).
func New(hook string, deploy CodeDeployAPI, fn LambdaAPI, opts ...Option) (*Gate, error) {
	g := &Gate{
		hook: hook, deploy: deploy, lambda: fn,
		shape: ShapeV2, path: DefaultPath,
		attempts: DefaultAttempts, attemptTimeout: DefaultAttemptTimeout,
		backoff: DefaultBackoff, maxBackoff: DefaultMaxBackoff, margin: DefaultReportMargin,
		logger: slog.New(slog.DiscardHandler),
		sleep:  sleep,
	}
	for _, o := range opts {
		o(g)
	}
	switch {
	case hook != BeforeAllowTraffic && hook != AfterAllowTraffic:
		return nil, fmt.Errorf("hook %q is not %s or %s", hook, BeforeAllowTraffic, AfterAllowTraffic)
	case deploy == nil || fn == nil:
		return nil, errors.New("gate: the CodeDeploy and Lambda clients are required")
	case g.attempts < 1:
		return nil, fmt.Errorf("attempts %d: must be at least 1", g.attempts)
	case g.attemptTimeout <= 0 || g.backoff < 0 || g.maxBackoff < g.backoff || g.margin < 0:
		return nil, errors.New("gate: timeouts and backoff must be positive, the maximum backoff at least the first")
	case PathProblem(g.path) != "":
		return nil, fmt.Errorf("path %s", PathProblem(g.path))
	}
	if _, err := readinessRequest(g.shape, g.path, ""); err != nil {
		return nil, err
	}
	return g, nil
}

// Verdict is the gate's answer for one hook execution.
type Verdict struct {
	Status string `json:"status"` // Succeeded or Failed
	// Reason says why, safely (classes and status codes, no error text).
	Reason    string `json:"reason,omitempty"`
	Function  string `json:"function,omitempty"`
	Qualifier string `json:"qualifier,omitempty"`
	Attempts  int    `json:"attempts"`
	// Failing names the checks that did not pass, with their safe outputs.
	Failing []string `json:"failingChecks,omitempty"`
}

// Handle runs the hook for ev, reports the verdict to CodeDeploy and
// returns it. The error is for a verdict that could not be reported (or an
// event without IDs): the invocation then fails, and CodeDeploy fails the
// hook when it times out.
func (g *Gate) Handle(ctx context.Context, ev Event) (Verdict, error) {
	if ev.DeploymentID == "" || ev.LifecycleEventHookExecutionID == "" {
		return Verdict{}, fmt.Errorf("%w: DeploymentId and LifecycleEventHookExecutionId are required", ErrEvent)
	}
	start := time.Now()
	work := ctx
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		work, cancel = context.WithDeadline(ctx, dl.Add(-g.margin))
		defer cancel()
	}
	v := g.judge(work, ev.DeploymentID)
	// The report gets the margin even when the work used up its deadline.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), max(g.margin, time.Second))
	defer cancel()
	_, err := g.deploy.PutLifecycleEventHookExecutionStatus(rctx, &codedeploy.PutLifecycleEventHookExecutionStatusInput{
		DeploymentId:                  aws.String(ev.DeploymentID),
		LifecycleEventHookExecutionId: aws.String(ev.LifecycleEventHookExecutionID),
		Status:                        cdtypes.LifecycleEventStatus(v.Status),
	})
	level := slog.LevelInfo
	if v.Status != Succeeded {
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{
		slog.String("hook", g.hook), slog.String("deployment_id", ev.DeploymentID),
		slog.String("verdict", v.Status), slog.String("reason", v.Reason),
		slog.String("function", v.Function), slog.String("qualifier", v.Qualifier),
		slog.Int("attempts", v.Attempts), slog.Any("failing_checks", v.Failing),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
	}
	class := ""
	if err != nil {
		class = awserr.Describe(err, 0)
		attrs = append(attrs, slog.String("report_error", class))
		level = slog.LevelError
	}
	g.logger.LogAttrs(ctx, level, "gate verdict", attrs...)
	if err != nil {
		return v, fmt.Errorf("report %s: %s", v.Status, class)
	}
	return v, nil
}

// judge finds the deployment's target and asks it until it is ready, the
// attempts run out or ctx ends.
func (g *Gate) judge(ctx context.Context, deploymentID string) Verdict {
	out, err := g.deploy.GetDeployment(ctx, &codedeploy.GetDeploymentInput{DeploymentId: aws.String(deploymentID)})
	if err != nil {
		return Verdict{Status: Failed, Reason: "get deployment: " + awserr.Describe(err, 0)}
	}
	content := ""
	if info := out.DeploymentInfo; info != nil && info.Revision != nil {
		switch rev := info.Revision; {
		case rev.AppSpecContent != nil:
			content = aws.ToString(rev.AppSpecContent.Content)
		case rev.String_ != nil:
			content = aws.ToString(rev.String_.Content)
		}
	}
	if content == "" {
		return Verdict{Status: Failed, Reason: "the deployment has no AppSpec content (not a Lambda deployment)"}
	}
	target, err := parseAppSpec(content)
	if err != nil {
		return Verdict{Status: Failed, Reason: err.Error()}
	}
	v := Verdict{Function: target.Name, Qualifier: target.TargetVersion}
	if g.hook == AfterAllowTraffic {
		v.Qualifier = target.Alias
	}
	payload, _ := readinessRequest(g.shape, g.path, principal(ctx))
	wait := g.backoff
	for v.Attempts < g.attempts {
		v.Attempts++
		ans, reason := g.ask(ctx, v.Function, v.Qualifier, payload)
		v.Failing = ans.Failing
		if reason == "" {
			v.Reason = ""
			break
		}
		v.Reason = reason
		if v.Attempts == g.attempts || g.sleep(ctx, wait) != nil {
			break
		}
		wait = min(2*wait, g.maxBackoff)
	}
	if v.Reason != "" {
		v.Status = Failed
		return v
	}
	if reason := g.checkAlarms(ctx); reason != "" {
		v.Status, v.Reason = Failed, reason
		return v
	}
	v.Status = Succeeded
	return v
}

// ask invokes the version once and says why it may not take traffic, or
// "" when it may.
func (g *Gate) ask(ctx context.Context, function, qualifier string, payload []byte) (healthAnswer, string) {
	// The attempt is given its timeout, or what is left of ctx when that
	// is less, and a timeout reports what it was given.
	given := g.attemptTimeout
	if dl, ok := ctx.Deadline(); ok {
		given = min(given, max(time.Until(dl), 0))
	}
	actx, cancel := context.WithTimeout(ctx, given)
	defer cancel()
	out, err := g.lambda.Invoke(actx, &lambda.InvokeInput{
		FunctionName: aws.String(function),
		Qualifier:    aws.String(qualifier),
		Payload:      payload,
	})
	switch {
	case err != nil && actx.Err() != nil:
		return healthAnswer{}, "invoke: " + health.Classify(health.ErrTimeout, given)
	case err != nil:
		return healthAnswer{}, "invoke: " + invokeClass(err)
	case out.FunctionError != nil:
		return healthAnswer{}, "function error (" + aws.ToString(out.FunctionError) + ")"
	}
	ans, err := parseAnswer(out.Payload)
	if err != nil {
		return healthAnswer{}, err.Error()
	}
	if !ans.OK() {
		reason := fmt.Sprintf("%s answered %d", g.path, ans.StatusCode)
		if ans.Status != "" {
			reason += " " + ans.Status
		}
		return ans, reason
	}
	return ans, ""
}

// alarmNamesPerCall is the most names DescribeAlarms takes in one call:
// longer lists are asked for in parts.
const alarmNamesPerCall = 100

// checkAlarms says which alarms are in ALARM, for AfterAllowTraffic. It
// reads every page of every part of the list within ctx; a page it cannot
// read fails the hook, naming why.
func (g *Gate) checkAlarms(ctx context.Context) string {
	if g.hook != AfterAllowTraffic || g.alarms == nil || len(g.alarmNames) == 0 {
		return ""
	}
	var firing []string
	page := 0
	for names := range slices.Chunk(g.alarmNames, alarmNamesPerCall) {
		pages := cloudwatch.NewDescribeAlarmsPaginator(g.alarms, &cloudwatch.DescribeAlarmsInput{
			AlarmNames: names, MaxRecords: aws.Int32(alarmNamesPerCall),
			AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm, cwtypes.AlarmTypeCompositeAlarm},
		})
		for pages.HasMorePages() {
			page++
			out, err := pages.NextPage(ctx)
			switch {
			case err != nil && ctx.Err() != nil:
				return fmt.Sprintf("describe alarms: page %d not read before the hook's deadline", page)
			case err != nil:
				return fmt.Sprintf("describe alarms: page %d: %s", page, awserr.Describe(err, 0))
			}
			for _, a := range out.MetricAlarms {
				if a.StateValue == cwtypes.StateValueAlarm {
					firing = append(firing, aws.ToString(a.AlarmName))
				}
			}
			for _, a := range out.CompositeAlarms {
				if a.StateValue == cwtypes.StateValueAlarm {
					firing = append(firing, aws.ToString(a.AlarmName))
				}
			}
		}
	}
	if len(firing) > 0 {
		return "in ALARM: " + strings.Join(firing, ", ")
	}
	return ""
}

// invokeClass names an Invoke error safely: its AWS class, its network
// class, or the HTTP status Lambda answered with.
func invokeClass(err error) string {
	if class := awserr.Class(err); class != "" {
		return class
	}
	if class := health.Classify(err, 0); class != health.ClassFailed {
		return class
	}
	var resp interface{ HTTPStatusCode() int }
	if errors.As(err, &resp) {
		return fmt.Sprintf("HTTP %d", resp.HTTPStatusCode())
	}
	return "invoke failed"
}

// principal names the gate as the caller of the synthetic request: its
// own function ARN in Lambda.
func principal(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok && lc.InvokedFunctionArn != "" {
		return lc.InvokedFunctionArn
	}
	return "lambdahealth-gate"
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
