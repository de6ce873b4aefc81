// Package registry maps each HEALTH_CHECKS "type" to its kind. It is the
// one place that lists the kinds: adding a kind is its package under
// pkg/checks/ and one line here.
package registry

import (
	"slices"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/httpcheck"
	"github.com/lambdahealth/lambdahealth/pkg/checks/mysql"
	"github.com/lambdahealth/lambdahealth/pkg/checks/postgres"
	"github.com/lambdahealth/lambdahealth/pkg/checks/s3"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sqs"
	"github.com/lambdahealth/lambdahealth/pkg/checks/tcp"
)

// kinds returns a new, empty spec of each type, to decode into.
var kinds = map[string]func() checks.Spec{
	postgres.Type:  func() checks.Spec { return new(postgres.Spec) },
	mysql.Type:     func() checks.Spec { return new(mysql.Spec) },
	sqs.Type:       func() checks.Spec { return new(sqs.Spec) },
	s3.Type:        func() checks.Spec { return new(s3.Spec) },
	httpcheck.Type: func() checks.Spec { return new(httpcheck.Spec) },
	tcp.Type:       func() checks.Spec { return new(tcp.Spec) },
}

// New returns a new, empty spec of type typ (a pointer, to decode JSON
// into), or false for a type no kind has.
func New(typ string) (checks.Spec, bool) {
	f, ok := kinds[typ]
	if !ok {
		return nil, false
	}
	return f(), true
}

// Types returns every type, sorted.
func Types() []string {
	types := make([]string, 0, len(kinds))
	for t := range kinds {
		types = append(types, t)
	}
	slices.Sort(types)
	return types
}
