package healthstack

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/lambdahealth/lambdahealth/infra/healthstack/healthstacktest"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/dynamodb"
	"github.com/lambdahealth/lambdahealth/pkg/checks/eventbridge"
	"github.com/lambdahealth/lambdahealth/pkg/checks/httpcheck"
	"github.com/lambdahealth/lambdahealth/pkg/checks/kinesis"
	"github.com/lambdahealth/lambdahealth/pkg/checks/mysql"
	"github.com/lambdahealth/lambdahealth/pkg/checks/postgres"
	"github.com/lambdahealth/lambdahealth/pkg/checks/rds"
	"github.com/lambdahealth/lambdahealth/pkg/checks/redis"
	"github.com/lambdahealth/lambdahealth/pkg/checks/s3"
	"github.com/lambdahealth/lambdahealth/pkg/checks/secretsmanager"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sns"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sqs"
	"github.com/lambdahealth/lambdahealth/pkg/checks/tcp"
)

// assetDir makes stub bootstraps, so that the tests need no `make build`.
var assetDir = healthstacktest.AssetDir

func ptr[T any](v T) *T { return &v }

func tcpCheck(name, address string) Check {
	return Check{Common: checks.Common{Name: name}, Spec: tcp.Spec{Address: address}}
}

// fullProps switches every optional part on; infra/testdata/parity-full.json
// holds the same settings as template.yaml parameters (TestParityConfigs).
func fullProps() HealthProps {
	return HealthProps{
		Service:        "orders",
		Environment:    "prod",
		Version:        "1.4.2",
		Budget:         1500 * time.Millisecond,
		CacheTTL:       ptr(time.Duration(0)),
		Details:        DetailsAlways,
		TokenSecretARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/health-token-AbCdEf",
		DrainParameter: "/orders/prod/drain",
		Checks: []Check{
			Check{Common: checks.Common{Name: "orders-db", Timeout: checks.Duration(800 * time.Millisecond)}, Spec: postgres.Spec{Spec: rds.Spec{Host: "orders.cluster-abc.us-east-1.rds.amazonaws.com", Port: 5432, User: "health", Database: "orders", IAMAuth: true, TLS: "verify-full"}}},
			Check{Common: checks.Common{Name: "ledger-db"}, Spec: mysql.Spec{Spec: rds.Spec{Host: "ledger.cluster-def.us-east-1.rds.amazonaws.com", Database: "ledger", SecretARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:ledger/health-XyZ123"}}},
			Check{Common: checks.Common{Name: "jobs", Optional: true}, Spec: sqs.Spec{QueueURL: "https://sqs.us-east-1.amazonaws.com/123456789012/orders-jobs", MaxDepth: ptr(int64(1000)), DLQURL: "https://sqs.us-east-1.amazonaws.com/123456789012/orders-jobs-dlq"}},
			Check{Common: checks.Common{Name: "assets"}, Spec: s3.Spec{Bucket: "orders-assets", ProbeKey: "health-probe"}},
			Check{Common: checks.Common{Name: "payments", Optional: true}, Spec: httpcheck.Spec{URL: "https://payments.example.com/health", ExpectStatus: "200-299"}},
			Check{Common: checks.Common{Name: "cache"}, Spec: tcp.Spec{Address: "cache.internal:6379"}},
			Check{Common: checks.Common{Name: "orders-table", Optional: true}, Spec: dynamodb.Spec{Table: "orders", ProbeKey: "health-probe"}},
			Check{Common: checks.Common{Name: "sessions", Optional: true}, Spec: redis.Spec{Endpoint: "master.orders-cache.abc123.use1.cache.amazonaws.com:6379",
				User: "health", IAMAuth: true}},
			Check{Common: checks.Common{Name: "order-events", Optional: true}, Spec: sns.Spec{TopicARN: "arn:aws:sns:us-east-1:123456789012:orders-events"}},
			Check{Common: checks.Common{Name: "clicks", Optional: true}, Spec: kinesis.Spec{Stream: "orders-clicks"}},
			Check{Common: checks.Common{Name: "bus", Optional: true}, Spec: eventbridge.Spec{EventBus: "orders"}},
			Check{Common: checks.Common{Name: "api-key", Optional: true}, Spec: secretsmanager.Spec{
				SecretID: "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/api-key-AbCdEf"}},
		},
		MetricsNamespace: "Orders/Health",
		Metrics:          MetricsBoth,
		CanarySchedule:   "rate(2 minutes)",
		LogRetention:     awslogs.RetentionDays_TWO_WEEKS,
		SubnetIDs:        []string{"subnet-0123456789abcdef0", "subnet-0fedcba9876543210"},
		SecurityGroupIDs: []string{"sg-0123456789abcdef0"},
		QueueARNs: []string{"arn:aws:sqs:us-east-1:123456789012:orders-jobs",
			"arn:aws:sqs:us-east-1:123456789012:orders-jobs-dlq"},
		Bucket:              "orders-assets",
		ProbePrefix:         "health-probe",
		DBUserARNs:          []string{"arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABCDEFGHIJKL0123456789/health"},
		SecretARNs:          []string{"arn:aws:secretsmanager:us-east-1:123456789012:secret:ledger/health-XyZ123"},
		TableARNs:           []string{"arn:aws:dynamodb:us-east-1:123456789012:table/orders"},
		TableProbeARNs:      []string{"arn:aws:dynamodb:us-east-1:123456789012:table/orders"},
		TopicARNs:           []string{"arn:aws:sns:us-east-1:123456789012:orders-events"},
		StreamARNs:          []string{"arn:aws:kinesis:us-east-1:123456789012:stream/orders-clicks"},
		EventBusARNs:        []string{"arn:aws:events:us-east-1:123456789012:event-bus/orders"},
		DescribedSecretARNs: []string{"arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/api-key-AbCdEf"},
		CacheARNs: []string{"arn:aws:elasticache:us-east-1:123456789012:replicationgroup:orders-cache",
			"arn:aws:elasticache:us-east-1:123456789012:user:health"},
		AlarmEmail:          "oncall@example.com",
		RestAPI:             true,
		FunctionURLAuthType: FunctionURLOpen,
		ALBListenerARN:      "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/orders/0123456789abcdef/fedcba9876543210",
		ALBRulePriority:     42,
	}
}

func synth(t *testing.T, props HealthProps) assertions.Template {
	t.Helper()
	props.AssetDir = assetDir(t)
	app := awscdk.NewApp(nil)
	stack := NewHealthStack(app, "Test", &HealthStackProps{HealthProps: props})
	return assertions.Template_FromStack(stack, nil)
}

// resources returns the template's resources of one type, by logical ID.
func resources(tmpl assertions.Template, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range *tmpl.FindResources(jsii.String(typ), nil) {
		out[id] = *r
	}
	return out
}

// one returns the only resource of typ whose logical ID starts with prefix.
func one(t *testing.T, tmpl assertions.Template, typ, prefix string) (string, map[string]any) {
	t.Helper()
	var ids []string
	for id := range resources(tmpl, typ) {
		if strings.HasPrefix(id, prefix) {
			ids = append(ids, id)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("%s resources named %s*: %v; want exactly one", typ, prefix, ids)
	}
	return ids[0], resources(tmpl, typ)[ids[0]]
}

var cdkHash = regexp.MustCompile(`^([A-Za-z]+?)[0-9A-F]{8}$`)

// render flattens intrinsics to readable text: Ref X is ${X}, GetAtt X.Y is
// ${X.Y}, Fn::Join is joined, Fn::Sub's variables are substituted, and CDK's 8-character hash is cut from
// logical IDs (HealthLogGroupB28CD87A is ${HealthLogGroup}).
func render(v any) string {
	id := func(s string) string {
		if m := cdkHash.FindStringSubmatch(s); m != nil {
			return m[1]
		}
		return s
	}
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return fmt.Sprint(v)
	case bool:
		return fmt.Sprint(v)
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = render(e)
		}
		return strings.Join(parts, ",")
	case map[string]any:
		if r, ok := v["Ref"]; ok {
			return "${" + id(r.(string)) + "}"
		}
		if g, ok := v["Fn::GetAtt"]; ok {
			a := g.([]any)
			return "${" + id(a[0].(string)) + "." + a[1].(string) + "}"
		}
		if j, ok := v["Fn::Join"]; ok {
			a := j.([]any)
			var parts []string
			for _, e := range a[1].([]any) {
				parts = append(parts, render(e))
			}
			return strings.Join(parts, a[0].(string))
		}
		if sub, ok := v["Fn::Sub"]; ok {
			text, vars := "", map[string]any{}
			switch sub := sub.(type) {
			case string:
				text = sub
			case []any:
				text, vars = sub[0].(string), sub[1].(map[string]any)
			}
			for k, e := range vars {
				text = strings.ReplaceAll(text, "${"+k+"}", render(e))
			}
			return text
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	return fmt.Sprintf("%v", v)
}

func list(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

// grants lists a role's inline statements as "Effect action on resource
// [when condition]", one line per action and resource, sorted.
func grants(t *testing.T, role map[string]any) []string {
	t.Helper()
	var out []string
	props := role["Properties"].(map[string]any)
	for _, p := range props["Policies"].([]any) {
		doc := p.(map[string]any)["PolicyDocument"].(map[string]any)
		for _, s := range doc["Statement"].([]any) {
			st := s.(map[string]any)
			cond := ""
			if c, ok := st["Condition"]; ok {
				b, _ := json.Marshal(c)
				cond = " when " + string(b)
			}
			for _, a := range list(st["Action"]) {
				for _, r := range list(st["Resource"]) {
					out = append(out, fmt.Sprintf("%s %s on %s%s", st["Effect"], a, render(r), cond))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestFullStackFunctions(t *testing.T) {
	tmpl := synth(t, fullProps())
	tmpl.ResourceCountIs(jsii.String("AWS::Lambda::Function"), jsii.Number(4)) // health, canary, two gates

	checks, err := ChecksJSON(fullProps().Checks)
	if err != nil {
		t.Fatal(err)
	}
	common := map[string]any{
		"HEALTH_SERVICE": "orders", "HEALTH_ENVIRONMENT": "prod", "HEALTH_VERSION": "1.4.2",
		"HEALTH_BUDGET": "1.5s", "HEALTH_CACHE_TTL": "0s", "HEALTH_DETAILS": "always", "HEALTH_CHECKS": checks,
		"HEALTH_METRICS_NAMESPACE": "Orders/Health", "HEALTH_METRICS": "both", "GOGC": GOGC,
	}
	healthEnv := map[string]any{
		"HEALTH_TOKEN_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/health-token-AbCdEf",
		"HEALTH_DRAIN_PARAMETER":  "/orders/prod/drain",
	}
	for k, v := range common {
		healthEnv[k] = v
	}
	tests := []struct {
		prefix  string
		timeout float64
		env     map[string]any
	}{
		{"HealthFunction", HealthTimeoutSeconds, healthEnv},
		{"CanaryFunction", CanaryTimeoutSeconds, common},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			_, fn := one(t, tmpl, "AWS::Lambda::Function", tt.prefix)
			p := fn["Properties"].(map[string]any)
			want := map[string]any{
				"Runtime": "provided.al2023", "Architectures": []any{"arm64"}, "Handler": "bootstrap",
				"MemorySize": float64(MemoryMB), "Timeout": tt.timeout,
				"Environment": map[string]any{"Variables": tt.env},
				"VpcConfig": map[string]any{
					"SubnetIds":        []any{"subnet-0123456789abcdef0", "subnet-0fedcba9876543210"},
					"SecurityGroupIds": []any{"sg-0123456789abcdef0"},
				},
			}
			for k, w := range want {
				if got := p[k]; !reflect.DeepEqual(got, w) {
					t.Errorf("%s.%s = %#v; want %#v", tt.prefix, k, got, w)
				}
			}
			if _, ok := fn["DependsOn"]; ok {
				t.Errorf("%s has DependsOn %v; want none (the role is a GetAtt already)", tt.prefix, fn["DependsOn"])
			}
		})
	}

	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::EventInvokeConfig"), map[string]any{
		"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 60, "Qualifier": "$LATEST",
	})
	tmpl.ResourceCountIs(jsii.String("AWS::Logs::LogGroup"), jsii.Number(6)) // one per function, one per API stage (access log)
	tmpl.AllResourcesProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 14})
}

func TestFullStackSchedule(t *testing.T) {
	tmpl := synth(t, fullProps())
	canary, _ := one(t, tmpl, "AWS::Lambda::Function", "CanaryFunction")
	tmpl.ResourceCountIs(jsii.String("AWS::Events::Rule"), jsii.Number(1))
	tmpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{
		"ScheduleExpression": "rate(2 minutes)",
		"State":              "ENABLED",
		"Targets":            []any{assertions.Match_ObjectLike(&map[string]any{"Arn": map[string]any{"Fn::GetAtt": []any{canary, "Arn"}}})},
	})
}

func TestFullStackRoutes(t *testing.T) {
	tmpl := synth(t, fullProps())
	var got []string
	for _, r := range resources(tmpl, "AWS::ApiGatewayV2::Route") {
		got = append(got, r["Properties"].(map[string]any)["RouteKey"].(string))
	}
	sort.Strings(got)
	// Every method on every path reaches the function, which answers 404 and 405 itself.
	want := []string{"ANY /", "ANY /{proxy+}"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("HTTP API routes = %v; want %v", got, want)
	}
	tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Integration"), map[string]any{
		"IntegrationType": "AWS_PROXY", "PayloadFormatVersion": "2.0",
	})

	_, rest := one(t, tmpl, "AWS::ApiGateway::RestApi", "HealthRestApi")
	paths := rest["Properties"].(map[string]any)["Body"].(map[string]any)["paths"].(map[string]any)
	got = nil
	for path, item := range paths {
		for method := range item.(map[string]any) {
			if method != "parameters" {
				got = append(got, strings.ToUpper(strings.TrimPrefix(method, "x-amazon-apigateway-any-method"))+path)
			}
		}
	}
	sort.Strings(got)
	if want := []string{"/", "/{proxy+}"}; !reflect.DeepEqual(got, want) {
		t.Errorf("REST API routes (method x-amazon-apigateway-any-method) = %v; want %v", got, want)
	}
	proxy := paths["/{proxy+}"].(map[string]any)
	if got, want := render(proxy["parameters"]), `{"in":"path","name":"proxy","required":true,"schema":{"type":"string"}}`; got != want {
		t.Errorf("REST API /{proxy+} parameters = %s; want %s", got, want)
	}
	// One API-wide invoke permission per API (the routes are catch-alls), none per route.
	got = nil
	for _, r := range resources(tmpl, "AWS::Lambda::Permission") {
		p := r["Properties"].(map[string]any)
		if p["Principal"] != "apigateway.amazonaws.com" {
			continue
		}
		got = append(got, render(p["SourceArn"]))
	}
	sort.Strings(got)
	prefix := "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
	if want := []string{prefix + "${HealthHttpApi}/*/*/*", prefix + "${HealthRestApi}/*"}; !reflect.DeepEqual(got, want) {
		t.Errorf("API Gateway invoke permissions (source ARNs) = %q; want %q", got, want)
	}
	tmpl.HasResourceProperties(jsii.String("AWS::ApiGateway::Stage"), map[string]any{"StageName": "v1"})

	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Url"), map[string]any{"AuthType": "NONE"})
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), map[string]any{
		"Action": "lambda:InvokeFunctionUrl", "Principal": "*", "FunctionUrlAuthType": "NONE",
	})
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), map[string]any{
		"Action": "lambda:InvokeFunction", "Principal": "*", "InvokedViaFunctionUrl": true,
	})

	tmpl.HasResource(jsii.String("AWS::ElasticLoadBalancingV2::TargetGroup"), map[string]any{
		"Properties": map[string]any{
			"TargetType": "lambda", "HealthCheckEnabled": true, "HealthCheckPath": "/health/ready",
			"HealthCheckIntervalSeconds": 35, "HealthCheckTimeoutSeconds": 30, "Matcher": map[string]any{"HttpCode": "200"},
		},
		"DependsOn": []any{"HealthAlbPermission"},
	})
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), map[string]any{
		"Action": "lambda:InvokeFunction", "Principal": "elasticloadbalancing.amazonaws.com",
		"SourceAccount": map[string]any{"Ref": "AWS::AccountId"},
	})
	tmpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::ListenerRule"), map[string]any{
		"ListenerArn": fullProps().ALBListenerARN,
		"Priority":    42,
		"Conditions": []any{map[string]any{"Field": "path-pattern",
			"PathPatternConfig": map[string]any{"Values": []any{"/health", "/health/*", "/livez", "/healthz", "/readyz"}}}},
		"Actions": []any{map[string]any{"Type": "forward", "TargetGroupArn": map[string]any{"Ref": "HealthTargetGroup"}}},
	})
}

