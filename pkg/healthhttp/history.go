package healthhttp

import (
	"context"
	"errors"
	"math"
	"net/url"
	"strconv"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/health"
	"github.com/lambdahealth/lambdahealth/pkg/uptime"
)

// The query parameters of the health, readiness and check routes.
const (
	// QueryTimeout caps the request's budget with a Go duration
	// (?timeout=500ms): it can only shorten it.
	QueryTimeout = "timeout"
	// QueryHistory, set to HistoryOn (?history=1), adds the uptime
	// history (WithHistory) to the health+json answer as its "history"
	// member. The HTML page always shows it.
	QueryHistory = "history"
)

// HistoryOn is the value of QueryHistory that asks for the history; "0"
// or no parameter does not, and any other value is a 400.
const HistoryOn = "1"

// HistoryUnavailable is what the page and the "history" member say when
// the history cannot be shown, followed by the reason's safe class in
// parentheses: "history unavailable (access denied: cloudwatch:GetMetricData)",
// "history unavailable (timeout)".
const HistoryUnavailable = "history unavailable"

// History reads the uptime history of the service and of its checks;
// *uptime.Cache fits. Its errors are shown to callers only as the safe
// class health.Classify gives them.
type History interface {
	History(ctx context.Context) (uptime.History, error)
}

// WithHistory shows the uptime history of the service and of the checks
// on the HTML status page (the checks' only to callers who see details),
// and in the health+json answer under ?history=1; without that parameter
// the JSON stays as it is, and liveness and HEAD never read it. A request
// waits for the history at most until its budget ends (the engine's
// Deadline, when it has one, such as *health.Checker; otherwise the
// request's context), and then shows "history unavailable". Default: no
// history, on the page or in the JSON.
func WithHistory(hist History) Option { return func(h *Handler) { h.history = hist } }

// historyMember is the "history" member of the health+json answer under
// ?history=1: the history, or why it is unavailable.
type historyMember struct {
	*uptime.History
	Unavailable string `json:"unavailable,omitempty"`
}

// responseWithHistory is the health+json answer under ?history=1.
type responseWithHistory struct {
	Response
	History historyMember `json:"history"`
}

// historyWanted reports whether the query asks for the history in JSON.
func historyWanted(query url.Values) (bool, error) {
	switch query.Get(QueryHistory) {
	case "", "0":
		return false, nil
	case HistoryOn:
		return true, nil
	}
	return false, errors.New(QueryHistory + " must be " + HistoryOn + " (or 0)")
}

// historyResult is a read history, or why there is none.
type historyResult struct {
	hist uptime.History
	err  error
}

// readHistory asks for the history alongside the checks when want is set
// and the handler has one: the returned function waits for it until the
// request's budget ends, and returns nil when none was asked. A request
// that answers without it (an unknown check) leaves the read to end with
// the budget.
func (h *Handler) readHistory(ctx context.Context, want bool) func() *historyResult {
	if !want || h.history == nil {
		return func() *historyResult { return nil }
	}
	cancel := context.CancelFunc(func() {})
	if e, ok := h.engine.(interface {
		Deadline(ctx context.Context) time.Time
	}); ok {
		ctx, cancel = context.WithDeadline(ctx, e.Deadline(ctx))
	}
	ch := make(chan historyResult, 1)
	go func() {
		defer cancel()
		hist, err := h.history.History(ctx)
		ch <- historyResult{hist, err}
	}()
	return func() *historyResult {
		select {
		case r := <-ch:
			return &r
		case <-ctx.Done():
			// The read's own end cancels ctx too, after its answer.
			select {
			case r := <-ch:
				return &r
			default:
				return &historyResult{err: ctx.Err()}
			}
		}
	}
}

// member is the result as the "history" member: the service's series and
// those of the checks in rows (none without details).
func (r *historyResult) member(rows []string) historyMember {
	if r.err != nil {
		return historyMember{Unavailable: historyReason(r.err)}
	}
	hist := r.hist
	hist.Checks = nil
	for _, name := range rows {
		if s, ok := r.hist.Checks[name]; ok {
			if hist.Checks == nil {
				hist.Checks = map[string]uptime.Series{}
			}
			hist.Checks[name] = s
		}
	}
	return historyMember{History: &hist}
}

// historyReason is the safe class of a history's error.
func historyReason(err error) string {
	return health.Classify(err, 0)
}

// resultNames are the names of a report's checks.
func resultNames(results []health.Result) []string {
	names := make([]string, len(results))
	for i, r := range results {
		names[i] = r.Name
	}
	return names
}

// percent shows a share as a percentage rounded down to 2 decimals, so
// that a failed run never shows as 100%; "–" for no run.
func percent(v *float64) string {
	switch {
	case v == nil:
		return "–"
	case *v >= 1:
		return "100%"
	}
	return strconv.FormatFloat(math.Floor(*v*1e4+1e-7)/100, 'f', 2, 64) + "%"
}

// dayClass is the class of a day's bar: d-pass at 99.9% and above, d-warn
// at 95% and above, d-fail below, d-none without a run.
func dayClass(v *float64) string {
	switch {
	case v == nil:
		return "d-none"
	case *v >= 0.999:
		return "d-pass"
	case *v >= 0.95:
		return "d-warn"
	}
	return "d-fail"
}

// pageHistory is the history as the page shows it.
type pageHistory struct {
	Unavailable string
	Days        []uptime.Strip
	Rows        []pageHistoryRow
}

// pageHistoryRow is one series on the page: the service's (Check empty) or
// a check's.
type pageHistoryRow struct {
	Label, Check string
	Series       uptime.Series
}

// pageHistoryOf is the page's view of r for the service label and the
// checks of the page's rows, in their order.
func pageHistoryOf(r *historyResult, service string, rows []pageRow) *pageHistory {
	if r == nil {
		return nil
	}
	if r.err != nil {
		return &pageHistory{Unavailable: historyReason(r.err)}
	}
	ph := &pageHistory{Days: r.hist.Days, Rows: []pageHistoryRow{{Label: service, Series: r.hist.Service}}}
	for _, row := range rows {
		if s, ok := r.hist.Checks[row.Name]; ok {
			ph.Rows = append(ph.Rows, pageHistoryRow{Label: row.Name, Check: row.Name, Series: s})
		}
	}
	return ph
}
