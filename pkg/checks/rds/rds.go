package rds

import (
	"context"
	"crypto/tls"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Engine names a database engine.
type Engine string

// The engines of the database checks.
const (
	Postgres Engine = "postgres"
	MySQL    Engine = "mysql"
)

// TLS modes of Config.TLS.
const (
	TLSDisable    = "disable"
	TLSRequire    = "require"
	TLSVerifyFull = "verify-full"
)

// Pool sizes. Probes of one check never overlap (the engine shares one run
// between concurrent requests), so one connection serves them all and is
// kept idle between probes: MaxIdleConns is 1, which is what lets a warm
// instance probe without ever opening a new connection. MaxOpenConns is 2 so
// that when the engine has given up on a probe stuck on a dead connection,
// the next probe can still open a fresh one instead of queueing behind it;
// it also caps what one instance costs the database's connection limit.
// Idle connections are closed after MaxIdleTime, shorter than the usual
// server and NAT idle timeouts, and every connection is replaced after
// MaxLifetime, so DNS changes (an RDS fail-over) and rotated credentials
// are picked up.
const (
	MaxOpenConns = 2
	MaxIdleConns = 1
	MaxIdleTime  = 5 * time.Minute
	MaxLifetime  = 30 * time.Minute
)

// ApplicationName is the application_name of PostgreSQL connections when
// the DSN does not set one, so that they can be told apart in
// pg_stat_activity.
const ApplicationName = "lambdahealth"

// ErrInvalidConfig is returned by New for a configuration it cannot use.
var ErrInvalidConfig = errors.New("invalid database check configuration")

// Config says how to reach and log in to one database.
type Config struct {
	// Engine is Postgres or MySQL. Required.
	Engine Engine
	// DSN is a complete connection string: a PostgreSQL URL or key=value
	// string, or a go-sql-driver/mysql DSN. When set, Host, Port, User,
	// Password and Database are not used.
	DSN string
	// Host, Port (default 5432 or 3306), User, Password and Database
	// describe the database when DSN is empty.
	Host     string
	Port     int
	User     string
	Password string
	Database string
	// TLS is "disable", "require" or "verify-full". Empty keeps the DSN's
	// own setting, or means "require" when DSN is empty.
	TLS string
}

// Credentials are the user name and password of one new connection.
type Credentials struct {
	User     string
	Password string
}

// String hides the password.
func (c Credentials) String() string { return "{User:" + c.User + " Password:[redacted]}" }

// GoString hides the password.
func (c Credentials) GoString() string { return c.String() }

// CredentialsFunc returns the credentials of a new connection. The pool calls
// it once per connection it opens, not once per probe; an empty User keeps
// the configured one.
type CredentialsFunc func(ctx context.Context) (Credentials, error)

// Pinger pings one database through a pool it keeps for its lifetime.
type Pinger struct {
	engine   Engine
	db       *sql.DB
	classify func(error) error
	renewer  renewer
}

// renewer is told when the database refuses a login (SecretSource).
type renewer interface {
	Rejected(ctx context.Context) (retry, rotating bool)
}

// Option configures how new connections log in.
type Option func(*options)

type options struct {
	credentials CredentialsFunc
	renewer     renewer
	iamRegion   string
	iamSigner   TokenSigner
}

// WithCredentials makes every new connection log in with what fn returns,
// for example the current password of a Secrets Manager secret
// (SecretSource.Credentials; WithSecret also retries a refused login).
// Default: the Config's user and password.
func WithCredentials(fn CredentialsFunc) Option { return func(o *options) { o.credentials = fn } }

// WithSecret makes every new connection log in with the secret's
// credentials (src.Credentials), and a probe whose login the database
// refuses tell src (src.Rejected), which reads the secret again at once
// (at most once a second), and try again within the probe's deadline: with
// the secret's new AWSCURRENT version, or while a rotation is in progress
// its AWSPENDING one. When no version logs in during a rotation, the probe
// warns ClassRotating instead of failing. Default: no secret.
func WithSecret(src *SecretSource) Option {
	return func(o *options) {
		o.credentials = src.Credentials
		o.renewer = src
	}
}

// Login is how the new connections of one database check log in, as its
// options say.
type Login struct{ o options }

// NewLogin applies opts.
func NewLogin(opts ...Option) Login {
	var l Login
	for _, opt := range opts {
		opt(&l.o)
	}
	return l
}

// IAM reports whether connections log in with IAM tokens (WithIAMAuth).
func (l Login) IAM() bool { return l.o.iamSigner != nil }

// Prepare checks cfg against what every engine needs and fills in the
// TLS default: "require" for a host-based configuration.
func (l Login) Prepare(cfg Config) (Config, error) {
	if cfg.DSN == "" && cfg.Host == "" {
		return cfg, fmt.Errorf("host or dsn is required: %w", ErrInvalidConfig)
	}
	switch cfg.TLS {
	case "", TLSDisable, TLSRequire, TLSVerifyFull:
	default:
		return cfg, fmt.Errorf("tls mode %q is not one of disable, require, verify-full: %w", cfg.TLS, ErrInvalidConfig)
	}
	if cfg.TLS == "" && cfg.DSN == "" {
		cfg.TLS = TLSRequire
	}
	if l.IAM() && cfg.TLS == TLSDisable {
		return cfg, fmt.Errorf("IAM authentication requires TLS: %w", ErrInvalidConfig)
	}
	return cfg, nil
}

// Connector makes an engine's driver connector for cfg, whose new
// connections log in as login says.
type Connector func(cfg Config, login Login) (driver.Connector, error)

// Open returns a Pinger of the database cfg describes, through the
// engine's connector, its errors classified by classify (the engine's
// classifier). It opens no connection: the first probe does.
func Open(engine Engine, cfg Config, opts []Option, connect Connector, classify func(error) error) (*Pinger, error) {
	login := NewLogin(opts...)
	cfg, err := login.Prepare(cfg)
	if err != nil {
		return nil, err
	}
	conn, err := connect(cfg, login)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(MaxOpenConns)
	db.SetMaxIdleConns(MaxIdleConns)
	db.SetConnMaxIdleTime(MaxIdleTime)
	db.SetConnMaxLifetime(MaxLifetime)
	return &Pinger{engine: engine, db: db, classify: classify, renewer: login.o.renewer}, nil
}

// NewCheck returns the complete check of a database opened by open (an
// engine's Open).
func NewCheck(c checks.Common, open func(Config, ...Option) (*Pinger, error), cfg Config, opts ...Option) (health.Check, error) {
	p, err := open(cfg, opts...)
	if err != nil {
		return health.Check{}, err
	}
	return c.Check(health.ComponentDatastore, "", p.Probe), nil
}

// maxRelogins bounds the logins one probe tries after the first is refused:
// the secret's new AWSCURRENT version, then its AWSPENDING one.
const maxRelogins = 2

// Probe pings the database and runs SELECT 1, under ctx. A pass is a zero
// Observation: the engine reports the response time. A connection the
// server closed is replaced once, and a refused login is retried with the
// secret's newer versions (WithSecret).
func (c *Pinger) Probe(ctx context.Context) (health.Observation, error) {
	err := c.query(ctx)
	if errors.Is(err, driver.ErrBadConn) && ctx.Err() == nil {
		// The server closed the pool's idle connection (its session was
		// killed, as a rotation may do): database/sql retries getting a
		// connection, not the ping that found it dead. One new connection.
		err = c.query(ctx)
	}
	for relogins := 0; c.renewer != nil && errors.Is(err, ErrLoginRejected); relogins++ {
		retry, rotating := c.renewer.Rejected(ctx)
		if !retry || relogins == maxRelogins || ctx.Err() != nil {
			if rotating {
				return health.Observation{Status: health.StatusWarn, Output: ClassRotating}, nil
			}
			break
		}
		err = c.query(ctx)
	}
	return health.Observation{}, err
}

// query pings the database and runs SELECT 1.
func (c *Pinger) query(ctx context.Context) error {
	if err := c.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", c.engine, c.classify(err))
	}
	var one int
	if err := c.db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("select 1: %w", c.classify(err))
	}
	if one != 1 {
		return health.WithClass("unexpected answer", fmt.Errorf("SELECT 1 returned %d", one))
	}
	return nil
}

// TLSConfig returns the client TLS configuration of a mode for host, nil
// for "disable".
func TLSConfig(mode, host string) *tls.Config {
	switch mode {
	case TLSRequire:
		// libpq's "require": encrypted, the certificate is not verified.
		return &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the documented meaning of "require"
	case TLSVerifyFull:
		return &tls.Config{ServerName: host}
	}
	return nil
}

// DefaultPort returns the engine's usual port.
func DefaultPort(e Engine) int {
	if e == MySQL {
		return 3306
	}
	return 5432
}

// endpoint returns host:port for an IAM token.
func endpoint(host string, port int) string {
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// LoginError gives an error of a CredentialsFunc a safe class, unless it
// has one.
func LoginError(err error) error {
	var ce *health.ClassError
	if errors.As(err, &ce) {
		return err
	}
	return health.WithClass("credentials unavailable", fmt.Errorf("credentials: %w", err))
}
