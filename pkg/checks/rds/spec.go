package rds

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awscheck"
	sm "github.com/lambdahealth/lambdahealth/pkg/checks/secretsmanager"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// The IAM actions of the kind's permissions, as IAM spells them.
const (
	// ActionConnect authorizes RDS IAM authentication (an IAM token for a database user).
	ActionConnect = "rds-db:connect"
)

// Spec is the HEALTH_CHECKS fields of the database kinds (postgres and
// mysql), which embed it.
type Spec struct {
	// DSN is a complete connection string. Either DSN, or Host (and the
	// rest) with IAMAuth or SecretARN.
	DSN string `json:"dsn,omitempty"`
	// Host, Port (default the engine's), User and Database describe the
	// database when DSN is empty.
	Host     string `json:"host,omitempty"`
	Port     int    `json:"port,omitempty"`
	User     string `json:"user,omitempty"`
	Database string `json:"database,omitempty"`
	// IAMAuth logs in with an RDS IAM authentication token (needs TLS).
	IAMAuth bool `json:"iamAuth,omitempty"`
	// SecretARN is a Secrets Manager secret with the login, in the shape
	// RDS stores (its host, port and database fill in what is not set here).
	SecretARN string `json:"secretArn,omitempty"`
	// TLS is "disable", "require" or "verify-full"; see the package doc.
	TLS string `json:"tls,omitempty"`
}

// tlsModes are the values of Spec.TLS.
var tlsModes = []string{TLSDisable, TLSRequire, TLSVerifyFull}

// Problems reports what is wrong with the fields every engine shares. The
// DSN, which holds a password, is never quoted.
func (s Spec) Problems() checks.Problems {
	var p checks.Problems
	hasParts := s.Host != "" || s.Port != 0 || s.User != "" || s.Database != ""
	switch {
	case s.DSN != "" && (hasParts || s.IAMAuth || s.SecretARN != ""):
		p.Add("dsn", "set either dsn or host/port/user/database with iamAuth or secretArn, not both")
	case s.DSN != "":
	case s.SecretARN != "":
		if !strings.HasPrefix(s.SecretARN, "arn:") {
			p.Add("secretArn", "must be an ARN (starting with arn:)")
		}
		if s.IAMAuth {
			p.Add("iamAuth", "set either iamAuth or secretArn, not both")
		}
	case s.IAMAuth:
		if s.Host == "" {
			p.Add("host", "required with iamAuth")
		}
		if s.User == "" {
			p.Add("user", "required with iamAuth")
		}
		if s.TLS == TLSDisable {
			p.Add("tls", "IAM authentication requires TLS")
		}
	default:
		p.Add("dsn", "required: dsn, or host/port/user/database with iamAuth: true or secretArn")
	}
	if s.Port < 0 || s.Port > 65535 {
		p.Add("port", "must be from 1 to 65535")
	}
	if s.TLS != "" && !slices.Contains(tlsModes, s.TLS) {
		p.Add("tls", "%q is not one of %s", s.TLS, strings.Join(tlsModes, ", "))
	}
	return p
}

// Permissions is rds-db:connect for IAM authentication (on the database
// user's ARN, which holds the instance's resource ID and so cannot be
// derived from the host: the DbUserArns parameter supplies it) and
// secretsmanager:GetSecretValue on the login secret.
func (s Spec) Permissions() []checks.Permission {
	var perms []checks.Permission
	if s.IAMAuth {
		perms = append(perms, checks.Permission{Actions: []string{ActionConnect}, Parameter: "DbUserArns"})
	}
	if s.SecretARN != "" {
		perms = append(perms, checks.Permission{Actions: []string{sm.ActionGetSecretValue}, Resource: s.SecretARN, Parameter: "SecretArns"})
	}
	return perms
}

// Config returns the Config of engine that s describes.
func (s Spec) Config(engine Engine) Config {
	return Config{Engine: engine, DSN: s.DSN, Host: s.Host, Port: s.Port, User: s.User, Database: s.Database, TLS: s.TLS}
}

// secretFetchTimeout bounds the start-up read of a database secret.
const secretFetchTimeout = 10 * time.Second

// NewFunc is an engine's constructor (postgres.New, mysql.New).
type NewFunc func(c checks.Common, cfg Config, opts ...Option) (health.Check, error)

// Build returns the check s describes for engine, made by newCheck, with
// its login from env: an IAM token signer, or the secret, read here once
// (and again by a new connection whose copy is older than a minute, and at
// once when the database refuses the login: see WithSecret). Its errors are safe to show as
// health.Classify names them.
func (s Spec) Build(ctx context.Context, c checks.Common, env *checks.Env, engine Engine, newCheck NewFunc) (health.Check, error) {
	cfg := s.Config(engine)
	var opts []Option
	switch {
	case s.IAMAuth:
		awsCfg, err := awscheck.SigningConfig(env)
		if err != nil {
			return health.Check{}, err
		}
		opts = append(opts, WithIAMAuth(awsCfg.Region, AWSTokenSigner(awsCfg.Credentials)))
	case s.SecretARN != "":
		client, err := sm.Client(env)
		if err != nil {
			return health.Check{}, err
		}
		src := NewSecretSource(client, s.SecretARN)
		fctx, cancel := context.WithTimeout(ctx, secretFetchTimeout)
		defer cancel()
		given := secretFetchTimeout // or less, when ctx ends first (the start-up's timeout)
		if dl, ok := fctx.Deadline(); ok && time.Until(dl) < given {
			given = time.Until(dl).Round(100 * time.Millisecond)
		}
		sec, err := src.Fetch(fctx)
		if err != nil {
			if errors.Is(err, ErrInvalidSecret) {
				return health.Check{}, health.WithClass("secretArn: "+err.Error(), err)
			}
			return health.Check{}, health.WithClass("secretArn: the secret could not be read: "+health.Classify(err, given), err)
		}
		cfg = sec.Apply(cfg)
		opts = append(opts, WithSecret(src))
	}
	check, err := newCheck(c, cfg, opts...)
	if errors.Is(err, ErrInvalidConfig) {
		// Written to be shown: these messages never quote the DSN.
		err = health.WithClass(err.Error(), err)
	}
	if err != nil {
		return health.Check{}, fmt.Errorf("%s: %w", engine, err)
	}
	return check, nil
}
