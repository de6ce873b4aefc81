// Package registry maps each HEALTH_CHECKS "type" to its kind. It is the
// one place that lists the kinds: adding a kind is its package under
// pkg/checks/ and one line here.
package registry

import (
	"slices"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/dynamodb"
	"github.com/lambdahealth/lambdahealth/pkg/checks/eventbridge"
	"github.com/lambdahealth/lambdahealth/pkg/checks/httpcheck"
	"github.com/lambdahealth/lambdahealth/pkg/checks/kinesis"
	"github.com/lambdahealth/lambdahealth/pkg/checks/mysql"
	"github.com/lambdahealth/lambdahealth/pkg/checks/postgres"
	"github.com/lambdahealth/lambdahealth/pkg/checks/redis"
	"github.com/lambdahealth/lambdahealth/pkg/checks/s3"
	"github.com/lambdahealth/lambdahealth/pkg/checks/secretsmanager"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sns"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sqs"
	"github.com/lambdahealth/lambdahealth/pkg/checks/tcp"
)

// kinds returns a new, empty spec of each type, to decode into.
var kinds = map[string]func() checks.Spec{
	postgres.Type:       func() checks.Spec { return new(postgres.Spec) },
	mysql.Type:          func() checks.Spec { return new(mysql.Spec) },
	sqs.Type:            func() checks.Spec { return new(sqs.Spec) },
	s3.Type:             func() checks.Spec { return new(s3.Spec) },
	httpcheck.Type:      func() checks.Spec { return new(httpcheck.Spec) },
	tcp.Type:            func() checks.Spec { return new(tcp.Spec) },
	dynamodb.Type:       func() checks.Spec { return new(dynamodb.Spec) },
	redis.Type:          func() checks.Spec { return new(redis.Spec) },
	sns.Type:            func() checks.Spec { return new(sns.Spec) },
	kinesis.Type:        func() checks.Spec { return new(kinesis.Spec) },
	eventbridge.Type:    func() checks.Spec { return new(eventbridge.Spec) },
	secretsmanager.Type: func() checks.Spec { return new(secretsmanager.Spec) },
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
