package jsonerr

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
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

// TestDescribeV2 covers encoding/json/v2's errors: the field is named by
// the pointer's first token only, since deeper tokens may be map keys
// taken from the input.
func TestDescribeV2(t *testing.T) {
	const secret = "hunter2"
	type event struct {
		Path    string            `json:"path"`
		Headers map[string]string `json:"headers"`
	}
	tests := []struct {
		in   string
		want string
	}{
		{`{"path":"` + secret, "truncated JSON"},
		{`{"path":` + secret + `}`, "invalid JSON at byte 8"},
		{`{"path":7}`, "field path is a JSON number"},
		{`{"headers":{"` + secret + `":7}}`, "field headers is a JSON number"},
		{`["` + secret + `"]`, "a JSON array where another type was expected"},
	}
	for _, tt := range tests {
		var ev event
		err := jsonv2.Unmarshal([]byte(tt.in), &ev)
		if got := Describe(err); got != tt.want || strings.Contains(got, secret) {
			t.Errorf("Describe(%v) = %q; want %q", err, got, tt.want)
		}
	}
}
