package maintenance

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/robfig/cron/v3"

	"github.com/lambdahealth/lambdahealth/pkg/jsonerr"
)

// Window is one planned maintenance window: a fixed one, from Start to End,
// or a recurring one, which opens at each activation of Cron and stays open
// for Duration.
type Window struct {
	// Start and End bound a fixed window (Start included, End excluded);
	// zero for a recurring one.
	Start, End time.Time
	// Cron is a recurring window's schedule: 5 fields (minute hour
	// day-of-month month day-of-week), evaluated in UTC.
	Cron string
	// Duration is how long a recurring window stays open.
	Duration time.Duration
	// Reason says why, in the note.
	Reason string

	schedule cron.Schedule
}

// FieldError is one problem with one field of the windows' JSON array.
type FieldError struct {
	// Path locates the field in the array, such as "[1].end".
	Path    string
	Problem string
}

// Error returns "path: problem".
func (e *FieldError) Error() string { return e.Path + ": " + e.Problem }

// cronParser reads the 5-field dialect of crontab(5): no seconds, no
// descriptors such as @daily.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// windowJSON is a window as HEALTH_MAINTENANCE spells it.
type windowJSON struct {
	Start    *string `json:"start,omitempty"`
	End      *string `json:"end,omitempty"`
	Cron     *string `json:"cron,omitempty"`
	Duration *string `json:"duration,omitempty"`
	Reason   string  `json:"reason"`
}

// Format writes windows as HEALTH_MAINTENANCE: the JSON array Parse reads
// ("" for none). It does not validate them: Parse its result for that, as
// the functions do at start-up.
func Format(windows []Window) (string, error) {
	if len(windows) == 0 {
		return "", nil
	}
	items := make([]windowJSON, len(windows))
	for i, w := range windows {
		items[i].Reason = w.Reason
		if w.Cron != "" || w.Duration != 0 {
			cron, dur := w.Cron, w.Duration.String()
			items[i].Cron, items[i].Duration = &cron, &dur
			continue
		}
		start, end := w.Start.UTC().Format(time.RFC3339), w.End.UTC().Format(time.RFC3339)
		items[i].Start, items[i].End = &start, &end
	}
	b, err := json.Marshal(items)
	if err != nil {
		return "", fmt.Errorf("encode maintenance windows: %w", err)
	}
	return string(b), nil
}

// Parse reads a JSON array of windows, each {"start", "end", "reason"} (RFC
// 3339 times) or {"cron", "duration", "reason"} (a Go duration such as
// "2h"). An empty string means no window. The error joins one *FieldError
// per problem.
func Parse(raw string) ([]Window, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	if len(raw) > MaxBytes {
		return nil, &FieldError{Problem: fmt.Sprintf("is %d bytes, more than %d (Lambda's 4 KB environment is shared with HEALTH_CHECKS)", len(raw), MaxBytes)}
	}
	var items []jsontext.Value
	if err := jsonerr.UnmarshalStrict([]byte(raw), &items); err != nil {
		if at, dup := jsonerr.Duplicate(err); dup {
			return nil, &FieldError{Path: pointerPath(string(at)), Problem: "duplicate field"}
		}
		return nil, &FieldError{Path: "", Problem: describe(err, "must be a JSON array of windows")}
	}
	var errs []error
	windows := make([]Window, 0, len(items))
	for i, item := range items {
		w, problems := parseWindow(fmt.Sprintf("[%d]", i), item)
		errs = append(errs, problems...)
		windows = append(windows, w)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return windows, nil
}

func parseWindow(at string, item jsontext.Value) (Window, []error) {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Path: at + field, Problem: fmt.Sprintf(format, args...)})
	}
	var j windowJSON
	if err := jsonerr.UnmarshalStrict(item, &j); err != nil {
		field, problem := fieldOf(err)
		bad(field, "%s", problem)
		return Window{}, errs
	}
	w := Window{Reason: strings.TrimSpace(j.Reason)}
	if w.Reason == "" {
		bad(".reason", "is required")
	}
	fixed, recurring := j.Start != nil || j.End != nil, j.Cron != nil || j.Duration != nil
	switch {
	case fixed && recurring:
		bad("", "has start/end and cron/duration; a window is one or the other")
	case fixed:
		w.Start = parseTime(j.Start, ".start", bad)
		w.End = parseTime(j.End, ".end", bad)
		if !w.Start.IsZero() && !w.End.IsZero() && !w.End.After(w.Start) {
			bad(".end", "before start")
		}
	case recurring:
		w.Cron, w.Duration, w.schedule = parseCron(j.Cron, j.Duration, bad)
	default:
		bad("", "needs start and end, or cron and duration")
	}
	return w, errs
}

