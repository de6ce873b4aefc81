package healthstack

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapplicationsignals"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/jsii-runtime-go"

	"github.com/lambdahealth/lambdahealth/pkg/metrics"
)

// The service level objective (docs/DEPLOY.md, "SLO and maintenance"):
// defaults of SLOTarget and SLODays (template.yaml's SloTarget, SloDays).
const (
	DefaultSLOTarget = 99.9
	DefaultSLODays   = 30
	// MaxSLODays bounds SloDays (a rolling interval of up to a year).
	MaxSLODays = 365
	// MinSLOTarget and MaxSLOTarget bound SloTarget (percent).
	MinSLOTarget = 1.0
	MaxSLOTarget = 99.999
	// MaxSLOPeriod is Application Signals' longest SLO period (SliMetric
	// PeriodSeconds, at most 900): a canary that runs less often gets no
	// SLO, since a period without a run would count as bad.
	MaxSLOPeriod = 15 * time.Minute
)

// What Application Signals publishes about an SLO, in CloudWatch.
const (
	SLONamespace             = "AWS/ApplicationSignals"
	MetricAttainmentRate     = "AttainmentRate"
	MetricBurnRate           = "BurnRate"
	DimSLOName               = "SloName"
	DimBurnRateWindowMinutes = "BurnRateWindowMinutes"
)

// SLIExpression is the SLO's indicator, one value per canary interval: 1
// (good) when the canary's run passed or warned, or when the service was in
// maintenance; 0 (bad) when it failed, and when the canary published nothing
// (FILL), as the alarms treat missing data. success and maintenance are the
// ids of the service-level Success (Minimum) and InMaintenance (Maximum).
const SLIExpression = "MAX([FILL(success, 0), FILL(maintenance, 0)])"

// BurnRateAlarm is one burn-rate window of the SLO and its alarm.
type BurnRateAlarm struct {
	// ID is the alarm's logical ID.
	ID string
	// WindowMinutes is the look-back window (BurnRateConfigurations).
	WindowMinutes int
	// Threshold is the burn rate that sets the alarm off: at that rate the
	// whole budget of SLODays is spent in SLODays/Threshold.
	Threshold float64
}

// BurnRateAlarms are the fast and the slow window: with a 30-day SLO, 2% of
// the budget spent in an hour, and 5% in six hours (the Google SRE
// workbook's multiwindow thresholds).
var BurnRateAlarms = []BurnRateAlarm{
	{ID: "SloFastBurnAlarm", WindowMinutes: 60, Threshold: 14.4},
	{ID: "SloSlowBurnAlarm", WindowMinutes: 360, Threshold: 6},
}

// SLONameTemplate is the SLO's name (an Fn::Sub): one SLO per stack.
const SLONameTemplate = "${AWS::StackName}-availability"

// HasSLO reports whether a canary on schedule gets an SLO: its interval is
// at most MaxSLOPeriod.
func HasSLO(schedule string) bool {
	d, err := CanaryInterval(schedule)
	return err == nil && d <= MaxSLOPeriod
}

// SuppressionPeriods are the composite alarm's ActionsSuppressorWaitPeriod
// and ActionsSuppressorExtensionPeriod for a canary interval: it waits two
// runs for the InMaintenance alarm (which needs one, the service's alarms
// three), and stays quiet for AlarmEvaluationPeriods runs after it, while
// the runs of the window still count in "3 of 5".
func SuppressionPeriods(interval time.Duration) (wait, extension time.Duration) {
	return 2 * interval, AlarmEvaluationPeriods * interval
}

// serviceDimensions are the service-level metrics' dimensions (the run as
// a whole, no Check).
func (b *builder) serviceDimensions() []any {
	return []any{
		dimension(metrics.DimService, jsii.String(b.p.Service)),
		dimension(metrics.DimEnvironment, jsii.String(EnvironmentDimension(b.p.Environment))),
	}
}

