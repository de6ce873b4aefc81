// Package controls reads the operator's controls of the health endpoints
// from AWS: the drain switch (an SSM parameter whose value "drain" takes an
// instance set out of rotation without a deploy, and whose value
// "maintenance" switches maintenance on), the bearer token that
// unlocks details (a Secrets Manager secret) and the checks' JSON kept in an
// SSM parameter.
//
// Each control links its SDK client, which initializes at every cold start
// whether or not it is used. A build that names its kinds (the build tag
// "kinds", see pkg/checks/registry) links only the controls it also names,
// with the tags control_drain, control_token and control_checksparameter
// (`make build KINDS=sqs CONTROLS=drain` sets -tags kinds,kind_sqs,control_drain);
// without the tag "kinds" every control is linked. A configuration that
// uses a control its build lacks fails at start-up (Available, ReadChecks).
package controls

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awscheck"
	"github.com/lambdahealth/lambdahealth/pkg/checks/registry"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/uptime"
)

// DrainValue is the parameter value that drains.
const DrainValue = "drain"

// The controls, as the build knob CONTROLS names them.
const (
	DrainControl    = "drain"
	TokenControl    = "token"
	ChecksParameter = "checksparameter"
	// HistoryControl is the status page's uptime history (CloudWatch
	// GetMetricData); no variable turns it on: a build that links it shows it.
	HistoryControl = "history"
)

// The controls this build links: each control's file sets its own when it
// is built, and leaves it nil otherwise.
var (
	switchFrom func(cfg aws.Config, parameter string, ttl time.Duration) *Switch
	tokenFrom  func(ctx context.Context, cfg aws.Config, secretARN string) (string, error)
	checksFrom func(cfg aws.Config) config.ParameterReader
	// historyFrom returns the reader of the uptime history, which makes its
	// client with awsConfig on its first read.
	historyFrom func(cfg config.Config, awsConfig func() (aws.Config, error)) func(ctx context.Context) (uptime.History, error)
)

// built returns the controls this build links, in the order of the knob.
func built() []string {
	var built []string
	for _, c := range []struct {
		name string
		in   bool
	}{{ChecksParameter, checksFrom != nil}, {DrainControl, switchFrom != nil}, {HistoryControl, historyFrom != nil}, {TokenControl, tokenFrom != nil}} {
		if c.in {
			built = append(built, c.name)
		}
	}
	return built
}

// Available reports every control cfg uses that this build does not link,
// each naming its variable and the build knob.
func Available(cfg config.Config) error {
	var errs []error
	if cfg.DrainParameter != "" && switchFrom == nil {
		errs = append(errs, notBuilt(config.EnvDrainParameter, DrainControl))
	}
	if cfg.TokenSecretARN != "" && tokenFrom == nil {
		errs = append(errs, notBuilt(config.EnvTokenSecretARN, TokenControl))
	}
	return errors.Join(errs...)
}

// notBuilt is the start-up error of variable, whose control this build
// lacks.
func notBuilt(variable, control string) error {
	return fmt.Errorf("%s: the %s control is not in this build (built with KINDS=%s CONTROLS=%s; rebuild with make build CONTROLS=%s, or CONTROLS=... sam build)",
		variable, control, strings.Join(registry.Types(), ","), strings.Join(built(), ","), strings.Join(append(built(), control), ","))
}

// SwitchSource returns the Switch of the drain parameter, read through an
// SSM client made from cfg (NewSwitch); ttl is how long Maintenance reuses
// a read. Available has said that the build links it. Like every control,
// its client has the checks' short retries (awscheck.WithCheckRetries).
func SwitchSource(cfg aws.Config, parameter string, ttl time.Duration) *Switch {
	return switchFrom(awscheck.WithCheckRetries(cfg), parameter, ttl)
}

// ReadToken reads the details token from the secret secretARN through a
// Secrets Manager client made from cfg (Token). Available has said that
// the build links it.
func ReadToken(ctx context.Context, cfg aws.Config, secretARN string) (string, error) {
	return tokenFrom(ctx, awscheck.WithCheckRetries(cfg), secretARN)
}

// ReadChecks fills cfg.Checks from the SSM parameter HEALTH_CHECKS_PARAMETER
// names, when it is set, through an SSM client with the checks' short
// retries: once, at start-up, within config.ChecksParameterTimeout. It does
// nothing otherwise. awsConfig is main's one loader of the AWS
// configuration (asked only when the parameter is set), so that start-up
// loads it once however many things need it.
func ReadChecks(ctx context.Context, cfg *config.Config, awsConfig func() (aws.Config, error)) error {
	if cfg.ChecksParameter == "" {
		return nil
	}
	if checksFrom == nil {
		return notBuilt(config.EnvChecksParameter, ChecksParameter)
	}
	loaded, err := awsConfig()
	if err != nil {
		return errors.New(checks.AWSConfigProblem)
	}
	return config.ReadChecksParameter(ctx, cfg, checksFrom(awscheck.WithCheckRetries(loaded)))
}

// ErrHistoryNotBuilt is every read of the history in a build without the
// history control; its class is its text, which the page shows as
// "history unavailable (not built in)".
var ErrHistoryNotBuilt = health.WithClass("not built in", errors.New("the history control is not in this build (make build CONTROLS=history)"))

// History returns the status page's uptime history of the service cfg
// configures, cached for uptime.DefaultTTL (one read per minute however
// many viewers): read from the canary's metrics with CloudWatch's
// GetMetricData, through a client made from awsConfig on the first read,
// so that start-up loads and makes nothing for it. In a build without the
// history control every read fails with ErrHistoryNotBuilt.
func History(cfg config.Config, awsConfig func() (aws.Config, error)) *uptime.Cache {
	read := func(context.Context) (uptime.History, error) { return uptime.History{}, ErrHistoryNotBuilt }
	if historyFrom != nil {
		read = historyFrom(cfg, awsConfig)
	}
	return uptime.NewCache(read)
}