func parseTime(v *string, field string, bad func(string, string, ...any)) time.Time {
	if v == nil {
		bad(field, "is required")
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, *v)
	if err != nil {
		bad(field, "%q is not an RFC 3339 time such as 2026-12-07T00:00:00Z", *v)
		return time.Time{}
	}
	return t.UTC()
}

func parseCron(spec, dur *string, bad func(string, string, ...any)) (string, time.Duration, cron.Schedule) {
	var d time.Duration
	switch {
	case dur == nil:
		bad(".duration", "is required")
	default:
		var err error
		if d, err = time.ParseDuration(*dur); err != nil || d <= 0 {
			bad(".duration", "%q is not a positive Go duration such as 2h or 90m", *dur)
			d = 0
		} else if d > maxDuration {
			bad(".duration", "%q is longer than %v", *dur, maxDuration)
		}
	}
	if spec == nil {
		bad(".cron", "is required")
		return "", d, nil
	}
	s := strings.TrimSpace(*spec)
	if strings.HasPrefix(s, "TZ=") || strings.HasPrefix(s, "CRON_TZ=") {
		bad(".cron", "%q: time zones are not supported; the schedule is in UTC", s)
		return "", d, nil
	}
	schedule, err := cronParser.Parse(s)
	if err != nil {
		bad(".cron", "%q is not a 5-field cron expression (minute hour day-of-month month day-of-week): %v", s, err)
		return "", d, nil
	}
	if schedule.Next(time.Now().UTC()).IsZero() {
		bad(".cron", "%q never fires", s)
		return "", d, nil
	}
	return s, d, schedule
}

// fieldOf says which member of a window a decoding error is about, and how.
func fieldOf(err error) (field, problem string) {
	var sem *json.SemanticError
	if at, unknown := jsonerr.Unknown(err); unknown {
		return pointerField(string(at)), "unknown field (names are case-sensitive: start, end, cron, duration, reason)"
	}
	switch {
	case errors.As(err, &sem) && sem.JSONPointer != "":
		return pointerField(string(sem.JSONPointer)), "must be a string"
	}
	return "", describe(err, "must be a JSON object")
}

// pointerField turns the JSON pointer "/end" into ".end".
func pointerField(p string) string {
	if p == "" {
		return ""
	}
	return "." + strings.TrimPrefix(p, "/")
}

// pointerPath turns the JSON pointer "/1/end" into "[1].end".
func pointerPath(p string) string {
	index, field, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	return "[" + index + "]" + pointerField(field)
}

// describe names a decoding error's kind without quoting the input.
func describe(err error, fallback string) string {
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) {
		return fmt.Sprintf("invalid JSON at byte %d", syn.ByteOffset)
	}
	return fallback
}

// active returns the window of windows that covers now and until when, the
// latest end when several do. A recurring window covers now when one of its
// activations lies in (now-Duration, now], until the latest such
// activation's end.
func active(windows []Window, now time.Time) (w Window, until time.Time, ok bool) {
	now = now.UTC()
	for _, c := range windows {
		end, covers := c.coverEnd(now)
		if covers && end.After(until) {
			w, until, ok = c, end, true
		}
	}
	return w, until, ok
}

// maxActivations bounds the activations of one recurring window looked at
// per call (a window every minute for 24h has 1440 that cover now); beyond
// it, until is that of the last one looked at.
const maxActivations = 1000

// MaxBytes is the longest HEALTH_MAINTENANCE (template.yaml's
// MaintenanceWindows MaxLength): Lambda gives a function's variables 4 KB
// in all, which the checks need most of.
const MaxBytes = 1024

// maxDuration is the longest recurring window.
const maxDuration = 31 * 24 * time.Hour

// coverEnd reports whether w covers now, and when it ends.
func (w Window) coverEnd(now time.Time) (time.Time, bool) {
	if w.schedule == nil {
		return w.End, !now.Before(w.Start) && now.Before(w.End)
	}
	// The first activation after now-Duration; Next is never before it.
	open := w.schedule.Next(now.Add(-w.Duration))
	if open.IsZero() || open.After(now) {
		return time.Time{}, false
	}
	for range maxActivations {
		next := w.schedule.Next(open)
		if next.IsZero() || next.After(now) {
			break
		}
		open = next
	}
	return open.Add(w.Duration), true
}
