// Command health serves the health routes: as a Lambda function behind API
// Gateway (REST and HTTP APIs), ALB and Function URLs when it runs in Lambda,
// and as a plain HTTP server on 127.0.0.1:$PORT (or $HEALTH_LISTEN) anywhere
// else.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/lambdahealth/lambdahealth/pkg/checkbuild"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/controls"
	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
	"github.com/lambdahealth/lambdahealth/pkg/lambdahttp"
	"github.com/lambdahealth/lambdahealth/pkg/maintenance"
	"github.com/lambdahealth/lambdahealth/pkg/reqlog"
	"github.com/lambdahealth/lambdahealth/pkg/server"
)

func main() {
	logger := slog.New(reqlog.Handler(slog.NewJSONHandler(os.Stdout, nil)))
	// aws-lambda-go prints each failed invocation with the log package.
	reqlog.RedirectStdLog(logger)
	if err := run(logger); err != nil {
		logger.Error("health function stopped", slog.String("error", err.Error()))
		os.Exit(1)
	}
}

func run(logger *slog.Logger) error {
	cfg, err := checkbuild.Load(os.Getenv)
	if err != nil {
		return err
	}
	checker, handler, err := setup(logger, cfg)
	if err != nil {
		return err
	}
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		lambda.Start(lambdahttp.New(handler, lambdahttp.WithLogger(logger), lambdahttp.WithStageStripping(true)))
		return nil
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return server.Run(ctx, cfg.Listen, healthhttp.Recover(handler, logger),
		server.WithLogger(logger),
		server.WithHandlerTimeout(cfg.Budget),
		server.WithOnShutdown(func() { checker.SetDraining(true) }),
		server.WithDrainDelay(cfg.ShutdownDelay))
}

// setup builds the checker and the handler. Every call it makes to AWS
// (the configuration, the token secret, database secrets) shares one
// deadline, checkbuild.StartupTimeout.
func setup(logger *slog.Logger, cfg config.Config) (*health.Checker, *healthhttp.Handler, error) {
	return setupWithin(logger, cfg, checkbuild.StartupTimeout)
}

// setupWithin is setup with the start-up deadline given (tests give a
// short one rather than wait out checkbuild.StartupTimeout) and options
// of the maintenance monitor (tests give a slow local stack more time to
// read the switch).
func setupWithin(logger *slog.Logger, cfg config.Config, startup time.Duration, monitorOpts ...maintenance.Option) (*health.Checker, *healthhttp.Handler, error) {
	ctx, cancel := context.WithTimeout(context.Background(), startup)
	defer cancel()
	// The AWS configuration is loaded once, and only when something needs it.
	loadAWS := sync.OnceValues(func() (aws.Config, error) { return checkbuild.LoadAWSConfig(ctx) })
	if err := controls.Available(cfg); err != nil {
		return nil, nil, err
	}
	if err := controls.ReadChecks(ctx, &cfg, loadAWS); err != nil {
		return nil, nil, err
	}
	opts := []health.Option{health.WithLogger(logger)}
	token := cfg.Token
	var awsCfg *aws.Config
	var drainSwitch *controls.Switch
	specs, err := checkbuild.Decode(cfg.Checks)
	if err != nil {
		return nil, nil, err
	}
	if cfg.TokenSecretARN != "" || cfg.DrainParameter != "" || checkbuild.NeedsAWS(specs) {
		loaded, err := loadAWS()
		if err != nil {
			return nil, nil, errors.New(checks.AWSConfigProblem)
		}
		awsCfg = &loaded
		if cfg.TokenSecretARN != "" {
			if token, err = controls.ReadToken(ctx, loaded, cfg.TokenSecretARN); err != nil {
				return nil, nil, fmt.Errorf("HEALTH_TOKEN_SECRET_ARN: the token could not be read: %s", health.Classify(err, startup))
			}
		}
		if cfg.DrainParameter != "" {
			drainSwitch = controls.SwitchSource(loaded, cfg.DrainParameter, cfg.CacheTTL)
			opts = append(opts, health.WithDrain(drainSwitch.Drain))
		}
	}
	checker, err := checkbuild.NewChecker(ctx, cfg, specs, awsCfg, opts...)
	if err != nil {
		return nil, nil, err
	}
	handler, err := healthhttp.NewHandler(checker,
		healthhttp.WithService(healthhttp.Service{ID: cfg.Service, Environment: cfg.Environment, Version: cfg.Version}),
		healthhttp.WithDetails(healthhttp.Details(cfg.Details)),
		healthhttp.WithToken(token),
		healthhttp.WithLogger(logger),
		healthhttp.WithPageRefresh(cfg.PageRefresh),
		healthhttp.WithIAMCaller(lambdahttp.IAMCaller),
		healthhttp.WithMaintenance(controls.NewMonitor(cfg.Maintenance, drainSwitch, monitorOpts...)),
		healthhttp.WithHistory(controls.History(cfg, historyAWS(awsCfg))),
	)
	if err != nil {
		return nil, nil, err
	}
	return checker, handler, nil
}

// historyAWS returns the AWS configuration loader of the status page's
// history, which calls it on its first read, after start-up: the
// configuration start-up loaded when it did, or one loaded then. A
// liveness-only instance never loads it.
func historyAWS(loaded *aws.Config) func() (aws.Config, error) {
	return func() (aws.Config, error) {
		if loaded != nil {
			return *loaded, nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), checkbuild.StartupTimeout)
		defer cancel()
		return checkbuild.LoadAWSConfig(ctx)
	}
}
