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
		Hook:  getenv(gate.EnvHook),
		Shape: cmp.Or(getenv(gate.EnvEvent), gate.ShapeV2),
		Path:  cmp.Or(getenv(gate.EnvPath), gate.DefaultPath),
	}
	if s.Hook != gate.BeforeAllowTraffic && s.Hook != gate.AfterAllowTraffic {
		bad(gate.EnvHook, "required: %s or %s", gate.BeforeAllowTraffic, gate.AfterAllowTraffic)
	}
	if !slices.Contains(gate.Shapes, s.Shape) {
		bad(gate.EnvEvent, "%q is not one of %s", s.Shape, strings.Join(gate.Shapes, ", "))
	}
	if problem := gate.PathProblem(s.Path); problem != "" {
		bad(gate.EnvPath, "%s", problem)
	}
	for _, a := range strings.Split(getenv(gate.EnvAlarms), ",") {
		if a = strings.TrimSpace(a); a != "" {
			s.Alarms = append(s.Alarms, a)
		}
	}
	s.Attempts = gate.DefaultAttempts
	if v := getenv(gate.EnvAttempts); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			bad(gate.EnvAttempts, "%q is not a whole number of at least 1", v)
		}
		s.Attempts = n
	}
	s.AttemptTimeout = config.Duration(getenv, gate.EnvAttemptTimeout, gate.DefaultAttemptTimeout, false, &errs)
	s.Backoff = config.Duration(getenv, gate.EnvBackoff, gate.DefaultBackoff, false, &errs)
	return s, errs.Err()
}