// alarm is what the tests expect of one CloudWatch alarm.
type alarm struct {
	id, namespace, metric, statistic, comparison, missing string
	dims                                                  map[string]any
	threshold, period, evaluation, datapoints             float64
}

func (a alarm) check(t *testing.T, tmpl assertions.Template, actions any) {
	t.Helper()
	r, ok := resources(tmpl, "AWS::CloudWatch::Alarm")[a.id]
	if !ok {
		t.Fatalf("no alarm %s", a.id)
	}
	p := r["Properties"].(map[string]any)
	var dims []any
	for _, name := range []string{"Service", "Environment", "Check", "FunctionName"} {
		if v, ok := a.dims[name]; ok {
			dims = append(dims, map[string]any{"Name": name, "Value": v})
		}
	}
	want := map[string]any{
		"Namespace": a.namespace, "MetricName": a.metric, "Dimensions": dims, "Statistic": a.statistic,
		"Period": a.period, "EvaluationPeriods": a.evaluation, "DatapointsToAlarm": a.datapoints,
		"Threshold": a.threshold, "ComparisonOperator": a.comparison, "TreatMissingData": a.missing,
		"AlarmActions": actions, "OKActions": actions,
	}
	for k, w := range want {
		if got := p[k]; !reflect.DeepEqual(got, w) {
			t.Errorf("%s.%s = %#v; want %#v", a.id, k, got, w)
		}
	}
}

