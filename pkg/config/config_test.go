package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) Getenv { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatalf("Load(empty) error: %v", err)
	}
	if c.Budget != 2*time.Second || c.CacheTTL != 5*time.Second || c.Details != "authorized" ||
		c.MetricsNamespace != "ServiceHealth" || c.Metrics != "api" || c.Listen != "127.0.0.1:8080" || c.Service != "health" {
		t.Errorf("defaults = %+v", c)
	}
}

func TestValid(t *testing.T) {
	c, err := Load(env(map[string]string{
		"HEALTH_SERVICE": "orders", "HEALTH_BUDGET": "1500ms", "HEALTH_CACHE_TTL": "0s", "PORT": "9090",
		"HEALTH_DETAILS": "always", "HEALTH_METRICS": "both",
		"HEALTH_CHECKS": `[
			{"name":"orders-db","type":"postgres","dsn":"postgres://u:p@h/db","timeout":"500ms"},
			{"name":"rds-iam","type":"mysql","host":"db.example","port":3306,"user":"app","database":"orders","iamAuth":true,"tls":"verify-full"},
			{"name":"rds-secret","type":"postgres","secretArn":"arn:aws:secretsmanager:us-east-1:1:secret:x"},
			{"name":"jobs","type":"sqs","queueUrl":"https://sqs.us-east-1.amazonaws.com/1/jobs","maxDepth":1000,"dlqUrl":"https://sqs.us-east-1.amazonaws.com/1/jobs-dlq","critical":false},
			{"name":"assets","type":"s3","bucket":"my-assets","probeKey":"health/probe"},
			{"name":"payments","type":"http","url":"https://payments.example/health","expectStatus":"200,204"},
			{"name":"redis","type":"tcp","address":"cache.example:6379"}]`,
	}))
	if err != nil {
		t.Fatalf("Load error: %v", err)
	}
	if c.Budget != 1500*time.Millisecond || c.CacheTTL != 0 || c.Listen != "127.0.0.1:9090" || len(c.Checks) != 7 {
		t.Errorf("config = %+v", c)
	}
	if !c.Checks[0].IsCritical() || c.Checks[3].IsCritical() {
		t.Errorf("critical = %v, %v; want true (default), false", c.Checks[0].IsCritical(), c.Checks[3].IsCritical())
	}
	if c.Checks[0].Timeout != 500*time.Millisecond || c.Checks[3].Type != "sqs" || string(c.Checks[3].Kind) != `{"queueUrl":"https://sqs.us-east-1.amazonaws.com/1/jobs","maxDepth":1000,"dlqUrl":"https://sqs.us-east-1.amazonaws.com/1/jobs-dlq"}` {
		t.Errorf("check fields = %+v %+v", c.Checks[0], c.Checks[3])
	}
}

