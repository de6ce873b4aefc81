package s3_test

// Integration tests against LocalStack's S3 (scripts/local-up.sh), through
// checkbuild.Build so that the production wiring (the SDK's default
// configuration, AWS_ENDPOINT_URL, path-style addressing, the health-check
// retry policy) is what runs. They skip without the stack and fail under
// HEALTH_REQUIRE_INTEGRATION=1. The refused, hung and denied cases need no
// stack and always run.

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lambdahealth/lambdahealth/internal/buildtest"
	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks/s3"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

func TestIntegrationHealthy(t *testing.T) {
	testenv.SetAWSEnv(t)
	bucket := testenv.Need(t, "LOCAL_BUCKET")["LOCAL_BUCKET"]
	const budget = 2 * time.Second
	o := buildtest.Run(t, buildtest.Spec("files", s3.Spec{Bucket: bucket}), budget)
	checktest.Expect(t, o, health.StatusPass, "", budget)
}

func TestIntegrationProbeKeyLeavesNothing(t *testing.T) {
	testenv.SetAWSEnv(t)
	bucket := testenv.Need(t, "LOCAL_BUCKET")["LOCAL_BUCKET"]
	prefix := "health-it-" + testenv.RandomSuffix(t)
	const budget = 2 * time.Second
	o := buildtest.Run(t, buildtest.Spec("files", s3.Spec{Bucket: bucket, ProbeKey: prefix}), budget)
	checktest.Expect(t, o, health.StatusPass, "", budget)

	cfg, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatalf("load AWS configuration: %v", err)
	}
	client := awss3.NewFromConfig(cfg, func(o *awss3.Options) { o.UsePathStyle = true })
	out, err := client.ListObjectsV2(context.Background(), &awss3.ListObjectsV2Input{Bucket: &bucket, Prefix: aws.String(prefix + "/")})
	if err != nil {
		t.Fatalf("list objects: %v", err)
	}
	if len(out.Contents) != 0 {
		t.Errorf("%d probe objects left under %s/; want 0", len(out.Contents), prefix)
	}
}

func TestIntegrationMissingBucket(t *testing.T) {
	testenv.SetAWSEnv(t)
	bucket := "health-it-missing-" + testenv.RandomSuffix(t)
	for _, probeKey := range []string{"", "health"} {
		t.Run("probeKey="+probeKey, func(t *testing.T) {
			const budget = 2 * time.Second
			o := buildtest.Run(t, buildtest.Spec("files", s3.Spec{Bucket: bucket, ProbeKey: probeKey}), budget)
			checktest.Expect(t, o, health.StatusFail, health.ClassNotFound, budget)
		})
	}
}

func TestIntegrationRefused(t *testing.T) {
	t.Parallel()
	const budget = time.Second
	o := buildtest.Run(t, buildtest.Spec("files", s3.Spec{Bucket: "health-local"}), budget, buildtest.StaticAWS("http://"+testenv.ClosedPort(t)))
	checktest.Expect(t, o, health.StatusFail, health.ClassRefused, budget)
}

func TestIntegrationHung(t *testing.T) {
	t.Parallel()
	const budget = 500 * time.Millisecond
	o := buildtest.Run(t, buildtest.Spec("files", s3.Spec{Bucket: "health-local"}), budget, buildtest.StaticAWS("http://"+testenv.HungListener(t)))
	checktest.Expect(t, o, health.StatusFail, "timeout after 500ms", budget)
}

// TestIntegrationBadCredentials uses an httptest server that answers as S3
// does for a caller it refuses (403; HeadBucket has no body, so the SDK
// names the error "Forbidden"; the probe-key writes get an AccessDenied XML
// body): LocalStack accepts any credentials unless IAM enforcement is on,
// which its free edition does not offer.
func TestIntegrationBadCredentials(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message><AWSAccessKeyId>AKIDEXAMPLE</AWSAccessKeyId></Error>`))
	}))
	defer srv.Close()
	for _, probeKey := range []string{"", "health"} {
		t.Run("probeKey="+probeKey, func(t *testing.T) {
			const budget = 2 * time.Second
			o := buildtest.Run(t, buildtest.Spec("files", s3.Spec{Bucket: "health-local", ProbeKey: probeKey}), budget, buildtest.StaticAWS(srv.URL))
			want := "access denied: s3:ListBucket on bucket health-local"
			if probeKey != "" {
				want = "access denied: s3:PutObject on bucket health-local/health/*"
			}
			checktest.Expect(t, o, health.StatusFail, want, budget)
			for what, text := range map[string]string{"response": o.Body, "logs": o.Logs} {
				if strings.Contains(text, "AKIDEXAMPLE") || strings.Contains(text, "Secret-Key-Example-123") {
					t.Errorf("the %s shows credentials: %s", what, text)
				}
			}
		})
	}
}
