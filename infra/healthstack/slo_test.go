package healthstack

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/jsii-runtime-go"

	"github.com/lambdahealth/lambdahealth/pkg/maintenance"
	"github.com/lambdahealth/lambdahealth/pkg/metrics"
)

// TestSLO: the SLO is period-based on the canary's service-level Success and
// InMaintenance, one canary interval per period (rate(2 minutes): 120 s),
// with SLOTarget over a rolling SLODays and the fast and slow burn rates.
func TestSLO(t *testing.T) {
	tmpl := synth(t, fullProps())
	_, slo := one(t, tmpl, "AWS::ApplicationSignals::ServiceLevelObjective", "AvailabilitySlo")
	p := slo["Properties"].(map[string]any)
	if got, want := p["Name"], map[string]any{"Fn::Sub": SLONameTemplate}; !reflect.DeepEqual(got, want) {
		t.Errorf("Name = %v; want %v", got, want)
	}
	goal := map[string]any{"AttainmentGoal": 99.5, "Interval": map[string]any{
		"RollingInterval": map[string]any{"Duration": float64(28), "DurationUnit": "DAY"}}}
	if !reflect.DeepEqual(p["Goal"], goal) {
		t.Errorf("Goal = %v; want %v", p["Goal"], goal)
	}
	var windows []any
	for _, a := range BurnRateAlarms {
		windows = append(windows, map[string]any{"LookBackWindowMinutes": float64(a.WindowMinutes)})
	}
	if !reflect.DeepEqual(p["BurnRateConfigurations"], windows) {
		t.Errorf("BurnRateConfigurations = %v; want %v", p["BurnRateConfigurations"], windows)
	}
	dims := []any{map[string]any{"Name": metrics.DimService, "Value": "orders"}, map[string]any{"Name": metrics.DimEnvironment, "Value": "prod"}}
	stat := func(id, metric, statistic string) map[string]any {
		return map[string]any{"Id": id, "ReturnData": false, "MetricStat": map[string]any{
			"Metric": map[string]any{"Namespace": "Orders/Health", "MetricName": metric, "Dimensions": dims},
			"Period": float64(120), "Stat": statistic}}
	}
	sli := map[string]any{"ComparisonOperator": "GreaterThanOrEqualTo", "MetricThreshold": float64(1),
		"SliMetric": map[string]any{"PeriodSeconds": float64(120), "MetricDataQueries": []any{
			stat("success", metrics.MetricSuccess, "Minimum"),
			stat("maintenance", metrics.MetricInMaintenance, "Maximum"),
			map[string]any{"Id": "good", "Expression": SLIExpression, "ReturnData": true},
		}}}
	if !reflect.DeepEqual(p["Sli"], sli) {
		t.Errorf("Sli =\n%v\nwant\n%v", p["Sli"], sli)
	}
	for _, a := range BurnRateAlarms {
		_, alarm := one(t, tmpl, "AWS::CloudWatch::Alarm", a.ID)
		ap := alarm["Properties"].(map[string]any)
		want := map[string]any{"Namespace": SLONamespace, "MetricName": MetricBurnRate, "Threshold": a.Threshold,
			"Period": float64(120), "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching",
			"Dimensions": []any{map[string]any{"Name": DimSLOName, "Value": map[string]any{"Fn::Sub": SLONameTemplate}},
				map[string]any{"Name": DimBurnRateWindowMinutes, "Value": fmt.Sprint(a.WindowMinutes)}},
			"AlarmActions": nil}
		for k, w := range want {
			if !reflect.DeepEqual(ap[k], w) {
				t.Errorf("%s.%s = %#v; want %#v", a.ID, k, ap[k], w)
			}
		}
	}
}

