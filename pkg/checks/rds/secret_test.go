package rds_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/smithy-go"

	"github.com/lambdahealth/lambdahealth/pkg/health"

	. "github.com/lambdahealth/lambdahealth/pkg/checks/rds"
)

const secretARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-abc"

// fakeSecrets is a hand-written fake of SecretsClient.
type fakeSecrets struct {
	getSecretValue func(ctx context.Context, in *secretsmanager.GetSecretValueInput) (*secretsmanager.GetSecretValueOutput, error)
	calls          int
}

func (f *fakeSecrets) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.calls++
	return f.getSecretValue(ctx, in)
}

func secretString(s string) *fakeSecrets {
	return &fakeSecrets{getSecretValue: func(_ context.Context, in *secretsmanager.GetSecretValueInput) (*secretsmanager.GetSecretValueOutput, error) {
		if *in.SecretId != secretARN {
			return nil, fmt.Errorf("unexpected secret id %q", *in.SecretId)
		}
		return &secretsmanager.GetSecretValueOutput{SecretString: &s}, nil
	}}
}

func TestParseSecret(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  string
		want Secret
	}{
		{
			name: "rds shape",
			raw:  `{"username":"health","password":"pw","engine":"postgres","host":"db.example","port":5432,"dbname":"healthdb","dbInstanceIdentifier":"db"}`,
			want: Secret{Username: "health", Password: "pw", Engine: "postgres", Host: "db.example", Port: 5432, DBName: "healthdb"},
		},
		{
			name: "port as string",
			raw:  `{"username":"health","password":"pw","port":"3306"}`,
			want: Secret{Username: "health", Password: "pw", Port: 3306},
		},
		{
			name: "rds managed master secret",
			raw:  `{"username":"postgres","password":"pw"}`,
			want: Secret{Username: "postgres", Password: "pw"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSecret(tt.raw)
			if err != nil {
				t.Fatalf("ParseSecret() error = %v", err)
			}
			if got != tt.want {
				t.Errorf("ParseSecret() = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestParseSecretMalformed(t *testing.T) {
	t.Parallel()
	const pw = "Sup3r-s3cret-PW"
	tests := []struct {
		name string
		raw  string
		want string // in the error
	}{
		{"not json", "user=health password=" + pw, "invalid JSON at byte"},
		{"truncated", `{"username":"health","password":"` + pw, "truncated JSON"},
		{"array", `["health","` + pw + `"]`, "a JSON array"},
		{"no username", `{"password":"` + pw + `"}`, "no username"},
		{"no password", `{"username":"` + pw + `"}`, "no password"},
		{"password not a string", `{"username":"health","password":12345678}`, "field password is a JSON number"},
		{"bad port", `{"username":"health","password":"` + pw + `","port":"` + pw + `"}`, "port is not a port number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSecret(tt.raw)
			if !errors.Is(err, ErrInvalidSecret) {
				t.Fatalf("ParseSecret() error = %v; want ErrInvalidSecret", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseSecret() error = %q; want it to say %q", err, tt.want)
			}
			if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), "12345678") {
				t.Errorf("ParseSecret() error %q quotes the secret", err)
			}
		})
	}
}

func TestSecretHidesPassword(t *testing.T) {
	t.Parallel()
	s := Secret{Username: "health", Password: "Sup3r-s3cret-PW"}
	c := Credentials{User: "health", Password: "Sup3r-s3cret-PW"}
	for _, text := range []string{fmt.Sprint(s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s), fmt.Sprint(c), fmt.Sprintf("%#v", c)} {
		if strings.Contains(text, "Sup3r") {
			t.Errorf("formatted %q shows the password", text)
		}
	}
}

func TestSecretApply(t *testing.T) {
	t.Parallel()
	sec := Secret{Username: "health", Password: "pw", Host: "secret-host", Port: 5433, DBName: "secretdb"}
	got := sec.Apply(Config{Engine: Postgres, Host: "spec-host", User: "ignored"})
	want := Config{Engine: Postgres, Host: "spec-host", Port: 5433, User: "health", Password: "pw", Database: "secretdb"}
	if got != want {
		t.Errorf("Apply() = %+v; want %+v", got, want)
	}
}

func TestSecretSourceFetchErrors(t *testing.T) {
	t.Parallel()
	apiErr := func(code string) error {
		return &smithy.OperationError{ServiceID: "Secrets Manager", OperationName: "GetSecretValue",
			Err: &smithy.GenericAPIError{Code: code, Message: "about " + secretARN}}
	}
	tests := []struct {
		name string
		out  *secretsmanager.GetSecretValueOutput
		err  error
		want string
	}{
		{"not found", nil, apiErr("ResourceNotFoundException"), "secret: " + health.ClassNotFound},
		{"denied", nil, apiErr("AccessDeniedException"), "secret: " + health.ClassDenied},
		{"throttled", nil, apiErr("ThrottlingException"), "secret: " + health.ClassThrottled},
		{"binary", &secretsmanager.GetSecretValueOutput{SecretBinary: []byte("x")}, nil, "secret: invalid"},
		{"malformed", &secretsmanager.GetSecretValueOutput{SecretString: strPtr("{nope")}, nil, "secret: invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := &fakeSecrets{getSecretValue: func(context.Context, *secretsmanager.GetSecretValueInput) (*secretsmanager.GetSecretValueOutput, error) {
				return tt.out, tt.err
			}}
			_, err := NewSecretSource(client, secretARN).Fetch(context.Background())
			if got := health.Classify(err, time.Second); got != tt.want {
				t.Errorf("Fetch() class = %q; want %q (error %v)", got, tt.want, err)
			}
		})
	}
}

