package healthstack

import (
	"fmt"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/jsii-runtime-go"

	"github.com/lambdahealth/lambdahealth/pkg/healthhttp"
)

// Route53Mode is the kind of Route 53 health check the stack adds for DNS
// failover (template parameter Route53HealthCheck).
type Route53Mode string

// Route 53 health check modes.
const (
	// Route53None adds no health check.
	Route53None Route53Mode = "none"
	// Route53HTTPS has Route 53's checkers call GET /health/ready on the
	// HTTP API over HTTPS: 2xx/3xx within 2 s is healthy, a 503 is not.
	Route53HTTPS Route53Mode = "https"
	// Route53Alarm follows the canary's SuccessAlarm (a CLOUDWATCH_METRIC
	// check): nothing calls the endpoint, so it also works for private ones.
	Route53Alarm Route53Mode = "alarm"
)

// Defaults of Route53Props, those of the template's parameters.
const (
	DefaultRoute53Mode             = Route53None
	DefaultRoute53IntervalSeconds  = 30
	DefaultRoute53FailureThreshold = 3
)

// Route53InsufficientData is what the alarm health check reports while
// CloudWatch has too little data to set SuccessAlarm's state. SuccessAlarm
// treats missing data as breaching, so a canary that stopped reporting is
// already ALARM (unhealthy), not INSUFFICIENT_DATA; that state means that
// CloudWatch itself cannot tell (a new alarm, an evaluation outage). The last
// verdict is then the best one: Unhealthy would fail a healthy region over
// whenever CloudWatch hiccups, Healthy would send traffic back to a region
// that was failing. A new health check without a last status starts healthy.
const Route53InsufficientData = "LastKnownStatus"

// Route53Props configures the optional Route 53 health check. Every field
// has a template parameter of the same meaning; zero values are its default.
type Route53Props struct {
	// Mode is the kind of health check (Route53HealthCheck). Default
	// DefaultRoute53Mode: none.
	Mode Route53Mode
	// IntervalSeconds is the https checkers' request interval, 10 or 30
	// (Route53HealthCheckInterval). Default DefaultRoute53IntervalSeconds.
	IntervalSeconds int
	// FailureThreshold is how many consecutive https checks must fail (or
	// pass) to change the status, 1-10 (Route53FailureThreshold). Default
	// DefaultRoute53FailureThreshold.
	FailureThreshold int
}

func (r Route53Props) withDefaults() Route53Props {
	if r.Mode == "" {
		r.Mode = DefaultRoute53Mode
	}
	if r.IntervalSeconds == 0 {
		r.IntervalSeconds = DefaultRoute53IntervalSeconds
	}
	if r.FailureThreshold == 0 {
		r.FailureThreshold = DefaultRoute53FailureThreshold
	}
	return r
}

// problems lists what is wrong with r, each naming its field.
func (r Route53Props) problems() []error {
	r = r.withDefaults()
	var errs []error
	if !slices.Contains([]Route53Mode{Route53None, Route53HTTPS, Route53Alarm}, r.Mode) {
		errs = append(errs, fmt.Errorf("HealthProps.Route53.Mode: %q is not one of none, https, alarm", r.Mode))
	}
	if r.IntervalSeconds != 10 && r.IntervalSeconds != 30 {
		errs = append(errs, fmt.Errorf("HealthProps.Route53.IntervalSeconds: %d is not 10 or 30", r.IntervalSeconds))
	}
	if r.FailureThreshold < 1 || r.FailureThreshold > 10 {
		errs = append(errs, fmt.Errorf("HealthProps.Route53.FailureThreshold: %d is not from 1 to 10", r.FailureThreshold))
	}
	return errs
}

// route53HealthCheck adds the health check Route53.Mode asks for. Call it
// after the HTTP API and the alarms exist.
func (b *builder) route53HealthCheck() {
	r := b.p.Route53
	var cfg awsroute53.CfnHealthCheck_HealthCheckConfigProperty
	switch r.Mode {
	case Route53HTTPS:
		api := b.stack.Node().FindChild(jsii.String("HealthHttpApi")).(awsapigatewayv2.HttpApi)
		cfg = awsroute53.CfnHealthCheck_HealthCheckConfigProperty{
			Type: jsii.String("HTTPS"),
			FullyQualifiedDomainName: awscdk.Fn_Sub(jsii.String("${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}"),
				&map[string]*string{"Api": api.ApiId()}),
			Port:             jsii.Number(443),
			ResourcePath:     jsii.String(healthhttp.RouteReady),
			RequestInterval:  jsii.Number(float64(r.IntervalSeconds)),
			FailureThreshold: jsii.Number(float64(r.FailureThreshold)),
			// API Gateway serves many names on one address: without SNI the
			// TLS handshake fails.
			EnableSni: jsii.Bool(true),
		}
	case Route53Alarm:
		alarm := b.stack.Node().FindChild(jsii.String("SuccessAlarm")).(awscloudwatch.CfnAlarm)
		cfg = awsroute53.CfnHealthCheck_HealthCheckConfigProperty{
			Type: jsii.String("CLOUDWATCH_METRIC"),
			AlarmIdentifier: &awsroute53.CfnHealthCheck_AlarmIdentifierProperty{
				Name:   alarm.Ref(),
				Region: awscdk.Aws_REGION(),
			},
			InsufficientDataHealthStatus: jsii.String(Route53InsufficientData),
		}
	default:
		return
	}
	hc := awsroute53.NewCfnHealthCheck(b.stack, jsii.String("HealthCheck"), &awsroute53.CfnHealthCheckProps{
		HealthCheckConfig: &cfg,
		HealthCheckTags: &[]*awsroute53.CfnHealthCheck_HealthCheckTagProperty{
			{Key: jsii.String("Name"), Value: jsii.String(b.p.Service + " readiness: " + string(r.Mode))},
		},
	})
	b.output("HealthCheckId", "Route 53 health check to attach to a failover record.", hc.Ref())
}
