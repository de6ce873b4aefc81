package healthstack

import (
	"strings"
	"testing"
)

// route53Props is service orders in prod with these Route 53 settings (with
// 10 s and 2: infra/testdata/parity-route53-https.json, TestParityConfigs).
func route53Props(mode Route53Mode, interval, threshold int) HealthProps {
	return HealthProps{Service: "orders", Environment: "prod",
		Route53: Route53Props{Mode: mode, IntervalSeconds: interval, FailureThreshold: threshold}}
}

// route53AlarmProps are infra/testdata/parity-route53-alarm.json's props
// (TestParityConfigs).
func route53AlarmProps() HealthProps {
	p := route53Props(Route53Alarm, 0, 0)
	p.Checks = []Check{tcpCheck("orders-db", "orders-db.internal:5432")}
	return p
}

func healthCheckConfig(t *testing.T, props HealthProps) map[string]any {
	t.Helper()
	_, hc := one(t, synth(t, props), "AWS::Route53::HealthCheck", "HealthCheck")
	return hc["Properties"].(map[string]any)["HealthCheckConfig"].(map[string]any)
}

func TestRoute53HTTPS(t *testing.T) {
	cfg := healthCheckConfig(t, route53Props(Route53HTTPS, 10, 2))
	want := map[string]string{
		"Type": "HTTPS", "FullyQualifiedDomainName": "${HealthHttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}",
		"Port": "443", "ResourcePath": "/health/ready", "RequestInterval": "10", "FailureThreshold": "2", "EnableSNI": "true",
	}
	for k, v := range want {
		if got := render(cfg[k]); got != v {
			t.Errorf("HealthCheckConfig.%s = %q; want %q", k, got, v)
		}
	}
	if len(cfg) != len(want) {
		t.Errorf("HealthCheckConfig = %v; want exactly %v", cfg, want)
	}
	// Defaults: every 30 s, 3 in a row.
	cfg = healthCheckConfig(t, route53Props(Route53HTTPS, 0, 0))
	if render(cfg["RequestInterval"]) != "30" || render(cfg["FailureThreshold"]) != "3" {
		t.Errorf("default interval, threshold = %v, %v; want 30, 3", cfg["RequestInterval"], cfg["FailureThreshold"])
	}
}

func TestRoute53Alarm(t *testing.T) {
	cfg := healthCheckConfig(t, route53Props(Route53Alarm, 0, 0))
	if render(cfg["Type"]) != "CLOUDWATCH_METRIC" || render(cfg["InsufficientDataHealthStatus"]) != "LastKnownStatus" {
		t.Errorf("HealthCheckConfig = %v; want CLOUDWATCH_METRIC with LastKnownStatus", cfg)
	}
	id := cfg["AlarmIdentifier"].(map[string]any)
	if render(id["Name"]) != "${SuccessAlarm}" || render(id["Region"]) != "${AWS::Region}" {
		t.Errorf("AlarmIdentifier = %v; want SuccessAlarm in this region", id)
	}
	if _, ok := cfg["ResourcePath"]; ok {
		t.Errorf("alarm check has https settings: %v", cfg)
	}
}

func TestRoute53None(t *testing.T) {
	for _, p := range []HealthProps{{}, route53Props(Route53None, 0, 0)} {
		if n := len(resources(synth(t, p), "AWS::Route53::HealthCheck")); n != 0 {
			t.Errorf("Route53 %+v: %d health checks; want none", p.Route53, n)
		}
	}
}

func TestRoute53Validate(t *testing.T) {
	for _, tt := range []struct {
		r     Route53Props
		field string
	}{
		{Route53Props{Mode: "tcp"}, "Route53.Mode"},
		{Route53Props{Mode: Route53HTTPS, IntervalSeconds: 20}, "Route53.IntervalSeconds"},
		{Route53Props{Mode: Route53HTTPS, FailureThreshold: 11}, "Route53.FailureThreshold"},
	} {
		err := HealthProps{Route53: tt.r}.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("Validate(%+v) = %v; want an error naming %s", tt.r, err, tt.field)
		}
	}
}
