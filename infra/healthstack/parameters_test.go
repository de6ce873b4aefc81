package healthstack

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/postgres"
	"github.com/lambdahealth/lambdahealth/pkg/checks/rds"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sqs"
	"github.com/lambdahealth/lambdahealth/pkg/maintenance"
)

// TestParityConfigs: the template parameter values the parity test feeds
// to SAM give exactly the props these tests assert on.
func TestParityConfigs(t *testing.T) {
	tests := []struct {
		file string
		want HealthProps
	}{
		{"parity-full.json", fullProps()},
		{"parity-minimal.json", HealthProps{}},
		{"parity-topic.json", topicProps()},
		{"parity-route53-https.json", route53Props(Route53HTTPS, 10, 2)},
		{"parity-route53-alarm.json", route53AlarmProps()},
		{"parity-limits.json", limitsProps()},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("..", "testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var params map[string]string
			if err := json.Unmarshal(b, &params); err != nil {
				t.Fatal(err)
			}
			got, err := PropsFromParameters(params)
			if err != nil {
				t.Fatalf("PropsFromParameters(%s): %v", tt.file, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("PropsFromParameters(%s) =\n%+v\nwant\n%+v", tt.file, got, tt.want)
			}
		})
	}
}

// TestParameterNamesMatchTemplate: every template.yaml parameter has its
// prop, and no prop names a parameter the template lacks.
func TestParameterNamesMatchTemplate(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	key := regexp.MustCompile(`^  ([A-Za-z0-9]+):\s*$`)
	var got []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "Parameters:":
			in = true
		case in && line != "" && !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "#"):
			in = false
		case in:
			if m := key.FindStringSubmatch(line); m != nil {
				got = append(got, m[1])
			}
		}
	}
	if !reflect.DeepEqual(got, ParameterNames) {
		t.Errorf("template.yaml parameters = %v;\nParameterNames = %v", got, ParameterNames)
	}
}

// TestTemplateHasNoRemovedParameter: template.yaml keeps no hand-kept list
// of critical checks (CriticalCheck1..5): its SuccessAlarm follows ChecksJson
// by itself. Nothing in the template names a former setting.
func TestTemplateHasNoRemovedParameter(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"CriticalCheck", "CheckAlarm"} {
		if i := strings.Index(string(raw), bad); i >= 0 {
			line := strings.Count(string(raw[:i]), "\n") + 1
			t.Errorf("template.yaml:%d names %s", line, bad)
		}
	}
	for name := range RemovedParameters {
		if slices.Contains(ParameterNames, name) {
			t.Errorf("ParameterNames has the former setting %s", name)
		}
	}
}

func TestPropsFromParametersErrors(t *testing.T) {
	tests := []struct {
		params map[string]string
		want   string
	}{
		{map[string]string{"Servicename": "x"}, "parameter Servicename: unknown"},
		{map[string]string{"Budget": "2 seconds"}, "parameter Budget:"},
		{map[string]string{"LogRetentionDays": "31"}, "parameter LogRetentionDays: 31"},
		{map[string]string{"RestApi": "yes"}, "parameter RestApi:"},
		{map[string]string{"ChecksJson": `[{"name":"a","type":"tcp","adress":"x:1"}]`}, "parameter ChecksJson:"},
		{map[string]string{"AlbRulePriority": "first"}, "parameter AlbRulePriority:"},
	}
	for _, tt := range tests {
		_, err := PropsFromParameters(tt.params)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("PropsFromParameters(%v) = %v; want an error containing %q", tt.params, err, tt.want)
		}
	}
}

