package checkbuild

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// TestEnvAWSConfigResolvesAsTheSDK: for a Lambda function's environment
// (with LocalStack's endpoint settings), the service clients made from
// EnvAWSConfig get the region, endpoints and credentials that the SDK's
// default chain gives them.
func TestEnvAWSConfigResolvesAsTheSDK(t *testing.T) {
	for k, v := range map[string]string{
		"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
		"AWS_ENDPOINT_URL": "http://127.0.0.1:4566", "AWS_ENDPOINT_URL_SQS": "http://127.0.0.1:4580",
		"AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://127.0.0.1:4581", "AWS_PROFILE": "", "AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
	} {
		t.Setenv(k, v)
	}
	ours, err := EnvAWSConfig(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	sdk, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	endpoints := func(cfg aws.Config) [3]string {
		return [3]string{
			aws.ToString(sqs.NewFromConfig(cfg).Options().BaseEndpoint),
			aws.ToString(secretsmanager.NewFromConfig(cfg).Options().BaseEndpoint),
			aws.ToString(ssm.NewFromConfig(cfg).Options().BaseEndpoint),
		}
	}
	if got, want := endpoints(ours), endpoints(sdk); got != want {
		t.Errorf("endpoints (sqs, secretsmanager, ssm) = %q; want %q, as the SDK resolves them", got, want)
	}
	if got, want := endpoints(ours), [3]string{"http://127.0.0.1:4580", "http://127.0.0.1:4581", "http://127.0.0.1:4566"}; got != want {
		t.Errorf("endpoints (sqs, secretsmanager, ssm) = %q; want %q", got, want)
	}
	if ours.Region != sdk.Region {
		t.Errorf("Region = %q; want %q", ours.Region, sdk.Region)
	}
	got, err := ours.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := sdk.Credentials.Retrieve(context.Background())
	if got.AccessKeyID != want.AccessKeyID || got.SecretAccessKey != want.SecretAccessKey || got.SessionToken != want.SessionToken {
		t.Errorf("credentials = %q/%q; want %q/%q", got.AccessKeyID, got.SessionToken, want.AccessKeyID, want.SessionToken)
	}

	t.Setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
	ours, _ = EnvAWSConfig(os.Getenv)
	if got := endpoints(ours); got != [3]string{} {
		t.Errorf("endpoints with AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true = %q; want none", got)
	}
}

// TestEnvAWSConfigContainerCredentials: without key variables, the
// credentials come from the container endpoint with its token, as Lambda
// serves them to SnapStart functions.
func TestEnvAWSConfigContainerCredentials(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "container-token" {
			http.Error(w, `{"code":"AccessDenied","message":"no"}`, http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"AccessKeyId":"AKIDCONTAINER","SecretAccessKey":"s","Token":"t","Expiration":"2999-01-01T00:00:00Z"}`))
	}))
	defer srv.Close()
	env := map[string]string{"AWS_REGION": "us-east-1", "AWS_CONTAINER_CREDENTIALS_FULL_URI": srv.URL, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-token"}
	cfg, err := EnvAWSConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != "AKIDCONTAINER" {
		t.Errorf("Retrieve() = %q, %v; want AKIDCONTAINER", creds.AccessKeyID, err)
	}

	delete(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI")
	if _, err := EnvAWSConfig(func(k string) string { return env[k] }); !errors.Is(err, errNoEnvCredentials) {
		t.Errorf("EnvAWSConfig() without credentials = %v; want errNoEnvCredentials", err)
	}
}
