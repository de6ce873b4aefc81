package metrics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/lambdahealth/lambdahealth/pkg/settings"
)

// Modes of publishing (HEALTH_METRICS), declared in pkg/settings.
const (
	// ModeAPI calls PutMetricData.
	ModeAPI = settings.MetricsAPI
	// ModeEMF writes Embedded Metric Format lines, and calls no API.
	ModeEMF = settings.MetricsEMF
	// ModeBoth does both.
	ModeBoth = settings.MetricsBoth
)

// ActionPutMetricData is the IAM action of the one call Publish makes in
// ModeAPI and ModeBoth. PutMetricData has no resource-level permissions; the
// condition key cloudwatch:namespace narrows it.
const ActionPutMetricData = "cloudwatch:PutMetricData"

// PutMetricData's documented per-call limits: at most 1000 metrics and 1 MB
// per request. maxRequestBytes keeps a wide margin under the byte limit.
const (
	MaxDataPerCall  = 1000
	maxRequestBytes = 900 << 10
)

// Time limits of the API. A CloudWatch that hangs (a dead NAT or VPC
// endpoint) must not take the time the EMF fallback needs: PutMetricData
// gets at most DefaultAPITimeout per Publish, and never the last
// EMFReserve before ctx's deadline (a Lambda invocation's end), which is
// kept for writing the data as EMF. HTTPTimeout bounds each HTTP attempt
// of the client NewCloudWatch builds, so that a call without any deadline
// ends too.
const (
	DefaultAPITimeout = 10 * time.Second
	EMFReserve        = 500 * time.Millisecond
	HTTPTimeout       = 3 * time.Second
)

// NewCloudWatch returns the CloudWatch client of the publisher: cfg's,
// with each HTTP attempt bounded by HTTPTimeout (the SDK's default client
// has no timeout), and the SDK's standard retryer.
func NewCloudWatch(cfg aws.Config) *cloudwatch.Client {
	return cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
		o.HTTPClient = awshttp.NewBuildableClient().WithTimeout(HTTPTimeout)
	})
}

// ErrNotRecorded is returned (as a *NotRecordedError) when a batch could be
// recorded neither through the API nor as EMF.
var ErrNotRecorded = errors.New("metrics not recorded")

// NotRecordedError is the error of a run whose datapoints reached neither
// CloudWatch nor the EMF output; Lambda reports its type name as the
// canary's errorType. It matches ErrNotRecorded with errors.Is.
type NotRecordedError struct{ Err error }

// Error returns "metrics not recorded: <why>".
func (e *NotRecordedError) Error() string { return ErrNotRecorded.Error() + ": " + e.Err.Error() }

// Unwrap returns why.
func (e *NotRecordedError) Unwrap() error { return e.Err }

// Is reports whether target is ErrNotRecorded.
func (e *NotRecordedError) Is(target error) bool { return target == ErrNotRecorded }

// PutMetricDataAPI is the one CloudWatch call the publisher makes;
// *cloudwatch.Client fits.
type PutMetricDataAPI interface {
	PutMetricData(ctx context.Context, in *cloudwatch.PutMetricDataInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricDataOutput, error)
}

// Publisher records batches.
type Publisher struct {
	api       PutMetricDataAPI
	namespace string
	mode      string
	emf       io.Writer
	logger    *slog.Logger
	timeout   time.Duration
}

// Option configures a Publisher.
type Option func(*Publisher)

// WithNamespace sets the CloudWatch namespace. Default
// settings.DefaultMetricsNamespace ("ServiceHealth").
func WithNamespace(ns string) Option { return func(p *Publisher) { p.namespace = ns } }

// WithMode sets ModeAPI, ModeEMF or ModeBoth. Default ModeAPI.
func WithMode(mode string) Option { return func(p *Publisher) { p.mode = mode } }

// WithEMFWriter sets where EMF lines go (in Lambda: stdout, which
// CloudWatch Logs reads). Default io.Discard.
func WithEMFWriter(w io.Writer) Option { return func(p *Publisher) { p.emf = w } }

// WithAPITimeout sets the longest the PutMetricData calls of one Publish
// take together, before their data goes to EMF. Default DefaultAPITimeout
// (10s).
func WithAPITimeout(d time.Duration) Option { return func(p *Publisher) { p.timeout = d } }

// WithLogger sets the logger for fallbacks. Default: discard.
func WithLogger(l *slog.Logger) Option { return func(p *Publisher) { p.logger = l } }