func TestPropsFromParametersLists(t *testing.T) {
	got, err := PropsFromParameters(map[string]string{
		"QueueArns": " arn:aws:sqs:us-east-1:1:a , arn:aws:sqs:us-east-1:1:b ,",
		"CacheTtl":  "0s",
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"arn:aws:sqs:us-east-1:1:a", "arn:aws:sqs:us-east-1:1:b"}; !reflect.DeepEqual(got.QueueARNs, want) {
		t.Errorf("QueueARNs = %q; want %q", got.QueueARNs, want)
	}
	if got.CacheTTL == nil || *got.CacheTTL != 0 {
		t.Errorf("CacheTTL = %v; want a pointer to 0", got.CacheTTL)
	}
}

// TestPropsFromParametersCriticalChecks: the CDK stack derives its check
// alarms from ChecksJson alone; CriticalCheck1..5 (the SAM template's former
// slots) and CriticalChecks are former settings, refused with what replaced
// them rather than silently ignored.
func TestPropsFromParametersCriticalChecks(t *testing.T) {
	checks := `[{"name":"db","type":"tcp","address":"db:5432"},{"name":"q","type":"tcp","address":"q:1","critical":false},` +
		`{"name":"s3","type":"tcp","address":"s3:443","critical":true}]`
	six := `[{"name":"a","type":"tcp","address":"a:1"},{"name":"b","type":"tcp","address":"b:1"},{"name":"c","type":"tcp","address":"c:1"},` +
		`{"name":"d","type":"tcp","address":"d:1"},{"name":"e","type":"tcp","address":"e:1"},{"name":"f","type":"tcp","address":"f:1"}]`
	tests := []struct {
		name   string
		params map[string]string
		want   string // "" = no error; else a substring of the error
	}{
		{"from ChecksJson", map[string]string{"ChecksJson": checks}, ""},
		{"six critical checks", map[string]string{"ChecksJson": six}, ""},
		{"CriticalCheck1 is gone", map[string]string{"ChecksJson": checks, "CriticalCheck1": "db"},
			`parameter CriticalCheck1: no longer a setting: every check in ChecksJson gets an alarm unless it says "critical": false`},
		{"CriticalCheck5 is gone", map[string]string{"ChecksJson": checks, "CriticalCheck5": "s3"},
			"parameter CriticalCheck5: no longer a setting"},
		{"CriticalChecks is gone", map[string]string{"ChecksJson": checks, "CriticalChecks": "db,s3"},
			"parameter CriticalChecks: no longer a setting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PropsFromParameters(tt.params)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("PropsFromParameters() = %v; want no error", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("PropsFromParameters() = %v; want an error containing %q", err, tt.want)
			case tt.want == "" && tt.params["ChecksJson"] == checks:
				if got, want := p.CriticalCheckNames(), []string{"db", "s3"}; !reflect.DeepEqual(got, want) {
					t.Errorf("CriticalCheckNames() = %q; want %q", got, want)
				}
			}
		})
	}
}

func TestChecksJSON(t *testing.T) {
	specs := []Check{
		{Common: checks.Common{Name: "db", Timeout: checks.Duration(1500 * time.Millisecond)}, Spec: postgres.Spec{Spec: rds.Spec{Host: "h", User: "u", IAMAuth: true}}},
		{Common: checks.Common{Name: "q"}, Spec: sqs.Spec{QueueURL: "https://sqs.example/1/q?a=b&c=<d>", MaxDepth: ptr(int64(0))}},
	}
	got, err := ChecksJSON(specs)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"name":"db","type":"postgres","timeout":"1.5s","host":"h","user":"u","iamAuth":true},` +
		`{"name":"q","type":"sqs","queueUrl":"https://sqs.example/1/q?a=b&c=<d>","maxDepth":0}]`
	if got != want {
		t.Errorf("ChecksJSON() = %s; want %s", got, want)
	}
	var back []Check
	if err := json.Unmarshal([]byte(got), &back); err != nil {
		t.Fatal(err)
	}
	if again, _ := ChecksJSON(back); again != got {
		t.Errorf("round trip = %s; want %s", again, got)
	}
	if got, _ := ChecksJSON(nil); got != "[]" {
		t.Errorf("ChecksJSON(nil) = %s; want []", got)
	}
}

// TestMaintenanceWindowsMaxLength: template.yaml's MaintenanceWindows takes
// at most maintenance.MaxBytes, what the functions (and this construct,
// through maintenance.Parse) accept.
func TestMaintenanceWindowsMaxLength(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^  MaintenanceWindows:\n(?:    .*\n)*?    MaxLength: (\d+)`).FindSubmatch(raw)
	if m == nil {
		t.Fatal("template.yaml: MaintenanceWindows has no MaxLength")
	}
	if n, _ := strconv.Atoi(string(m[1])); n != maintenance.MaxBytes {
		t.Errorf("template.yaml: MaintenanceWindows MaxLength %d; want maintenance.MaxBytes, %d", n, maintenance.MaxBytes)
	}
	long := HealthProps{MaintenanceWindows: []maintenance.Window{{Cron: "0 3 * * 0", Duration: time.Hour,
		Reason: strings.Repeat("x", maintenance.MaxBytes)}}}
	if err := long.Validate(); err == nil || !strings.Contains(err.Error(), "MaintenanceWindows") {
		t.Errorf("Validate with %d bytes of windows = %v; want an error naming MaintenanceWindows", maintenance.MaxBytes, err)
	}
}
