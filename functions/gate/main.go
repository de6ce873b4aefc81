// Command gate is a CodeDeploy lifecycle hook for Lambda deployments: with
// GATE_HOOK=BeforeAllowTraffic it lets the deployment's target version take
// traffic only when its own readiness passes; with AfterAllowTraffic it asks
// the alias and the configured CloudWatch alarms. See pkg/gate and
// docs/DEPLOY.md.
//
// In Lambda it handles CodeDeploy's hook events. Anywhere else it reads one
// event from stdin, handles it, prints the verdict as JSON and exits 0 when
// it is Succeeded, 1 when Failed, 2 on bad configuration or a verdict that
// could not be reported.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	awslambda "github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	jsonv2 "github.com/go-json-experiment/json"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/gate"
	"github.com/lambdahealth/lambdahealth/pkg/jsonerr"
	"github.com/lambdahealth/lambdahealth/pkg/reqlog"
)

// outsideLambdaTimeout bounds a run outside Lambda, which has no
// invocation deadline of its own.
const outsideLambdaTimeout = time.Minute

func main() {
	inLambda := os.Getenv("AWS_LAMBDA_RUNTIME_API") != ""
	logOut := io.Writer(os.Stderr)
	if inLambda {
		logOut = os.Stdout
	}
	logger := slog.New(reqlog.Handler(slog.NewJSONHandler(logOut, nil)))
	// aws-lambda-go prints each failed invocation with the log package.
	reqlog.RedirectStdLog(logger)
	g, err := setup(context.Background(), logger)
	if err != nil {
		logger.Error("gate not started", slog.String("error", err.Error()))
		os.Exit(2)
	}
	if inLambda {
		awslambda.Start(hookHandler{g})
		return
	}
	os.Exit(runOnce(g, os.Stdin, os.Stdout))
}

func setup(ctx context.Context, logger *slog.Logger) (*gate.Gate, error) {
	s, err := load(os.Getenv)
	if err != nil {
		return nil, err
	}
	// AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL_CODEDEPLOY and the rest of
	// the SDK's settings apply, which is how the emulators are reached.
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, errors.New(checks.AWSConfigProblem)
	}
	// The gate retries invocations itself, inside the hook's deadline: the
	// SDK's own retries (and their backoff) would hide them from it.
	fn := lambda.NewFromConfig(awsCfg, func(o *lambda.Options) { o.RetryMaxAttempts = 1 })
	opts := []gate.Option{
		gate.WithShape(s.Shape), gate.WithPath(s.Path), gate.WithAttempts(s.Attempts),
		gate.WithAttemptTimeout(s.AttemptTimeout), gate.WithBackoff(s.Backoff, max(s.Backoff, gate.DefaultMaxBackoff)),
		gate.WithLogger(logger),
	}
	if len(s.Alarms) > 0 {
		opts = append(opts, gate.WithAlarms(cloudwatch.NewFromConfig(awsCfg), s.Alarms...))
	}
	return gate.New(s.Hook, codedeploy.NewFromConfig(awsCfg), fn, opts...)
}

// hookHandler answers CodeDeploy's lifecycle hook events.
type hookHandler struct{ g *gate.Gate }

// Invoke handles one hook event. The verdict is reported to CodeDeploy; the
// invocation fails only when it could not be (or the event is not one).
func (h hookHandler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var ev gate.Event
	if err := decodeEvent(payload, &ev); err != nil {
		return nil, jsonerr.MalformedEvent(err)
	}
	v, err := h.g.Handle(ctx, ev)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// maxEventSize bounds the event read from stdin outside Lambda (Lambda's
// own limit on a synchronous invocation's payload is 6 MB).
const maxEventSize = 6 << 20

// decodeEvent decodes a hook event with encoding/json/v2's defaults: names
// match exactly (DeploymentId, not deploymentid) and a name given twice is
// an error, where encoding/json would keep the last.
func decodeEvent(payload []byte, ev *gate.Event) error { return jsonv2.Unmarshal(payload, ev) }

// runOnce handles the event on in and prints the verdict.
func runOnce(g *gate.Gate, in io.Reader, out io.Writer) int {
	var ev gate.Event
	payload, err := io.ReadAll(io.LimitReader(in, maxEventSize))
	if err == nil {
		err = decodeEvent(payload, &ev)
	}
	if err != nil {
		fmt.Fprintf(out, `{"error":%q}`+"\n", "the event on stdin is not JSON: "+jsonerr.Describe(err))
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), outsideLambdaTimeout)
	defer cancel()
	v, err := g.Handle(ctx, ev)
	body, _ := json.MarshalIndent(v, "", "  ")
	fmt.Fprintf(out, "%s\n", body)
	switch {
	case err != nil:
		return 2
	case v.Status != gate.Succeeded:
		return 1
	}
	return 0
}
