package checks

import (
	"encoding/json"
	"testing"
	"time"
)

// TestCommonTimeoutIsATimeDuration: a Go user writes a time.Duration, and
// HEALTH_CHECKS keeps its Go duration string (issue 19: checks.Duration
// where users expect time.Duration).
func TestCommonTimeoutIsATimeDuration(t *testing.T) {
	t.Parallel()
	c := Common{Name: "db", Optional: true, Timeout: 1500 * time.Millisecond, FailAfter: 2}
	b, err := json.Marshal(c)
	if want := `{"name":"db","critical":false,"timeout":"1.5s","failAfter":2}`; err != nil || string(b) != want {
		t.Fatalf("Marshal = %s, %v; want %s", b, err, want)
	}
	var back Common
	if err := json.Unmarshal(b, &back); err != nil || back.Timeout != c.Timeout || back.IsCritical() || back.FailAfter != 2 {
		t.Errorf("Unmarshal(%s) = %+v, %v; want %+v", b, back, err, c)
	}
	if b, _ := json.Marshal(Common{Name: "db"}); string(b) != `{"name":"db"}` {
		t.Errorf("Marshal of the zero fields = %s; want only the name", b)
	}
	if err := json.Unmarshal([]byte(`{"name":"db","timeout":"soon"}`), &back); err == nil {
		t.Error("Unmarshal of timeout \"soon\" = nil error; want one")
	}
	if got := (Common{Name: "db", Optional: true}).Check("", "", nil); !got.Optional || got.Timeout != 0 {
		t.Errorf("Check() = %+v; want Optional, no timeout", got)
	}
}

// "critical" in HEALTH_CHECKS is Common.Optional in Go, one spelling with
// the engine's health.Check.Optional: false means optional, true or absent
// critical.
func TestCommonCriticalJSON(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in           string
		wantOptional bool
	}{
		{`{"name":"a"}`, false},
		{`{"name":"a","critical":true}`, false},
		{`{"name":"a","critical":false}`, true},
	} {
		var c Common
		if err := json.Unmarshal([]byte(tt.in), &c); err != nil || c.Optional != tt.wantOptional {
			t.Errorf("Unmarshal(%s) = %+v, %v; want Optional %v", tt.in, c, err, tt.wantOptional)
		}
	}
}