func successAlarm(id, service, env, check string) alarm {
	dims := map[string]any{"Service": service, "Environment": env}
	if check != "" {
		dims["Check"] = check
	}
	return alarm{id: id, namespace: "ServiceHealth", metric: "Success", statistic: "Minimum", dims: dims,
		comparison: "LessThanThreshold", missing: "breaching", threshold: 1, period: 60, evaluation: 5, datapoints: 3}
}

func canaryErrorsAlarm(canary string) alarm {
	return alarm{id: "CanaryErrorsAlarm", namespace: "AWS/Lambda", metric: "Errors", statistic: "Sum",
		dims:       map[string]any{"FunctionName": map[string]any{"Ref": canary}},
		comparison: "GreaterThanOrEqualToThreshold", missing: "notBreaching", threshold: 1, period: 300, evaluation: 1, datapoints: 1}
}

func TestFullStackAlarms(t *testing.T) {
	tmpl := synth(t, fullProps())
	topic, _ := one(t, tmpl, "AWS::SNS::Topic", "AlarmTopic")
	actions := []any{map[string]any{"Ref": topic}}
	canary, _ := one(t, tmpl, "AWS::Lambda::Function", "CanaryFunction")
	tmpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Alarm"), jsii.Number(6))
	alarms := []alarm{successAlarm("SuccessAlarm", "orders", "prod", ""), canaryErrorsAlarm(canary)}
	// jobs and payments say critical: false.
	critical := fullProps().CriticalCheckNames()
	if want := []string{"orders-db", "ledger-db", "assets", "cache"}; !reflect.DeepEqual(critical, want) {
		t.Fatalf("CriticalCheckNames() = %q; want %q", critical, want)
	}
	for i, name := range critical {
		alarms = append(alarms, successAlarm(fmt.Sprintf("CheckAlarm%d", i+1), "orders", "prod", name))
	}
	for _, a := range alarms {
		if a.metric == "Success" {
			a.namespace = "Orders/Health"
			a.period = 120 // rate(2 minutes): one period per run
		}
		t.Run(a.id, func(t *testing.T) { a.check(t, tmpl, actions) })
	}
	tmpl.HasResourceProperties(jsii.String("AWS::SNS::Subscription"), map[string]any{
		"Protocol": "email", "Endpoint": "oncall@example.com", "TopicArn": map[string]any{"Ref": topic},
	})
	for _, out := range []string{"HttpApiUrl", "RestApiUrl", "FunctionUrl", "TargetGroupArn", "HealthFunctionName",
		"CanaryFunctionName", "SuccessAlarmName", "CanaryErrorsAlarmName", "CheckAlarm1Name", "CheckAlarm4Name", "AlarmTopicArn"} {
		tmpl.HasOutput(jsii.String(out), map[string]any{})
	}
}

