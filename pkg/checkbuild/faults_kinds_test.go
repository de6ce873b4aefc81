package checkbuild

// The fault matrix rows of the kinds of DynamoDB, Redis, SNS, Kinesis,
// EventBridge and Secrets Manager: healthy and missing against the local
// stack's emulators (moto for DynamoDB and Kinesis, LocalStack for the
// rest) and Redis, the other faults against closed ports, hung listeners,
// slow proxies and fake AWS endpoints answering the services' own errors.

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/dynamodb"
	"github.com/lambdahealth/lambdahealth/pkg/checks/eventbridge"
	"github.com/lambdahealth/lambdahealth/pkg/checks/kinesis"
	"github.com/lambdahealth/lambdahealth/pkg/checks/redis"
	"github.com/lambdahealth/lambdahealth/pkg/checks/secretsmanager"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sns"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// redisToken is the AUTH token of the denied Redis row: the sweep looks
// for it in every body and log line.
const redisToken = "Redis-AUTH-fault-7f3a"

// newKinds are the settings the new kinds' rows need.
var newKinds = []string{"LOCAL_TABLE", "LOCAL_STREAM", "LOCAL_TOPIC_ARN", "LOCAL_EVENT_BUS", "LOCAL_SECRET_ID", "LOCAL_REDIS_ENDPOINT",
	"AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_KINESIS"}

// endpointOf is the host:port of service's emulator: its own
// AWS_ENDPOINT_URL_<SERVICE>, or the local stack's AWS_ENDPOINT_URL.
func endpointOf(t *testing.T, service string) string {
	v, ok := testenv.Lookup("AWS_ENDPOINT_URL_" + service)
	if !ok {
		v, _ = testenv.Lookup("AWS_ENDPOINT_URL")
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		t.Fatalf("endpoint of %s: %q is not a URL", service, v)
	}
	return u.Host
}

// awsKind is one AWS kind's rows: its spec on the local resource and on a
// missing one, and the error answers of its protocol.
type awsKind struct {
	kind, service    string
	local, missing   checks.Spec
	quick            checks.Spec // one round trip, for the slow rows (nil: local)
	status           int
	contentType      string
	denied, throttle string // error bodies
	deniedOutput     string // what the denied row says is missing
}

func jsonBody(code string) string {
	return fmt.Sprintf(`{"__type":"%s","message":"User arn:aws:iam::123456789012:user/x is not authorized"}`, code)
}

func snsError(code string) string {
	return `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>` + code +
		`</Code><Message>not authorized</Message></Error><RequestId>1</RequestId></ErrorResponse>`
}

