package healthstack

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
)

// The health function is deployed through CodeDeploy: an alias with a
// CodeDeploy update policy naming the two gates as hooks, a deployment
// group rolling back on the service's alarm, and least-privilege gates.
func TestDeploymentGate(t *testing.T) {
	tmpl := synth(t, topicProps())
	alias, a := one(t, tmpl, "AWS::Lambda::Alias", "HealthFunctionAlias")
	if got := a["Properties"].(map[string]any)["Name"]; got != AliasName {
		t.Errorf("alias name = %v; want %s", got, AliasName)
	}
	pre, _ := one(t, tmpl, "AWS::Lambda::Function", "GatePreTrafficFunction")
	post, _ := one(t, tmpl, "AWS::Lambda::Function", "GatePostTrafficFunction")
	group, g := one(t, tmpl, "AWS::CodeDeploy::DeploymentGroup", "HealthDeploymentGroup")
	update := a["UpdatePolicy"].(map[string]any)["CodeDeployLambdaAliasUpdate"].(map[string]any)
	for k, want := range map[string]string{"BeforeAllowTrafficHook": pre, "AfterAllowTrafficHook": post, "DeploymentGroupName": group} {
		if got := render(update[k]); got != render(map[string]any{"Ref": want}) {
			t.Errorf("%s UpdatePolicy %s = %s; want %s", alias, k, got, want)
		}
	}
	gp := g["Properties"].(map[string]any)
	if got := gp["DeploymentConfigName"]; got != "CodeDeployDefault.LambdaCanary10Percent5Minutes" {
		t.Errorf("DeploymentConfigName = %v", got)
	}
	if got := render(gp["AlarmConfiguration"].(map[string]any)["Alarms"].([]any)[0].(map[string]any)["Name"]); got != "${SuccessAlarm}" {
		t.Errorf("AlarmConfiguration = %s; want the service's alarm", got)
	}
	// Every front door invokes the alias, never $LATEST.
	for id, p := range resources(tmpl, "AWS::Lambda::Permission") {
		fn := render(p["Properties"].(map[string]any)["FunctionName"])
		if strings.Contains(fn, "HealthFunction") && fn != "${HealthFunctionAlias}" {
			t.Errorf("%s grants on %s; want the alias", id, fn)
		}
	}
	for _, tt := range []struct {
		role  string
		extra []string
	}{
		{"GatePreTrafficFunctionRole", nil},
		{"GatePostTrafficFunctionRole", []string{"Allow cloudwatch:DescribeAlarms on ${SuccessAlarm.Arn}", "Allow cloudwatch:DescribeAlarms on ${CheckAlarm1.Arn}"}},
	} {
		t.Run(tt.role, func(t *testing.T) {
			id, role := one(t, tmpl, "AWS::IAM::Role", tt.role)
			got := grants(t, tmpl, role)
			// The deployment group grants the hook call in a policy of its own.
			for _, pol := range resources(tmpl, "AWS::IAM::Policy") {
				pp := pol["Properties"].(map[string]any)
				if render(pp["Roles"]) == render(map[string]any{"Ref": id}) {
					got = append(got, grants(t, nil, map[string]any{"Properties": map[string]any{
						"Policies": []any{map[string]any{"PolicyDocument": pp["PolicyDocument"]}}}})...)
				}
			}
			fnName := strings.TrimSuffix(tt.role, "Role")
			dg := "arn:${AWS::Partition}:codedeploy:${AWS::Region}:${AWS::AccountId}:deploymentgroup:${DeploymentApplication}/${HealthDeploymentGroup}"
			want := append([]string{
				"Allow logs:CreateLogStream on ${" + strings.TrimSuffix(fnName, "Function") + "LogGroup.Arn}",
				"Allow logs:PutLogEvents on ${" + strings.TrimSuffix(fnName, "Function") + "LogGroup.Arn}",
				"Allow codedeploy:GetDeployment on " + dg,
				"Allow codedeploy:PutLifecycleEventHookExecutionStatus on " + dg,
				"Allow lambda:InvokeFunction on ${HealthFunction.Arn}:*",
			}, tt.extra...)
			sort.Strings(got)
			sort.Strings(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s grants:\n got %q\nwant %q", tt.role, got, want)
			}
		})
	}
	tmpl.ResourceCountIs(jsii.String("AWS::CodeDeploy::Application"), jsii.Number(1))
}

// template.yaml's DeploymentType takes exactly DeploymentTypes.
func TestDeploymentTypesMatchTemplate(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "\n  DeploymentType:\n")
	line := ""
	for _, l := range strings.Split(rest, "\n") {
		if v, found := strings.CutPrefix(strings.TrimSpace(l), "AllowedValues: "); found {
			line = v
			break
		}
	}
	var got []string
	for _, v := range strings.Split(strings.Trim(line, "[]"), ",") {
		got = append(got, strings.TrimSpace(v))
	}
	if !ok || !reflect.DeepEqual(got, DeploymentTypes) {
		t.Errorf("template.yaml DeploymentType AllowedValues = %q; want DeploymentTypes %q", got, DeploymentTypes)
	}
}
