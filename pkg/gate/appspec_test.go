package gate

import (
	"context"
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
	"github.com/lambdahealth/lambdahealth/pkg/lambdahttp"
)

func TestParseAppSpec(t *testing.T) {
	for _, tt := range []struct {
		name, content string
		want          appSpecTarget
		problem       string
	}{
		{"json as CloudFormation writes it", lambdaAppSpec,
			appSpecTarget{Name: "orders-health", Alias: "live", CurrentVersion: "6", TargetVersion: "7"}, ""},
		{"yaml with numeric versions", "version: 0.0\nResources:\n  - fn:\n      Type: AWS::Lambda::Function\n" +
			"      Properties:\n        Name: orders-health\n        Alias: live\n        CurrentVersion: 1\n        TargetVersion: 2\n",
			appSpecTarget{Name: "orders-health", Alias: "live", CurrentVersion: "1", TargetVersion: "2"}, ""},
		{"no function", `{"version":0.0,"Resources":[{"svc":{"Type":"AWS::ECS::Service"}}]}`, appSpecTarget{}, "names no AWS::Lambda::Function"},
		{"no resources", `{"version":0.0}`, appSpecTarget{}, "names no AWS::Lambda::Function"},
		{"two functions", `{"Resources":[{"a":{"Type":"AWS::Lambda::Function","Properties":{"Name":"a","Alias":"l","TargetVersion":"1"}}},
			{"b":{"Type":"AWS::Lambda::Function","Properties":{"Name":"b","Alias":"l","TargetVersion":"1"}}}]}`, appSpecTarget{}, "names 2 functions"},
		{"no name", `{"Resources":[{"a":{"Type":"AWS::Lambda::Function","Properties":{"Alias":"l","TargetVersion":"1"}}}]}`, appSpecTarget{}, "no Name"},
		{"no target version", `{"Resources":[{"a":{"Type":"AWS::Lambda::Function","Properties":{"Name":"a","Alias":"l"}}}]}`, appSpecTarget{}, "no TargetVersion"},
		{"not yaml", "{[", appSpecTarget{}, "not JSON or YAML"},
		{"$LATEST", fnAppSpec(`"1"`, `$LATEST`), appSpecTarget{Name: "a", Alias: "live", CurrentVersion: "1", TargetVersion: "$LATEST"}, ""},
		{"no current version", `{"Resources":[{"a":{"Type":"AWS::Lambda::Function","Properties":{"Name":"a","Alias":"live","TargetVersion":"2"}}}]}`,
			appSpecTarget{Name: "a", Alias: "live", TargetVersion: "2"}, ""},
		{"leading zero (YAML octal 8)", fnAppSpec("1", "010"), appSpecTarget{}, "TargetVersion must be a version number"},
		{"quoted leading zero", fnAppSpec("1", `"010"`), appSpecTarget{}, "TargetVersion must be a version number"},
		{"hex (YAML 31)", fnAppSpec("1", "0x1F"), appSpecTarget{}, "TargetVersion must be a version number"},
		{"decimal fraction (float 1.1)", fnAppSpec("1", "1.10"), appSpecTarget{}, "TargetVersion must be a version number"},
		{"bool", fnAppSpec("1", "true"), appSpecTarget{}, "TargetVersion must be a version number"},
		{"list", fnAppSpec("1", `["2"]`), appSpecTarget{}, "TargetVersion must be a version number"},
		{"map", fnAppSpec("1", `{"v":2}`), appSpecTarget{}, "TargetVersion must be a version number"},
		{"negative", fnAppSpec("1", "-2"), appSpecTarget{}, "TargetVersion must be a version number"},
		{"current version kept as written", fnAppSpec("0x1", "2"), appSpecTarget{Name: "a", Alias: "live", CurrentVersion: "0x1", TargetVersion: "2"}, ""},
		{"first deployment's current version 0", fnAppSpec(`"0"`, "1"), appSpecTarget{Name: "a", Alias: "live", CurrentVersion: "0", TargetVersion: "1"}, ""},
		{"target version 0", fnAppSpec("1", `"0"`), appSpecTarget{}, "TargetVersion must be a version number"},
		{"duplicate key", `{"Resources":[{"a":{"Type":"AWS::Lambda::Function","Properties":{"Name":"a","Alias":"live","TargetVersion":"2","TargetVersion":"3"}}}]}`,
			appSpecTarget{}, "not JSON or YAML"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseAppSpec(tt.content)
			if tt.problem == "" {
				if err != nil || got != tt.want {
					t.Errorf("parseAppSpec = %+v, %v; want %+v", got, err, tt.want)
				}
				return
			}
			if !errors.Is(err, ErrAppSpec) || !strings.Contains(err.Error(), tt.problem) {
				t.Errorf("parseAppSpec error = %v; want ErrAppSpec saying %q", err, tt.problem)
			}
		})
	}
}

