package healthstack

import (
	"strings"
	"testing"
)

// limitsProps are infra/testdata/parity-limits.json's props
// (TestParityConfigs): no reservation, a REST API, and a created alarm topic.
func limitsProps() HealthProps {
	return HealthProps{Service: "limits", RestAPI: true, AlarmEmail: "oncall@example.com",
		Limits: LimitsProps{HealthReservedConcurrency: ptr(0), APIThrottlingRateLimit: 12.5, APIThrottlingBurstLimit: 25}}
}

// reservations maps each function (by logical ID prefix) to its reserved
// concurrency, "<nil>" when it has none.
func reservations(t *testing.T, props HealthProps) map[string]string {
	t.Helper()
	tmpl := synth(t, props)
	out := map[string]string{}
	for _, id := range []string{"HealthFunction", "CanaryFunction", "GatePreTrafficFunction", "GatePostTrafficFunction"} {
		_, fn := one(t, tmpl, "AWS::Lambda::Function", id)
		out[id] = render(fn["Properties"].(map[string]any)["ReservedConcurrentExecutions"])
	}
	return out
}

func TestReservedConcurrency(t *testing.T) {
	for _, tt := range []struct {
		name  string
		props HealthProps
		want  map[string]string
	}{
		{"default", HealthProps{}, map[string]string{"HealthFunction": "100", "CanaryFunction": "2",
			"GatePreTrafficFunction": "2", "GatePostTrafficFunction": "2"}},
		{"set", HealthProps{Limits: LimitsProps{HealthReservedConcurrency: ptr(7)}}, map[string]string{"HealthFunction": "7",
			"CanaryFunction": "2", "GatePreTrafficFunction": "2", "GatePostTrafficFunction": "2"}},
		{"none", limitsProps(), map[string]string{"HealthFunction": "<nil>", "CanaryFunction": "<nil>",
			"GatePreTrafficFunction": "<nil>", "GatePostTrafficFunction": "<nil>"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := reservations(t, tt.props)
			for id, want := range tt.want {
				if got[id] != want {
					t.Errorf("%s ReservedConcurrentExecutions = %q; want %q", id, got[id], want)
				}
			}
		})
	}
}

// httpStage returns the HTTP API stage's access log settings and throttle.
func httpStage(t *testing.T, props HealthProps) (log, throttle map[string]any) {
	t.Helper()
	_, stage := one(t, synth(t, props), "AWS::ApiGatewayV2::Stage", "HealthHttpApi")
	p := stage["Properties"].(map[string]any)
	return p["AccessLogSettings"].(map[string]any), p["DefaultRouteSettings"].(map[string]any)
}

func TestAPIStagesLogAndThrottle(t *testing.T) {
	for _, tt := range []struct {
		props       HealthProps
		rate, burst string
	}{
		{HealthProps{}, "50", "100"},
		{limitsProps(), "12.5", "25"},
	} {
		log, throttle := httpStage(t, tt.props)
		if got := render(log["DestinationArn"]); got != "${HttpApiAccessLogGroup.Arn}" || log["Format"] != AccessLogFormat {
			t.Errorf("HTTP API AccessLogSettings = %v; want HttpApiAccessLogGroup with AccessLogFormat", log)
		}
		if r, b := render(throttle["ThrottlingRateLimit"]), render(throttle["ThrottlingBurstLimit"]); r != tt.rate || b != tt.burst {
			t.Errorf("HTTP API throttle = %s/%s; want %s/%s", r, b, tt.rate, tt.burst)
		}
	}
	tmpl := synth(t, limitsProps())
	_, stage := one(t, tmpl, "AWS::ApiGateway::Stage", "HealthRestApi")
	p := stage["Properties"].(map[string]any)
	log := p["AccessLogSetting"].(map[string]any)
	if got := render(log["DestinationArn"]); got != "${RestApiAccessLogGroup.Arn}" || log["Format"] != AccessLogFormat {
		t.Errorf("REST API AccessLogSetting = %v; want RestApiAccessLogGroup with AccessLogFormat", log)
	}
	ms := list(p["MethodSettings"])
	if len(ms) != 1 || render(ms[0].(map[string]any)["ThrottlingRateLimit"]) != "12.5" || render(ms[0].(map[string]any)["ThrottlingBurstLimit"]) != "25" {
		t.Errorf("REST API MethodSettings = %v; want 12.5/25 on every method", ms)
	}
	for _, id := range []string{"HttpApiAccessLogGroup", "RestApiAccessLogGroup"} {
		_, lg := one(t, tmpl, "AWS::Logs::LogGroup", id)
		if got := render(lg["Properties"].(map[string]any)["RetentionInDays"]); got != "30" || lg["DeletionPolicy"] != "Delete" {
			t.Errorf("%s retention %s, DeletionPolicy %v; want 30 days, deleted with the stack", id, got, lg["DeletionPolicy"])
		}
	}
}

// TestAlarmTopicKey: the created topic is encrypted with a key of its own
// that CloudWatch alarms may use (the AWS managed alias/aws/sns would drop
// every notification); a topic of your own gets no key.
func TestAlarmTopicKey(t *testing.T) {
	tmpl := synth(t, limitsProps())
	_, topic := one(t, tmpl, "AWS::SNS::Topic", "AlarmTopic")
	if got := render(topic["Properties"].(map[string]any)["KmsMasterKeyId"]); got != "${AlarmTopicKey.Arn}" {
		t.Errorf("AlarmTopic KmsMasterKeyId = %q; want ${AlarmTopicKey.Arn}", got)
	}
	_, key := one(t, tmpl, "AWS::KMS::Key", "AlarmTopicKey")
	p := key["Properties"].(map[string]any)
	if p["EnableKeyRotation"] != true || key["DeletionPolicy"] != "Delete" {
		t.Errorf("AlarmTopicKey = %v; want rotation on, deleted with the stack", key)
	}
	var cloudwatch []string
	for _, s := range list(p["KeyPolicy"].(map[string]any)["Statement"]) {
		s := s.(map[string]any)
		if render(s["Principal"].(map[string]any)["Service"]) == "cloudwatch.amazonaws.com" {
			cloudwatch = append(cloudwatch, render(s["Effect"])+" "+render(s["Action"]))
		}
	}
	if want := "Allow kms:Decrypt,kms:GenerateDataKey*"; strings.Join(cloudwatch, ";") != want {
		t.Errorf("AlarmTopicKey statements for cloudwatch.amazonaws.com = %v; want [%s]", cloudwatch, want)
	}
	if n := len(resources(synth(t, topicProps()), "AWS::KMS::Key")); n != 0 {
		t.Errorf("AlarmTopicARN set: %d KMS keys; want none", n)
	}
}

func TestLimitsValidate(t *testing.T) {
	for _, tt := range []struct {
		l     LimitsProps
		field string
	}{
		{LimitsProps{HealthReservedConcurrency: ptr(-1)}, "Limits.HealthReservedConcurrency"},
		{LimitsProps{APIThrottlingRateLimit: -1}, "Limits.APIThrottlingRateLimit"},
		{LimitsProps{APIThrottlingBurstLimit: -5}, "Limits.APIThrottlingBurstLimit"},
	} {
		err := HealthProps{Limits: tt.l}.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("Validate(%+v) = %v; want an error naming %s", tt.l, err, tt.field)
		}
	}
	if _, err := PropsFromParameters(map[string]string{"HealthReservedConcurrency": "many"}); err == nil ||
		!strings.Contains(err.Error(), "parameter HealthReservedConcurrency") {
		t.Errorf("PropsFromParameters(HealthReservedConcurrency=many) = %v; want an error naming it", err)
	}
}
