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

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"golang.org/x/sync/singleflight"

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

// SecretRereadInterval is how long after one read of the secret a refused
// login may read it again (SecretSource.Rejected): often enough that a
// rotated password is picked up within a second or two, and rarely enough
// that a database refusing every login costs at most two GetSecretValue
// calls a second per instance.
const SecretRereadInterval = time.Second

// The staging labels of Secrets Manager's rotation: the version in use, and
// the version a rotation Lambda is setting up (createSecret stages it,
// setSecret puts it in the database, finishSecret moves AWSCURRENT to it).
const (
	StageCurrent = "AWSCURRENT"
	StagePending = "AWSPENDING"
)

// ClassRotating is the output of a database check whose login was refused
// while the secret has an AWSPENDING version other than its AWSCURRENT one
// and not older, and no version would log in: a rotation is in progress, and
// the check warns rather than fails.
const ClassRotating = "credentials rotating"

// secretVersion is one version of the secret.
type secretVersion struct {
	secret  Secret
	id      string // VersionId
	created time.Time
}

// SecretSource fetches a database secret and keeps a copy of it: the
// AWSCURRENT version, and while a rotation is in progress the AWSPENDING
// one, which a rejected login tries next.
type SecretSource struct {
	client  SecretsClient
	id      string
	refresh time.Duration
	now     func() time.Time
	group   singleflight.Group // one read of the secret in flight

	mu       sync.Mutex
	current  secretVersion
	pending  *secretVersion // AWSPENDING, not older than current; nil when none
	fetched  time.Time      // of current
	lastRead time.Time      // of the last read that Rejected started
	given    string         // the version Credentials last returned
	rejected map[string]bool
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
	s := &SecretSource{client: client, id: id, refresh: DefaultSecretRefresh, now: time.Now,
		rejected: map[string]bool{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Fetch reads the secret's AWSCURRENT version now and keeps it. AWS errors
// carry a safe class prefixed "secret: " (such as "secret: access denied").
func (s *SecretSource) Fetch(ctx context.Context) (Secret, error) {
	v, err := s.get(ctx, StageCurrent)
	if err != nil {
		return Secret{}, err
	}
	s.mu.Lock()
	s.setCurrent(v)
	s.mu.Unlock()
	return v.secret, nil
}

// get reads the version of the secret with a staging label.
func (s *SecretSource) get(ctx context.Context, stage string) (secretVersion, error) {
	out, err := s.client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &s.id, VersionStage: &stage})
	if err != nil {
		if class := awserr.Class(err); class != "" {
			err = health.WithClass("secret: "+class, err)
		}
		return secretVersion{}, fmt.Errorf("get secret value (%s): %w", stage, err)
	}
	if out.SecretString == nil {
		return secretVersion{}, health.WithClass("secret: invalid", fmt.Errorf("secret has no SecretString (binary secrets are not database logins): %w", ErrInvalidSecret))
	}
	sec, err := ParseSecret(*out.SecretString)
	if err != nil {
		return secretVersion{}, health.WithClass("secret: invalid", err)
	}
	return secretVersion{secret: sec, id: aws.ToString(out.VersionId), created: aws.ToTime(out.CreatedDate)}, nil
}

// setCurrent keeps v as the AWSCURRENT version, drops a pending version
// that is the same or older (a leftover of a rotation that failed before
// the current version was stored; a version created in the same second, as
// emulators date them, counts as newer), and forgets the refusals of
// versions it no longer keeps. The caller holds mu.
func (s *SecretSource) setCurrent(v secretVersion) {
	s.current, s.fetched = v, s.now()
	if p := s.pending; p != nil && (p.id == v.id || p.created.Before(v.created)) {
		s.pending = nil
	}
	for id := range s.rejected {
		if id != s.current.id && (s.pending == nil || id != s.pending.id) {
			delete(s.rejected, id)
		}
	}
}

// Credentials returns the user name and password for a new connection: the
// AWSCURRENT version's, or after Rejected the AWSPENDING version's. When the
// copy is older than the refresh interval it fetches the secret again first,
// so a rotated password is picked up; when that fails, it keeps the copy it
// has.
func (s *SecretSource) Credentials(ctx context.Context) (Credentials, error) {
	s.mu.Lock()
	fetched := s.fetched
	s.mu.Unlock()
	if fetched.IsZero() || s.now().Sub(fetched) >= s.refresh {
		if _, err := s.Fetch(ctx); err != nil && fetched.IsZero() {
			return Credentials{}, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.current
	if s.rejected[v.id] && s.pending != nil && !s.rejected[s.pending.id] {
		v = *s.pending
	}
	s.given = v.id
	return Credentials{User: v.secret.Username, Password: v.secret.Password}, nil
}

// Rejected is told that the database refused the login Credentials last
// returned. It reads the secret again, AWSCURRENT and AWSPENDING, unless a
// read started less than SecretRereadInterval ago (one read in flight,
// shared by the callers that find it), and reports
// whether a version not yet refused is there to try (retry), and whether a
// rotation is in progress: an AWSPENDING version other than AWSCURRENT and
// not older. When every version has been refused it starts over, so that
// the next probe tries AWSCURRENT again.
func (s *SecretSource) Rejected(ctx context.Context) (retry, rotating bool) {
	s.mu.Lock()
	s.rejected[s.given] = true
	s.mu.Unlock()
	// A caller that finds a read in flight waits for it; the read is
	// detached from the caller, so that a probe that gives up leaves its
	// result to the next one.
	ch := s.group.DoChan("read", func() (any, error) {
		s.mu.Lock()
		due := s.now().Sub(s.lastRead) >= SecretRereadInterval
		if due {
			s.lastRead = s.now()
		}
		s.mu.Unlock()
		if due {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), secretFetchTimeout)
			defer cancel()
			s.read(rctx)
		}
		return nil, nil
	})
	select {
	case <-ch:
	case <-ctx.Done():
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rotating = s.pending != nil
	retry = !s.rejected[s.current.id] || (rotating && !s.rejected[s.pending.id])
	if !retry {
		clear(s.rejected)
	}
	return retry, rotating
}

// read reads the AWSCURRENT and AWSPENDING versions and keeps them. A
// failed read keeps what was kept; a secret without AWSPENDING (or whose
// AWSPENDING version is older than AWSCURRENT) has no rotation in
// progress.
func (s *SecretSource) read(ctx context.Context) {
	cur, err := s.get(ctx, StageCurrent)
	if err != nil {
		return
	}
	pend, err := s.get(ctx, StagePending)
	var nf *types.ResourceNotFoundException
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case err == nil:
		s.pending = &pend
	case errors.As(err, &nf):
		s.pending = nil
	}
	s.setCurrent(cur)
}
