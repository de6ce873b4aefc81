package jsonerr

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	const secret = "hunter2"
	tests := []struct {
		in   string
		into any
		want string
	}{
		{`{"dsn":"` + secret, &map[string]string{}, "truncated JSON"},
		{`dsn=` + secret, &map[string]string{}, "invalid JSON at byte 1"},
		{`{"port":"` + secret + `"}`, &struct{ Port int }{}, "field Port is a JSON string"},
		{`["` + secret + `"]`, &map[string]string{}, "a JSON array where another type was expected"},
	}
	for _, tt := range tests {
		err := json.Unmarshal([]byte(tt.in), tt.into)
		got := Describe(err)
		if got != tt.want || strings.Contains(got, secret) {
			t.Errorf("Describe(%v) = %q; want %q", err, got, tt.want)
		}
	}
	if got := Describe(errors.New("other")); got != "invalid JSON" {
		t.Errorf("Describe(other) = %q; want \"invalid JSON\"", got)
	}
}