func TestInvalid(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		wantField string
	}{
		{"bad budget", map[string]string{"HEALTH_BUDGET": "2"}, "HEALTH_BUDGET"},
		{"zero budget", map[string]string{"HEALTH_BUDGET": "0s"}, "HEALTH_BUDGET"},
		{"budget beyond any invocation", map[string]string{"HEALTH_BUDGET": "16m"}, "HEALTH_BUDGET"},
		{"budget that overflows its timeouts", map[string]string{"HEALTH_BUDGET": "2562047h47m16s"}, "HEALTH_BUDGET"},
		{"negative ttl", map[string]string{"HEALTH_CACHE_TTL": "-1s"}, "HEALTH_CACHE_TTL"},
		{"details", map[string]string{"HEALTH_DETAILS": "sometimes"}, "HEALTH_DETAILS"},
		{"metrics", map[string]string{"HEALTH_METRICS": "statsd"}, "HEALTH_METRICS"},
		{"namespace", map[string]string{"HEALTH_METRICS_NAMESPACE": "AWS/Lambda"}, "HEALTH_METRICS_NAMESPACE"},
		{"listen", map[string]string{"HEALTH_LISTEN": "nonsense"}, "HEALTH_LISTEN"},
		// Service and Environment are CloudWatch dimension values.
		{"environment not ASCII", map[string]string{"HEALTH_ENVIRONMENT": "prød"}, "HEALTH_ENVIRONMENT"},
		{"environment only spaces", map[string]string{"HEALTH_ENVIRONMENT": "   "}, "HEALTH_ENVIRONMENT"},
		{"environment control character", map[string]string{"HEALTH_ENVIRONMENT": "prod\n"}, "HEALTH_ENVIRONMENT"},
		{"environment too long", map[string]string{"HEALTH_ENVIRONMENT": strings.Repeat("e", 256)}, "HEALTH_ENVIRONMENT"},
		{"service not ASCII", map[string]string{"HEALTH_SERVICE": "commandes-é"}, "HEALTH_SERVICE"},
		{"service only spaces", map[string]string{"HEALTH_SERVICE": " "}, "HEALTH_SERVICE"},
		{"port", map[string]string{"PORT": "http"}, "HEALTH_LISTEN"},
		{"both tokens", map[string]string{"HEALTH_TOKEN": "a", "HEALTH_TOKEN_SECRET_ARN": "arn:x"}, "HEALTH_TOKEN"},
		{"token arn", map[string]string{"HEALTH_TOKEN_SECRET_ARN": "my-secret"}, "HEALTH_TOKEN_SECRET_ARN"},
		{"checks not JSON", map[string]string{"HEALTH_CHECKS": `[{"name":`}, "HEALTH_CHECKS"},
		{"checks null", map[string]string{"HEALTH_CHECKS": ` null `}, "HEALTH_CHECKS"},
		{"checks not array", map[string]string{"HEALTH_CHECKS": `{"name":"a"}`}, "HEALTH_CHECKS"},
		{"element not object", map[string]string{"HEALTH_CHECKS": `[7]`}, "HEALTH_CHECKS[0]"},
		{"null element", map[string]string{"HEALTH_CHECKS": `[null]`}, "HEALTH_CHECKS[0]"},
		{"bad name", map[string]string{"HEALTH_CHECKS": `[{"name":"a b","type":"tcp","address":"h:1"}]`}, "HEALTH_CHECKS[0].name"},
		{"reserved name", map[string]string{"HEALTH_CHECKS": `[{"name":"drain","type":"tcp","address":"h:1"}]`}, "HEALTH_CHECKS[0].name"},
		{"duplicate", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"tcp","address":"h:1"},{"name":"a","type":"tcp","address":"h:2"}]`}, "HEALTH_CHECKS[1].name"},
		{"bad timeout", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"tcp","address":"h:1","timeout":500}]`}, "HEALTH_CHECKS[0].timeout"},
		{"bad critical", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"tcp","address":"h:1","critical":"yes"}]`}, "HEALTH_CHECKS[0].critical"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(env(tt.env))
			if err == nil {
				t.Fatalf("Load(%v) = nil error; want an error naming %s", tt.env, tt.wantField)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			var fe *FieldError
			if !errors.As(err, &fe) || !strings.HasPrefix(fe.Field, tt.wantField) {
				t.Errorf("error = %v; want a FieldError naming %s", err, tt.wantField)
			}
		})
	}
}

func TestDimensionValueProblem(t *testing.T) {
	for v, ok := range map[string]bool{
		"prod": true, "orders service": true, " a ": true, strings.Repeat("x", 255): true, "a/b:c#d": true,
		"": false, "   ": false, "\t": false, "prød": false, "a\x7f": false, strings.Repeat("x", 256): false,
	} {
		if got := DimensionValueProblem(v) == ""; got != ok {
			t.Errorf("DimensionValueProblem(%q) = %q; want ok %v", v, DimensionValueProblem(v), ok)
		}
	}
	// Check names, the Check dimension's values, follow a stricter rule.
	if problem := DimensionValueProblem(strings.Repeat("a", 64)); problem != "" {
		t.Errorf("a 64-character check name: %s", problem)
	}
}
