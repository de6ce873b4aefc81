package redis

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	goredis "github.com/redis/go-redis/v9"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

const budget = 500 * time.Millisecond

func check(s Spec, creds Credentials) health.Check {
	return checktest.MustCheck(New(checks.Common{Name: "cache"}, s, creds))
}

func static(user, password string) Credentials {
	return func(context.Context) (string, string, error) { return user, password, nil }
}

func TestRefused(t *testing.T) {
	t.Parallel()
	o := checktest.Run(t, check(Spec{Endpoint: testenv.ClosedPort(t)}, nil), budget)
	checktest.Expect(t, o, health.StatusFail, health.ClassRefused, budget)
}

func TestHung(t *testing.T) {
	t.Parallel()
	o := checktest.Run(t, check(Spec{Endpoint: testenv.HungListener(t)}, nil), budget)
	checktest.Expect(t, o, health.StatusFail, "timeout after 500ms", budget)
}

func TestIntegrationHealthy(t *testing.T) {
	addr := testenv.Need(t, "LOCAL_REDIS_ENDPOINT")["LOCAL_REDIS_ENDPOINT"]
	o := checktest.Run(t, check(Spec{Endpoint: addr}, nil), budget)
	checktest.Expect(t, o, health.StatusPass, "", budget)
}

// aclUser creates an ACL user that may only PING and deletes it when the
// test ends.
func aclUser(t *testing.T, addr, password string) string {
	t.Helper()
	admin := goredis.NewClient(&goredis.Options{Addr: addr, DisableIdentity: true})
	t.Cleanup(func() { admin.Close() })
	user := "lambdahealth-test-" + testenv.RandomSuffix(t)
	ctx := context.Background()
	if err := admin.Do(ctx, "ACL", "SETUSER", user, "on", ">"+password, "+ping", "+auth", "+hello").Err(); err != nil {
		t.Fatalf("ACL SETUSER: %v", err)
	}
	t.Cleanup(func() { admin.Do(context.Background(), "ACL", "DELUSER", user) })
	return user
}

func TestIntegrationAuth(t *testing.T) {
	addr := testenv.Need(t, "LOCAL_REDIS_ENDPOINT")["LOCAL_REDIS_ENDPOINT"]
	const password = "Redis-AUTH-t0ken-7f3a"
	user := aclUser(t, addr, password)
	tests := []struct {
		name       string
		creds      Credentials
		wantStatus health.Status
		wantOutput string
	}{
		{"right token", static(user, password), health.StatusPass, ""},
		{"wrong token (WRONGPASS)", static(user, "Wrong-t0ken-9b2c"), health.StatusFail, health.ClassDenied},
		{"unknown user (WRONGPASS)", static("nobody-"+user, password), health.StatusFail, health.ClassDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := checktest.Run(t, check(Spec{Endpoint: addr, User: user}, tt.creds), budget)
			checktest.Expect(t, o, tt.wantStatus, tt.wantOutput, budget)
			for _, secret := range []string{password, "Wrong-t0ken-9b2c"} {
				if strings.Contains(o.Body, secret) || strings.Contains(o.Logs, secret) {
					t.Errorf("the AUTH token %q reached a body or a log line", secret)
				}
			}
		})
	}
}

func TestIntegrationOneConnection(t *testing.T) {
	addr := testenv.Need(t, "LOCAL_REDIS_ENDPOINT")["LOCAL_REDIS_ENDPOINT"]
	user := aclUser(t, addr, "pool-pw")
	logins := 0
	creds := func(context.Context) (string, string, error) { logins++; return user, "pool-pw", nil }
	c, err := health.NewChecker([]health.Check{check(Spec{Endpoint: addr, User: user}, creds)}, health.WithCacheTTL(0))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		if rep := c.All(context.Background()); rep.Status != health.StatusPass {
			t.Fatalf("check %d = %s %q", i, rep.Status, rep.Output)
		}
	}
	if logins != 1 {
		t.Errorf("30 checks logged in %d times; want 1 (one pooled connection)", logins)
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{errors.New("NOAUTH Authentication required."), health.ClassDenied},
		{errors.New("WRONGPASS invalid username-password pair or user is disabled."), health.ClassDenied},
		{errors.New("NOPERM User x has no permissions to run the 'ping' command"), health.ClassDenied},
		{errors.New("ERR max number of clients reached"), "too many connections"},
		{errors.New("LOADING Redis is loading the dataset in memory"), "loading"},
	}
	for _, tt := range tests {
		// The client's errors are redis.Error values; a plain error stands for a network error.
		err := classify(redisError(tt.err.Error()))
		if got := health.Classify(err, time.Second); got != tt.want {
			t.Errorf("classify(%q) = %q; want %q", tt.err, got, tt.want)
		}
	}
}

// redisError is a server error reply as go-redis returns it.
type redisError string

func (e redisError) Error() string { return string(e) }
func (redisError) RedisError()     {}

