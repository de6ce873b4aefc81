package reqlog

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

func TestRequestIDOnEveryLine(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(Handler(slog.NewJSONHandler(&buf, nil))).With("fn", "canary").WithGroup("g")
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})
	logger.InfoContext(ctx, "inside")
	logger.InfoContext(context.Background(), "outside")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"request_id":"req-1"`) || strings.Contains(lines[1], "request_id") {
		t.Errorf("log lines = %q; want the request ID on the first line only", lines)
	}
}

// TestRequestIDAtTopLevelUnderGroups: under WithGroup the request ID is
// still a top-level member of the line, where log queries look for it,
// and the group keeps its own attributes.
func TestRequestIDAtTopLevelUnderGroups(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(Handler(slog.NewJSONHandler(&buf, nil))).With("fn", "canary").WithGroup("http").With("route", "ready")
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})
	logger.InfoContext(ctx, "inside", "code", 200)
	var line struct {
		RequestID string         `json:"request_id"`
		Fn        string         `json:"fn"`
		HTTP      map[string]any `json:"http"`
	}
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if line.RequestID != "req-1" || line.Fn != "canary" || line.HTTP["route"] != "ready" || line.HTTP["code"] != 200.0 || line.HTTP["request_id"] != nil {
		t.Errorf("log line = %s; want request_id and fn at the top level, route and code in http", buf.Bytes())
	}
}
