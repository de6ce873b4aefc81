package sqs_test

// Integration tests against LocalStack's SQS (scripts/local-up.sh), through
// checkbuild.Build so that the production wiring (the SDK's default
// configuration, AWS_ENDPOINT_URL, the health-check retry policy) is what
// runs. They skip without the stack and fail under
// HEALTH_REQUIRE_INTEGRATION=1. The refused, hung and denied cases need no
// stack and always run.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/lambdahealth/lambdahealth/internal/buildtest"
	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sqs"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// localSQS returns a client of LocalStack's SQS, for setting up queues.
func localSQS(t *testing.T) *awssqs.Client {
	t.Helper()
	testenv.SetAWSEnv(t)
	cfg, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatalf("load AWS configuration: %v", err)
	}
	return awssqs.NewFromConfig(cfg)
}

// tempQueue creates a queue that is deleted when the test ends, and sends
// it n messages.
func tempQueue(t *testing.T, client *awssqs.Client, n int) string {
	t.Helper()
	ctx := context.Background()
	out, err := client.CreateQueue(ctx, &awssqs.CreateQueueInput{QueueName: aws.String("health-it-" + testenv.RandomSuffix(t))})
	if err != nil {
		testenv.Missing(t, fmt.Sprintf("LocalStack SQS: create queue: %v", err))
	}
	t.Cleanup(func() {
		if _, err := client.DeleteQueue(context.Background(), &awssqs.DeleteQueueInput{QueueUrl: out.QueueUrl}); err != nil {
			t.Errorf("delete queue: %v", err)
		}
	})
	for i := range n {
		if _, err := client.SendMessage(ctx, &awssqs.SendMessageInput{QueueUrl: out.QueueUrl, MessageBody: aws.String(fmt.Sprintf("message %d", i))}); err != nil {
			t.Fatalf("send message: %v", err)
		}
	}
	return *out.QueueUrl
}

func TestIntegrationHealthy(t *testing.T) {
	testenv.SetAWSEnv(t)
	queue := testenv.Need(t, "LOCAL_QUEUE_URL")["LOCAL_QUEUE_URL"]
	const budget = 2 * time.Second
	o := buildtest.Run(t, buildtest.Spec("orders", sqs.Spec{QueueURL: queue}), budget)
	checktest.Expect(t, o, health.StatusPass, "", budget)
	if _, ok := o.Result.ObservedValue.(int64); !ok || o.Result.ObservedUnit != "messages" {
		t.Errorf("observed = %v %q; want a message count", o.Result.ObservedValue, o.Result.ObservedUnit)
	}
	if !strings.Contains(o.Body, `"orders:messages"`) {
		t.Errorf("response body %s; want the key orders:messages", o.Body)
	}
}

func TestIntegrationOverMaxDepth(t *testing.T) {
	client := localSQS(t)
	queue := tempQueue(t, client, 3)
	depth := int64(2)
	const budget = 2 * time.Second
	o := buildtest.Run(t, buildtest.Spec("orders", sqs.Spec{QueueURL: queue, MaxDepth: &depth}), budget)
	checktest.Expect(t, o, health.StatusWarn, "queue depth 3 above 2", budget)
	if o.Result.ObservedValue != int64(3) {
		t.Errorf("observed value = %v; want 3", o.Result.ObservedValue)
	}
}

func TestIntegrationDeadLetterQueueNotEmpty(t *testing.T) {
	client := localSQS(t)
	queue := tempQueue(t, client, 0)
	dlq := tempQueue(t, client, 2)
	const budget = 2 * time.Second
	o := buildtest.Run(t, buildtest.Spec("orders", sqs.Spec{QueueURL: queue, DLQURL: dlq}), budget)
	checktest.Expect(t, o, health.StatusWarn, "dead-letter queue holds 2 messages", budget)
	if o.Result.ObservedValue != int64(0) {
		t.Errorf("observed value = %v; want 0", o.Result.ObservedValue)
	}
}

func TestIntegrationMissingQueue(t *testing.T) {
	testenv.SetAWSEnv(t)
	queue := testenv.Need(t, "LOCAL_QUEUE_URL")["LOCAL_QUEUE_URL"]
	missing := queue[:strings.LastIndex(queue, "/")+1] + "health-it-no-such-queue"
	const budget = 2 * time.Second
	o := buildtest.Run(t, buildtest.Spec("orders", sqs.Spec{QueueURL: missing}), budget)
	checktest.Expect(t, o, health.StatusFail, health.ClassNotFound, budget)
}

func TestIntegrationRefused(t *testing.T) {
	t.Parallel()
	endpoint := "http://" + testenv.ClosedPort(t)
	const budget = time.Second
	o := buildtest.Run(t, buildtest.Spec("orders", sqs.Spec{QueueURL: endpoint + "/000000000000/orders"}), budget, buildtest.StaticAWS(endpoint))
	checktest.Expect(t, o, health.StatusFail, health.ClassRefused, budget)
}

func TestIntegrationHung(t *testing.T) {
	t.Parallel()
	endpoint := "http://" + testenv.HungListener(t)
	const budget = 500 * time.Millisecond
	o := buildtest.Run(t, buildtest.Spec("orders", sqs.Spec{QueueURL: endpoint + "/000000000000/orders"}), budget, buildtest.StaticAWS(endpoint))
	checktest.Expect(t, o, health.StatusFail, "timeout after 500ms", budget)
}

// TestIntegrationBadCredentials uses an httptest server that answers as SQS
// does for an unknown access key (403, InvalidClientTokenId): LocalStack
// accepts any credentials unless IAM enforcement is on, which its free
// edition does not offer.
func TestIntegrationBadCredentials(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Header().Set("x-amzn-query-error", "InvalidClientTokenId;Sender")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"__type":"com.amazon.coral.service#InvalidClientTokenId","message":"The security token included in the request is invalid."}`)
	}))
	defer srv.Close()
	const budget = 2 * time.Second
	// An AWS queue URL, so that the check knows the queue's ARN; the calls go to srv.
	o := buildtest.Run(t, buildtest.Spec("orders", sqs.Spec{QueueURL: "https://sqs.us-east-1.amazonaws.com/000000000000/orders"}), budget, buildtest.StaticAWS(srv.URL))
	checktest.Expect(t, o, health.StatusFail, "access denied: sqs:GetQueueAttributes on queue orders", budget)
	for what, text := range map[string]string{"response": o.Body, "logs": o.Logs} {
		if strings.Contains(text, "Secret-Key-Example-123") || strings.Contains(text, "security token") {
			t.Errorf("the %s shows credentials or AWS's message: %s", what, text)
		}
	}
}