func TestUseTLS(t *testing.T) {
	t.Parallel()
	on, off := true, false
	tests := []struct {
		spec Spec
		want bool
	}{
		{Spec{Endpoint: "master.orders.abc123.use1.cache.amazonaws.com:6379"}, true},
		{Spec{Endpoint: "orders-abc123.serverless.use1.cache.amazonaws.com:6379"}, true},
		{Spec{Endpoint: "clustercfg.orders.abc123.memorydb.us-east-1.amazonaws.com:6379"}, true},
		{Spec{Endpoint: "127.0.0.1:6379"}, false},
		{Spec{Endpoint: "redis.internal:6379"}, false},
		{Spec{Endpoint: "redis.internal:6379", TLS: &on}, true},
		{Spec{Endpoint: "master.orders.abc123.use1.cache.amazonaws.com:6379", TLS: &off}, false},
	}
	for _, tt := range tests {
		if got := tt.spec.UseTLS(); got != tt.want {
			t.Errorf("UseTLS(%s, tls %v) = %v; want %v", tt.spec.Endpoint, tt.spec.TLS, got, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	ok := []Spec{
		{Endpoint: "127.0.0.1:6379"},
		{Endpoint: "master.orders.abc123.use1.cache.amazonaws.com:6379", User: "health", IAMAuth: true},
		{Endpoint: "127.0.0.1:6379", AuthSecretARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:redis-AbCdEf"},
	}
	for _, s := range ok {
		if err := s.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v; want nil", s, err)
		}
	}
	bad := map[string]Spec{
		"endpoint": {Endpoint: "redis.internal"},
		"user":     {Endpoint: "master.orders.abc123.use1.cache.amazonaws.com:6379", IAMAuth: true},
		"tls":      {Endpoint: "127.0.0.1:6379", User: "u", IAMAuth: true},
		"iamAuth":  {Endpoint: "127.0.0.1:6379", IAMAuth: true, AuthSecretARN: "arn:x"},
	}
	for field, s := range bad {
		var fe *checks.FieldError
		if err := s.Validate(); !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("Validate(%+v) = %v; want a FieldError naming %s", s, err, field)
		}
	}
}

func TestIAMToken(t *testing.T) {
	t.Parallel()
	creds := credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "Secret-Key-Example", "")
	for host, want := range map[string]string{
		"master.orders.abc123.use1.cache.amazonaws.com":     "orders/?Action=connect&User=health&X-Amz-Algorithm=AWS4-HMAC-SHA256",
		"orders-abc123.serverless.use1.cache.amazonaws.com": "orders/?Action=connect&ResourceType=ServerlessCache&User=health&X-Amz-Algorithm=AWS4-HMAC-SHA256",
		"clustercfg.orders.abc123.use1.cache.amazonaws.com": "orders/?Action=connect&User=health",
		"orders.abc123.ng.0001.use1.cache.amazonaws.com":    "orders/?Action=connect&User=health",
	} {
		user, token, err := iamToken(creds, "us-east-1", cacheName(host), "health", isServerless(host))(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if user != "health" || !strings.HasPrefix(token, want) || !strings.Contains(token, "X-Amz-Signature=") ||
			!strings.Contains(token, "X-Amz-Expires=900") || !strings.Contains(token, "%2Fus-east-1%2Felasticache%2Faws4_request") {
			t.Errorf("iamToken(%s) = %q, %q; want a presigned connect request starting %q", host, user, token, want)
		}
	}
}

type fakeSecrets func() (*secretsmanager.GetSecretValueOutput, error)

func (f fakeSecrets) GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	return f()
}

func TestSecretToken(t *testing.T) {
	t.Parallel()
	value := func(s string) fakeSecrets {
		return func() (*secretsmanager.GetSecretValueOutput, error) {
			return &secretsmanager.GetSecretValueOutput{SecretString: aws.String(s)}, nil
		}
	}
	tests := []struct {
		name               string
		client             fakeSecrets
		wantUser, wantPass string
		wantErr            string
	}{
		{"plain token", value("  Tok3n-value \n"), "health", "Tok3n-value", ""},
		{"json", value(`{"username":"app","password":"Tok3n-value"}`), "app", "Tok3n-value", ""},
		{"json without user", value(`{"password":"Tok3n-value"}`), "health", "Tok3n-value", ""},
		{"empty", value(""), "", "", "secret: invalid"},
		{"bad json", value(`{"password":`), "", "", "secret: invalid"},
		{"missing", func() (*secretsmanager.GetSecretValueOutput, error) {
			return nil, checktest.APIError("ResourceNotFoundException")
		}, "", "", "secret: not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &secretToken{client: tt.client, id: "arn:x", user: "health", now: time.Now}
			user, pass, err := src.credentials(context.Background())
			if got := ""; err != nil {
				got = health.Classify(err, time.Second)
				if got != tt.wantErr || strings.Contains(err.Error(), "Tok3n") {
					t.Errorf("credentials() error = %q (%v); want class %q, no token in it", got, err, tt.wantErr)
				}
				return
			}
			if tt.wantErr != "" || user != tt.wantUser || pass != tt.wantPass {
				t.Errorf("credentials() = %q, %q, %v; want %q, %q, %q", user, pass, err, tt.wantUser, tt.wantPass, tt.wantErr)
			}
		})
	}
}
