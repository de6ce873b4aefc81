// Package registry maps each HEALTH_CHECKS "type" to its kind. It is the
// one place that lists the kinds: adding a kind is its package under
// pkg/checks/, a kind_<type>.go file here and its type in All.
//
// A build may name the kinds it links, so that a bootstrap links (and
// initializes at every cold start) only the SDK clients and drivers its
// configuration uses: with the build tag "kinds", only the kinds whose tag
// "kind_<type>" is also set are linked (`make build KINDS=dynamodb,sqs`
// sets -tags kinds,kind_dynamodb,kind_sqs). Without the tag "kinds" every
// kind is linked.
package registry

import (
	"slices"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
)

// All is every type the project has, sorted, whether this build links its
// kind or not. A test holds it to the kinds of the default build.
var All = []string{"dynamodb", "eventbridge", "http", "kinesis", "mysql", "postgres", "redis", "s3", "secretsmanager", "sns", "sqs", "tcp"}

// kinds returns a new, empty spec of each type this build links, to decode
// into; each kind_<type>.go file adds its own.
var kinds = map[string]func() checks.Spec{}

// register adds the kind of type typ: called by the init of its file.
func register(typ string, spec func() checks.Spec) { kinds[typ] = spec }

// New returns a new, empty spec of type typ (a pointer, to decode JSON
// into), or false for a type no kind of this build has.
func New(typ string) (checks.Spec, bool) {
	f, ok := kinds[typ]
	if !ok {
		return nil, false
	}
	return f(), true
}

// Types returns every type this build links, sorted.
func Types() []string {
	types := make([]string, 0, len(kinds))
	for t := range kinds {
		types = append(types, t)
	}
	slices.Sort(types)
	return types
}

// Known reports whether typ is a type of the project (in All), whether or
// not this build links its kind.
func Known(typ string) bool { _, found := slices.BinarySearch(All, typ); return found }
