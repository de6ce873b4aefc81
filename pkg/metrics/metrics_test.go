package metrics

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/smithy-go/middleware"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

var at = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func reportOf(n int) health.Report {
	rep := health.Report{Status: health.StatusWarn}
	for i := range n {
		s := health.StatusPass
		switch i % 3 {
		case 1:
			s = health.StatusWarn
		case 2:
			s = health.StatusFail
		}
		rep.Results = append(rep.Results, health.Result{Name: fmt.Sprintf("check-%03d", i), Status: s,
			Duration: time.Duration(i+1) * time.Millisecond})
	}
	return rep
}

func TestFromReport(t *testing.T) {
	b := FromReport("orders", "", at, 42*time.Millisecond, reportOf(3))
	if b.Environment != DefaultEnvironment || len(b.Data) != 12 {
		t.Fatalf("batch = %+v; want environment %q and 12 data", b, DefaultEnvironment)
	}
	want := []Datum{
		{MetricSuccess, "", 1, UnitNone}, {MetricDegraded, "", 1, UnitNone}, {MetricDuration, "", 42, UnitMilliseconds},
		{MetricSuccess, "check-000", 1, UnitNone}, {MetricDegraded, "check-000", 0, UnitNone}, {MetricDuration, "check-000", 1, UnitMilliseconds},
		{MetricSuccess, "check-001", 1, UnitNone}, {MetricDegraded, "check-001", 1, UnitNone}, {MetricDuration, "check-001", 2, UnitMilliseconds},
		{MetricSuccess, "check-002", 0, UnitNone}, {MetricDegraded, "check-002", 0, UnitNone}, {MetricDuration, "check-002", 3, UnitMilliseconds},
	}
	for i, w := range want {
		if b.Data[i] != w {
			t.Errorf("Data[%d] = %+v; want %+v", i, b.Data[i], w)
		}
	}
}

// TestEMFSpecification checks every line field by field against the EMF
// specification: a root _aws object with an integer Timestamp (epoch ms)
// and a CloudWatchMetrics array of directives, each with a Namespace, a
// Dimensions array of dimension-set arrays whose names are root members
// holding strings, and Metrics with Name and Unit whose names are root
// members holding numbers.
func TestEMFSpecification(t *testing.T) {
	var buf bytes.Buffer
	b := FromReport("orders", "prod", at, 42*time.Millisecond, reportOf(2))
	if err := writeEMF(&buf, "ServiceHealth", b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines; want 3 (run + 2 checks)", len(lines))
	}
	seen := map[string]float64{}
	for i, line := range lines {
		var root map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &root); err != nil {
			t.Fatalf("line %d is not a JSON object: %v", i, err)
		}
		var meta struct {
			Timestamp         json.Number `json:"Timestamp"`
			CloudWatchMetrics []struct {
				Namespace  string     `json:"Namespace"`
				Dimensions [][]string `json:"Dimensions"`
				Metrics    []struct{ Name, Unit string }
			} `json:"CloudWatchMetrics"`
		}
		dec := json.NewDecoder(bytes.NewReader(root["_aws"]))
		dec.UseNumber()
		if err := dec.Decode(&meta); err != nil {
			t.Fatalf("line %d: _aws: %v", i, err)
		}
		if ts, err := meta.Timestamp.Int64(); err != nil || ts != at.UnixMilli() {
			t.Errorf("line %d: Timestamp = %s; want integer %d", i, meta.Timestamp, at.UnixMilli())
		}
		if len(meta.CloudWatchMetrics) != 1 {
			t.Fatalf("line %d: %d directives; want 1", i, len(meta.CloudWatchMetrics))
		}
		d := meta.CloudWatchMetrics[0]
		wantDims := []string{"Service", "Environment"}
		if i > 0 {
			wantDims = append(wantDims, "Check")
		}
		if d.Namespace != "ServiceHealth" || len(d.Dimensions) != 1 || strings.Join(d.Dimensions[0], ",") != strings.Join(wantDims, ",") {
			t.Errorf("line %d: directive = %+v; want namespace ServiceHealth, dimensions %v", i, d, wantDims)
		}
		for _, dim := range d.Dimensions[0] {
			var v string
			if err := json.Unmarshal(root[dim], &v); err != nil || v == "" {
				t.Errorf("line %d: dimension %s = %s; want a non-empty string member", i, dim, root[dim])
			}
		}
		wantUnits := map[string]string{"Success": "None", "Degraded": "None", "Duration": "Milliseconds"}
		if len(d.Metrics) != 3 {
			t.Errorf("line %d: %d metrics; want 3", i, len(d.Metrics))
		}
		for _, m := range d.Metrics {
			if wantUnits[m.Name] != m.Unit {
				t.Errorf("line %d: metric %s unit %q; want %q", i, m.Name, m.Unit, wantUnits[m.Name])
			}
			var v float64
			if err := json.Unmarshal(root[m.Name], &v); err != nil {
				t.Errorf("line %d: metric %s value %s is not a number", i, m.Name, root[m.Name])
			}
			var check string
			_ = json.Unmarshal(root["Check"], &check)
			seen[check+"/"+m.Name] = v
		}
	}
	want := map[string]float64{"/Success": 1, "/Degraded": 1, "/Duration": 42,
		"check-000/Success": 1, "check-000/Degraded": 0, "check-000/Duration": 1,
		"check-001/Success": 1, "check-001/Degraded": 1, "check-001/Duration": 2}
	for k, v := range want {
		if seen[k] != v {
			t.Errorf("EMF %s = %v; want %v", k, seen[k], v)
		}
	}
}