// newKindCases returns the rows of the new kinds, or none (skipping, or
// failing under HEALTH_REQUIRE_INTEGRATION=1) without their local stack.
func newKindCases(t *testing.T, l *local) []faultCase {
	env := map[string]string{}
	for _, k := range newKinds {
		v, ok := testenv.Lookup(k)
		if !ok {
			t.Run("new kinds", func(t *testing.T) { testenv.Missing(t, k+" is not set (run `make local-up`)") })
			return nil
		}
		env[k] = v
	}
	closed, hung := testenv.ClosedPort(t), testenv.HungListener(t)
	half, past := faultBudget/2, 2*faultBudget
	slow := func(target string, d time.Duration) string { return testenv.DelayProxy(t, target, d) }
	timeout := fmt.Sprintf("timeout after %s", faultBudget)
	pass, fail := health.StatusPass, health.StatusFail
	suffix := testenv.RandomSuffix(t)

	kinds := []awsKind{
		// The probe is four calls, and the emulators close every connection: the slow
		// rows (a slow connection set-up) take the one-call DescribeTable.
		{"dynamodb", "DYNAMODB", dynamodb.Spec{Table: env["LOCAL_TABLE"], ProbeKey: "health-fault"}, dynamodb.Spec{Table: "no-such-table-" + suffix},
			dynamodb.Spec{Table: env["LOCAL_TABLE"]},
			400, "application/x-amz-json-1.0", jsonBody("AccessDeniedException"), jsonBody("ThrottlingException"),
			"access denied: dynamodb:DescribeTable on table/" + env["LOCAL_TABLE"]},
		{"kinesis", "KINESIS", kinesis.Spec{Stream: env["LOCAL_STREAM"]}, kinesis.Spec{Stream: "no-such-stream-" + suffix}, nil,
			400, "application/x-amz-json-1.1", jsonBody("AccessDeniedException"), jsonBody("LimitExceededException"),
			"access denied: kinesis:DescribeStreamSummary on stream/" + env["LOCAL_STREAM"]},
		{"sns", "SNS", sns.Spec{TopicARN: env["LOCAL_TOPIC_ARN"]}, sns.Spec{TopicARN: env["LOCAL_TOPIC_ARN"] + "-no-such-topic"}, nil,
			403, "text/xml", snsError("AuthorizationError"), snsError("Throttled"),
			"access denied: sns:GetTopicAttributes on topic " + env["LOCAL_TOPIC_ARN"][strings.LastIndex(env["LOCAL_TOPIC_ARN"], ":")+1:]},
		{"eventbridge", "EVENTBRIDGE", eventbridge.Spec{EventBus: env["LOCAL_EVENT_BUS"]}, eventbridge.Spec{EventBus: "no-such-bus-" + suffix}, nil,
			400, "application/x-amz-json-1.1", jsonBody("AccessDeniedException"), jsonBody("ThrottlingException"),
			"access denied: events:DescribeEventBus on event-bus/" + env["LOCAL_EVENT_BUS"]},
		{"secretsmanager", "SECRETS_MANAGER", secretsmanager.Spec{SecretID: env["LOCAL_SECRET_ID"]}, secretsmanager.Spec{SecretID: "no-such-secret-" + suffix}, nil,
			400, "application/x-amz-json-1.1", jsonBody("AccessDeniedException"), jsonBody("ThrottlingException"),
			"access denied: secretsmanager:DescribeSecret on secret:" + env["LOCAL_SECRET_ID"]},
	}
	var cases []faultCase
	for _, k := range kinds {
		at := endpointOf(t, k.service)
		local, missing, quick := spec("dep", k.local), spec("dep", k.missing), spec("dep", k.local)
		if k.quick != nil {
			quick = spec("dep", k.quick)
		}
		throttleStatus := k.status
		if k.kind == "sns" {
			throttleStatus = 400
		}
		cases = append(cases,
			faultCase{k.kind, fHealthy, local, awsAt(at), pass, ""},
			faultCase{k.kind, fRefused, local, awsAt(closed), fail, health.ClassRefused},
			faultCase{k.kind, fHung, local, awsAt(hung), fail, timeout},
			faultCase{k.kind, fSlowHalf, quick, awsAt(slow(at, half)), pass, ""},
			faultCase{k.kind, fSlowPast, quick, awsAt(slow(at, past)), fail, timeout},
			faultCase{k.kind, fDenied, local, awsAt(fakeAWSAddr(t, k.status, k.contentType, k.denied)), fail, k.deniedOutput},
			faultCase{k.kind, fMissing, missing, awsAt(at), fail, health.ClassNotFound},
			faultCase{k.kind, fThrottled, local, awsAt(fakeAWSAddr(t, throttleStatus, k.contentType, k.throttle)), fail, health.ClassThrottled},
		)
	}

	// Redis: no AWS call but the AUTH secret's; nothing to miss or throttle.
	redisAt := env["LOCAL_REDIS_ENDPOINT"]
	cache := func(addr string) checks.Spec { return redis.Spec{Endpoint: addr} }
	testenv.SetAWSEnv(t)
	token := localSecret(t, map[string]any{"username": "nobody-" + suffix, "password": redisToken})
	l.secrets = append(l.secrets, redisToken)
	denied := redis.Spec{Endpoint: redisAt, AuthSecretARN: token}
	cases = append(cases,
		faultCase{"redis", fHealthy, spec("cache", cache(redisAt)), nil, pass, ""},
		faultCase{"redis", fRefused, spec("cache", cache(closed)), nil, fail, health.ClassRefused},
		faultCase{"redis", fHung, spec("cache", cache(hung)), nil, fail, timeout},
		faultCase{"redis", fSlowHalf, spec("cache", cache(slow(redisAt, half))), nil, pass, ""},
		faultCase{"redis", fSlowPast, spec("cache", cache(slow(redisAt, past))), nil, fail, timeout},
		faultCase{"redis", fDenied, spec("cache", denied), awsAt(endpointOf(t, "SECRETS_MANAGER")), fail, health.ClassDenied},
	)
	return cases
}
