package mysql

import (
	"context"
	"database/sql/driver"
	"fmt"
	"net"
	"strconv"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/rds"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Open returns a Pinger of the MySQL or MariaDB database cfg describes, logging
// in as opts say. It opens no connection: the first probe does.
func Open(cfg rds.Config, opts ...rds.Option) (*rds.Pinger, error) {
	return rds.Open(rds.MySQL, cfg, opts, connector, Classify)
}

// New returns the complete check of the database cfg describes.
func New(c checks.Common, cfg rds.Config, opts ...rds.Option) (health.Check, error) {
	return rds.NewCheck(c, Open, cfg, opts...)
}

// connector returns a go-sql-driver/mysql connector whose every new
// connection logs in with fresh credentials when login asks for them.
func connector(cfg rds.Config, login rds.Login) (driver.Connector, error) {
	var mc *gomysql.Config
	if cfg.DSN != "" {
		var err error
		mc, err = gomysql.ParseDSN(cfg.DSN)
		if err != nil {
			return nil, fmt.Errorf("dsn: not a valid MySQL DSN: %w", rds.ErrInvalidConfig)
		}
	} else {
		port := cfg.Port
		if port == 0 {
			port = rds.DefaultPort(rds.MySQL)
		}
		mc = gomysql.NewConfig()
		mc.Net = "tcp"
		mc.Addr = net.JoinHostPort(cfg.Host, strconv.Itoa(port))
		mc.User = cfg.User
		mc.Passwd = cfg.Password
		mc.DBName = cfg.Database
	}
	if mc.Net == "" {
		mc.Net = "tcp"
	}
	host, portText, err := net.SplitHostPort(mc.Addr)
	if err != nil {
		host, portText = mc.Addr, strconv.Itoa(rds.DefaultPort(rds.MySQL))
	}
	port, _ := strconv.Atoi(portText)
	if cfg.TLS != "" {
		mc.TLS = rds.TLSConfig(cfg.TLS, host)
		mc.TLSConfig = ""
		mc.AllowFallbackToPlaintext = false
	}
	// The driver logs to stderr by default; a check does not log.
	mc.Logger = &gomysql.NopLogger{}
	if login.IAM() {
		if mc.TLS == nil || mc.AllowFallbackToPlaintext {
			return nil, fmt.Errorf("IAM authentication requires TLS: %w", rds.ErrInvalidConfig)
		}
		// RDS checks IAM tokens with the mysql_clear_password plugin;
		// TLS (required above) keeps the token off the wire.
		mc.AllowCleartextPasswords = true
	}
	if creds := login.Credentials(rds.MySQL, host, port, mc.User); creds != nil {
		err := mc.Apply(gomysql.BeforeConnect(func(ctx context.Context, c *gomysql.Config) error {
			login, err := creds(ctx)
			if err != nil {
				return rds.LoginError(err)
			}
			if login.User != "" {
				c.User = login.User
			}
			c.Passwd = login.Password
			return nil
		}))
		if err != nil {
			return nil, fmt.Errorf("mysql options: %w", err)
		}
	}
	conn, err := gomysql.NewConnector(mc)
	if err != nil {
		// The driver's messages name a TLS config or key, never the password.
		return nil, fmt.Errorf("mysql config: %w: %w", err, rds.ErrInvalidConfig)
	}
	return conn, nil
}
