package checkbuild

import (
	"errors"
	"strings"
	"testing"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
)

// FuzzLoad feeds arbitrary values to the configuration: it must never
// panic, must either fail with ErrInvalid or return checks that are all
// usable, and must never quote a DSN's password in an error.
func FuzzLoad(f *testing.F) {
	f.Add(`[{"name":"db","type":"postgres","dsn":"postgres://u:S3CRETPW@h/db"}]`, "2s", "authorized")
	f.Add(`[{"name":"q","type":"sqs","queueUrl":"https://sqs.us-east-1.amazonaws.com/1/q","maxDepth":10}]`, "500ms", "always")
	f.Add(`[{"name":"w","type":"http","url":"http://x/","expectStatus":"200-299,404"}]`, "1s", "never")
	f.Add(`[{"name":"t","type":"tcp","address":"h:1","timeout":"1s","critical":false}]`, "0s", "")
	f.Add(`[{"name":"db","type":"mysql","host":"h","user":"u","iamAuth":true,"dsn":"S3CRETPW"}]`, "-1s", "x")
	f.Add(`[{`, "2", "always")
	f.Fuzz(func(t *testing.T, checksJSON, budget, details string) {
		cfg, err := Load(env(map[string]string{"HEALTH_CHECKS": checksJSON, "HEALTH_BUDGET": budget, "HEALTH_DETAILS": details}))
		if err != nil {
			if !errors.Is(err, checks.ErrInvalid) {
				t.Fatalf("Load error %v does not wrap ErrInvalid", err)
			}
			if strings.Contains(checksJSON, "S3CRETPW") && strings.Contains(err.Error(), "S3CRETPW") {
				t.Fatalf("error %q quotes the secret", err)
			}
			return
		}
		if cfg.Budget <= 0 {
			t.Fatalf("valid config with budget %v", cfg.Budget)
		}
		specs, err := Decode(cfg.Checks)
		if err != nil {
			t.Fatalf("Decode of a valid config: %v", err)
		}
		for _, c := range specs {
			if checks.ValidateName(c.Name) != "" || c.Spec == nil || c.Spec.Validate() != nil || c.Timeout < 0 {
				t.Fatalf("valid config with unusable check %+v", c)
			}
		}
	})
}
