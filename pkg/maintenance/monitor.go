package maintenance

import (
	"context"
	"time"
)

// AdHocReason is the ad-hoc switch's reason in its note.
const AdHocReason = "switched on by the drain parameter"

// DefaultSwitchTimeout bounds one read of the ad-hoc switch.
const DefaultSwitchTimeout = 500 * time.Millisecond

// Note returns the IETF note of a window: "maintenance until
// 2026-12-07T02:00:00Z: database upgrade", or "maintenance: reason" when
// until is zero (the ad-hoc switch has no end).
func Note(reason string, until time.Time) string {
	if until.IsZero() {
		return "maintenance: " + reason
	}
	return "maintenance until " + until.UTC().Format(time.RFC3339) + ": " + reason
}

// Monitor tells whether the service is in maintenance now: in one of its
// planned windows or with its ad-hoc switch on. It is safe for concurrent
// use.
type Monitor struct {
	windows []Window
	adhoc   func(ctx context.Context) (bool, error)
	timeout time.Duration
	now     func() time.Time
}

// Option configures a Monitor.
type Option func(*Monitor)

// WithSwitch adds the ad-hoc switch: on when on returns true. A switch that
// cannot be read, within WithSwitchTimeout, counts as off.
// Default: no switch.
func WithSwitch(on func(ctx context.Context) (bool, error)) Option {
	return func(m *Monitor) { m.adhoc = on }
}

// WithSwitchTimeout sets the longest one read of the ad-hoc switch takes;
// a read that takes longer counts as off. Default DefaultSwitchTimeout
// (500ms).
func WithSwitchTimeout(d time.Duration) Option { return func(m *Monitor) { m.timeout = d } }

// WithClock sets the clock. Default time.Now.
func WithClock(now func() time.Time) Option { return func(m *Monitor) { m.now = now } }

// NewMonitor returns a Monitor of windows (from Parse).
func NewMonitor(windows []Window, opts ...Option) *Monitor {
	m := &Monitor{windows: windows, timeout: DefaultSwitchTimeout, now: time.Now}
	for _, o := range opts {
		o(m)
	}
	return m
}

// Notes returns the IETF notes of the maintenance under way, nil when none:
// one for the planned window that covers now (the one ending last), one for
// the ad-hoc switch.
func (m *Monitor) Notes(ctx context.Context) []string {
	var notes []string
	if w, until, ok := Active(m.windows, m.now()); ok {
		notes = append(notes, Note(w.Reason, until))
	}
	if m.adhoc != nil {
		ctx, cancel := context.WithTimeout(ctx, m.timeout)
		on, err := m.adhoc(ctx)
		cancel()
		if err == nil && on {
			notes = append(notes, Note(AdHocReason, time.Time{}))
		}
	}
	return notes
}

// InMaintenance reports whether any maintenance is under way.
func (m *Monitor) InMaintenance(ctx context.Context) bool { return len(m.Notes(ctx)) > 0 }
