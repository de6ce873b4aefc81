package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/lambdahttp"
)

// TestLambdaPathDecodesOnce: through every trigger, as on the local
// server, a check name is decoded once ("/health/checks/%2577eb" is not the
// check "web") and a query string that cannot be parsed is a 400.
func TestLambdaPathDecodesOnce(t *testing.T) {
	t.Parallel()
	env := map[string]string{"HEALTH_CHECKS": `[{"name":"web","type":"tcp","address":"` + testenv.OpenPort(t) + `"}]`}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	_, handler, err := setup(slog.New(slog.DiscardHandler), cfg)
	if err != nil {
		t.Fatal(err)
	}
	adapter := lambdahttp.New(handler)
	tests := []struct {
		path, query string
		wantCode    int
	}{
		{"/health/checks/web", "", 200},
		{"/health/checks/w%65b", "", 200},
		{"/health/checks/%2577eb", "", 404},
		{"/health/checks/web", "timeout=1s;x=1", 400},
		{"/health/checks/web", "timeout=%zz", 400},
	}
	// Triggers whose events carry the raw query string; ALB and REST APIs
	// carry decoded parameters, which the adapter encodes again.
	rawQuery := map[string]bool{"v2": true, "furl": true}
	for _, trigger := range []string{"v1", "v2", "furl", "alb"} {
		for _, tt := range tests {
			if tt.query != "" && !rawQuery[trigger] {
				continue
			}
			t.Run(trigger+" "+tt.path+"?"+tt.query, func(t *testing.T) {
				payload := eventWithPath(t, "health-"+trigger+"-check.json", tt.path, tt.query)
				out, err := adapter.Invoke(context.Background(), payload)
				if err != nil {
					t.Fatalf("Invoke: %v", err)
				}
				var resp struct {
					StatusCode int `json:"statusCode"`
				}
				if err := json.Unmarshal(out, &resp); err != nil || resp.StatusCode != tt.wantCode {
					t.Errorf("%s %s?%s = %s; want %d", trigger, tt.path, tt.query, out, tt.wantCode)
				}
			})
		}
	}
}

// eventWithPath returns the sample event in events/name with its path (and
// raw query string, for payload 2.0) replaced.
func eventWithPath(t *testing.T, name, path, query string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.Root(), "events", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	if _, ok := ev["rawPath"]; ok {
		ev["rawPath"], ev["rawQueryString"] = path, query
		ev["requestContext"].(map[string]any)["http"].(map[string]any)["path"] = path
	} else {
		ev["path"] = path
	}
	out, _ := json.Marshal(ev)
	return out
}
