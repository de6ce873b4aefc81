package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awscheck"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
	sm "github.com/lambdahealth/lambdahealth/pkg/checks/secretsmanager"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Check builds the check, with its AUTH token from the secret (read here
// once, and again by a new connection whose copy is older than a minute) or
// an IAM token signer, from env.
func (s Spec) Check(ctx context.Context, c checks.Common, env *checks.Env) (health.Check, error) {
	switch {
	case s.IAMAuth:
		cfg, err := awscheck.SigningConfig(env)
		if err != nil {
			return health.Check{}, err
		}
		host := strings.Split(s.Endpoint, ":")[0]
		return New(c, s, iamToken(cfg.Credentials, cfg.Region, cacheName(host), s.User, isServerless(host)))
	case s.AuthSecretARN != "":
		client, err := sm.Client(env)
		if err != nil {
			return health.Check{}, err
		}
		src := &secretToken{client: client, id: s.AuthSecretARN, user: s.User, now: time.Now}
		fctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if _, _, err := src.fetch(fctx); err != nil {
			return health.Check{}, health.WithClass("authSecretArn: the secret could not be read: "+health.Classify(err, 10*time.Second), err)
		}
		return New(c, s, src.credentials)
	}
	return New(c, s, nil)
}

// SecretsClient is the part of the Secrets Manager client the AUTH token
// source calls; *secretsmanager.Client fits.
type SecretsClient interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// secretRefresh is how old the copy of the AUTH secret may be before a new
// connection reads it again (so that a rotated token is picked up).
const secretRefresh = time.Minute

// secretToken reads an AUTH token from a secret and keeps a copy.
type secretToken struct {
	client SecretsClient
	id     string
	user   string
	now    func() time.Time

	mu       sync.Mutex
	username string
	password string
	fetched  time.Time
}

// fetch reads the secret now: a plain string is the token; a JSON object
// gives "password" and, optionally, "username". Its errors never quote the
// secret.
func (s *secretToken) fetch(ctx context.Context) (string, string, error) {
	out, err := s.client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &s.id})
	if err != nil {
		if class := awserr.Class(err); class != "" {
			err = health.WithClass("secret: "+class, err)
		}
		return "", "", fmt.Errorf("get secret value: %w", err)
	}
	raw := strings.TrimSpace(aws.ToString(out.SecretString))
	user, password := s.user, raw
	if strings.HasPrefix(raw, "{") {
		var doc struct {
			Username string `json:"username"`
			Password string `json:"password"`
		}
		if json.Unmarshal([]byte(raw), &doc) != nil {
			return "", "", health.WithClass("secret: invalid", errors.New("the secret is not a JSON object with a password"))
		}
		password = doc.Password
		if doc.Username != "" {
			user = doc.Username
		}
	}
	if password == "" {
		return "", "", health.WithClass("secret: invalid", errors.New("the secret holds no AUTH token"))
	}
	s.mu.Lock()
	s.username, s.password, s.fetched = user, password, s.now()
	s.mu.Unlock()
	return user, password, nil
}

// credentials returns the copy, read again first when it is stale; when
// that fails, the copy it has.
func (s *secretToken) credentials(ctx context.Context) (string, string, error) {
	s.mu.Lock()
	user, password, fetched := s.username, s.password, s.fetched
	s.mu.Unlock()
	if s.now().Sub(fetched) >= secretRefresh {
		if u, p, err := s.fetch(ctx); err == nil {
			user, password = u, p
		} else if fetched.IsZero() {
			return "", "", err
		}
	}
	return user, password, nil
}

// iamToken returns Credentials that sign a new ElastiCache IAM
// authentication token for user on cache (its replication group or
// serverless cache name) in region for each new connection: a SigV4
// presigned "connect" request, valid for 15 minutes, for logging in.
func iamToken(creds aws.CredentialsProvider, region, cache, user string, serverless bool) Credentials {
	signer := v4.NewSigner()
	return func(ctx context.Context) (string, string, error) {
		q := url.Values{"Action": {"connect"}, "User": {user}, "X-Amz-Expires": {"900"}}
		if serverless {
			q.Set("ResourceType", "ServerlessCache")
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+cache+"/?"+q.Encode(), nil)
		if err != nil {
			return "", "", health.WithClass("credentials unavailable", err)
		}
		c, err := creds.Retrieve(ctx)
		if err != nil {
			return "", "", health.WithClass("credentials unavailable", fmt.Errorf("iam token: %w", err))
		}
		// The SHA-256 of an empty payload.
		const emptyPayload = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
		signed, _, err := signer.PresignHTTP(ctx, c, req, emptyPayload, "elasticache", region, time.Now())
		if err != nil {
			return "", "", health.WithClass("credentials unavailable", fmt.Errorf("iam token: %w", err))
		}
		return user, strings.TrimPrefix(signed, "http://"), nil
	}
}

// cacheName returns the replication group or serverless cache name of an
// ElastiCache endpoint, or "": master.NAME.xxxxxx.use1.cache.amazonaws.com,
// replica.NAME…, clustercfg.NAME…, NAME.xxxxxx.ng.0001.use1.cache…, and
// NAME-xxxxxx.serverless.use1.cache.amazonaws.com.
func cacheName(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if !strings.HasSuffix(host, ".cache.amazonaws.com") && !strings.HasSuffix(host, ".cache.amazonaws.com.cn") {
		return ""
	}
	labels := strings.Split(host, ".")
	if isServerless(host) {
		name, _, ok := cutLast(labels[0], "-")
		if !ok {
			return ""
		}
		return name
	}
	switch labels[0] {
	case "master", "replica", "clustercfg":
		labels = labels[1:]
	}
	return labels[0]
}

func isServerless(host string) bool { return strings.Contains(strings.ToLower(host), ".serverless.") }

func cutLast(s, sep string) (before, after string, ok bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}
