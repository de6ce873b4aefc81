package canary

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"testing"

	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/metrics"
)

type fakeRecorder struct {
	publish func(ctx context.Context, b metrics.Batch) error
	batches []metrics.Batch
}

func (f *fakeRecorder) Publish(ctx context.Context, b metrics.Batch) error {
	f.batches = append(f.batches, b)
	return f.publish(ctx, b)
}

func checker(t *testing.T) *health.Checker {
	t.Helper()
	c, err := health.NewChecker([]health.Check{
		{Name: "up", Probe: func(context.Context) (health.Observation, error) { return health.Observation{}, nil }},
		{Name: "down", Probe: func(context.Context) (health.Observation, error) {
			return health.Observation{}, health.WithClass(health.ClassRefused, errors.New("dial"))
		}},
	}, health.WithCacheTTL(0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFailingCheckIsDataNotError(t *testing.T) {
	rec := &fakeRecorder{publish: func(context.Context, metrics.Batch) error { return nil }}
	var logs bytes.Buffer
	r := New(checker(t), rec, WithService("orders", "prod"), WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	rep, err := r.Run(context.Background())
	if err != nil {
		t.Fatalf("Run error = %v; want nil (a failing check is data)", err)
	}
	if rep.Status != health.StatusFail || len(rec.batches) != 1 {
		t.Fatalf("status %q, %d batches; want fail, 1", rep.Status, len(rec.batches))
	}
	b := rec.batches[0]
	got := map[string]float64{}
	for _, d := range b.Data {
		if d.Name == metrics.MetricSuccess {
			got[d.Check] = d.Value
		}
	}
	if b.Service != "orders" || b.Environment != "prod" || got[""] != 0 || got["up"] != 1 || got["down"] != 0 {
		t.Errorf("batch %s/%s Success = %v; want orders/prod run 0, up 1, down 0", b.Service, b.Environment, got)
	}
	var summary struct {
		Msg      string `json:"msg"`
		Status   string `json:"status"`
		Failed   int    `json:"failed"`
		Recorded bool   `json:"recorded"`
	}
	if err := json.Unmarshal(logs.Bytes(), &summary); err != nil || summary.Msg != "canary run" || summary.Failed != 1 || !summary.Recorded {
		t.Errorf("summary line = %s (%v); want one canary run line with failed 1, recorded true", logs.Bytes(), err)
	}
}

func TestUnrecordedRunIsError(t *testing.T) {
	rec := &fakeRecorder{publish: func(context.Context, metrics.Batch) error { return metrics.ErrNotRecorded }}
	if _, err := New(checker(t), rec).Run(context.Background()); !errors.Is(err, metrics.ErrNotRecorded) {
		t.Errorf("Run error = %v; want ErrNotRecorded", err)
	}
}
