package health

import (
	"fmt"
	"sync"
	"time"
)

// flaps keeps, per check, the consecutive runs that flap damping counts
// (Check.FailAfter, Check.PassAfter) and the last status each check
// reported. It lives in the Checker, so in the warm instance: a new
// instance starts every check afresh, as passing.
type flaps struct {
	mu     sync.Mutex
	states map[string]*flapState
	notify func(StatusChange)
}

type flapState struct {
	fails    int    // consecutive failed runs
	passes   int    // consecutive passing runs since the check reported fail
	failing  bool   // the check reports fail (FailAfter reached, PassAfter not yet)
	reported Status // the last status reported; "" before the first run
}

// threshold is n, or 1 when n is zero (or less): the zero value of
// FailAfter and PassAfter means no damping.
func threshold(n int) int { return max(n, 1) }

// record counts one run of ch whose own outcome is r and returns what the
// check reports: r itself, or r damped. A failed run before FailAfter
// consecutive failures reports warn "failing (n of N): <output>"; a passing
// run of a failing check before PassAfter consecutive passes reports fail
// "recovering (n of N)". A change of the reported status is passed to
// notify.
func (f *flaps) record(ch Check, r Result) Result {
	f.mu.Lock()
	st := f.state(ch.Name)
	if r.Status == StatusFail {
		st.fails, st.passes = st.fails+1, 0
		if st.fails >= threshold(ch.FailAfter) {
			st.failing = true
		}
	} else {
		st.fails = 0
		if st.failing {
			st.passes++
			if st.passes >= threshold(ch.PassAfter) {
				st.failing, st.passes = false, 0
			}
		}
	}
	out := damp(ch, r, *st)
	from := st.reported
	st.reported = out.Status
	f.mu.Unlock()
	if from != out.Status && f.notify != nil {
		f.notify(StatusChange{Check: ch.Name, From: from, To: out.Status, Output: out.Output, Time: out.Time})
	}
	return out
}

// peek returns what the check would report if r were its next run, without
// counting it: for a caller that stopped waiting (its budget ran out) while
// the run goes on, and for runs that say nothing about the dependency
// (suspended, or cut short by the invocation's end).
func (f *flaps) peek(ch Check, r Result) Result {
	f.mu.Lock()
	st := *f.state(ch.Name)
	f.mu.Unlock()
	if r.Status == StatusFail {
		st.fails++
		st.failing = st.failing || st.fails >= threshold(ch.FailAfter)
	} else if st.failing {
		st.passes++
		st.failing = st.passes < threshold(ch.PassAfter)
	}
	return damp(ch, r, st)
}

func (f *flaps) state(name string) *flapState {
	st, ok := f.states[name]
	if !ok {
		st = &flapState{}
		f.states[name] = st
	}
	return st
}

// damp rewrites r as a check in state st reports it.
func damp(ch Check, r Result, st flapState) Result {
	switch {
	case r.Status == StatusFail && !st.failing:
		r.Status = StatusWarn
		r.Output = fmt.Sprintf("failing (%d of %d): %s", st.fails, threshold(ch.FailAfter), r.Output)
	case r.Status != StatusFail && st.failing:
		r.Status = StatusFail
		r.Output = fmt.Sprintf("recovering (%d of %d)", st.passes, threshold(ch.PassAfter))
	}
	return r
}

// StatusChange is a change of the status a check reports: From is empty
// for the first run of a check in this instance.
type StatusChange struct {
	Check string
	From  Status
	To    Status
	// Output is the check's safe output after the change (empty on pass).
	Output string
	// Time is when the run that changed the status finished.
	Time time.Time
}
