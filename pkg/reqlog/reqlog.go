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
// "request_id", at the top level of the line even under WithGroup. Records
// logged with another context are passed on as they are.
func Handler(h slog.Handler) slog.Handler { return handler{Handler: h, base: h} }

// handler is h with the derivations (WithAttrs, WithGroup) made since base,
// so that under a group the request ID can be added before them.
type handler struct {
	slog.Handler
	base    slog.Handler
	derive  []func(slog.Handler) slog.Handler
	grouped bool
}

// Handle adds the request ID, if ctx has one.
func (r handler) Handle(ctx context.Context, rec slog.Record) error {
	id := RequestID(ctx)
	if id == "" {
		return r.Handler.Handle(ctx, rec)
	}
	if !r.grouped {
		rec.AddAttrs(slog.String("request_id", id))
		return r.Handler.Handle(ctx, rec)
	}
	// Attributes added to the record would land inside the open groups.
	h := r.base.WithAttrs([]slog.Attr{slog.String("request_id", id)})
	for _, d := range r.derive {
		h = d(h)
	}
	return h.Handle(ctx, rec)
}

// WithAttrs keeps the wrapper around the derived handler.
func (r handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return r.with(func(h slog.Handler) slog.Handler { return h.WithAttrs(attrs) }, false)
}

// WithGroup keeps the wrapper around the derived handler.
func (r handler) WithGroup(name string) slog.Handler {
	return r.with(func(h slog.Handler) slog.Handler { return h.WithGroup(name) }, name != "")
}

func (r handler) with(d func(slog.Handler) slog.Handler, group bool) slog.Handler {
	return handler{Handler: d(r.Handler), base: r.base,
		derive: append(r.derive[:len(r.derive):len(r.derive)], d), grouped: r.grouped || group}
}

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
