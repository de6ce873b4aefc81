package rds

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// postgresConnector returns a pgx connector whose every new connection logs
// in with fresh credentials when o asks for them.
func postgresConnector(cfg Config, o options) (driver.Connector, error) {
	var (
		cc  *pgx.ConnConfig
		err error
	)
	if cfg.DSN != "" {
		cc, err = pgx.ParseConfig(cfg.DSN)
		if err != nil {
			// pgx's parse errors quote the DSN; only its password is
			// redacted, so none of it is kept.
			return nil, fmt.Errorf("dsn: not a valid PostgreSQL connection string: %w", ErrInvalidConfig)
		}
	} else {
		cc, err = pgx.ParseConfig("")
		if err != nil {
			return nil, fmt.Errorf("postgres defaults: %w", ErrInvalidConfig)
		}
		port := cfg.Port
		if port == 0 {
			port = defaultPort(Postgres)
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
		cc.TLSConfig = tlsConfig(cfg.TLS, cc.Host)
		cc.Fallbacks = nil
	}
	if o.iamSigner != nil && cc.TLSConfig == nil {
		return nil, fmt.Errorf("IAM authentication requires TLS: %w", ErrInvalidConfig)
	}
	if _, ok := cc.RuntimeParams["application_name"]; !ok {
		cc.RuntimeParams["application_name"] = ApplicationName
	}
	var opts []stdlib.OptionOpenDB
	if creds := o.credentialsFor(Postgres, cc.Host, int(cc.Port), cc.User); creds != nil {
		opts = append(opts, stdlib.OptionBeforeConnect(func(ctx context.Context, c *pgx.ConnConfig) error {
			login, err := creds(ctx)
			if err != nil {
				return loginError(err)
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