// countingClient returns a real CloudWatch client whose calls are counted
// by SDK middleware. With answer set, a finalize step answers each call
// itself instead of sending it.
func countingClient(endpoint string, answer bool, calls *atomic.Int64, sizes *[]int) *cloudwatch.Client {
	return cloudwatch.New(cloudwatch.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(endpoint),
		Credentials:      aws.AnonymousCredentials{},
		RetryMaxAttempts: 2,
		APIOptions: []func(*middleware.Stack) error{func(s *middleware.Stack) error {
			err := s.Initialize.Add(middleware.InitializeMiddlewareFunc("count", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				calls.Add(1)
				if p, ok := in.Parameters.(*cloudwatch.PutMetricDataInput); ok && sizes != nil {
					*sizes = append(*sizes, len(p.MetricData))
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
			if err != nil || !answer {
				return err
			}
			return s.Finalize.Add(middleware.FinalizeMiddlewareFunc("answer", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				return middleware.FinalizeOutput{Result: &cloudwatch.PutMetricDataOutput{}}, middleware.Metadata{}, nil
			}), middleware.After)
		}},
	})
}

func TestBatching(t *testing.T) {
	tests := []struct {
		checks    int
		wantCalls int
		wantSizes []int
	}{
		{checks: 40, wantCalls: 1, wantSizes: []int{123}},
		{checks: 332, wantCalls: 1, wantSizes: []int{999}},
		{checks: 333, wantCalls: 2, wantSizes: []int{1000, 2}},
		{checks: 700, wantCalls: 3, wantSizes: []int{1000, 1000, 103}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d checks", tt.checks), func(t *testing.T) {
			var calls atomic.Int64
			var sizes []int
			p, err := NewPublisher(countingClient("http://127.0.0.1:1", true, &calls, &sizes))
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Publish(context.Background(), FromReport("orders", "prod", at, time.Second, reportOf(tt.checks))); err != nil {
				t.Fatalf("Publish: %v", err)
			}
			if int(calls.Load()) != tt.wantCalls || fmt.Sprint(sizes) != fmt.Sprint(tt.wantSizes) {
				t.Errorf("calls = %d with sizes %v; want %d with %v", calls.Load(), sizes, tt.wantCalls, tt.wantSizes)
			}
		})
	}
}

