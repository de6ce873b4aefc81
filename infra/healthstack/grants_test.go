package healthstack

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/dynamodb"
	"github.com/lambdahealth/lambdahealth/pkg/checks/eventbridge"
	"github.com/lambdahealth/lambdahealth/pkg/checks/httpcheck"
	"github.com/lambdahealth/lambdahealth/pkg/checks/kinesis"
	"github.com/lambdahealth/lambdahealth/pkg/checks/mysql"
	"github.com/lambdahealth/lambdahealth/pkg/checks/postgres"
	"github.com/lambdahealth/lambdahealth/pkg/checks/rds"
	"github.com/lambdahealth/lambdahealth/pkg/checks/redis"
	"github.com/lambdahealth/lambdahealth/pkg/checks/registry"
	"github.com/lambdahealth/lambdahealth/pkg/checks/s3"
	"github.com/lambdahealth/lambdahealth/pkg/checks/secretsmanager"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sns"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sqs"
	"github.com/lambdahealth/lambdahealth/pkg/checks/tcp"
)

// everyKind holds one check or more of every registered kind (at least of
// every kind that calls AWS), with every permission a kind can ask for; dbUser is the rds-db user ARN its iamAuth
// check needs, which no check names.
func everyKind() (specs []Check, dbUser string) {
	c := func(name string, s checks.Spec) Check { return Check{Common: checks.Common{Name: name}, Spec: s} }
	return []Check{
		c("orders-db", postgres.Spec{Spec: rds.Spec{Host: "orders.cluster-abc.us-east-1.rds.amazonaws.com", User: "health", IAMAuth: true}}),
		c("ledger-db", mysql.Spec{Spec: rds.Spec{Host: "ledger.example", SecretARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:ledger-AbCdEf"}}),
		c("jobs", sqs.Spec{QueueURL: "https://sqs.us-east-1.amazonaws.com/123456789012/jobs", DLQURL: "https://sqs.us-east-1.amazonaws.com/123456789012/jobs-dlq"}),
		c("assets", s3.Spec{Bucket: "orders-assets"}),
		c("uploads", s3.Spec{Bucket: "orders-uploads", ProbeKey: "health"}),
		c("payments", httpcheck.Spec{URL: "https://payments.example/health"}),
		c("cache", tcp.Spec{Address: "cache.internal:6379"}),
		c("orders-table", dynamodb.Spec{Table: "orders", ProbeKey: "health"}),
		c("sessions", redis.Spec{Endpoint: "sessions.internal:6379", AuthSecretARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:redis-AbCdEf"}),
		c("events", sns.Spec{TopicARN: "arn:aws:sns:us-east-1:123456789012:events"}),
		c("clicks", kinesis.Spec{Stream: "arn:aws:kinesis:us-east-1:123456789012:stream/clicks"}),
		c("bus", eventbridge.Spec{}),
		c("api-key", secretsmanager.Spec{SecretID: "orders/api-key"}),
	}, "arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABC/health"
}

// TestGrantsAreTheKindsIAMData: for a configuration with every kind, both
// functions are granted exactly the union of the kinds' IAM data (each
// check's Permissions, and the DBUserARNs prop for what no check names),
// nothing more and nothing less.
func TestGrantsAreTheKindsIAMData(t *testing.T) {
	specs, dbUser := everyKind()
	// Every kind that calls AWS (whose zero spec already asks for a
	// permission) must be in everyKind.
	have := map[string]bool{}
	for _, s := range specs {
		have[s.Type()] = true
	}
	for _, typ := range registry.Types() {
		zero, _ := registry.New(typ)
		if len(zero.Permissions()) > 0 && !have[typ] {
			t.Errorf("everyKind() has no %s check; want every kind that needs IAM permissions", typ)
		}
	}

	var want []string
	for _, s := range specs {
		for _, p := range s.Spec.Permissions() {
			resource := p.Resource
			if resource == "" {
				resource = dbUser // the one permission no check names: rds-db:connect
			}
			for _, a := range p.Actions {
				line := "Allow " + a + " on " + resource
				if !slices.Contains(want, line) {
					want = append(want, line)
				}
			}
		}
	}
	sort.Strings(want)
	if len(want) < 8 {
		t.Fatalf("the kinds' IAM data has %d grants: %v; want every kind's", len(want), want)
	}

	tmpl := synth(t, HealthProps{Checks: specs, DBUserARNs: []string{dbUser}, Metrics: MetricsEMF})
	for _, fn := range []string{"HealthFunctionRole", "CanaryFunctionRole"} {
		_, role := one(t, tmpl, "AWS::IAM::Role", fn)
		var got []string
		for _, g := range grants(t, tmpl, role) {
			if !strings.Contains(g, " logs:") && g != historyGrant {
				got = append(got, g)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s grants =\n%s\nwant the kinds' IAM data\n%s", fn, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}
