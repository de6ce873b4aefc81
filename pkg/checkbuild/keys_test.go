package checkbuild

import (
	"strings"
	"testing"
)

// Each key of a check is given once and spelled exactly as documented:
// encoding/json would keep the last of two, and match ADDRESS to address
// (while Critical, a common field, was unknown).
func TestChecksKeysExact(t *testing.T) {
	for _, tt := range []struct{ name, checks, want string }{
		{"critical twice", `[{"name":"a","type":"tcp","address":"h:1","critical":false,"critical":true}]`,
			"HEALTH_CHECKS[0].critical: is given more than once"},
		{"name twice", `[{"name":"a","name":"b","type":"tcp","address":"h:1"}]`,
			"HEALTH_CHECKS[0].name: is given more than once"},
		{"kind key twice", `[{"name":"a","type":"tcp","address":"h:1","address":"h:2"}]`,
			"HEALTH_CHECKS[0].address: is given more than once"},
		{"kind key in capitals", `[{"name":"a","type":"tcp","ADDRESS":"h:1"}]`,
			`HEALTH_CHECKS[0].ADDRESS: unknown field for type tcp; keys are case-sensitive: address`},
		{"embedded kind key capitalised", `[{"name":"a","type":"postgres","DSN":"postgres://h/db"}]`,
			`HEALTH_CHECKS[0].DSN: unknown field for type postgres; keys are case-sensitive: dsn`},
		{"type capitalised", `[{"name":"a","Type":"tcp","address":"h:1"}]`,
			`HEALTH_CHECKS[0].Type: unknown field; keys are case-sensitive: type`},
		{"common key capitalised", `[{"name":"a","type":"tcp","address":"h:1","Critical":false}]`,
			`HEALTH_CHECKS[0].Critical: unknown field for type tcp; keys are case-sensitive: critical`},
		{"optional kind key capitalised", `[{"name":"a","type":"sqs","queueUrl":"https://sqs.us-east-1.amazonaws.com/1/q","MaxDepth":3}]`,
			`HEALTH_CHECKS[0].MaxDepth: unknown field for type sqs; keys are case-sensitive: maxDepth`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(env(map[string]string{"HEALTH_CHECKS": tt.checks}))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load(%s) error = %v; want %q", tt.checks, err, tt.want)
			}
		})
	}
}