// inMaintenanceAlarm is in ALARM while the canary's last run reported
// InMaintenance 1: the composite alarm's ActionsSuppressor. Missing data
// (no run) is not maintenance, so a canary that stopped cannot keep the
// alarms quiet.
func (b *builder) inMaintenanceAlarm(period time.Duration) awscloudwatch.CfnAlarm {
	dims := b.serviceDimensions()
	alarm := awscloudwatch.NewCfnAlarm(b.stack, jsii.String("InMaintenanceAlarm"), &awscloudwatch.CfnAlarmProps{
		AlarmDescription: jsii.String(b.p.Service + " is in maintenance (a HEALTH_MAINTENANCE window, or the drain parameter's value " +
			"maintenance): the canary's last run reported InMaintenance 1. It suppresses the notifications; it notifies nobody."),
		Namespace:          jsii.String(b.p.MetricsNamespace),
		MetricName:         jsii.String(metrics.MetricInMaintenance),
		Dimensions:         &dims,
		Statistic:          jsii.String("Maximum"),
		Period:             jsii.Number(period.Seconds()),
		EvaluationPeriods:  jsii.Number(1),
		DatapointsToAlarm:  jsii.Number(1),
		Threshold:          jsii.Number(1),
		ComparisonOperator: jsii.String("GreaterThanOrEqualToThreshold"),
		TreatMissingData:   jsii.String("notBreaching"),
	})
	b.output("InMaintenanceAlarmName", "Alarm on the canary's InMaintenance (suppresses the notifications).", alarm.Ref())
	return alarm
}

// slo adds the service level objective on the canary's service-level
// Success (SLIExpression), one canary interval per period, and an alarm on
// each of its burn rates (BurnRateAlarms). It returns those alarms.
func (b *builder) slo(period time.Duration) []awscloudwatch.CfnAlarm {
	p := b.p
	name := awscdk.Fn_Sub(jsii.String(SLONameTemplate), nil)
	stat := func(id, metric, statistic string) *awsapplicationsignals.CfnServiceLevelObjective_MetricDataQueryProperty {
		dims := []any{
			&awsapplicationsignals.CfnServiceLevelObjective_DimensionProperty{Name: jsii.String(metrics.DimService), Value: jsii.String(p.Service)},
			&awsapplicationsignals.CfnServiceLevelObjective_DimensionProperty{Name: jsii.String(metrics.DimEnvironment),
				Value: jsii.String(EnvironmentDimension(p.Environment))},
		}
		return &awsapplicationsignals.CfnServiceLevelObjective_MetricDataQueryProperty{
			Id:         jsii.String(id),
			ReturnData: jsii.Bool(false),
			MetricStat: &awsapplicationsignals.CfnServiceLevelObjective_MetricStatProperty{
				Metric: &awsapplicationsignals.CfnServiceLevelObjective_MetricProperty{
					Namespace: jsii.String(p.MetricsNamespace), MetricName: jsii.String(metric), Dimensions: &dims,
				},
				Period: jsii.Number(period.Seconds()),
				Stat:   jsii.String(statistic),
			},
		}
	}
	var burn []any
	for _, a := range BurnRateAlarms {
		burn = append(burn, &awsapplicationsignals.CfnServiceLevelObjective_BurnRateConfigurationProperty{
			LookBackWindowMinutes: jsii.Number(a.WindowMinutes)})
	}
	slo := awsapplicationsignals.NewCfnServiceLevelObjective(b.stack, jsii.String("AvailabilitySlo"), &awsapplicationsignals.CfnServiceLevelObjectiveProps{
		Name: name,
		Description: jsii.String(fmt.Sprintf("%s availability: the share of canary runs that passed (or fell in maintenance), "+
			"a missing run counting as failed. See docs/DEPLOY.md, \"SLO and maintenance\".", p.Service)),
		Sli: &awsapplicationsignals.CfnServiceLevelObjective_SliProperty{
			ComparisonOperator: jsii.String("GreaterThanOrEqualTo"),
			MetricThreshold:    jsii.Number(1),
			SliMetric: &awsapplicationsignals.CfnServiceLevelObjective_SliMetricProperty{
				PeriodSeconds: jsii.Number(period.Seconds()),
				MetricDataQueries: &[]any{
					stat("success", metrics.MetricSuccess, "Minimum"),
					stat("maintenance", metrics.MetricInMaintenance, "Maximum"),
					&awsapplicationsignals.CfnServiceLevelObjective_MetricDataQueryProperty{
						Id: jsii.String("good"), Expression: jsii.String(SLIExpression), ReturnData: jsii.Bool(true),
					},
				},
			},
		},
		Goal: &awsapplicationsignals.CfnServiceLevelObjective_GoalProperty{
			AttainmentGoal: jsii.Number(p.SLOTarget),
			Interval: &awsapplicationsignals.CfnServiceLevelObjective_IntervalProperty{
				RollingInterval: &awsapplicationsignals.CfnServiceLevelObjective_RollingIntervalProperty{
					Duration: jsii.Number(p.SLODays), DurationUnit: jsii.String("DAY"),
				},
			},
		},
		BurnRateConfigurations: &burn,
	})
	b.output("SloName", "Service level objective on the canary's Success.", name)
	var alarms []awscloudwatch.CfnAlarm
	for _, a := range BurnRateAlarms {
		dims := []any{dimension(DimSLOName, name), dimension(DimBurnRateWindowMinutes, jsii.String(fmt.Sprint(a.WindowMinutes)))}
		alarm := awscloudwatch.NewCfnAlarm(b.stack, jsii.String(a.ID), &awscloudwatch.CfnAlarmProps{
			AlarmDescription: jsii.String(fmt.Sprintf("%s is spending its error budget fast: the SLO's burn rate over %d minutes "+
				"reached %g (at that rate the budget of the SLO's interval lasts 1/%g of it).", p.Service, a.WindowMinutes, a.Threshold, a.Threshold)),
			Namespace:          jsii.String(SLONamespace),
			MetricName:         jsii.String(MetricBurnRate),
			Dimensions:         &dims,
			Statistic:          jsii.String("Maximum"),
			Period:             jsii.Number(period.Seconds()),
			EvaluationPeriods:  jsii.Number(1),
			DatapointsToAlarm:  jsii.Number(1),
			Threshold:          jsii.Number(a.Threshold),
			ComparisonOperator: jsii.String("GreaterThanOrEqualToThreshold"),
			TreatMissingData:   jsii.String("notBreaching"),
		})
		alarm.AddDependency(slo)
		alarms = append(alarms, alarm)
	}
	return alarms
}

