// Package checkbuild turns validated check specs from the configuration into
// health checks, building each dependency's client once so that warm
// invocations reuse it.
package checkbuild

import (
	"context"
	"fmt"

	"github.com/lambdahealth/lambdahealth/pkg/checks/httpcheck"
	"github.com/lambdahealth/lambdahealth/pkg/checks/tcp"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// componentTypes maps check types to IETF component types.
var componentTypes = map[string]string{
	config.TypePostgres: health.ComponentDatastore,
	config.TypeMySQL:    health.ComponentDatastore,
	config.TypeSQS:      health.ComponentComponent,
	config.TypeS3:       health.ComponentDatastore,
	config.TypeHTTP:     health.ComponentSystem,
	config.TypeTCP:      health.ComponentComponent,
}

// Build returns one health check per spec.
func Build(ctx context.Context, specs []config.CheckSpec) ([]health.Check, error) {
	checks := make([]health.Check, 0, len(specs))
	for i, s := range specs {
		probe, err := probeFor(ctx, s)
		if err != nil {
			return nil, fmt.Errorf("HEALTH_CHECKS[%d] (%s): %w", i, s.Name, err)
		}
		checks = append(checks, health.Check{
			Name:          s.Name,
			ComponentType: componentTypes[s.Type],
			Critical:      s.Critical,
			Timeout:       s.Timeout,
			Probe:         probe,
		})
	}
	return checks, nil
}

func probeFor(_ context.Context, s config.CheckSpec) (health.Probe, error) {
	switch s.Type {
	case config.TypeHTTP:
		var opts []httpcheck.Option
		if s.ExpectStatus != "" {
			set, err := config.ParseStatusSet(s.ExpectStatus)
			if err != nil {
				return nil, err
			}
			opts = append(opts, httpcheck.WithAccept(set.Contains))
		}
		return httpcheck.New(s.URL, opts...).Probe, nil
	case config.TypeTCP:
		return tcp.New(s.Address).Probe, nil
	}
	return nil, fmt.Errorf("check type %q is not supported by this build", s.Type)
}
