package healthstack

import (
	"strings"
	"testing"

	"github.com/lambdahealth/lambdahealth/pkg/config"
)

// Service and Environment become CloudWatch dimension values: values that
// CloudWatch would refuse (config.DimensionValueProblem, which the
// functions apply at start-up) are refused at synth, naming the field; the
// stack's own patterns for both are stricter still.
func TestDimensionValuesRefusedAtSynth(t *testing.T) {
	for _, tt := range []struct {
		props HealthProps
		field string
	}{
		{HealthProps{Environment: "prød"}, "Environment"},
		{HealthProps{Environment: "   "}, "Environment"},
		{HealthProps{Service: "prød"}, "Service"},
		{HealthProps{Service: " "}, "Service"},
	} {
		err := tt.props.Validate()
		if err == nil || !strings.Contains(err.Error(), "HealthProps."+tt.field+":") {
			t.Errorf("Validate(%+q) = %v; want an error naming %s", tt.props.Environment+tt.props.Service, err, tt.field)
		}
	}
}

// Whatever the stack's patterns accept for Service and Environment is a
// dimension value the functions accept at start-up.
func TestStackPatternsWithinDimensionRule(t *testing.T) {
	const allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
	for _, v := range []string{allowed[:64], allowed[1:65], "-", ".", "_"} {
		if !namePattern.MatchString(v) || !envPattern.MatchString(v) {
			t.Fatalf("%q: not accepted by the stack's patterns; fix the test", v)
		}
		if problem := config.DimensionValueProblem(v); problem != "" {
			t.Errorf("the stack accepts %q, which the functions refuse: %s", v, problem)
		}
	}
}
