package rds

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/jsonerr"
)

// ErrInvalidSecret is returned for a secret that is not a database login in
// the shape RDS stores. Its messages never quote the secret.
var ErrInvalidSecret = errors.New("invalid database secret")

// DefaultSecretRefresh is how old a SecretSource's copy of the secret may be
// before a new connection fetches it again.
const DefaultSecretRefresh = time.Minute

// SecretsClient is the part of the Secrets Manager client the check calls;
// *secretsmanager.Client fits.
type SecretsClient interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// Secret is a database login in the shape RDS stores in Secrets Manager:
// {"username", "password", "engine", "host", "port", "dbname"}. Secrets that
// RDS manages for a master user hold only the user name and password.
type Secret struct {
	Username string
	Password string
	Engine   string
	Host     string
	Port     int
	DBName   string
}

// String hides the password.
func (s Secret) String() string {
	return fmt.Sprintf("{Username:%s Password:[redacted] Engine:%s Host:%s Port:%d DBName:%s}",
		s.Username, s.Engine, s.Host, s.Port, s.DBName)
}

// GoString hides the password.
func (s Secret) GoString() string { return s.String() }

// ParseSecret parses a secret string. The port may be a JSON number or a
// string of digits. Its errors say what is wrong without quoting the secret.
func ParseSecret(raw string) (Secret, error) {
	var doc struct {
		Username *string         `json:"username"`
		Password *string         `json:"password"`
		Engine   string          `json:"engine"`
		Host     string          `json:"host"`
		Port     json.RawMessage `json:"port"`
		DBName   string          `json:"dbname"`
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	if err := dec.Decode(&doc); err != nil {
		return Secret{}, fmt.Errorf("secret is not a JSON object with username and password (%s): %w", jsonerr.Describe(err), ErrInvalidSecret)
	}
	if doc.Username == nil || *doc.Username == "" {
		return Secret{}, fmt.Errorf("secret has no username: %w", ErrInvalidSecret)
	}
	if doc.Password == nil {
		return Secret{}, fmt.Errorf("secret has no password: %w", ErrInvalidSecret)
	}
	s := Secret{Username: *doc.Username, Password: *doc.Password, Engine: doc.Engine, Host: doc.Host, DBName: doc.DBName}
	if len(doc.Port) > 0 && string(doc.Port) != "null" {
		text := string(bytes.Trim(doc.Port, `"`))
		port, err := strconv.Atoi(text)
		if err != nil || port < 1 || port > 65535 {
			return Secret{}, fmt.Errorf("secret port is not a port number: %w", ErrInvalidSecret)
		}
		s.Port = port
	}
	return s, nil
}

// Apply returns cfg completed from the secret: the user name and password
// are the secret's; the host, port and database are cfg's when set there,
// the secret's otherwise.
func (s Secret) Apply(cfg Config) Config {
	cfg.User, cfg.Password = s.Username, s.Password
	if cfg.Host == "" {
		cfg.Host = s.Host
	}
	if cfg.Port == 0 {
		cfg.Port = s.Port
	}
	if cfg.Database == "" {
		cfg.Database = s.DBName
	}
	return cfg
}

// SecretSource fetches a database secret and keeps a copy of it.
type SecretSource struct {
	client  SecretsClient
	id      string
	refresh time.Duration
	now     func() time.Time

	mu      sync.Mutex
	secret  Secret
	fetched time.Time
}

// SecretOption configures a SecretSource.
type SecretOption func(*SecretSource)

// WithSecretRefresh sets how old the copy of the secret may be before a new
// connection fetches it again. Default DefaultSecretRefresh (1 minute).
func WithSecretRefresh(d time.Duration) SecretOption {
	return func(s *SecretSource) { s.refresh = d }
}

// NewSecretSource returns a SecretSource for the secret id (its ARN or name).
func NewSecretSource(client SecretsClient, id string, opts ...SecretOption) *SecretSource {
	s := &SecretSource{client: client, id: id, refresh: DefaultSecretRefresh, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Fetch reads the secret now and keeps it. AWS errors carry a safe class
// prefixed "secret: " (such as "secret: access denied").
func (s *SecretSource) Fetch(ctx context.Context) (Secret, error) {
	out, err := s.client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &s.id})
	if err != nil {
		if class := awserr.Class(err); class != "" {
			err = health.WithClass("secret: "+class, err)
		}
		return Secret{}, fmt.Errorf("get secret value: %w", err)
	}
	if out.SecretString == nil {
		return Secret{}, health.WithClass("secret: invalid", fmt.Errorf("secret has no SecretString (binary secrets are not database logins): %w", ErrInvalidSecret))
	}
	sec, err := ParseSecret(*out.SecretString)
	if err != nil {
		return Secret{}, health.WithClass("secret: invalid", err)
	}
	s.mu.Lock()
	s.secret, s.fetched = sec, s.now()
	s.mu.Unlock()
	return sec, nil
}

// Credentials returns the secret's user name and password for a new
// connection. When the copy is older than the refresh interval it fetches
// the secret again first, so a rotated password is picked up; when that
// fails, it keeps the copy it has.
func (s *SecretSource) Credentials(ctx context.Context) (Credentials, error) {
	s.mu.Lock()
	sec, fetched := s.secret, s.fetched
	s.mu.Unlock()
	if fetched.IsZero() || s.now().Sub(fetched) >= s.refresh {
		fresh, err := s.Fetch(ctx)
		switch {
		case err == nil:
			sec = fresh
		case fetched.IsZero():
			return Credentials{}, err
		}
	}
	return Credentials{User: sec.Username, Password: sec.Password}, nil
}
