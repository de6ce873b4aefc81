//go:build !kinds

package controls

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/uptime"
)

// endpointConfig is an AWS configuration whose every call goes to endpoint.
func endpointConfig(endpoint string) aws.Config {
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
}

// deniedCloudWatch answers every call as CloudWatch answers a role without
// cloudwatch:GetMetricData, in Smithy RPC v2 CBOR.
func deniedCloudWatch(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/operation/GetMetricData") {
			t.Errorf("request to %s; want GetMetricData", r.URL.Path)
		}
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		w.Header().Set("Content-Type", "application/cbor")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write(cbor.Encode(cbor.Map{"__type": cbor.String("AccessDenied"),
			"message": cbor.String("User: arn:aws:sts::123456789012:assumed-role/health/fn is not authorized to perform: cloudwatch:GetMetricData")}))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestHistoryErrorsAreSafeClasses reads the history with the SDK's client
// from a CloudWatch that denies, one that refuses connections and one that
// never answers: each read ends within its time with a safe class.
func TestHistoryErrorsAreSafeClasses(t *testing.T) {
	tests := []struct {
		name, endpoint, want string
	}{
		{"denied", deniedCloudWatch(t), "access denied: cloudwatch:GetMetricData"},
		{"refused", "http://" + testenv.ClosedPort(t), health.ClassRefused},
		{"hung", "http://" + testenv.HungListener(t), "timeout after 1s"},
	}
	cfg := config.Config{Service: "orders", MetricsNamespace: "ServiceHealth"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := historyFrom(cfg, func() (aws.Config, error) { return endpointConfig(tt.endpoint), nil })
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_, err := read(ctx)
			if got := health.Classify(err, time.Second); got != tt.want {
				t.Errorf("read = %v (class %q); want %q", err, got, tt.want)
			}
		})
	}
}

// TestHistoryMakesItsClientOnFirstRead: building the history loads no AWS
// configuration; the first read does, once, and a configuration that
// cannot be loaded is a safe class.
func TestHistoryMakesItsClientOnFirstRead(t *testing.T) {
	var loads atomic.Int64
	endpoint := deniedCloudWatch(t)
	hist := History(config.Config{Service: "orders"}, func() (aws.Config, error) {
		loads.Add(1)
		return endpointConfig(endpoint), nil
	})
	if n := loads.Load(); n != 0 {
		t.Fatalf("History loaded the AWS configuration %d times before any read; want 0", n)
	}
	read := historyFrom(config.Config{}, func() (aws.Config, error) { loads.Add(1); return endpointConfig(endpoint), nil })
	for range 2 {
		_, _ = read(context.Background())
	}
	if _, err := hist.History(context.Background()); err == nil {
		t.Fatal("History from a denying CloudWatch: no error")
	}
	if n := loads.Load(); n != 2 {
		t.Errorf("%d loads; want 2 (once per reader, at its first read)", n)
	}
	broken := historyFrom(config.Config{}, func() (aws.Config, error) { return aws.Config{}, errors.New("no region") })
	if _, err := broken(context.Background()); health.Classify(err, 0) != checks.AWSConfigProblem {
		t.Errorf("read without an AWS configuration = %v; want %q", err, checks.AWSConfigProblem)
	}
}

// TestHistoryControlIsBuilt: the default build links the history control.
func TestHistoryControlIsBuilt(t *testing.T) {
	if historyFrom == nil || !strings.Contains(strings.Join(built(), ","), HistoryControl) {
		t.Errorf("built() = %v; want it to hold %q", built(), HistoryControl)
	}
	var _ *uptime.Cache = History(config.Config{}, nil)
}
