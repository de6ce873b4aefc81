package checkbuild

import (
	"context"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// StartupTimeout bounds everything a function does at start-up that may
// wait on AWS: loading the AWS configuration, reading the details token
// and the database secrets. Lambda gives a function's init 10 s; this
// leaves it 2 s for the rest, so a hung endpoint ends start-up with the
// error that says so rather than with an init timeout.
const StartupTimeout = 8 * time.Second

// Checker builds the configured checks and a Checker that runs them with
// the configured budget, cache TTL and start-up grace; opts come after and
// override those.
func Checker(ctx context.Context, cfg config.Config, opts ...health.Option) (*health.Checker, error) {
	checks, err := Build(ctx, cfg.Checks)
	if err != nil {
		return nil, err
	}
	base := []health.Option{
		health.WithBudget(cfg.Budget),
		health.WithCacheTTL(cfg.CacheTTL),
		health.WithStartupGrace(cfg.StartupGrace),
	}
	return health.NewChecker(checks, append(base, opts...)...)
}