func TestSecretSourceRefresh(t *testing.T) {
	t.Parallel()
	password := "first"
	fail := false
	client := &fakeSecrets{getSecretValue: func(context.Context, *secretsmanager.GetSecretValueInput) (*secretsmanager.GetSecretValueOutput, error) {
		if fail {
			return nil, &smithy.GenericAPIError{Code: "ThrottlingException"}
		}
		s := `{"username":"health","password":"` + password + `"}`
		return &secretsmanager.GetSecretValueOutput{SecretString: &s}, nil
	}}
	now := time.Unix(1000, 0)
	src := NewSecretSource(client, secretARN, WithSecretRefresh(time.Minute))
	SetNow(src, func() time.Time { return now })
	ctx := context.Background()
	if _, err := src.Fetch(ctx); err != nil {
		t.Fatalf("Fetch() error = %v", err)
	}
	check := func(wantPassword string, wantCalls int) {
		t.Helper()
		c, err := src.Credentials(ctx)
		if err != nil {
			t.Fatalf("Credentials() error = %v", err)
		}
		if c.User != "health" || c.Password != wantPassword || client.calls != wantCalls {
			t.Errorf("Credentials() = %s (password %q) after %d calls; want password %q after %d calls",
				c, c.Password, client.calls, wantPassword, wantCalls)
		}
	}
	password = "rotated"
	check("first", 1) // fresh copy: no call
	now = now.Add(time.Minute)
	check("rotated", 2) // stale copy: fetched again
	fail = true
	now = now.Add(time.Minute)
	check("rotated", 3) // fetch failed: the copy is kept
}

func TestSecretCredentialsReachDriver(t *testing.T) {
	t.Parallel()
	srv := fakePostgres(t, testCert(t), nil)
	host, port := srv.hostPort(t)
	client := secretString(fmt.Sprintf(`{"username":"health","password":"from-secret","engine":"postgres","host":%q,"port":%d,"dbname":"healthdb"}`, host, port))
	src := NewSecretSource(client, secretARN)
	sec, err := src.Fetch(context.Background())
	if err != nil {
		t.Fatalf("Fetch() error = %v", err)
	}
	c, err := New(sec.Apply(Config{Engine: Postgres, TLS: TLSDisable}), WithCredentials(src.Credentials))
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	defer c.Close()
	if _, err := c.Probe(context.Background()); err != nil {
		t.Fatalf("Probe() error = %v", err)
	}
	want := login{User: "health", Password: "from-secret"}
	if got := srv.logins(); len(got) != 1 || got[0] != want {
		t.Errorf("server saw %+v; want [%+v]", got, want)
	}
	if client.calls != 1 {
		t.Errorf("GetSecretValue calls = %d; want 1 (the copy is fresh)", client.calls)
	}
}

func strPtr(s string) *string { return &s }
