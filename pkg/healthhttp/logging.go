package healthhttp

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// DefaultPassLogInterval is how often passing requests are summarized.
const DefaultPassLogInterval = time.Minute

// WithPassLogInterval sets how passing requests (2xx) are logged: at probe
// rates (an ALB health-checking every 5 s from each zone, Kubernetes every
// 10 s per pod, uptime monitors) a line per passing probe is noise that
// costs money and, on the local server, throughput. So passing requests are
// counted per route and summarized in one "requests passed" line at most
// once per d, written with the first request after d has gone by; every
// other request (4xx, 5xx: failing readiness, unknown routes, bad
// parameters) is logged on its own line, always. d <= 0 logs every request.
// Default DefaultPassLogInterval (1m).
func WithPassLogInterval(d time.Duration) Option {
	return func(h *Handler) { h.passLog.interval = d }
}

// passLog counts passing requests between summaries.
type passLog struct {
	interval time.Duration
	mu       sync.Mutex
	since    time.Time
	counts   [routeCheck + 1]int
}

// logRequest logs a request that did not pass, or counts one that did and
// writes the summary when it is due.
func (h *Handler) logRequest(r *http.Request, rt route, code int, start time.Time) {
	if code >= 300 || h.passLog.interval <= 0 {
		h.logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("route", routeName(rt)),
			slog.Int("code", code),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		)
		return
	}
	p := &h.passLog
	p.mu.Lock()
	if p.since.IsZero() {
		p.since = start
	}
	p.counts[rt]++
	if start.Sub(p.since) < p.interval {
		p.mu.Unlock()
		return
	}
	counts, since := p.counts, p.since
	p.counts, p.since = [routeCheck + 1]int{}, start
	p.mu.Unlock()
	attrs := []slog.Attr{slog.Float64("interval_s", start.Sub(since).Seconds())}
	for rt, n := range counts {
		if n > 0 {
			attrs = append(attrs, slog.Int(routeName(route(rt)), n))
		}
	}
	// Not the request's context: the summary is no one request's line, and
	// must not carry its request ID.
	h.logger.LogAttrs(context.Background(), slog.LevelInfo, "requests passed", attrs...)
}
