package healthstack

import (
	"regexp"
	"slices"
	"strings"
)

// Coverage is one permission of one check (its kind's IAM data) and
// whether the grant props, which are template.yaml's grant parameters,
// grant it. template.yaml cannot read ChecksJson, so on SAM these props are
// all the checks get; the CDK stack also grants each check's own resource.
type Coverage struct {
	// Check is the check's name.
	Check string
	// Actions are granted together on Resource.
	Actions []string
	// Resource is the ARN the check needs, with pseudo parameters
	// (${AWS::Partition}, ...) for what it does not name; "" when the
	// check does not name it at all (an rds-db user, a cache user).
	Resource string
	// Parameter is the template.yaml parameter that grants it.
	Parameter string
	// Covered reports whether the grant props grant the actions on
	// Resource (for a resource the check does not name: on anything).
	Covered bool
}

// GrantCoverage reports every permission of every check and whether the
// grant props (QueueARNs, Bucket, ProbePrefix, TableARNs, ...) cover it:
// what a `sam deploy` with these parameter values would leave a check
// without. An ARN in a prop covers a need when they match field by field,
// where the need's pseudo parameters match any value and either side's *
// and ? are wildcards, as in IAM.
func (p HealthProps) GrantCoverage() []Coverage {
	props := p
	props.Checks = nil
	grants := props.Grants()
	var out []Coverage
	for _, c := range p.Checks {
		if c.Spec == nil {
			continue
		}
		for _, perm := range c.Spec.Permissions() {
			cov := Coverage{Check: c.Name, Actions: perm.Actions, Resource: perm.Resource, Parameter: perm.Parameter}
			for _, g := range grants {
				if !containsAll(g.Actions, perm.Actions) {
					continue
				}
				for _, r := range g.Resources {
					if perm.Resource == "" || arnCovers(r, perm.Resource) {
						cov.Covered = true
					}
				}
			}
			out = append(out, cov)
		}
	}
	return out
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// arnCovers reports whether granting an IAM statement on grant covers need.
func arnCovers(grant, need string) bool {
	g, n := strings.SplitN(grant, ":", 6), arnFields(need)
	if len(g) != 6 || len(n) != 6 {
		return false
	}
	for i := range g {
		if strings.HasPrefix(n[i], "${AWS::") {
			continue
		}
		if !wildcard(g[i], n[i]) && !wildcard(n[i], g[i]) {
			return false
		}
	}
	return true
}

// arnFields splits an ARN that may hold pseudo parameters (whose "::"
// would split them) into its six fields.
func arnFields(arn string) []string {
	pseudo := []string{"${AWS::Partition}", "${AWS::Region}", "${AWS::AccountId}"}
	for i, p := range pseudo {
		arn = strings.ReplaceAll(arn, p, "\x00"+string(rune('0'+i)))
	}
	fields := strings.SplitN(arn, ":", 6)
	for i := range fields {
		for j, p := range pseudo {
			fields[i] = strings.ReplaceAll(fields[i], "\x00"+string(rune('0'+j)), p)
		}
	}
	return fields
}

// wildcard reports whether s matches pattern, whose * matches any run of
// characters (slashes too, as in IAM) and ? any one.
func wildcard(pattern, s string) bool {
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	return regexp.MustCompile(re).MatchString(s)
}
