package healthhttp

import (
	"context"
	"log/slog"
)

// LogHandler wraps h so that every record logged with a request's context
// (the engine's per-check lines included) carries the request ID set by
// WithRequestID, as "request_id".
func LogHandler(h slog.Handler) slog.Handler { return requestIDHandler{h} }

type requestIDHandler struct{ slog.Handler }

// Handle adds the request ID, if ctx has one.
func (r requestIDHandler) Handle(ctx context.Context, rec slog.Record) error {
	if id := requestID(ctx); id != "" {
		rec.AddAttrs(slog.String("request_id", id))
	}
	return r.Handler.Handle(ctx, rec)
}

// WithAttrs keeps the wrapper around the derived handler.
func (r requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{r.Handler.WithAttrs(attrs)}
}

// WithGroup keeps the wrapper around the derived handler.
func (r requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{r.Handler.WithGroup(name)}
}