func TestFullStackGrants(t *testing.T) {
	tmpl := synth(t, fullProps())
	shared := []string{
		"Allow rds-db:connect on arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABCDEFGHIJKL0123456789/health",
		"Allow s3:DeleteObject on arn:${AWS::Partition}:s3:::orders-assets/health-probe/*",
		"Allow s3:GetObject on arn:${AWS::Partition}:s3:::orders-assets/health-probe/*",
		"Allow s3:ListBucket on arn:${AWS::Partition}:s3:::orders-assets",
		"Allow s3:PutObject on arn:${AWS::Partition}:s3:::orders-assets/health-probe/*",
		"Allow secretsmanager:GetSecretValue on arn:aws:secretsmanager:us-east-1:123456789012:secret:ledger/health-XyZ123",
		"Allow sqs:GetQueueAttributes on arn:aws:sqs:us-east-1:123456789012:orders-jobs",
		"Allow sqs:GetQueueAttributes on arn:aws:sqs:us-east-1:123456789012:orders-jobs-dlq",
		// The new kinds: each resource from its check (a name becomes an ARN in the
		// stack's own region and account) and from its TableArns-style prop.
		"Allow dynamodb:DescribeTable on arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders",
		"Allow dynamodb:DescribeTable on arn:aws:dynamodb:us-east-1:123456789012:table/orders",
		"Allow dynamodb:PutItem on arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders",
		"Allow dynamodb:PutItem on arn:aws:dynamodb:us-east-1:123456789012:table/orders",
		"Allow dynamodb:GetItem on arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders",
		"Allow dynamodb:GetItem on arn:aws:dynamodb:us-east-1:123456789012:table/orders",
		"Allow dynamodb:DeleteItem on arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders",
		"Allow dynamodb:DeleteItem on arn:aws:dynamodb:us-east-1:123456789012:table/orders",
		"Allow elasticache:Connect on arn:aws:elasticache:us-east-1:123456789012:replicationgroup:orders-cache",
		"Allow elasticache:Connect on arn:aws:elasticache:us-east-1:123456789012:user:health",
		"Allow sns:GetTopicAttributes on arn:aws:sns:us-east-1:123456789012:orders-events",
		"Allow sns:ListSubscriptionsByTopic on arn:aws:sns:us-east-1:123456789012:orders-events",
		"Allow kinesis:DescribeStreamSummary on arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/orders-clicks",
		"Allow kinesis:DescribeStreamSummary on arn:aws:kinesis:us-east-1:123456789012:stream/orders-clicks",
		"Allow events:DescribeEventBus on arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/orders",
		"Allow events:DescribeEventBus on arn:aws:events:us-east-1:123456789012:event-bus/orders",
		"Allow secretsmanager:DescribeSecret on arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/api-key-AbCdEf",
	}
	health := append([]string{
		"Allow logs:CreateLogStream on ${HealthLogGroup.Arn}",
		"Allow logs:PutLogEvents on ${HealthLogGroup.Arn}",
		"Allow secretsmanager:GetSecretValue on arn:aws:secretsmanager:us-east-1:123456789012:secret:orders/health-token-AbCdEf",
		"Allow ssm:GetParameter on arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/orders/prod/drain",
	}, shared...)
	canary := append([]string{
		"Allow logs:CreateLogStream on ${CanaryLogGroup.Arn}",
		"Allow logs:PutLogEvents on ${CanaryLogGroup.Arn}",
		`Allow cloudwatch:PutMetricData on * when {"StringEquals":{"cloudwatch:namespace":"Orders/Health"}}`,
	}, shared...)
	for _, tt := range []struct {
		role string
		want []string
	}{{"HealthFunctionRole", health}, {"CanaryFunctionRole", canary}} {
		t.Run(tt.role, func(t *testing.T) {
			_, role := one(t, tmpl, "AWS::IAM::Role", tt.role)
			sort.Strings(tt.want)
			if got := grants(t, role); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s grants:\n got %q\nwant %q", tt.role, got, tt.want)
			}
			managed := role["Properties"].(map[string]any)["ManagedPolicyArns"]
			if got, want := render(managed), "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaENIManagementAccess"; got != want {
				t.Errorf("%s managed policies = %s; want %s", tt.role, got, want)
			}
		})
	}
	// No statement anywhere grants "*" but the namespace-bound PutMetricData;
	// the only separate policies are the deployment hooks' grants (gate_test.go).
	for id, pol := range resources(tmpl, "AWS::IAM::Policy") {
		if !strings.HasPrefix(id, "Gate") && !strings.HasPrefix(id, "DeploymentRole") {
			t.Errorf("unexpected IAM policy %s", id)
		}
		if strings.Contains(render(pol["Properties"]), `"*"`) {
			t.Errorf("%s grants on *: %s", id, render(pol["Properties"]))
		}
	}
}

