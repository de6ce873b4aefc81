package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/lambdahealth/lambdahealth/internal/rie"
)

func TestSamCommand(t *testing.T) {
	tests := []struct {
		overrides []string
		want      string
	}{
		{nil, "sam build HealthFunction && sam local invoke HealthFunction --event events/health-v2-ready.json"},
		{[]string{"Details=always"}, "sam build HealthFunction && sam local invoke HealthFunction --event events/health-v2-ready.json --parameter-overrides Details=always"},
		{[]string{`ChecksJson=[{"name":"a b"}]`}, `sam build HealthFunction && sam local invoke HealthFunction --event events/health-v2-ready.json --parameter-overrides 'ChecksJson="[{\"name\":\"a b\"}]"'`},
	}
	for _, tt := range tests {
		if got := samCommand("HealthFunction", "events/health-v2-ready.json", tt.overrides); got != tt.want {
			t.Errorf("samCommand(%q) =\n %s\nwant\n %s", tt.overrides, got, tt.want)
		}
	}
}

func TestAnswer(t *testing.T) {
	tests := []struct {
		name       string
		inv        rie.Invocation
		wantCode   int
		wantStderr string
	}{
		{"answer", rie.Invocation{StatusCode: 200, Payload: []byte(`{"statusCode":200,"body":"{\"status\":\"pass\"}"}`)}, 0, "body, decoded:"},
		{"function error", rie.Invocation{StatusCode: 200, Payload: []byte(`{"errorType":"EventError","errorMessage":"not an HTTP event"}`)}, 1, "function error EventError: not an HTTP event"},
		{"crash", rie.Invocation{StatusCode: 502, Payload: []byte(`oops`)}, 1, "the emulator answered HTTP 502"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := answer(&tt.inv, &stdout, &stderr); code != tt.wantCode || !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("answer = %d, stderr %q; want %d and %q", code, stderr.String(), tt.wantCode, tt.wantStderr)
			}
		})
	}
}

func TestPrefixWriter(t *testing.T) {
	var out bytes.Buffer
	w := newPrefixWriter(&out, "  | ")
	for _, s := range []string{"START a\nline", " one\n", "END\n", "partial"} {
		if _, err := w.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	if want := "  | START a\n  | line one\n  | END\n"; out.String() != want {
		t.Errorf("written %q; want %q", out.String(), want)
	}
}
