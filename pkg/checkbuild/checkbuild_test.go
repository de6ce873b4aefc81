package checkbuild

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awscheck"
	"github.com/lambdahealth/lambdahealth/pkg/checks/httpcheck"
	"github.com/lambdahealth/lambdahealth/pkg/checks/mysql"
	"github.com/lambdahealth/lambdahealth/pkg/checks/postgres"
	"github.com/lambdahealth/lambdahealth/pkg/checks/rds"
	"github.com/lambdahealth/lambdahealth/pkg/checks/s3"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sqs"
	"github.com/lambdahealth/lambdahealth/pkg/checks/tcp"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// fakeAWS is an httptest server that answers AWS API calls the way AWS
// does, with the error shapes of the real services, and records them.
type fakeAWS struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string // "METHOD path target"
	handle   func(w http.ResponseWriter, r *http.Request, body []byte)
}

func newFakeAWS(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, body []byte)) *fakeAWS {
	t.Helper()
	f := &fakeAWS{handle: handle}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.requests = append(f.requests, r.Method+" "+r.URL.Path+" "+r.Header.Get("X-Amz-Target"))
		f.mu.Unlock()
		f.handle(w, r, body)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAWS) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.requests...)
}

// awsConfig points the SDK at endpoint with static credentials.
func awsConfig(endpoint string) aws.Config {
	return aws.Config{
		Region:       "eu-west-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret-key-example", ""),
		BaseEndpoint: aws.String(endpoint),
	}
}