func TestMinimalStack(t *testing.T) {
	tmpl := synth(t, HealthProps{})
	health, _ := one(t, tmpl, "AWS::Lambda::Function", "HealthFunction")
	canary, _ := one(t, tmpl, "AWS::Lambda::Function", "CanaryFunction")

	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
		"Runtime": "provided.al2023", "Architectures": []any{"arm64"}, "Handler": "bootstrap", "MemorySize": 256, "Timeout": 10,
		"Environment": map[string]any{"Variables": map[string]any{
			"HEALTH_SERVICE": "health", "HEALTH_BUDGET": "2s", "HEALTH_CACHE_TTL": "5s", "HEALTH_DETAILS": "authorized",
			"HEALTH_CHECKS": "[]", "HEALTH_METRICS_NAMESPACE": "ServiceHealth", "HEALTH_METRICS": "api", "GOGC": GOGC,
		}},
	})
	for _, id := range []string{health, canary} {
		p := resources(tmpl, "AWS::Lambda::Function")[id]["Properties"].(map[string]any)
		if _, ok := p["VpcConfig"]; ok {
			t.Errorf("%s has a VpcConfig; want none", id)
		}
	}
	tmpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{"ScheduleExpression": "rate(1 minute)"})
	tmpl.AllResourcesProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 30})

	for _, tt := range []struct {
		role string
		want []string
	}{
		{"HealthFunctionRole", []string{
			"Allow logs:CreateLogStream on ${HealthLogGroup.Arn}",
			"Allow logs:PutLogEvents on ${HealthLogGroup.Arn}",
		}},
		{"CanaryFunctionRole", []string{
			`Allow cloudwatch:PutMetricData on * when {"StringEquals":{"cloudwatch:namespace":"ServiceHealth"}}`,
			"Allow logs:CreateLogStream on ${CanaryLogGroup.Arn}",
			"Allow logs:PutLogEvents on ${CanaryLogGroup.Arn}",
		}},
	} {
		_, role := one(t, tmpl, "AWS::IAM::Role", tt.role)
		if got := grants(t, role); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s grants:\n got %q\nwant %q", tt.role, got, tt.want)
		}
		if m, ok := role["Properties"].(map[string]any)["ManagedPolicyArns"]; ok {
			t.Errorf("%s managed policies = %v; want none", tt.role, m)
		}
	}

	tmpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Alarm"), jsii.Number(2))
	successAlarm("SuccessAlarm", "health", "default", "").check(t, tmpl, nil)
	canaryErrorsAlarm(canary).check(t, tmpl, nil)
	for _, typ := range []string{"AWS::ApiGateway::RestApi", "AWS::Lambda::Url", "AWS::ElasticLoadBalancingV2::TargetGroup",
		"AWS::ElasticLoadBalancingV2::ListenerRule", "AWS::SNS::Topic", "AWS::SNS::Subscription"} {
		tmpl.ResourceCountIs(jsii.String(typ), jsii.Number(0))
	}
	tmpl.ResourceCountIs(jsii.String("AWS::ApiGatewayV2::Route"), jsii.Number(2))
	// Only API Gateway and EventBridge may invoke.
	for id, r := range resources(tmpl, "AWS::Lambda::Permission") {
		p := r["Properties"].(map[string]any)
		if pr := p["Principal"]; pr != "apigateway.amazonaws.com" && pr != "events.amazonaws.com" {
			t.Errorf("%s lets %v invoke; want only API Gateway and EventBridge", id, pr)
		}
	}
}

