package healthhttp

import (
	"context"
	"testing"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// TestCheckNameDecodedOnce: the check name is the path's segment decoded
// once, as net/http decodes it: "%2577eb" is the name "%77eb" (unknown),
// not "web", so a block rule on /health/checks/web cannot be dodged.
func TestCheckNameDecodedOnce(t *testing.T) {
	tests := []struct {
		path     string
		wantName string
		wantCode int
	}{
		{"/health/checks/web", "web", 200},
		{"/health/checks/w%65b", "web", 200},
		{"/health/checks/%2577eb", "%77eb", 404},
		{"/health/checks/%252577eb", "%2577eb", 404},
		{"/health/checks/a%2Fb", "", 404}, // a name has no slash
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			var asked string
			f := newFake(health.StatusPass)
			f.one = func(_ context.Context, name string) (health.Result, error) {
				asked = name
				if name != "web" {
					return health.Result{}, health.ErrUnknownCheck
				}
				return health.Result{Name: "web", Key: "web:responseTime", Status: health.StatusPass}, nil
			}
			rec := do(mustHandler(t, f), "GET", tt.path)
			if asked != tt.wantName || rec.Code != tt.wantCode {
				t.Errorf("GET %s asked for check %q and answered %d; want %q and %d", tt.path, asked, rec.Code, tt.wantName, tt.wantCode)
			}
		})
	}
}

// TestUnparsableQueryIs400: a query string that cannot be parsed is a 400
// on every route that reads the request, since URL.Query would silently
// drop the pair that carries ?timeout=. Liveness reads nothing of it.
func TestUnparsableQueryIs400(t *testing.T) {
	tests := []struct {
		target   string
		wantCode int
	}{
		{"/health?timeout=1s", 200},
		{"/health?timeout=1s&x=1", 200},
		{"/health?timeout=1s;x=1", 400},
		{"/health?timeout=%zz", 400},
		{"/health/ready?timeout=%zz", 400},
		{"/health/checks/db?timeout=1s;x=1", 400},
		{"/health?x=%zz", 400},
		{"/health/live?timeout=%zz", 200},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			if rec := do(mustHandler(t, newFake(health.StatusPass)), "GET", tt.target); rec.Code != tt.wantCode {
				t.Errorf("GET %s = %d %s; want %d", tt.target, rec.Code, rec.Body, tt.wantCode)
			}
		})
	}
}
