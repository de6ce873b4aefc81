package rds

import (
	"context"
	"database/sql/driver"
	"fmt"
	"net"
	"strconv"

	"github.com/go-sql-driver/mysql"
)

// mysqlConnector returns a go-sql-driver/mysql connector whose every new
// connection logs in with fresh credentials when o asks for them.
func mysqlConnector(cfg Config, o options) (driver.Connector, error) {
	var mc *mysql.Config
	if cfg.DSN != "" {
		var err error
		mc, err = mysql.ParseDSN(cfg.DSN)
		if err != nil {
			return nil, fmt.Errorf("dsn: not a valid MySQL DSN: %w", ErrInvalidConfig)
		}
	} else {
		port := cfg.Port
		if port == 0 {
			port = defaultPort(MySQL)
		}
		mc = mysql.NewConfig()
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
		host, portText = mc.Addr, strconv.Itoa(defaultPort(MySQL))
	}
	port, _ := strconv.Atoi(portText)
	if cfg.TLS != "" {
		mc.TLS = tlsConfig(cfg.TLS, host)
		mc.TLSConfig = ""
		mc.AllowFallbackToPlaintext = false
	}
	// The driver logs to stderr by default; a check does not log.
	mc.Logger = &mysql.NopLogger{}
	if o.iamSigner != nil {
		if mc.TLS == nil || mc.AllowFallbackToPlaintext {
			return nil, fmt.Errorf("IAM authentication requires TLS: %w", ErrInvalidConfig)
		}
		// RDS checks IAM tokens with the mysql_clear_password plugin;
		// TLS (required above) keeps the token off the wire.
		mc.AllowCleartextPasswords = true
	}
	if creds := o.credentialsFor(MySQL, host, port, mc.User); creds != nil {
		err := mc.Apply(mysql.BeforeConnect(func(ctx context.Context, c *mysql.Config) error {
			login, err := creds(ctx)
			if err != nil {
				return loginError(err)
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
	conn, err := mysql.NewConnector(mc)
	if err != nil {
		// The driver's messages name a TLS config or key, never the password.
		return nil, fmt.Errorf("mysql config: %w: %w", err, ErrInvalidConfig)
	}
	return conn, nil
}
