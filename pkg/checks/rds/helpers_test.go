package rds_test

import (
	"fmt"

	mysqlcheck "github.com/lambdahealth/lambdahealth/pkg/checks/mysql"
	"github.com/lambdahealth/lambdahealth/pkg/checks/postgres"
	. "github.com/lambdahealth/lambdahealth/pkg/checks/rds"
)

// New opens a Pinger with the engine's own Open, as the kinds do.
func New(cfg Config, opts ...Option) (*Pinger, error) {
	switch cfg.Engine {
	case Postgres:
		return postgres.Open(cfg, opts...)
	case MySQL:
		return mysqlcheck.Open(cfg, opts...)
	}
	return nil, fmt.Errorf("engine %q is not postgres or mysql: %w", cfg.Engine, ErrInvalidConfig)
}

// classify is both engines' classifiers in turn.
func classify(err error) error { return mysqlcheck.Classify(postgres.Classify(err)) }