// topicProps uses an existing topic, EMF metrics, a drain parameter that is
// no path, the checks in an SSM parameter (Checks only name them for the
// alarms) and a bucket without probe; infra/testdata/parity-topic.json.
func topicProps() HealthProps {
	return HealthProps{
		Service:             "billing",
		Metrics:             MetricsEMF,
		DrainParameter:      "billing-drain",
		ChecksParameter:     "billing-checks",
		Bucket:              "billing-reports",
		FunctionURLAuthType: FunctionURLIAM,
		AlarmTopicARN:       "arn:aws:sns:us-east-1:123456789012:oncall",
		AlarmEmail:          "billing@example.com",
		Checks:              []Check{{Common: checks.Common{Name: "reports"}, Spec: s3.Spec{Bucket: "billing-reports"}}},
		DeploymentType:      "Canary10Percent5Minutes",
		CanarySchedule:      "rate(5 minutes)",
	}
}

func TestTopicEMFStack(t *testing.T) {
	props := topicProps()
	tmpl := synth(t, props)
	_, role := one(t, tmpl, "AWS::IAM::Role", "CanaryFunctionRole")
	want := []string{
		"Allow logs:CreateLogStream on ${CanaryLogGroup.Arn}",
		"Allow logs:PutLogEvents on ${CanaryLogGroup.Arn}",
		"Allow s3:ListBucket on arn:${AWS::Partition}:s3:::billing-reports",
		"Allow ssm:GetParameter on arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/billing-checks",
	}
	if got := grants(t, role); !reflect.DeepEqual(got, want) {
		t.Errorf("canary grants (emf: no PutMetricData):\n got %q\nwant %q", got, want)
	}
	// The checks come from the parameter: HEALTH_CHECKS is not set (both at once is a start-up error).
	for _, id := range []string{"HealthFunction", "CanaryFunction"} {
		_, fn := one(t, tmpl, "AWS::Lambda::Function", id)
		vars := fn["Properties"].(map[string]any)["Environment"].(map[string]any)["Variables"].(map[string]any)
		if vars["HEALTH_CHECKS_PARAMETER"] != "billing-checks" || vars["HEALTH_CHECKS"] != nil {
			t.Errorf("%s: HEALTH_CHECKS_PARAMETER = %v, HEALTH_CHECKS = %v; want billing-checks and unset",
				id, vars["HEALTH_CHECKS_PARAMETER"], vars["HEALTH_CHECKS"])
		}
	}
	_, role = one(t, tmpl, "AWS::IAM::Role", "HealthFunctionRole")
	drain := "Allow ssm:GetParameter on arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/billing-drain"
	found := false
	for _, g := range grants(t, role) {
		found = found || g == drain
	}
	if !found {
		t.Errorf("health grants %q lack %q", grants(t, role), drain)
	}
	tmpl.ResourceCountIs(jsii.String("AWS::SNS::Topic"), jsii.Number(0))
	tmpl.HasResourceProperties(jsii.String("AWS::SNS::Subscription"), map[string]any{
		"Protocol": "email", "Endpoint": "billing@example.com", "TopicArn": props.AlarmTopicARN,
	})
	actions := []any{props.AlarmTopicARN}
	a := successAlarm("CheckAlarm1", "billing", "default", "reports")
	a.period = 300 // rate(5 minutes)
	a.check(t, tmpl, actions)
	tmpl.HasResourceProperties(jsii.String("AWS::Lambda::Url"), map[string]any{"AuthType": "AWS_IAM"})
	for id, r := range resources(tmpl, "AWS::Lambda::Permission") {
		if p := r["Properties"].(map[string]any); p["Principal"] == "*" {
			t.Errorf("%s grants invoke to everyone; an AWS_IAM URL needs no such grant", id)
		}
	}
}

