// Package safelog keeps logging from hurting the process it logs for: a nil
// logger discards, a handler that panics loses its line and nothing else,
// and a recovered panic is described by what cannot carry request data.
// The engine, the HTTP front and the Lambda adapter share it.
package safelog

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// Logger returns l made safe: nil means discard, and a panic in l's
// handler is recovered and the record dropped, so that a logging failure
// never reaches a caller (a panic inside a shared check run would take the
// whole process down, where no recover can catch it).
func Logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	if _, ok := l.Handler().(handler); ok {
		return l
	}
	return slog.New(handler{l.Handler()})
}

// handler recovers the panics of the handler it wraps.
type handler struct{ h slog.Handler }

func (s handler) Enabled(ctx context.Context, level slog.Level) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return s.h.Enabled(ctx, level)
}

func (s handler) Handle(ctx context.Context, r slog.Record) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("log handler panicked: %T", p)
		}
	}()
	return s.h.Handle(ctx, r)
}

func (s handler) WithAttrs(attrs []slog.Attr) (out slog.Handler) {
	defer func() {
		if recover() != nil {
			out = s
		}
	}()
	return handler{s.h.WithAttrs(attrs)}
}

func (s handler) WithGroup(name string) (out slog.Handler) {
	defer func() {
		if recover() != nil {
			out = s
		}
	}()
	return handler{s.h.WithGroup(name)}
}

// Panic describes a recovered panic p for a log line: its type, where it
// happened (function, file and line), and its value only when the runtime
// made it (a runtime.Error such as a nil dereference or an index out of
// range), which cannot carry request data. Any other value may hold what
// the request or a secret held, and is left out. Call it in the deferred
// function that recovered p.
func Panic(p any) string {
	s := fmt.Sprintf("%T", p)
	if at := panicSite(); at != "" {
		s += " at " + at
	}
	if err, ok := p.(runtime.Error); ok {
		s += ": " + err.Error()
	}
	return s
}

// panicSite is the first frame below runtime.gopanic that is not the
// runtime's own: where the panic happened.
func panicSite() string {
	pc := make([]uintptr, 32)
	frames := runtime.CallersFrames(pc[:runtime.Callers(2, pc)])
	panicking := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic":
			panicking = true
		case panicking && !strings.HasPrefix(f.Function, "runtime."):
			return f.Function + " (" + filepath.Base(f.File) + ":" + strconv.Itoa(f.Line) + ")"
		}
		if !more {
			return ""
		}
	}
}