// jsonError answers an AWS JSON-protocol error, with the query-compatible
// code header SQS sends.
func jsonError(w http.ResponseWriter, status int, typ, queryCode string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	if queryCode != "" {
		w.Header().Set("x-amzn-query-error", queryCode+";Sender")
	}
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"__type":%q,"message":"User: arn:aws:iam::123456789012:user/x is not authorized"}`, typ)
}

func runProbe(t *testing.T, check health.Check) (health.Result, time.Duration) {
	t.Helper()
	c, err := health.NewChecker([]health.Check{check}, health.WithCacheTTL(0), health.WithBudget(2*time.Second))
	if err != nil {
		t.Fatalf("NewChecker() error = %v", err)
	}
	start := time.Now()
	r, err := c.One(context.Background(), check.Name)
	if err != nil {
		t.Fatalf("One() error = %v", err)
	}
	return r, time.Since(start)
}

// spec is the check named name with the kind's spec s.
func spec(name string, s checks.Spec) CheckSpec {
	return CheckSpec{Common: checks.Common{Name: name}, Spec: s}
}

func ptr[T any](v T) *T { return &v }

func TestNeedsAWS(t *testing.T) {
	local := []CheckSpec{
		spec("web", httpcheck.Spec{URL: "http://127.0.0.1:1/"}),
		spec("port", tcp.Spec{Address: "127.0.0.1:1"}),
		spec("db", postgres.Spec{Spec: rds.Spec{DSN: "postgres://u:p@127.0.0.1:1/db"}}),
	}
	if NeedsAWS(local) {
		t.Errorf("NeedsAWS(http, tcp, postgres with a DSN) = true; want false")
	}
	built, err := Build(context.Background(), local, nil)
	if err != nil {
		t.Fatalf("Build() without AWS error = %v", err)
	}
	if len(built) != 3 {
		t.Fatalf("Build() = %d checks; want 3", len(built))
	}
	for _, s := range []checks.Spec{
		sqs.Spec{QueueURL: "http://127.0.0.1:1/000000000000/q1"},
		s3.Spec{Bucket: "bucket"},
		postgres.Spec{Spec: rds.Spec{Host: "h", User: "u", IAMAuth: true}},
		mysql.Spec{Spec: rds.Spec{SecretARN: "arn:aws:secretsmanager:eu-west-1:1:secret:db"}},
	} {
		if !NeedsAWS(append(local, spec("x", s))) {
			t.Errorf("NeedsAWS(+%s %+v) = false; want true", s.Type(), s)
		}
	}
}

func TestBuildSharesOneClientPerService(t *testing.T) {
	built, err := Build(context.Background(), []CheckSpec{
		spec("q1", sqs.Spec{QueueURL: "http://127.0.0.1:1/000000000000/q1"}),
		spec("q2", sqs.Spec{QueueURL: "http://127.0.0.1:1/000000000000/q2"}),
		spec("b", s3.Spec{Bucket: "bucket"}),
	}, ptr(awsConfig("http://127.0.0.1:1")))
	if err != nil {
		t.Fatalf("Build() error = %v", err)
	}
	if got := built[0].Key(); got != "q1:messages" {
		t.Errorf("SQS check key = %q; want %q", got, "q1:messages")
	}
	if got := built[2].ComponentType; got != health.ComponentDatastore {
		t.Errorf("S3 component type = %q; want %q", got, health.ComponentDatastore)
	}
	if built[0].Optional {
		t.Errorf("check critical = false; want true (the default)")
	}
}

func TestBuildWithoutAWSConfig(t *testing.T) {
	_, err := Build(context.Background(), []CheckSpec{spec("q", sqs.Spec{QueueURL: "http://x/1/q"})}, nil)
	if err == nil || err.Error() != "HEALTH_CHECKS[0] (q): "+checks.AWSConfigProblem {
		t.Errorf("Build() error = %v; want it to name the check and the AWS configuration", err)
	}
}

func TestSQSThroughSDK(t *testing.T) {
	tests := []struct {
		name         string
		answer       func(w http.ResponseWriter)
		wantStatus   health.Status
		wantOutput   string
		wantValue    any
		wantAttempts int
	}{
		{
			name: "healthy",
			answer: func(w http.ResponseWriter) {
				w.Header().Set("Content-Type", "application/x-amz-json-1.0")
				fmt.Fprint(w, `{"Attributes":{"ApproximateNumberOfMessages":"7"}}`)
			},
			wantStatus: health.StatusWarn, wantOutput: "queue depth 7 above 5", wantValue: int64(7), wantAttempts: 1,
		},
		{
			name: "queue does not exist",
			answer: func(w http.ResponseWriter) {
				jsonError(w, 400, "com.amazonaws.sqs#QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue")
			},
			wantStatus: health.StatusFail, wantOutput: health.ClassNotFound, wantAttempts: 1,
		},
		{
			name: "access denied",
			answer: func(w http.ResponseWriter) {
				jsonError(w, 403, "com.amazon.coral.service#AccessDeniedException", "AccessDenied")
			},
			wantStatus: health.StatusFail, wantOutput: "access denied: sqs:GetQueueAttributes on queue orders", wantAttempts: 1,
		},
		{
			name: "bad credentials",
			answer: func(w http.ResponseWriter) {
				jsonError(w, 403, "com.amazon.coral.service#InvalidClientTokenId", "InvalidClientTokenId")
			},
			wantStatus: health.StatusFail, wantOutput: "access denied: sqs:GetQueueAttributes on queue orders", wantAttempts: 1,
		},
		{
			name: "throttled, retried once",
			answer: func(w http.ResponseWriter) {
				jsonError(w, 400, "com.amazonaws.sqs#RequestThrottled", "RequestThrottled")
			},
			wantStatus: health.StatusFail, wantOutput: health.ClassThrottled, wantAttempts: awscheck.AWSMaxAttempts,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeAWS(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
				var in struct{ QueueUrl string }
				_ = json.Unmarshal(body, &in)
				if !strings.HasSuffix(in.QueueUrl, "/000000000000/orders") {
					http.Error(w, "unexpected queue", http.StatusBadRequest)
					return
				}
				tt.answer(w)
			})
			depth := int64(5)
			built, err := Build(context.Background(), []CheckSpec{
				// An AWS queue URL (the check knows its ARN); the calls go to srv.
				spec("orders", sqs.Spec{QueueURL: "https://sqs.us-east-1.amazonaws.com/000000000000/orders", MaxDepth: &depth}),
			}, ptr(awsConfig(srv.URL)))
			if err != nil {
				t.Fatalf("Build() error = %v", err)
			}
			r, _ := runProbe(t, built[0])
			if r.Status != tt.wantStatus || r.Output != tt.wantOutput {
				t.Errorf("result = %s %q; want %s %q (error %v)", r.Status, r.Output, tt.wantStatus, tt.wantOutput, r.Err)
			}
			if tt.wantValue != nil && (r.ObservedValue != tt.wantValue || r.ObservedUnit != "messages") {
				t.Errorf("observed = %v %q; want %v messages", r.ObservedValue, r.ObservedUnit, tt.wantValue)
			}
			calls := srv.calls()
			if len(calls) != tt.wantAttempts {
				t.Errorf("requests = %d %v; want %d", len(calls), calls, tt.wantAttempts)
			}
			for _, c := range calls {
				if !strings.HasSuffix(c, "AmazonSQS.GetQueueAttributes") {
					t.Errorf("request %q; want GetQueueAttributes", c)
				}
			}
		})
	}
}

func TestS3ThroughSDK(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"healthy", http.StatusOK, "", ""},
		{"not found", http.StatusNotFound, "", health.ClassNotFound},
		{"forbidden", http.StatusForbidden, "", "access denied: s3:ListBucket on bucket orders-bucket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeAWS(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
				w.WriteHeader(tt.status)
			})
			built, err := Build(context.Background(), []CheckSpec{spec("files", s3.Spec{Bucket: "orders-bucket"})},
				ptr(awsConfig(srv.URL)))
			if err != nil {
				t.Fatalf("Build() error = %v", err)
			}
			r, _ := runProbe(t, built[0])
			if r.Output != tt.want {
				t.Errorf("result = %s %q; want output %q (error %v)", r.Status, r.Output, tt.want, r.Err)
			}
			// A BaseEndpoint means path-style addressing: the bucket is in
			// the path, not the host name.
			if calls := srv.calls(); len(calls) != 1 || calls[0] != "HEAD /orders-bucket " {
				t.Errorf("requests = %q; want [\"HEAD /orders-bucket \"]", calls)
			}
		})
	}
}

func TestS3ProbeKeyAccessDeniedThroughSDK(t *testing.T) {
	srv := newFakeAWS(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>1</RequestId></Error>`)
	})
	built, err := Build(context.Background(), []CheckSpec{spec("files", s3.Spec{Bucket: "orders-bucket", ProbeKey: "health"})},
		ptr(awsConfig(srv.URL)))
	if err != nil {
		t.Fatalf("Build() error = %v", err)
	}
	r, _ := runProbe(t, built[0])
	if want := "access denied: s3:PutObject on bucket orders-bucket/health/*"; r.Output != want {
		t.Errorf("result = %s %q; want %q (error %v)", r.Status, r.Output, want, r.Err)
	}
	calls := srv.calls()
	if len(calls) != 2 || !strings.HasPrefix(calls[0], "PUT /orders-bucket/health/") || !strings.HasPrefix(calls[1], "DELETE /orders-bucket/health/") {
		t.Errorf("requests = %q; want a PUT and a DELETE of the probe object", calls)
	}
}