// notifyingAlarm is the one alarm that notifies topic: any of alarms in
// ALARM, or every one of burns (the SLO's burn rates, fast and slow window
// together), its actions suppressed while suppressor (InMaintenanceAlarm)
// is. Burn rates count whole canary periods: one bad run in the fast
// window alone would page (docs/DEPLOY.md, "SLO and maintenance").
func (b *builder) notifyingAlarm(topic *string, alarms, burns []awscloudwatch.CfnAlarm, suppressor awscloudwatch.CfnAlarm, interval time.Duration) {
	vars := map[string]*string{}
	ref := func(a awscloudwatch.CfnAlarm) string {
		v := fmt.Sprintf("A%d", len(vars))
		vars[v] = a.Ref()
		return `ALARM("${` + v + `}")`
	}
	var terms []string
	for _, a := range alarms {
		terms = append(terms, ref(a))
	}
	if len(burns) > 0 {
		all := make([]string, len(burns))
		for i, a := range burns {
			all[i] = ref(a)
		}
		terms = append(terms, "("+strings.Join(all, " AND ")+")")
	}
	wait, extension := SuppressionPeriods(interval)
	composite := awscloudwatch.NewCfnCompositeAlarm(b.stack, jsii.String("NotifyingAlarm"), &awscloudwatch.CfnCompositeAlarmProps{
		AlarmDescription: jsii.String(b.p.Service + ": one of the service's alarms is in ALARM. The only alarm that notifies; " +
			"quiet while InMaintenanceAlarm is in ALARM (docs/DEPLOY.md, \"SLO and maintenance\")."),
		AlarmRule:                        awscdk.Fn_Sub(jsii.String(strings.Join(terms, " OR ")), &vars),
		ActionsSuppressor:                suppressor.Ref(),
		ActionsSuppressorWaitPeriod:      jsii.Number(wait.Seconds()),
		ActionsSuppressorExtensionPeriod: jsii.Number(extension.Seconds()),
		AlarmActions:                     &[]any{topic},
		OkActions:                        &[]any{topic},
	})
	b.output("NotifyingAlarmName", "The composite alarm that notifies the alarm topic.", composite.Ref())
}
