package healthstack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/lambdahealth/lambdahealth/pkg/metrics"
)

// DashboardPeriodSeconds is the period of the dashboard's graphs.
const DashboardPeriodSeconds = 60

// dashboard adds the CloudWatch dashboard: the service's Success and
// Degraded, Success and Duration per check (SEARCH expressions over the
// Check dimension, exactly as template.yaml writes them, so that checks added
// later appear without a deploy), every alarm of the stack, the health
// function's invocations, errors and p50/p99 duration, and the canary's
// errors. Call it after every alarm exists.
func (b *builder) dashboard(health, canary awslambda.Function) {
	var alarms []string
	vars := map[string]*string{
		"MetricsNamespace": jsii.String(b.p.MetricsNamespace),
		"ServiceName":      jsii.String(b.p.Service),
		"Env":              jsii.String(EnvironmentDimension(b.p.Environment)),
		"HealthFunction":   health.FunctionName(),
		"CanaryFunction":   canary.FunctionName(),
		"SloName":          awscdk.Fn_Sub(jsii.String(SLONameTemplate), nil),
		"SloTarget":        jsii.String(strconv.FormatFloat(b.p.SLOTarget, 'f', -1, 64)),
	}
	for _, child := range *b.stack.Node().Children() {
		if alarm, ok := child.(awscloudwatch.CfnAlarm); ok {
			v := fmt.Sprintf("Alarm%d", len(alarms))
			vars[v] = alarm.AttrArn()
			alarms = append(alarms, "${"+v+"}")
		}
	}
	body, err := marshalDashboard(DashboardBody(alarms))
	if err != nil {
		panic(err)
	}
	d := awscloudwatch.NewCfnDashboard(b.stack, jsii.String("Dashboard"), &awscloudwatch.CfnDashboardProps{
		// Dashboards are global to the account: the region keeps one stack
		// name deployable in several regions.
		DashboardName: awscdk.Fn_Sub(jsii.String("${AWS::StackName}-${AWS::Region}"), nil),
		DashboardBody: awscdk.Fn_Sub(jsii.String(body), &vars),
	})
	b.output("DashboardName", "CloudWatch dashboard of the service.", d.Ref())
}

// DashboardBody is the dashboard as CloudWatch's dashboard body structure,
// with Fn::Sub variables for what is known only at deploy time:
// ${MetricsNamespace}, ${ServiceName}, ${Env} (the Environment dimension),
// ${HealthFunction}, ${CanaryFunction}, ${SloName}, ${SloTarget} and
// ${AWS::Region}. alarms are the alarm ARNs (or variables) of the
// alarm-status widget. The SLO's graph is empty when the canary runs less
// often than MaxSLOPeriod (no SLO).
func DashboardBody(alarms []string) map[string]any {
	canary := func(name, stat, label string) []any {
		return []any{"${MetricsNamespace}", name, metrics.DimService, "${ServiceName}", metrics.DimEnvironment, "${Env}",
			map[string]any{"stat": stat, "label": label}}
	}
	search := func(id, name, stat string) map[string]any {
		expr := fmt.Sprintf(`SEARCH('{"${MetricsNamespace}",%s,%s,%s} MetricName="%s" %s="${ServiceName}" %s="${Env}"', '%s', %d)`,
			metrics.DimService, metrics.DimEnvironment, metrics.DimCheck, name, metrics.DimService, metrics.DimEnvironment, stat, DashboardPeriodSeconds)
		return map[string]any{"expression": expr, "id": id}
	}
	lambda := func(fn, name, stat, label string) []any {
		return []any{"AWS/Lambda", name, "FunctionName", fn, map[string]any{"stat": stat, "label": label}}
	}
	graph := func(x, y, w int, title string, metrics []any, yAxis map[string]any) map[string]any {
		props := map[string]any{
			"title": title, "view": "timeSeries", "region": "${AWS::Region}",
			"period": DashboardPeriodSeconds, "metrics": metrics,
		}
		if yAxis != nil {
			props["yAxis"] = map[string]any{"left": yAxis}
		}
		return map[string]any{"type": "metric", "x": x, "y": y, "width": w, "height": 6, "properties": props}
	}
	unit := map[string]any{"min": 0, "max": 1}
	alarmList := make([]any, len(alarms))
	for i, a := range alarms {
		alarmList[i] = a
	}
	return map[string]any{"widgets": []any{
		graph(0, 0, 12, "${ServiceName} (${Env}): canary Success and Degraded", []any{
			canary(metrics.MetricSuccess, "Minimum", "Success (0 = a critical check failed)"),
			canary(metrics.MetricDegraded, "Maximum", "Degraded (1 = warn)"),
			canary(metrics.MetricInMaintenance, "Maximum", "InMaintenance (1 = in a window or switched on)"),
		}, unit),
		map[string]any{"type": "alarm", "x": 12, "y": 0, "width": 12, "height": 6, "properties": map[string]any{
			"title": "Alarms", "alarms": alarmList,
		}},
		graph(0, 6, 12, "Success per check (0 = fail)", []any{[]any{search("s", metrics.MetricSuccess, "Minimum")}}, unit),
		graph(12, 6, 12, "Duration per check (ms)", []any{[]any{search("d", metrics.MetricDuration, "Average")}}, nil),
		graph(0, 12, 8, "Health function: invocations and errors", []any{
			lambda("${HealthFunction}", "Invocations", "Sum", "Invocations"),
			lambda("${HealthFunction}", "Errors", "Sum", "Errors"),
		}, nil),
		graph(8, 12, 8, "Health function: duration (ms)", []any{
			lambda("${HealthFunction}", "Duration", "p50", "p50"),
			lambda("${HealthFunction}", "Duration", "p99", "p99"),
		}, nil),
		graph(16, 12, 8, "Canary: errors", []any{
			lambda("${CanaryFunction}", "Errors", "Sum", "Errors"),
			lambda("${CanaryFunction}", "Invocations", "Sum", "Invocations"),
		}, nil),
		graph(0, 18, 12, "SLO ${SloName}: attainment and remaining error budget (%)", []any{
			[]any{SLONamespace, MetricAttainmentRate, DimSLOName, "${SloName}",
				map[string]any{"id": "attainment", "stat": "Average", "label": "Attainment (goal ${SloTarget})"}},
			[]any{map[string]any{"id": "budget", "label": "Remaining error budget",
				"expression": "100 * (attainment - ${SloTarget}) / (100 - ${SloTarget})"}},
		}, nil),
	}}
}

// marshalDashboard writes body as JSON without HTML escaping (the SEARCH
// expressions keep their quotes readable in the template).
func marshalDashboard(body map[string]any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		return "", fmt.Errorf("encode dashboard: %w", err)
	}
	return string(bytes.TrimSpace(buf.Bytes())), nil
}