// secretsAnswer makes a fake Secrets Manager answer GetSecretValue with s.
func secretsAnswer(s string) func(w http.ResponseWriter, r *http.Request, _ []byte) {
	return func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		b, _ := json.Marshal(map[string]string{"ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:db", "SecretString": s})
		w.Write(b)
	}
}

func TestDatabaseFromSecret(t *testing.T) {
	addr := testenv.ClosedPort(t)
	host, port, _ := strings.Cut(addr, ":")
	srv := newFakeAWS(t, secretsAnswer(`{"username":"health","password":"Sup3r-s3cret","engine":"postgres","host":"`+host+`","port":`+port+`,"dbname":"healthdb"}`))
	built, err := Build(context.Background(), []CheckSpec{
		spec("db", postgres.Spec{Spec: rds.Spec{SecretARN: "arn:aws:secretsmanager:eu-west-1:1:secret:db", TLS: "disable"}}),
	}, ptr(awsConfig(srv.URL)))
	if err != nil {
		t.Fatalf("Build() error = %v", err)
	}
	r, _ := runProbe(t, built[0])
	if r.Output != health.ClassRefused {
		t.Errorf("result = %s %q; want %q: the secret's host and port are used (error %v)", r.Status, r.Output, health.ClassRefused, r.Err)
	}
	if calls := srv.calls(); len(calls) != 1 || !strings.HasSuffix(calls[0], "secretsmanager.GetSecretValue") {
		t.Errorf("requests = %q; want one GetSecretValue", calls)
	}
}

