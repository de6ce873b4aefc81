package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"

	"github.com/lambdahealth/lambdahealth/infra/healthstack"
	"github.com/lambdahealth/lambdahealth/infra/healthstack/healthstacktest"
	"github.com/lambdahealth/lambdahealth/pkg/controls"
	"github.com/lambdahealth/lambdahealth/pkg/metrics"
)

// template is OrdersService's template: the file `make example-cdk` wrote
// when CDKAPP_TEMPLATE names it, else synthesized here with stub bootstraps.
func template(t *testing.T) map[string]any {
	t.Helper()
	if path := os.Getenv("CDKAPP_TEMPLATE"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var tmpl map[string]any
		if err := json.Unmarshal(b, &tmpl); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return tmpl
	}
	stack := NewOrdersStack(awscdk.NewApp(nil), "OrdersService", healthstacktest.AssetDir(t))
	return *assertions.Template_FromStack(stack, nil).ToJSON()
}

// only returns the logical ID of the one resource of type typ.
func only(t *testing.T, resources map[string]any, typ string) string {
	t.Helper()
	var ids []string
	for id, r := range resources {
		if r.(map[string]any)["Type"] == typ {
			ids = append(ids, id)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("resources of type %s: %v; want one", typ, ids)
	}
	return ids[0]
}

// functionsOf returns the properties of lambdahealth's functions by their tag.
func functionsOf(resources map[string]any) map[string]map[string]any {
	fns := map[string]map[string]any{}
	for _, r := range resources {
		r := r.(map[string]any)
		if r["Type"] != "AWS::Lambda::Function" {
			continue
		}
		props := r["Properties"].(map[string]any)
		tags, _ := props["Tags"].([]any)
		for _, tag := range tags {
			tag := tag.(map[string]any)
			if tag["Key"] == healthstack.FunctionTagKey {
				fns[tag["Value"].(string)] = props
			}
		}
	}
	return fns
}

// statements returns the statements of the role of a function's properties:
// inline, and in the stack's managed policies that the role attaches.
func statements(t *testing.T, resources map[string]any, fn map[string]any) []map[string]any {
	t.Helper()
	roleID := fn["Role"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
	role := resources[roleID].(map[string]any)["Properties"].(map[string]any)
	var out []map[string]any
	for _, doc := range healthstacktest.PolicyDocuments(resources, role) {
		for _, s := range doc["Statement"].([]any) {
			out = append(out, s.(map[string]any))
		}
	}
	return out
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

func TestHealthGrantsExactlyTheTeamsResources(t *testing.T) {
	tmpl := template(t)
	resources := tmpl["Resources"].(map[string]any)
	table, queue := only(t, resources, "AWS::DynamoDB::Table"), only(t, resources, "AWS::SQS::Queue")
	want := map[string]any{
		"dynamodb:DescribeTable": map[string]any{"Fn::GetAtt": []any{table, "Arn"}},
		"sqs:GetQueueAttributes": map[string]any{"Fn::GetAtt": []any{queue, "Arn"}},
	}
	fns := functionsOf(resources)
	for _, name := range []string{"health", "canary"} {
		fn, ok := fns[name]
		if !ok {
			t.Fatalf("no %s function (tag %s)", name, healthstack.FunctionTagKey)
		}
		for action, resource := range want {
			var got []any
			for _, s := range statements(t, resources, fn) {
				for _, a := range asList(s["Action"]) {
					if a == action {
						got = append(got, asList(s["Resource"])...)
					}
				}
			}
			if !reflect.DeepEqual(got, []any{resource}) {
				t.Errorf("%s function: %s on %v; want exactly %v", name, action, got, resource)
			}
		}
	}
}

func TestHealthChecksReferenceTheTeamsResources(t *testing.T) {
	tmpl := template(t)
	resources := tmpl["Resources"].(map[string]any)
	table, queue := only(t, resources, "AWS::DynamoDB::Table"), only(t, resources, "AWS::SQS::Queue")
	env := functionsOf(resources)["health"]["Environment"].(map[string]any)["Variables"].(map[string]any)
	join, ok := env["HEALTH_CHECKS"].(map[string]any)["Fn::Join"].([]any)
	if !ok {
		t.Fatalf("HEALTH_CHECKS = %v; want an Fn::Join of the checks and the resources' references", env["HEALTH_CHECKS"])
	}
	// Join with stand-ins for the references: the JSON the function gets.
	refs := map[string]string{table: "orders-table-name", queue: "https://sqs.example/orders-queue"}
	var b strings.Builder
	for _, part := range join[1].([]any) {
		switch p := part.(type) {
		case string:
			b.WriteString(p)
		case map[string]any:
			id, _ := p["Ref"].(string)
			v, ok := refs[id]
			if !ok {
				t.Fatalf("HEALTH_CHECKS holds %v; want only Ref of the table and the queue", p)
			}
			b.WriteString(v)
		}
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(b.String()), &got); err != nil {
		t.Fatalf("HEALTH_CHECKS is not JSON once joined: %v\n%s", err, b.String())
	}
	want := []map[string]any{
		{"name": "orders-table", "type": "dynamodb", "table": "orders-table-name"},
		{"name": "order-jobs", "type": "sqs", "critical": false, "queueUrl": "https://sqs.example/orders-queue"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("HEALTH_CHECKS = %v; want %v", got, want)
	}
}

func TestNoParameterToFillIn(t *testing.T) {
	params, _ := template(t)["Parameters"].(map[string]any)
	for name, p := range params {
		if _, ok := p.(map[string]any)["Default"]; !ok {
			t.Errorf("parameter %s has no default: the user would have to fill it in", name)
		}
	}
}

func TestCriticalChecksGetTheirAlarm(t *testing.T) {
	resources := template(t)["Resources"].(map[string]any)
	var checks []string
	for _, r := range resources {
		r := r.(map[string]any)
		if r["Type"] != "AWS::CloudWatch::Alarm" {
			continue
		}
		for _, d := range r["Properties"].(map[string]any)["Dimensions"].([]any) {
			if d := d.(map[string]any); d["Name"] == metrics.DimCheck {
				checks = append(checks, d["Value"].(string))
			}
		}
	}
	if !reflect.DeepEqual(checks, []string{"orders-table"}) {
		t.Errorf("per-check alarms on %v; want only the critical orders-table", checks)
	}
}

// The health and canary functions package bootstraps the construct built
// at synth with only the kinds of the team's checks (LeanBootstraps): they
// link the dynamodb and sqs kinds and no other. Read from the assets of
// the cdk.out that `make example-cdk` wrote.
func TestLeanBootstrapsPackaged(t *testing.T) {
	path := os.Getenv("CDKAPP_TEMPLATE")
	if path == "" {
		// Synthesized in process, the stack's assets are not written out;
		// `make example-cdk` sets CDKAPP_TEMPLATE, and must.
		if os.Getenv("HEALTH_REQUIRE_INTEGRATION") == "1" {
			t.Fatal("CDKAPP_TEMPLATE is not set: run `make example-cdk`, which synthesizes to cdk.out first")
		}
		t.Skip("reads the assets of `make example-cdk`'s cdk.out (CDKAPP_TEMPLATE)")
	}
	resources := template(t)["Resources"].(map[string]any)
	seen := 0
	for id, r := range resources {
		r := r.(map[string]any)
		if r["Type"] != "AWS::Lambda::Function" || !(strings.Contains(id, "HealthFunction") || strings.Contains(id, "CanaryFunction")) {
			continue
		}
		asset, _ := r["Metadata"].(map[string]any)["aws:asset:path"].(string)
		bootstrap := filepath.Join(filepath.Dir(path), asset, "bootstrap")
		out, err := exec.Command("go", "version", "-m", bootstrap).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: go version -m %s: %v\n%s", id, bootstrap, err, out)
		}
		// The health function also links the status page's history.
		want := "-tags=lambda.norpc,kinds,kind_dynamodb,kind_sqs"
		if strings.Contains(id, "HealthFunction") {
			want += ",control_" + controls.HistoryControl
		}
		if !strings.Contains(string(out), want+"\n") {
			t.Errorf("%s: bootstrap built with\n%s\nwant %s", id, out, want)
		}
		seen++
	}
	if seen != 2 {
		t.Errorf("found %d health/canary functions; want 2", seen)
	}
}
