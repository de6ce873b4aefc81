package main

// The health function with one check of each of the kinds DynamoDB, Redis,
// SNS, Kinesis, EventBridge and Secrets Manager, against the local stack:
// all pass; with a missing table, stream, topic, bus and secret and a
// refusing Redis, it answers 503 with each check failing "not found" or
// "connection refused". It skips without the stack and fails under
// HEALTH_REQUIRE_INTEGRATION=1.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
)

func TestIntegrationNewKinds(t *testing.T) {
	env := testenv.Need(t, "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_KINESIS",
		"LOCAL_TABLE", "LOCAL_REDIS_ENDPOINT", "LOCAL_TOPIC_ARN", "LOCAL_STREAM", "LOCAL_EVENT_BUS", "LOCAL_SECRET_ID")
	var aws []string
	for _, k := range []string{"AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_KINESIS"} {
		aws = append(aws, k+"="+env[k])
	}
	if v, ok := testenv.Lookup("AWS_ENDPOINT_URL_SNS"); ok { // an emulator of its own, if the stack has one
		aws = append(aws, "AWS_ENDPOINT_URL_SNS="+v)
	}
	checks := func(table, redis, topic, stream, bus, secret string) string {
		return fmt.Sprintf(`HEALTH_CHECKS=[{"name":"table","type":"dynamodb","table":%q},{"name":"cache","type":"redis","endpoint":%q},`+
			`{"name":"topic","type":"sns","topicArn":%q},{"name":"stream","type":"kinesis","stream":%q},`+
			`{"name":"bus","type":"eventbridge","eventBus":%q},{"name":"secret","type":"secretsmanager","secretId":%q}]`,
			table, redis, topic, stream, bus, secret)
	}
	suffix := testenv.RandomSuffix(t)
	tests := []struct {
		name       string
		checks     string
		wantCode   int
		wantStatus string
		wantOutput map[string]string
	}{
		{"every dependency there", checks(env["LOCAL_TABLE"], env["LOCAL_REDIS_ENDPOINT"], env["LOCAL_TOPIC_ARN"],
			env["LOCAL_STREAM"], env["LOCAL_EVENT_BUS"], env["LOCAL_SECRET_ID"]), 200, "pass",
			map[string]string{"table": "", "cache": "", "topic": "", "stream": "", "bus": "", "secret": ""}},
		{"every dependency missing", checks("no-such-table-"+suffix, testenv.ClosedPort(t), env["LOCAL_TOPIC_ARN"]+"-missing",
			"no-such-stream-"+suffix, "no-such-bus-"+suffix, "no-such-secret-"+suffix), 503, "fail",
			map[string]string{"table": "not found", "cache": "connection refused", "topic": "not found", "stream": "not found",
				"bus": "not found", "secret": "not found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, addr, logs := start(t, append(aws, tt.checks, "HEALTH_DETAILS=always")...)
			resp, err := http.Get("http://" + addr + "/health")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct {
				Status string
				Checks map[string][]struct{ Status, Output string }
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.wantCode || body.Status != tt.wantStatus {
				t.Errorf("GET /health = %d %s; want %d %s (%+v)\nlogs:\n%s", resp.StatusCode, body.Status, tt.wantCode, tt.wantStatus, body.Checks, logs)
			}
			for name, want := range tt.wantOutput {
				got := body.Checks[name+":responseTime"]
				wantStatus := "pass"
				if want != "" {
					wantStatus = "fail"
				}
				if len(got) != 1 || got[0].Status != wantStatus || got[0].Output != want {
					t.Errorf("check %s = %+v; want %s %q", name, got, wantStatus, want)
				}
			}
		})
	}
}