// TestAlarmPerCriticalCheck: every critical check gets its alarm, with no
// limit of five (the SAM template's slots), and no other check does.
func TestAlarmPerCriticalCheck(t *testing.T) {
	var specs []Check
	var want []string
	for i := 1; i <= 7; i++ {
		c := Check{Common: checks.Common{Name: fmt.Sprintf("c%d", i)}, Spec: tcp.Spec{Address: fmt.Sprintf("h%d:1", i)}}
		switch i {
		case 2:
			c.Optional = true
		case 3:
			c.Optional = false
		}
		if i != 2 {
			want = append(want, c.Name)
		}
		specs = append(specs, c)
	}
	props := HealthProps{Checks: specs}
	if got := props.CriticalCheckNames(); !reflect.DeepEqual(got, want) {
		t.Fatalf("CriticalCheckNames() = %q; want %q", got, want)
	}
	tmpl := synth(t, props)
	tmpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Alarm"), jsii.Number(float64(2+len(want))))
	for i, name := range want {
		id := fmt.Sprintf("CheckAlarm%d", i+1)
		successAlarm(id, "health", "default", name).check(t, tmpl, nil)
		tmpl.HasOutput(jsii.String(id+"Name"), map[string]any{})
	}
	for id, r := range resources(tmpl, "AWS::CloudWatch::Alarm") {
		for _, d := range list(r["Properties"].(map[string]any)["Dimensions"]) {
			if dim := d.(map[string]any); dim["Name"] == "Check" && dim["Value"] == "c2" {
				t.Errorf("%s alarms on c2, which says critical: false", id)
			}
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		props HealthProps
		field string
	}{
		{"bad service", HealthProps{Service: "a b"}, "Service"},
		{"bad details", HealthProps{Details: "sometimes"}, "Details"},
		{"bad metrics", HealthProps{Metrics: "statsd"}, "Metrics"},
		{"aws namespace", HealthProps{MetricsNamespace: "AWS/Lambda"}, "MetricsNamespace"},
		{"subnets without groups", HealthProps{SubnetIDs: []string{"subnet-1"}}, "SecurityGroupIDs"},
		{"probe without bucket", HealthProps{ProbePrefix: "p"}, "ProbePrefix"},
		{"probe with slash", HealthProps{Bucket: "b", ProbePrefix: "p/"}, "ProbePrefix"},
		{"queue not an ARN", HealthProps{QueueARNs: []string{"https://sqs/q"}}, "QueueARNs[0]"},
		{"bad url auth", HealthProps{FunctionURLAuthType: "OPEN"}, "FunctionURLAuthType"},
		{"bad retention", HealthProps{LogRetention: "FOREVER"}, "LogRetention"},
		{"bad priority", HealthProps{ALBRulePriority: 50001}, "ALBRulePriority"},
		{"duplicate check", HealthProps{Checks: []Check{tcpCheck("a", "h:1"), tcpCheck("a", "h:2")}}, "Checks: HEALTH_CHECKS[1].name"},
		{"bad check field", HealthProps{Checks: []Check{{Common: checks.Common{Name: "q"}, Spec: sqs.Spec{}}}}, "Checks: HEALTH_CHECKS[0].queueUrl"},
		{"iam auth without a db user", HealthProps{Checks: []Check{{Common: checks.Common{Name: "db"},
			Spec: postgres.Spec{Spec: rds.Spec{Host: "h", User: "u", IAMAuth: true}}}}}, "Checks: check db (Checks[0]) needs rds-db:connect on a resource it does not name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.props.Validate()
			if err == nil || !strings.Contains(err.Error(), "HealthProps."+tt.field+":") {
				t.Errorf("Validate() = %v; want an error naming %s", err, tt.field)
			}
		})
	}
	if err := (HealthProps{}).Validate(); err != nil {
		t.Errorf("Validate() of zero props = %v; want nil", err)
	}
	if err := fullProps().Validate(); err != nil {
		t.Errorf("Validate() of full props = %v; want nil", err)
	}
}

