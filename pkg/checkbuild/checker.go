package checkbuild

import (
	"context"

	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

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
