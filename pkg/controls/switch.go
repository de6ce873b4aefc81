package controls

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/lambdahealth/lambdahealth/pkg/maintenance"
)

// MaintenanceValue is the drain parameter's value that switches maintenance
// on (case and surrounding space ignored). It does not drain.
const MaintenanceValue = "maintenance"

// Switch reads the drain parameter for both of its values: "drain" (for
// health.WithDrain) and "maintenance" (for maintenance.WithSwitch). Each
// read is remembered for a TTL, so that the maintenance state costs no
// extra call while readiness keeps reading the parameter. A missing
// parameter is neither. It is safe for concurrent use.
type Switch struct {
	readValue func(ctx context.Context) (string, error)
	ttl       time.Duration
	now       func() time.Time
	group     singleflight.Group

	mu    sync.Mutex
	value string
	at    time.Time
	fresh bool
}

// newSwitch returns a Switch that reads the parameter's value (trimmed, in
// lower case, "" when missing) with value. ttl is how long a read value is
// reused by Maintenance (0: every call reads).
func newSwitch(value func(ctx context.Context) (string, error), ttl time.Duration) *Switch {
	return &Switch{readValue: value, ttl: ttl, now: time.Now}
}

// Drain reads the parameter and reports whether its value is "drain"; its
// caller (the engine's drain check) caches the answer.
func (s *Switch) Drain(ctx context.Context) (bool, error) {
	v, err := s.read(ctx)
	return v == DrainValue, err
}

// Maintenance reports whether the parameter's value is "maintenance", from
// the last read when it is younger than the TTL. Concurrent callers share
// one read.
func (s *Switch) Maintenance(ctx context.Context) (bool, error) {
	s.mu.Lock()
	v, ok := s.value, s.fresh && s.now().Sub(s.at) < s.ttl
	s.mu.Unlock()
	if ok {
		return v == MaintenanceValue, nil
	}
	ch := s.group.DoChan("", func() (any, error) { return s.read(ctx) })
	select {
	case r := <-ch:
		if r.Err != nil {
			return false, r.Err
		}
		return r.Val.(string) == MaintenanceValue, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// read reads the parameter and remembers its value.
func (s *Switch) read(ctx context.Context) (string, error) {
	v, err := s.readValue(ctx)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.value, s.at, s.fresh = v, s.now(), true
	s.mu.Unlock()
	return v, nil
}

// NewMonitor returns the maintenance monitor of windows, with the
// "maintenance" value of s as its ad-hoc switch when s is not nil, and opts.
func NewMonitor(windows []maintenance.Window, s *Switch, opts ...maintenance.Option) *maintenance.Monitor {
	if s != nil {
		opts = append(opts, maintenance.WithSwitch(s.Maintenance))
	}
	return maintenance.NewMonitor(windows, opts...)
}
