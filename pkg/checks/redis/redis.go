// Package redis checks a Redis-protocol server (ElastiCache for Redis OSS or
// Valkey, MemoryDB, or any Redis): the kind "redis" of HEALTH_CHECKS.
//
// Fields: "endpoint" (host:port), "tls", "user", and a password from
// "authSecretArn" (a Secrets Manager secret holding the AUTH token, as a
// plain string or a JSON object with "password" and optionally "username")
// or ElastiCache IAM authentication ("iamAuth": true, a SigV4-presigned
// token signed afresh for each new connection).
//
// The check is PING, on a client built once per instance with a pool of at
// most 2 connections (the same reasoning as the database pool: probes of
// one check never overlap, so one connection serves them, and the second
// lets a probe proceed when the engine gave up on one stuck on a dead
// connection). The client is github.com/redis/go-redis/v9: the client Redis
// itself maintains, which speaks to Valkey and MemoryDB as well, takes a
// credentials callback per connection (what IAM tokens and rotated secrets
// need) and bounds every command by its context's deadline.
//
// TLS: "tls" decides when set. When it is not, TLS is on for endpoints in
// AWS (host names under amazonaws.com or amazonaws.com.cn, which is where
// ElastiCache and MemoryDB endpoints live, and where in-transit encryption
// is the default of new caches and required by IAM authentication) and off
// elsewhere (a local or self-hosted Redis usually speaks plain TCP). IAM
// authentication requires TLS.
//
// Errors: NOAUTH, WRONGPASS and NOPERM are "access denied", a refused
// connection "connection refused", a failed handshake "tls handshake
// failed", max clients "too many connections", LOADING "loading".
package redis

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	sm "github.com/lambdahealth/lambdahealth/pkg/checks/secretsmanager"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// The IAM actions of the kind's permissions, as IAM spells them.
const (
	// ActionConnect authorizes IAM authentication to ElastiCache.
	ActionConnect = "elasticache:Connect"
)

// Type is the kind's "type" in HEALTH_CHECKS.
const Type = "redis"

// Pool sizes: see the package doc.
const (
	PoolSize     = 2
	MaxIdleConns = 1
	MaxIdleTime  = 5 * time.Minute
)

// Spec is a redis check's HEALTH_CHECKS fields.
type Spec struct {
	// Endpoint is host:port. Required.
	Endpoint string `json:"endpoint"`
	// TLS turns TLS on or off; nil decides by the endpoint (package doc).
	TLS *bool `json:"tls,omitempty"`
	// User is the ACL user name. Default: the default user.
	User string `json:"user,omitempty"`
	// AuthSecretARN is a secret holding the AUTH token.
	AuthSecretARN string `json:"authSecretArn,omitempty"`
	// IAMAuth logs in with an ElastiCache IAM authentication token for User.
	IAMAuth bool `json:"iamAuth,omitempty"`
}

// Type returns Type.
func (Spec) Type() string { return Type }

// UseTLS reports whether the check speaks TLS: TLS when set, otherwise
// whether the endpoint is in AWS.
func (s Spec) UseTLS() bool {
	if s.TLS != nil {
		return *s.TLS
	}
	host, _, _ := net.SplitHostPort(s.Endpoint)
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	return strings.HasSuffix(host, ".amazonaws.com") || strings.HasSuffix(host, ".amazonaws.com.cn")
}

// Validate names every field that is wrong. Nothing secret is quoted.
func (s Spec) Validate() error {
	var p checks.Problems
	host, port, err := net.SplitHostPort(s.Endpoint)
	if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
		p.Add("endpoint", "required: host:port with a port from 1 to 65535")
	}
	switch {
	case s.IAMAuth && s.AuthSecretARN != "":
		p.Add("iamAuth", "set either iamAuth or authSecretArn, not both")
	case s.IAMAuth && s.User == "":
		p.Add("user", "required with iamAuth (the ElastiCache user ID)")
	case s.IAMAuth && !s.UseTLS():
		p.Add("tls", "IAM authentication requires TLS")
	case s.IAMAuth && cacheName(host) == "":
		p.Add("endpoint", "iamAuth needs an ElastiCache endpoint (NAME.xxxxxx...cache.amazonaws.com) to take the cache name from")
	}
	if s.AuthSecretARN != "" && !strings.HasPrefix(s.AuthSecretARN, "arn:") {
		p.Add("authSecretArn", "must be an ARN (starting with arn:)")
	}
	return p.Err()
}