// fnAppSpec is a Lambda AppSpec for function a, alias live, with the
// versions written as given (raw YAML/JSON).
func fnAppSpec(current, target string) string {
	return `{"version":0.0,"Resources":[{"a":{"Type":"AWS::Lambda::Function","Properties":{"Name":"a","Alias":"live",` +
		`"CurrentVersion":` + current + `,"TargetVersion":` + target + `}}}]}`
}

func TestParseAnswer(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString([]byte(failBody))
	for _, tt := range []struct {
		name, payload string
		want          healthAnswer
		ok            bool
		problem       string
	}{
		{"v2 pass", `{"statusCode":200,"body":"{\"status\":\"pass\"}"}`, healthAnswer{StatusCode: 200, Status: "pass"}, true, ""},
		{"alb base64 fail", `{"statusCode":503,"statusDescription":"503 Service Unavailable","isBase64Encoded":true,"body":"` + b64 + `"}`,
			healthAnswer{StatusCode: 503, Status: "fail", Failing: []string{"orders-db: connection refused"}}, false, ""},
		{"200 without a health body", `{"statusCode":200,"body":"ok"}`, healthAnswer{StatusCode: 200}, false, ""},
		{"error document", `{"errorType":"Runtime.ExitError","errorMessage":"exit status 2"}`, healthAnswer{}, false, "function error (Runtime.ExitError)"},
		{"not an HTTP response", `null`, healthAnswer{}, false, "not an HTTP response"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseAnswer([]byte(tt.payload))
			if tt.problem != "" {
				if err == nil || !strings.Contains(err.Error(), tt.problem) {
					t.Errorf("parseAnswer error = %v; want %q", err, tt.problem)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) || got.OK() != tt.ok {
				t.Errorf("parseAnswer = %+v (ok %v), %v; want %+v (ok %v)", got, got.OK(), err, tt.want, tt.ok)
			}
		})
	}
}

func TestRequestShapes(t *testing.T) {
	for _, shape := range Shapes {
		b, err := readinessRequest(shape, DefaultPath, "arn:aws:lambda:us-east-1:1:function:gate")
		if err != nil || !strings.Contains(string(b), `"/health/ready"`) {
			t.Errorf("readinessRequest(%s) = %s, %v", shape, b, err)
		}
		if shape != ShapeALB && !strings.Contains(string(b), "function:gate") {
			t.Errorf("readinessRequest(%s) = %s; want the gate as the IAM caller", shape, b)
		}
	}
}

// Every shape is an event the health function understands, and the gate's
// IAM identity unlocks the details it logs (an ALB has no IAM: status only).
func TestRequestThroughHealthHandler(t *testing.T) {
	checker, err := health.NewChecker([]health.Check{{Name: "orders-db",
		Probe: func(context.Context) (health.Observation, error) {
			return health.Observation{}, health.WithClass(health.ClassRefused, errors.New("dial"))
		}}})
	if err != nil {
		t.Fatal(err)
	}
	adapter := lambdahttp.New(checktest.Handler(t, checker, healthhttp.WithDetails(healthhttp.DetailsAuthorized),
		healthhttp.WithIAMCaller(lambdahttp.IAMCaller)))
	for _, shape := range Shapes {
		t.Run(shape, func(t *testing.T) {
			payload, _ := readinessRequest(shape, DefaultPath, "arn:aws:lambda:us-east-1:1:function:gate")
			out, err := adapter.Invoke(context.Background(), payload)
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			ans, err := parseAnswer(out)
			if err != nil {
				t.Fatalf("parseAnswer(%s): %v", out, err)
			}
			want := healthAnswer{StatusCode: 503, Status: "fail", Failing: []string{"orders-db: connection refused"}}
			if shape == ShapeALB {
				want.Failing = nil
			}
			if !reflect.DeepEqual(ans, want) {
				t.Errorf("answer = %+v; want %+v", ans, want)
			}
		})
	}
}
