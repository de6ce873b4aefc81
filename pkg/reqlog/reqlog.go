// Package reqlog puts the AWS request ID of the current Lambda invocation on
// every log record made with the invocation's context, as "request_id", so
// that the lines of one invocation can be found together. It depends on
// nothing but log/slog and aws-lambda-go's lambdacontext: the canary and the
// HTTP function use it alike.
package reqlog

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Handler wraps h so that every record logged with a context that carries
// a Lambda invocation (lambdacontext) gets its AWS request ID as
// "request_id". Records logged with another context are passed on as they
// are.
func Handler(h slog.Handler) slog.Handler { return handler{h} }

type handler struct{ slog.Handler }

// Handle adds the request ID, if ctx has one.
func (r handler) Handle(ctx context.Context, rec slog.Record) error {
	if id := RequestID(ctx); id != "" {
		rec.AddAttrs(slog.String("request_id", id))
	}
	return r.Handler.Handle(ctx, rec)
}

// WithAttrs keeps the wrapper around the derived handler.
func (r handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return handler{r.Handler.WithAttrs(attrs)}
}

// WithGroup keeps the wrapper around the derived handler.
func (r handler) WithGroup(name string) slog.Handler { return handler{r.Handler.WithGroup(name)} }

// RequestID returns the AWS request ID of the invocation ctx belongs to, or
// "" outside an invocation.
func RequestID(ctx context.Context) string {
	if ctx == nil {
		return ""
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return lc.AwsRequestID
	}
	return ""
}