// Permissions is elasticache:Connect for IAM authentication (on the cache
// and the user, which the endpoint and user name do not give as ARNs: the
// CacheArns parameter supplies them), or secretsmanager:GetSecretValue on
// the AUTH secret.
func (s Spec) Permissions() []checks.Permission {
	switch {
	case s.IAMAuth:
		return []checks.Permission{{Actions: []string{ActionConnect}, Parameter: "CacheArns"}}
	case s.AuthSecretARN != "":
		return []checks.Permission{{Actions: []string{sm.ActionGetSecretValue}, Resource: s.AuthSecretARN, Parameter: "SecretArns"}}
	}
	return nil
}

// Credentials returns the user name and password of a new connection.
type Credentials func(ctx context.Context) (user, password string, err error)

// New returns the check of the server s describes; credentials (nil: no
// AUTH, or the user with no password) is asked once per new connection.
// It runs the same Validate as a HEALTH_CHECKS entry, and returns its error
// (naming the field) for a spec that could only fail at run time.
func New(c checks.Common, s Spec, credentials Credentials) (health.Check, error) {
	if err := s.Validate(); err != nil {
		return health.Check{}, err
	}
	opts := &goredis.Options{
		Addr:                  s.Endpoint,
		Username:              s.User,
		PoolSize:              PoolSize,
		MaxActiveConns:        PoolSize,
		MaxIdleConns:          MaxIdleConns,
		ConnMaxIdleTime:       MaxIdleTime,
		ContextTimeoutEnabled: true, // the probe's deadline bounds every command
		MaxRetries:            -1,   // the next probe retries; a retry would only spend the budget
		// One dial: the client's default (5 dials, 100ms apart) would turn a
		// refused connection into 400ms of waiting, and a 500ms budget into a timeout.
		DialerRetries:   1,
		DisableIdentity: true, // no CLIENT SETINFO: older servers answer it with an error
		Protocol:        2,
	}
	if credentials != nil {
		opts.CredentialsProviderContext = credentials
	}
	if s.UseTLS() {
		host, _, _ := net.SplitHostPort(s.Endpoint)
		opts.TLSConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	quietOnce.Do(func() { goredis.SetLogger(quiet{}) })
	client := goredis.NewClient(opts)
	return c.Check(health.ComponentDatastore, "", func(ctx context.Context) (health.Observation, error) {
		if err := client.Ping(ctx).Err(); err != nil {
			return health.Observation{}, fmt.Errorf("ping: %w", classify(err))
		}
		return health.Observation{}, nil
	}), nil
}

// quiet drops the client's own log lines: they go to stderr and name the
// endpoint, and a check does not log (the engine logs its safe result).
type quiet struct{}

// Printf drops the line.
func (quiet) Printf(context.Context, string, ...any) {}

var quietOnce sync.Once

// classify gives the Redis errors it recognises a safe class and returns
// the others (network errors, deadlines) as they are, for health.Classify.
func classify(err error) error {
	var ce *health.ClassError
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var rh tls.RecordHeaderError
	var redisErr goredis.Error
	switch {
	case errors.As(err, &ce):
		return err
	case goredis.IsAuthError(err), goredis.IsPermissionError(err):
		return health.WithClass(health.ClassDenied, err)
	case errors.As(err, &redisErr) && strings.HasPrefix(redisErr.Error(), "ERR AUTH"):
		// AUTH with a password to a server that has none.
		return health.WithClass(health.ClassDenied, err)
	case goredis.IsMaxClientsError(err):
		return health.WithClass("too many connections", err)
	case goredis.IsLoadingError(err):
		return health.WithClass("loading", err)
	case errors.As(err, &cv), errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &rh):
		return health.WithClass(health.ClassTLS, err)
	}
	return err
}