func TestSplitBySize(t *testing.T) {
	b := FromReport("orders", "prod", at, time.Second, health.Report{})
	long := strings.Repeat("x", 1000)
	for range 900 {
		b.Data = append(b.Data, Datum{Name: MetricSuccess, Check: long, Value: 1, Unit: UnitNone})
	}
	chunks := splitBatch(b)
	if len(chunks) < 2 {
		t.Fatalf("903 data with 1 KB dimensions fit %d chunk(s); want a split under 1 MB", len(chunks))
	}
	total := 0
	for _, c := range chunks {
		size := 0
		for _, d := range c.Data {
			size += datumSize(c, d)
		}
		if size > maxRequestBytes || len(c.Data) > MaxDataPerCall {
			t.Errorf("chunk of %d data, ~%d bytes, is over the limits", len(c.Data), size)
		}
		total += len(c.Data)
	}
	if total != len(b.Data) {
		t.Errorf("chunks hold %d data; want %d", total, len(b.Data))
	}
}

func TestFallbackToEMF(t *testing.T) {
	for _, mode := range []string{ModeAPI, ModeBoth} {
		t.Run(mode, func(t *testing.T) {
			var calls atomic.Int64
			var emf bytes.Buffer
			dead := "http://" + testenv.ClosedPort(t)
			p, err := NewPublisher(countingClient(dead, false, &calls, nil), WithMode(mode), WithEMFWriter(&emf))
			if err != nil {
				t.Fatal(err)
			}
			b := FromReport("orders", "prod", at, time.Second, reportOf(5))
			if err := p.Publish(context.Background(), b); err != nil {
				t.Fatalf("Publish = %v; want nil (EMF took the data)", err)
			}
			if calls.Load() != 1 {
				t.Errorf("PutMetricData calls = %d; want 1", calls.Load())
			}
			got := emfData(t, emf.Bytes())
			if len(got) != len(b.Data) {
				t.Errorf("EMF carries %d datapoints; want %d (each exactly once)", len(got), len(b.Data))
			}
			for _, d := range b.Data {
				if v, ok := got[d.Check+"/"+d.Name]; !ok || v != d.Value {
					t.Errorf("EMF %s/%s = %v, %v; want %v", d.Check, d.Name, v, ok, d.Value)
				}
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("stdout closed") }

func TestNotRecorded(t *testing.T) {
	var calls atomic.Int64
	p, _ := NewPublisher(countingClient("http://"+testenv.ClosedPort(t), false, &calls, nil), WithEMFWriter(failingWriter{}))
	err := p.Publish(context.Background(), FromReport("orders", "prod", at, time.Second, reportOf(1)))
	if !errors.Is(err, ErrNotRecorded) {
		t.Errorf("Publish = %v; want ErrNotRecorded", err)
	}
}

func TestEMFModeMakesNoCall(t *testing.T) {
	var emf bytes.Buffer
	p, err := NewPublisher(nil, WithMode(ModeEMF), WithEMFWriter(&emf))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Publish(context.Background(), FromReport("orders", "prod", at, time.Second, reportOf(2))); err != nil {
		t.Fatal(err)
	}
	if n := len(emfData(t, emf.Bytes())); n != 9 {
		t.Errorf("EMF datapoints = %d; want 9", n)
	}
	if _, err := NewPublisher(nil, WithMode(ModeAPI)); err == nil {
		t.Errorf("NewPublisher(nil, api) = nil error; want an error")
	}
	if _, err := NewPublisher(nil, WithMode("statsd")); err == nil {
		t.Errorf("NewPublisher(statsd) = nil error; want an error")
	}
}

// emfData reads EMF lines back into "check/metric" -> value, failing on a
// datapoint seen twice.
func emfData(t *testing.T, out []byte) map[string]float64 {
	t.Helper()
	got := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var root map[string]any
		if err := json.Unmarshal(sc.Bytes(), &root); err != nil {
			t.Fatalf("EMF line is not JSON: %v", err)
		}
		check, _ := root["Check"].(string)
		for _, m := range []string{MetricSuccess, MetricDegraded, MetricDuration} {
			if v, ok := root[m].(float64); ok {
				key := check + "/" + m
				if _, dup := got[key]; dup {
					t.Errorf("EMF has %s twice", key)
				}
				got[key] = v
			}
		}
	}
	return got
}