func TestDatabaseSecretErrors(t *testing.T) {
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter, r *http.Request, body []byte)
		want   string
	}{
		{"malformed", secretsAnswer(`{"username":"health","password":"Sup3r-s3cret"`), "secret: invalid"},
		{"not found", func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			jsonError(w, 400, "ResourceNotFoundException", "")
		}, "secret: not found"},
		{"denied", func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			jsonError(w, 400, "AccessDeniedException", "")
		}, "secret: access denied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeAWS(t, tt.answer)
			_, err := Build(context.Background(), []CheckSpec{
				spec("db", mysql.Spec{Spec: rds.Spec{SecretARN: "arn:aws:secretsmanager:eu-west-1:1:secret:db", Host: "127.0.0.1"}}),
			}, ptr(awsConfig(srv.URL)))
			if err == nil {
				t.Fatal("Build() error = nil; want an error")
			}
			if got := health.Classify(err, time.Second); !strings.Contains(got, tt.want) {
				t.Errorf("Build() error class = %q; want %q (error %v)", got, tt.want, err)
			}
			if !strings.HasPrefix(err.Error(), "HEALTH_CHECKS[0] (db): secretArn: ") || strings.Contains(err.Error(), "Sup3r") ||
				strings.Contains(err.Error(), "127.0.0.1") || strings.Contains(err.Error(), "arn:aws") {
				t.Errorf("Build() error = %q; want it to name the field, and neither the secret, the endpoint nor the ARN", err)
			}
		})
	}
}

func TestDatabaseIAMUsesAWSConfig(t *testing.T) {
	built, err := Build(context.Background(), []CheckSpec{
		spec("db", postgres.Spec{Spec: rds.Spec{Host: "127.0.0.1", Port: 1, User: "health", Database: "db", IAMAuth: true}}),
	}, ptr(awsConfig("http://127.0.0.1:1")))
	if err != nil {
		t.Fatalf("Build() error = %v", err)
	}
	r, _ := runProbe(t, built[0])
	if r.Output != health.ClassRefused {
		t.Errorf("result = %s %q; want %q (the token is signed locally) (error %v)", r.Status, r.Output, health.ClassRefused, r.Err)
	}
}

func TestDatabaseIAMNeedsRegion(t *testing.T) {
	cfg := awsConfig("http://127.0.0.1:1")
	cfg.Region = ""
	_, err := Build(context.Background(), []CheckSpec{
		spec("db", mysql.Spec{Spec: rds.Spec{Host: "127.0.0.1", User: "health", IAMAuth: true}}),
	}, ptr(cfg))
	if err == nil || !strings.Contains(err.Error(), "HEALTH_CHECKS[0] (db): iamAuth: no AWS region") {
		t.Errorf("Build() error = %v; want it to name the check, iamAuth and the region", err)
	}
}
