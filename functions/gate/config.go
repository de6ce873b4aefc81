package main

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/config"
	"github.com/lambdahealth/lambdahealth/pkg/gate"
)

// settings is the gate's configuration, from GATE_* variables.
type settings struct {
	Hook           string
	Shape          string
	Path           string
	Alarms         []string
	Attempts       int
	AttemptTimeout time.Duration
	Backoff        time.Duration
}

// load reads and validates the GATE_* variables; every problem is a
// config.FieldError naming its variable.
func load(getenv config.Getenv) (settings, error) {
	var errs checks.Problems
	bad := errs.Add
	s := settings{
		Hook:  getenv("GATE_HOOK"),
		Shape: cmp.Or(getenv("GATE_EVENT"), gate.ShapeV2),
		Path:  cmp.Or(getenv("GATE_PATH"), gate.DefaultPath),
	}
	if s.Hook != gate.BeforeAllowTraffic && s.Hook != gate.AfterAllowTraffic {
		bad("GATE_HOOK", "required: %s or %s", gate.BeforeAllowTraffic, gate.AfterAllowTraffic)
	}
	if !slices.Contains(gate.Shapes, s.Shape) {
		bad("GATE_EVENT", "%q is not one of %s", s.Shape, strings.Join(gate.Shapes, ", "))
	}
	if problem := gate.PathProblem(s.Path); problem != "" {
		bad("GATE_PATH", "%s", problem)
	}
	for _, a := range strings.Split(getenv("GATE_ALARMS"), ",") {
		if a = strings.TrimSpace(a); a != "" {
			s.Alarms = append(s.Alarms, a)
		}
	}
	s.Attempts = gate.DefaultAttempts
	if v := getenv("GATE_ATTEMPTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			bad("GATE_ATTEMPTS", "%q is not a whole number of at least 1", v)
		}
		s.Attempts = n
	}
	s.AttemptTimeout = config.Duration(getenv, "GATE_ATTEMPT_TIMEOUT", gate.DefaultAttemptTimeout, false, &errs)
	s.Backoff = config.Duration(getenv, "GATE_BACKOFF", gate.DefaultBackoff, false, &errs)
	return s, errs.Err()
}