// NewPublisher returns a Publisher. api may be nil in ModeEMF.
func NewPublisher(api PutMetricDataAPI, opts ...Option) (*Publisher, error) {
	p := &Publisher{api: api, namespace: settings.DefaultMetricsNamespace, mode: ModeAPI, emf: io.Discard,
		logger: slog.New(slog.DiscardHandler), timeout: DefaultAPITimeout}
	for _, o := range opts {
		o(p)
	}
	switch p.mode {
	case ModeAPI, ModeBoth:
		if api == nil {
			return nil, fmt.Errorf("mode %s needs a CloudWatch client", p.mode)
		}
	case ModeEMF:
	default:
		return nil, fmt.Errorf("unknown metrics mode %q", p.mode)
	}
	return p, nil
}

// Publish records b. In ModeAPI and ModeBoth it calls PutMetricData in as
// few calls as the limits allow; a call that still fails after the SDK's
// retries, or that has not answered within the API's share of the time
// (the API timeout, ending EMFReserve before ctx's deadline), has its data
// written as EMF instead. It returns ErrNotRecorded only when some data
// reached neither.
func (p *Publisher) Publish(ctx context.Context, b Batch) error {
	if p.mode == ModeEMF || p.mode == ModeBoth {
		if err := writeEMF(p.emf, p.namespace, b); err != nil {
			return &NotRecordedError{Err: err}
		}
		if p.mode == ModeEMF {
			return nil
		}
	}
	actx, cancel := p.apiContext(ctx)
	defer cancel()
	var errs []error
	for _, chunk := range splitBatch(b) {
		if _, err := p.api.PutMetricData(actx, p.input(chunk)); err != nil {
			p.logger.WarnContext(ctx, "PutMetricData failed; writing the data as EMF",
				slog.Int("datapoints", len(chunk.Data)), slog.String("error_type", fmt.Sprintf("%T", errors.Unwrap(err))))
			if p.mode == ModeBoth {
				continue // already written as EMF above
			}
			if err := writeEMF(p.emf, p.namespace, chunk); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		return &NotRecordedError{Err: errors.Join(errs...)}
	}
	return nil
}

// apiContext returns the context of the API calls of one Publish: ctx,
// ending after the API timeout or EMFReserve before ctx's deadline,
// whichever comes first (at once when that is already past).
func (p *Publisher) apiContext(ctx context.Context) (context.Context, context.CancelFunc) {
	end := time.Now().Add(p.timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Add(-EMFReserve).Before(end) {
		end = dl.Add(-EMFReserve)
	}
	return context.WithDeadline(ctx, end)
}

// splitBatch cuts a batch into the fewest chunks that fit one PutMetricData call
// each (by count and by an estimate of the request size).
func splitBatch(b Batch) []Batch {
	var out []Batch
	cur := Batch{Service: b.Service, Environment: b.Environment, Time: b.Time}
	size := 0
	for _, d := range b.Data {
		n := datumSize(b, d)
		if len(cur.Data) == MaxDataPerCall || (len(cur.Data) > 0 && size+n > maxRequestBytes) {
			out = append(out, cur)
			cur = Batch{Service: b.Service, Environment: b.Environment, Time: b.Time}
			size = 0
		}
		cur.Data = append(cur.Data, d)
		size += n
	}
	if len(cur.Data) > 0 {
		out = append(out, cur)
	}
	return out
}

// datumSize over-estimates the encoded size of one datum: the names and
// values of its dimensions plus a fixed allowance for field names, the
// timestamp, value and unit.
func datumSize(b Batch, d Datum) int {
	return 200 + len(d.Name) + len(d.Unit) + len(b.Service) + len(b.Environment) + len(d.Check)
}

func (p *Publisher) input(b Batch) *cloudwatch.PutMetricDataInput {
	in := &cloudwatch.PutMetricDataInput{Namespace: aws.String(p.namespace),
		MetricData: make([]types.MetricDatum, 0, len(b.Data))}
	for _, d := range b.Data {
		in.MetricData = append(in.MetricData, types.MetricDatum{
			MetricName: aws.String(d.Name),
			Dimensions: dimensions(b.Service, b.Environment, d.Check),
			Timestamp:  aws.Time(b.Time),
			Value:      aws.Float64(d.Value),
			Unit:       types.StandardUnit(d.Unit),
		})
	}
	return in
}

// dimensions are a datapoint's dimensions: Service and Environment, and
// Check for a check's (check not empty).
func dimensions(service, environment, check string) []types.Dimension {
	dims := []types.Dimension{
		{Name: aws.String(DimService), Value: aws.String(service)},
		{Name: aws.String(DimEnvironment), Value: aws.String(environment)},
	}
	if check != "" {
		dims = append(dims, types.Dimension{Name: aws.String(DimCheck), Value: aws.String(check)})
	}
	return dims
}