// TestNotifyingAlarm: the composite alarm is the only one that notifies the
// topic, on every other alarm of the stack, and InMaintenanceAlarm
// suppresses it for two runs before and five after.
func TestNotifyingAlarm(t *testing.T) {
	tmpl := synth(t, fullProps())
	a := alarm{id: "InMaintenanceAlarm", namespace: "Orders/Health", metric: metrics.MetricInMaintenance, statistic: "Maximum",
		dims:       map[string]any{"Service": "orders", "Environment": "prod"},
		comparison: "GreaterThanOrEqualToThreshold", missing: "notBreaching", threshold: 1, period: 120, evaluation: 1, datapoints: 1}
	a.check(t, tmpl)
	topic, _ := one(t, tmpl, "AWS::SNS::Topic", "AlarmTopic")
	suppressor, _ := one(t, tmpl, "AWS::CloudWatch::Alarm", "InMaintenanceAlarm")
	_, c := one(t, tmpl, "AWS::CloudWatch::CompositeAlarm", "NotifyingAlarm")
	p := c["Properties"].(map[string]any)
	wait, extension := SuppressionPeriods(2 * time.Minute)
	actions := []any{map[string]any{"Ref": topic}}
	for k, w := range map[string]any{"ActionsSuppressor": map[string]any{"Ref": suppressor},
		"ActionsSuppressorWaitPeriod": wait.Seconds(), "ActionsSuppressorExtensionPeriod": extension.Seconds(),
		"AlarmActions": actions, "OKActions": actions} {
		if !reflect.DeepEqual(p[k], w) {
			t.Errorf("NotifyingAlarm.%s = %#v; want %#v", k, p[k], w)
		}
	}
	sub := p["AlarmRule"].(map[string]any)["Fn::Sub"].([]any)
	rule, vars := sub[0].(string), sub[1].(map[string]any)
	var ruled []string
	for _, v := range vars {
		ruled = append(ruled, v.(map[string]any)["Ref"].(string))
	}
	var all []string
	for id := range resources(tmpl, "AWS::CloudWatch::Alarm") {
		if id != suppressor {
			all = append(all, id)
		}
	}
	if len(ruled) != len(all) || len(all) != 8 || strings.Count(rule, "ALARM(") != len(all) {
		t.Errorf("NotifyingAlarm rule %q on %v; want ALARM(...) OR ... on every alarm but InMaintenance: %v", rule, ruled, all)
	}
}

// TestNoNotificationWithoutTopic: without a topic no composite alarm; the
// metric alarms still exist (dashboard, gate, Route 53).
func TestNoNotificationWithoutTopic(t *testing.T) {
	tmpl := synth(t, HealthProps{})
	tmpl.ResourceCountIs(jsii.String("AWS::CloudWatch::CompositeAlarm"), jsii.Number(0))
	tmpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Alarm"), jsii.Number(5))
	tmpl.ResourceCountIs(jsii.String("AWS::ApplicationSignals::ServiceLevelObjective"), jsii.Number(1))
}

// TestNoSLOForRareCanary: a canary that runs less often than MaxSLOPeriod
// gets no SLO (a period without a run would be bad) and no burn-rate alarm.
func TestNoSLOForRareCanary(t *testing.T) {
	for schedule, want := range map[string]bool{"rate(1 minute)": true, "rate(15 minutes)": true, "rate(16 minutes)": false, "rate(1 hour)": false} {
		if got := HasSLO(schedule); got != want {
			t.Errorf("HasSLO(%q) = %v; want %v", schedule, got, want)
		}
	}
	tmpl := synth(t, HealthProps{CanarySchedule: "rate(30 minutes)", AlarmEmail: "oncall@example.com"})
	tmpl.ResourceCountIs(jsii.String("AWS::ApplicationSignals::ServiceLevelObjective"), jsii.Number(0))
	tmpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Alarm"), jsii.Number(3))
	tmpl.ResourceCountIs(jsii.String("AWS::CloudWatch::CompositeAlarm"), jsii.Number(1))
}

// TestMaintenanceAndSLOPropsValidated: bad windows, target and days fail
// Validate, each naming its field (the windows' as the functions do).
func TestMaintenanceAndSLOPropsValidated(t *testing.T) {
	start := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	err := HealthProps{
		MaintenanceWindows: []maintenance.Window{
			{Cron: "0 3 * * 0", Duration: time.Hour, Reason: "patching"},
			{Start: start, End: start.Add(-time.Hour), Reason: "db"},
			{Cron: "0 0 0 3 * *", Duration: time.Hour, Reason: "six fields"},
		},
		SLOTarget: 100,
		SLODays:   400,
	}.Validate()
	for _, want := range []string{"HealthProps.MaintenanceWindows[1].end: before start", "HealthProps.MaintenanceWindows[2].cron:",
		"HealthProps.SLOTarget: 100 is not", "HealthProps.SLODays: 400 is not from 1 to 365"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v; want %q", err, want)
		}
	}
	if err := (HealthProps{MaintenanceWindows: []maintenance.Window{{Cron: "0 3 * * 0", Duration: time.Hour, Reason: "patching"}}}).Validate(); err != nil {
		t.Errorf("Validate() with a good window = %v", err)
	}
}
