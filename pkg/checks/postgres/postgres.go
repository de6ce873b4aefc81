package postgres

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/rds"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Open returns a Pinger of the PostgreSQL database cfg describes, logging
// in as opts say. It opens no connection: the first probe does.
func Open(cfg rds.Config, opts ...rds.Option) (*rds.Pinger, error) {
	return rds.Open(rds.Postgres, cfg, opts, connector, Classify)
}

// New returns the complete check of the database cfg describes.
func New(c checks.Common, cfg rds.Config, opts ...rds.Option) (health.Check, error) {
	return rds.NewCheck(c, Open, cfg, opts...)
}

// connector returns a pgx connector whose every new connection logs in
// with fresh credentials when login asks for them.
func connector(cfg rds.Config, login rds.Login) (driver.Connector, error) {
	var (
		cc  *pgx.ConnConfig
		err error
	)
	if cfg.DSN != "" {
		cc, err = pgx.ParseConfig(cfg.DSN)
		if err != nil {
			// pgx's parse errors quote the DSN; only its password is
			// redacted, so none of it is kept.
			return nil, fmt.Errorf("dsn: not a valid PostgreSQL connection string: %w", rds.ErrInvalidConfig)
		}
	} else {
		cc, err = pgx.ParseConfig("")
		if err != nil {
			return nil, fmt.Errorf("postgres defaults: %w", rds.ErrInvalidConfig)
		}
		port := cfg.Port
		if port == 0 {
			port = rds.DefaultPort(rds.Postgres)
		}
		cc.Host = cfg.Host
		cc.Port = uint16(port)
		cc.User = cfg.User
		cc.Password = cfg.Password
		cc.Database = cfg.Database
		// The defaults' fallbacks (sslmode=prefer) point at the default
		// host; the mode below decides alone.
		cc.Fallbacks = nil
	}
	if cfg.TLS != "" {
		cc.TLSConfig = rds.TLSConfig(cfg.TLS, cc.Host)
		cc.Fallbacks = nil
	}
	if login.IAM() && cc.TLSConfig == nil {
		return nil, fmt.Errorf("IAM authentication requires TLS: %w", rds.ErrInvalidConfig)
	}
	if _, ok := cc.RuntimeParams["application_name"]; !ok {
		cc.RuntimeParams["application_name"] = rds.ApplicationName
	}
	var opts []stdlib.OptionOpenDB
	if creds := login.Credentials(rds.Postgres, cc.Host, int(cc.Port), cc.User); creds != nil {
		opts = append(opts, stdlib.OptionBeforeConnect(func(ctx context.Context, c *pgx.ConnConfig) error {
			login, err := creds(ctx)
			if err != nil {
				return rds.LoginError(err)
			}
			if login.User != "" {
				c.User = login.User
			}
			c.Password = login.Password
			return nil
		}))
	}
	return stdlib.GetConnector(*cc, opts...), nil
}
