package reqlog_test

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/lambdahealth/lambdahealth/pkg/reqlog"
)

func ExampleHandler() {
	logger := slog.New(reqlog.Handler(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // for a stable example
			}
			return a
		}})))
	// The Lambda runtime puts this into each invocation's context.
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "8f5c0a1e"})
	logger.InfoContext(ctx, "canary run", slog.String("status", "pass"))
	// Output: {"level":"INFO","msg":"canary run","status":"pass","request_id":"8f5c0a1e"}
}
