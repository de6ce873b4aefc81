package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/internal/testenv/ssmtest"
)

// localAWS points this test's AWS clients at the local stack and returns
// their configuration, and the same settings as KEY=value for the binary.
func localAWS(t *testing.T) (aws.Config, []string) {
	t.Helper()
	env := testenv.Need(t, "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
	envs := make([]string, 0, len(env))
	for k, v := range env {
		t.Setenv(k, v)
		envs = append(envs, k+"="+v)
	}
	cfg, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cfg, envs
}

// TestDrainAndTokenFromLocalStack drains readiness through an SSM parameter
// and unlocks details with a token read from Secrets Manager, both in
// LocalStack, through the real binary.
func TestDrainAndTokenFromLocalStack(t *testing.T) {
	ctx := context.Background()
	awsCfg, envs := localAWS(t)
	suffix := time.Now().Format("150405.000000")
	param := "/lambdahealth-it/drain-" + suffix
	put := ssmtest.Parameter(t, awsCfg, param, "serve")

	const token = "it-token-7c1f"
	sm := secretsmanager.NewFromConfig(awsCfg)
	sec, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("lambdahealth-it-token-" + suffix), SecretString: aws.String(token)})
	if err != nil {
		t.Fatalf("create secret: %v", err)
	}
	t.Cleanup(func() {
		_, _ = sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: sec.ARN, ForceDeleteWithoutRecovery: aws.Bool(true)})
	})

	_, addr, logs := start(t, append(envs, "HEALTH_CACHE_TTL=0s", "HEALTH_DRAIN_PARAMETER="+param,
		"HEALTH_TOKEN_SECRET_ARN="+aws.ToString(sec.ARN))...)

	get := func(path, auth string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 4096)
		n, _ := resp.Body.Read(buf)
		b.Write(buf[:n])
		return resp.StatusCode, b.String()
	}
	if code, _ := get("/health/ready", ""); code != 200 {
		t.Errorf("ready while serving = %d; want 200", code)
	}
	put("drain")
	if code, body := get("/health/ready", token); code != 503 || !strings.Contains(body, `"output":"drain: draining"`) {
		t.Errorf("ready while draining = %d %s; want 503 with drain: draining", code, body)
	}
	put("serve")
	if code, _ := get("/health/ready", ""); code != 200 {
		t.Errorf("ready after undrain = %d; want 200", code)
	}
	if _, body := get("/health/ready", "wrong"); strings.Contains(body, `"checks"`) {
		t.Errorf("wrong token unlocked details: %s", body)
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("logs carry the token")
	}
}
