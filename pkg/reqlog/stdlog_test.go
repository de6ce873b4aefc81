package reqlog

import (
	"bytes"
	"log"
	"log/slog"
	"os"
	"testing"
)

func TestRedirectStdLog(t *testing.T) {
	var buf bytes.Buffer
	RedirectStdLog(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})))
	t.Cleanup(func() {
		log.SetOutput(os.Stderr)
		log.SetFlags(log.LstdFlags)
	})
	// What aws-lambda-go prints for a failed invocation, and for its exit.
	log.Printf("%s", `{"errorMessage":"malformed event: truncated JSON","errorType":"EventError"}`)
	log.Printf("failed to GET %s: got unexpected status code: %d", "http://127.0.0.1:9001/2018-06-01/runtime/invocation/next", 500)
	want := `{"level":"ERROR","msg":"invocation failed","error_type":"EventError","error_message":"malformed event: truncated JSON"}
{"level":"ERROR","msg":"failed to GET http://127.0.0.1:9001/2018-06-01/runtime/invocation/next: got unexpected status code: 500","logger":"log"}
`
	if got := buf.String(); got != want {
		t.Errorf("log lines:\n%s\nwant:\n%s", got, want)
	}
}
