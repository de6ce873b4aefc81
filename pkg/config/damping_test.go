package config

import (
	"errors"
	"strings"
	"testing"
)

func TestFlapDampingFields(t *testing.T) {
	c, err := Load(env(map[string]string{"HEALTH_CHECKS": `[
		{"name":"a","type":"tcp","address":"h:1","failAfter":3,"passAfter":2},
		{"name":"b","type":"http","url":"http://x/"},
		{"name":"c","type":"sqs","queueUrl":"https://q/1/c","failAfter":0}]`}))
	if err != nil {
		t.Fatalf("Load error: %v", err)
	}
	for i, want := range [][2]int{{3, 2}, {0, 0}, {0, 0}} {
		if got := [2]int{c.Checks[i].FailAfter, c.Checks[i].PassAfter}; got != want {
			t.Errorf("check %d failAfter, passAfter = %v; want %v (0 is the default, 1)", i, got, want)
		}
	}
	for _, tt := range []struct{ checks, field string }{
		{`[{"name":"a","type":"tcp","address":"h:1","failAfter":-1}]`, "HEALTH_CHECKS[0].failAfter"},
		{`[{"name":"a","type":"tcp","address":"h:1","failAfter":"3"}]`, "HEALTH_CHECKS[0].failAfter"},
		{`[{"name":"a","type":"tcp","address":"h:1","passAfter":1.5}]`, "HEALTH_CHECKS[0].passAfter"},
		{`[{"name":"a","type":"tcp","address":"h:1","passAfter":101}]`, "HEALTH_CHECKS[0].passAfter"},
	} {
		_, err := Load(env(map[string]string{"HEALTH_CHECKS": tt.checks}))
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(fe.Problem, "consecutive runs") {
			t.Errorf("Load(%s) error = %v; want a FieldError naming %s", tt.checks, err, tt.field)
		}
	}
}
