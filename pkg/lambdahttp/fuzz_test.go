package lambdahttp

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/lambdahealth/lambdahealth/pkg/jsonerr"
)

// FuzzInvoke feeds arbitrary payloads to the Lambda entry point: it must
// never panic, must either answer a well-formed HTTP response or reject
// the event with jsonerr.ErrMalformedEvent or jsonerr.ErrUnsupportedEvent, and must print
// nothing to stdout or stderr (api-proxy prints what it cannot convert).
func FuzzInvoke(f *testing.F) {
	files, _ := filepath.Glob("../../events/*.json")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{``, `{}`, `null`, `[]`, `{"version":"2.0","requestContext":{"http":{"method":"GET"}},"rawPath":"/health/%zz"}`,
		`{"httpMethod":"GET","path":"/health","requestContext":{"elb":{}},"multiValueHeaders":{"a":[]}}`,
		`{"httpMethod":"\u0000","path":"//","requestContext":{}}`,
		`{"httpMethod":"GET","path":"/health/live\r\n{\"msg\":\"forged\"}","requestContext":{"elb":{}},"headers":{"host":"a/b?"}}`,
		`{"version":"2.0","rawPath":"/x","rawQueryString":"a#\u0001","requestContext":{"http":{"method":"G T"},"domainName":"a b"}}`} {
		f.Add([]byte(s))
	}
	a := newAdapter(f, nil)
	printed, restore := redirectOutput(f)
	f.Cleanup(restore)
	f.Fuzz(func(t *testing.T, payload []byte) {
		out, err := a.Invoke(context.Background(), payload)
		if st, _ := printed.Stat(); st != nil && st.Size() > 0 {
			b, _ := os.ReadFile(printed.Name())
			t.Fatalf("Invoke printed %q", b)
		}
		if err != nil {
			if !errors.Is(err, jsonerr.ErrMalformedEvent) && !errors.Is(err, jsonerr.ErrUnsupportedEvent) {
				t.Fatalf("Invoke error %v is neither jsonerr.ErrMalformedEvent nor jsonerr.ErrUnsupportedEvent", err)
			}
			return
		}
		var resp struct {
			StatusCode int `json:"statusCode"`
		}
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatalf("response %q is not JSON: %v", out, err)
		}
		if resp.StatusCode < 200 || resp.StatusCode > 599 {
			t.Fatalf("statusCode = %d", resp.StatusCode)
		}
	})
}