func TestNewHealthStackPanicsOnBadProps(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "HealthProps.Details") {
			t.Errorf("NewHealthStack(bad props) panicked with %v; want the Validate error", r)
		}
	}()
	NewHealthStack(awscdk.NewApp(nil), "Bad", &HealthStackProps{HealthProps: HealthProps{Details: "sometimes"}})
}

// TestChecksFile: 12 KB of checks, past Lambda's 4 KB environment, go in
// checks.json beside each bootstrap, named by HEALTH_CHECKS_FILE.
func TestChecksFile(t *testing.T) {
	var list []Check
	for i := 0; i < 100; i++ {
		list = append(list, Check{Common: checks.Common{Name: fmt.Sprintf("db-%03d", i)}, Spec: postgres.Spec{Spec: rds.Spec{
			DSN: fmt.Sprintf("postgres://app:pw-%03d@db-%03d.cluster-abcdefghijkl.eu-west-1.rds.amazonaws.com:5432/orders", i, i)}}})
	}
	want, err := ChecksJSON(list)
	if err != nil || len(want) < 12<<10 {
		t.Fatalf("ChecksJSON: %d bytes, %v; want 12 KB or more", len(want), err)
	}
	props := HealthProps{Checks: list, ChecksFile: true, AssetDir: assetDir(t)}
	tmpl := assertions.Template_FromStack(NewHealthStack(awscdk.NewApp(nil), "Test", &HealthStackProps{HealthProps: props}), nil)
	for id, function := range map[string]string{"HealthFunction": "health", "CanaryFunction": "canary"} {
		_, fn := one(t, tmpl, "AWS::Lambda::Function", id)
		vars := fn["Properties"].(map[string]any)["Environment"].(map[string]any)["Variables"].(map[string]any)
		if vars["HEALTH_CHECKS_FILE"] != ChecksFileName || vars["HEALTH_CHECKS"] != nil {
			t.Errorf("%s: HEALTH_CHECKS_FILE = %v, HEALTH_CHECKS = %v; want %s and unset", id, vars["HEALTH_CHECKS_FILE"], vars["HEALTH_CHECKS"], ChecksFileName)
		}
		staged := filepath.Join(props.AssetDir, function, "arm64-checks")
		if got, err := os.ReadFile(filepath.Join(staged, ChecksFileName)); err != nil || string(got) != want {
			t.Errorf("%s: %s = %d bytes, %v; want the checks' JSON (%d bytes)", id, ChecksFileName, len(got), err, len(want))
		}
		if fi, err := os.Stat(filepath.Join(staged, "bootstrap")); err != nil || fi.Mode().Perm()&0o111 == 0 {
			t.Errorf("%s: no executable bootstrap beside %s: %v", id, ChecksFileName, err)
		}
	}
	both := HealthProps{ChecksFile: true, ChecksParameter: "/orders/checks"}
	if err := both.Validate(); err == nil || !strings.Contains(err.Error(), "HealthProps.ChecksFile") {
		t.Errorf("Validate(ChecksFile and ChecksParameter) = %v; want an error naming ChecksFile", err)
	}
}
