package checks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Common holds the fields every HEALTH_CHECKS object has besides its type.
type Common struct {
	// Name identifies the check in routes, results, metrics and alarms.
	Name string `json:"name"`
	// Optional says that a failure does not fail readiness (it warns): the
	// engine's health.Check.Optional, and the HEALTH_CHECKS field
	// "critical": false. The zero value is critical, as in JSON.
	Optional bool `json:"-"`
	// Timeout caps one run; zero means the request budget. In JSON it is a
	// Go duration string ("500ms").
	Timeout time.Duration `json:"timeout,omitzero"`
	// FailAfter and PassAfter are the check's flap damping (health.Check):
	// consecutive failed runs before it reports fail, and passing runs
	// before it reports pass again; zero means 1. At most MaxDampingRuns.
	FailAfter int `json:"failAfter,omitempty"`
	PassAfter int `json:"passAfter,omitempty"`
}

// MaxDampingRuns bounds FailAfter and PassAfter.
const MaxDampingRuns = 100

// IsCritical reports whether the check is critical: unless it is Optional.
func (c Common) IsCritical() bool { return !c.Optional }

// Check returns a health.Check with c's name, critical flag and timeout and
// the given component type, measurement and probe: what every kind's
// constructor returns.
func (c Common) Check(componentType, measurement string, probe health.Probe) health.Check {
	return health.Check{
		Name:          c.Name,
		ComponentType: componentType,
		Measurement:   measurement,
		Optional:      c.Optional,
		Timeout:       c.Timeout,
		FailAfter:     c.FailAfter,
		PassAfter:     c.PassAfter,
		Probe:         probe,
	}
}

// Spec is a kind's typed spec: the fields of one HEALTH_CHECKS object that
// belong to its type, decoded by encoding/json with unknown fields rejected.
type Spec interface {
	// Type is the kind's "type" value.
	Type() string
	// Validate reports every problem, each a *FieldError naming the JSON
	// field, joined; nil when the spec is usable.
	Validate() error
	// Permissions are the IAM permissions the check needs.
	Permissions() []Permission
	// Check builds the complete check, with clients from env.
	Check(ctx context.Context, c Common, env *Env) (health.Check, error)
}

// Permission is one IAM grant a check needs: its actions on one resource.
type Permission struct {
	Actions []string
	// Resource is the ARN the actions are granted on, derived from the
	// spec. It may use the CloudFormation pseudo parameters
	// ${AWS::Partition}, ${AWS::Region} and ${AWS::AccountId} for what the
	// spec does not say (as in Fn::Sub). Empty when the spec does not name
	// the resource: then Parameter names the deployment setting (a
	// template.yaml parameter) that must supply it.
	Resource string
	// Parameter is the template.yaml parameter that grants the actions on
	// the resource when the stack is deployed with SAM.
	Parameter string
}

// ARN returns the ARN of resource (such as "table/orders") of service in
// the stack's own partition, region and account, as pseudo parameters: the
// resource of a check that names its resource by name only.
func ARN(service, resource string) string {
	return "arn:${AWS::Partition}:" + service + ":${AWS::Region}:${AWS::AccountId}:" + resource
}

// ResourceARN is nameOrARN when it is already an ARN, else ARN(service,
// resource): the fields that take a name or an ARN (table, stream, bus,
// secret) grant on the ARN either way.
func ResourceARN(nameOrARN, service, resource string) string {
	if strings.HasPrefix(nameOrARN, "arn:") {
		return nameOrARN
	}
	return ARN(service, resource)
}

// ErrInvalid is wrapped by every FieldError.
var ErrInvalid = errors.New("invalid configuration")

// FieldError is one problem with one field.
type FieldError struct {
	Field   string
	Problem string
}

// Error returns "FIELD: problem".
func (e *FieldError) Error() string { return e.Field + ": " + e.Problem }

// Unwrap returns ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Problems collects FieldErrors; its zero value is ready to use.
type Problems []error

// Add records a problem with field.
func (p *Problems) Add(field, format string, args ...any) {
	*p = append(*p, &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
}

// Err returns the problems joined, or nil.
func (p Problems) Err() error { return errors.Join(p...) }

// Unjoin returns the errors that errors.Join (or Problems.Err) joined into
// err: err alone when it joins none, nil for nil.
func Unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// ValidateName returns the problem with a check name, or "": the engine's
// rule (health.NameRule), and not a reserved name.
func ValidateName(name string) string {
	switch {
	case !health.ValidName(name):
		return fmt.Sprintf("%q must be %s", name, health.NameRule)
	case name == health.DrainCheckName || name == health.StartupCheckName:
		return fmt.Sprintf("%q is reserved", name)
	}
	return ""
}

// Duration is time.Duration.
//
// Deprecated: Common.Timeout is a time.Duration; write one directly.
type Duration = time.Duration

// ParseDuration reads a JSON Go duration string ("500ms", "2s").
func ParseDuration(b []byte) (time.Duration, error) {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return 0, errors.New("must be a Go duration string such as \"500ms\"")
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a Go duration such as \"500ms\"", s)
	}
	return d, nil
}

// commonJSON is Common as HEALTH_CHECKS writes it.
type commonJSON struct {
	Name      string          `json:"name"`
	Critical  *bool           `json:"critical,omitempty"`
	Timeout   json.RawMessage `json:"timeout,omitempty"`
	FailAfter int             `json:"failAfter,omitempty"`
	PassAfter int             `json:"passAfter,omitempty"`
}

// MarshalJSON writes the fields as HEALTH_CHECKS has them, the timeout as
// a Go duration string.
func (c Common) MarshalJSON() ([]byte, error) {
	j := commonJSON{Name: c.Name, FailAfter: c.FailAfter, PassAfter: c.PassAfter}
	if c.Optional {
		j.Critical = new(bool) // "critical": false
	}
	if c.Timeout != 0 {
		j.Timeout, _ = json.Marshal(c.Timeout.String())
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the fields as HEALTH_CHECKS has them.
func (c *Common) UnmarshalJSON(b []byte) error {
	var j commonJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*c = Common{Name: j.Name, Optional: j.Critical != nil && !*j.Critical, FailAfter: j.FailAfter, PassAfter: j.PassAfter}
	if len(j.Timeout) > 0 {
		d, err := ParseDuration(j.Timeout)
		if err != nil {
			return err
		}
		c.Timeout = d
	}
	return nil
}
