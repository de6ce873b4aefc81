// Command canary runs every configured check once and records the result
// as CloudWatch metrics. In Lambda it handles the EventBridge schedule;
// anywhere else it runs once, prints the result as application/health+json,
// and exits 0 on pass or warn and 1 on fail (or when the metrics could not be
// recorded), which makes it a drop-in Docker HEALTHCHECK or exec probe.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/lambdahealth/lambdahealth/pkg/canary"
	"github.com/lambdahealth/lambdahealth/pkg/checkbuild"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/controls"
	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthjson"
	"github.com/lambdahealth/lambdahealth/pkg/jsonerr"
	"github.com/lambdahealth/lambdahealth/pkg/maintenance"
	"github.com/lambdahealth/lambdahealth/pkg/metrics"
	"github.com/lambdahealth/lambdahealth/pkg/reqlog"
)

func main() {
	inLambda := os.Getenv("AWS_LAMBDA_RUNTIME_API") != ""
	// Outside Lambda, stdout carries the result (and EMF lines); logs go to stderr.
	logOut := io.Writer(os.Stderr)
	if inLambda {
		logOut = os.Stdout
	}
	logger := slog.New(reqlog.Handler(slog.NewJSONHandler(logOut, nil)))
	// aws-lambda-go prints each failed invocation with the log package.
	reqlog.RedirectStdLog(logger)
	// Every start-up call to AWS shares one deadline, inside Lambda's init limit.
	ctx, cancel := context.WithTimeout(context.Background(), checkbuild.StartupTimeout)
	runner, cfg, err := setupWith(ctx, logger, os.Stdout)
	cancel()
	if err != nil {
		logger.Error("canary not started", slog.String("error", err.Error()))
		os.Exit(2)
	}
	if inLambda {
		lambda.Start(handler(runner))
		return
	}
	os.Exit(runOnce(runner, cfg, os.Stdout))
}

// setupWith wires the canary from the environment; EMF lines go to emf.
// monitorOpts configure the maintenance monitor (tests give a slow local
// stack more time to read the switch).
func setupWith(ctx context.Context, logger *slog.Logger, emf io.Writer, monitorOpts ...maintenance.Option) (*canary.Runner, config.Config, error) {
	cfg, err := checkbuild.Load(os.Getenv)
	if err != nil {
		return nil, cfg, err
	}
	// The AWS configuration is loaded once, and only when something needs it.
	loadAWS := sync.OnceValues(func() (aws.Config, error) { return checkbuild.LoadAWSConfig(ctx) })
	if err := controls.Available(cfg); err != nil {
		return nil, cfg, err
	}
	if err := controls.ReadChecks(ctx, &cfg, loadAWS); err != nil {
		return nil, cfg, err
	}
	var awsCfg *aws.Config
	var drainSwitch *controls.Switch
	specs, err := checkbuild.Decode(cfg.Checks)
	if err != nil {
		return nil, cfg, err
	}
	if cfg.Metrics != metrics.ModeEMF || checkbuild.NeedsAWS(specs) || cfg.DrainParameter != "" {
		loaded, err := loadAWS()
		if err != nil {
			return nil, cfg, errors.New(checks.AWSConfigProblem)
		}
		awsCfg = &loaded
		if cfg.DrainParameter != "" {
			// The ad-hoc maintenance switch, read once a run.
			drainSwitch = controls.SwitchSource(loaded, cfg.DrainParameter, 0)
		}
	}
	// The canary always asks the dependencies: no cache between runs. Its
	// checks end EMFReserve earlier than a request's would, so that even
	// when they take the whole invocation the EMF fallback has its time.
	checker, err := checkbuild.NewChecker(ctx, cfg, specs, awsCfg, health.WithCacheTTL(0), health.WithLogger(logger),
		health.WithDeadlineMargin(canaryMargin))
	if err != nil {
		return nil, cfg, err
	}
	var api metrics.PutMetricDataAPI
	if cfg.Metrics != metrics.ModeEMF {
		// PutMetricData keeps the SDK's standard retries: the data is worth them.
		api = metrics.NewCloudWatch(*awsCfg)
	}
	pub, err := metrics.NewPublisher(api,
		metrics.WithNamespace(cfg.MetricsNamespace),
		metrics.WithMode(cfg.Metrics),
		metrics.WithEMFWriter(emf),
		metrics.WithLogger(logger),
	)
	if err != nil {
		return nil, cfg, err
	}
	return canary.New(checker, pub, canary.WithService(cfg.Service, cfg.Environment), canary.WithLogger(logger),
		canary.WithMaintenance(controls.NewMonitor(cfg.Maintenance, drainSwitch,
			// The switch is read while the checks run: it may take as long
			// as they may (its first read opens the SSM connection).
			append([]maintenance.Option{maintenance.WithSwitchTimeout(cfg.Budget)}, monitorOpts...)...))), cfg, nil
}

// handler answers the EventBridge schedule. A failing check is data; only
// a run whose metrics could not be recorded is an error, and so is an
// event that is not JSON (errorType EventError, the event not quoted).
func handler(runner *canary.Runner) lambda.Handler {
	return scheduleHandler{runner: runner}
}

type scheduleHandler struct{ runner *canary.Runner }

// Invoke runs the canary once per scheduled event.
func (h scheduleHandler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, jsonerr.MalformedEvent(err)
	}
	if _, err := h.runner.Run(ctx); err != nil {
		return nil, err
	}
	return []byte("null"), nil
}

// runOnce runs the canary, prints the result and returns the exit code.
// The run is bounded as an invocation would be: the checks get the budget,
// PutMetricData at most metrics.DefaultAPITimeout, and EMFReserve is kept
// for the EMF fallback, so a hung dependency or CloudWatch cannot hold a
// Docker HEALTHCHECK or exec probe forever.
func runOnce(runner *canary.Runner, cfg config.Config, out io.Writer) int {
	ctx, cancel := context.WithTimeout(context.Background(), runBound(cfg.Budget))
	defer cancel()
	rep, err := runner.Run(ctx)
	svc := healthjson.Service{ID: cfg.Service, Environment: cfg.Environment, Version: cfg.Version}
	body, _ := json.MarshalIndent(svc.Render(rep, true), "", "  ")
	fmt.Fprintf(out, "%s\n", body)
	if err != nil || rep.Status == health.StatusFail {
		return 1
	}
	return 0
}

// canaryMargin is what the canary's checks keep back from the invocation's
// deadline: the engine's usual margin plus the EMF fallback's reserve.
const canaryMargin = health.DefaultDeadlineMargin + metrics.EMFReserve

// runBound is the longest a run outside Lambda takes: HEALTH_BUDGET plus
// 11.1 s.
func runBound(budget time.Duration) time.Duration {
	return budget + canaryMargin + metrics.DefaultAPITimeout + metrics.EMFReserve
}
