package config

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/jsonerr"
)

// Check is one element of the checks' JSON array as the configuration
// reads it: the common fields, validated, the type, and the kind's members
// as they were written. The configuration links no kind: pkg/checkbuild
// decodes Kind into the type's spec where the checks are built.
type Check struct {
	checks.Common
	// Type is the check's "type", "" when the object has none (the kind's
	// decoder says which types there are).
	Type string
	// Kind is a JSON object of the members that are not common fields,
	// those of the type's spec; nil when there are none.
	Kind jsontext.Value
	// Field names the object in the configuration ("HEALTH_CHECKS[2]",
	// "HEALTH_CHECKS_FILE (checks.json)[2]"): a problem with one of its
	// members is reported as Field + "." + the member's name.
	Field string
}

// Member returns the name of c's member key in errors: "HEALTH_CHECKS[0].url".
func (c Check) Member(key string) string { return c.Field + "." + key }

// ParseChecks decodes a HEALTH_CHECKS value and validates the common
// fields, as Load does: the error joins one FieldError per problem, each
// naming its field ("HEALTH_CHECKS[0].timeout"). The checks come back with
// an error too, for the kinds' decoder to report theirs with it;
// checkbuild.ParseChecks also decodes and validates each kind's fields.
func ParseChecks(raw string) ([]Check, error) {
	specs, errs := parseChecks(EnvChecks, raw)
	return specs, errors.Join(errs...)
}

// ValidateCommon reports the problems of the checks' common fields: each
// name valid, unreserved and given once, no negative timeout, damping in
// range. It is the one validation of those fields, of checks read from
// JSON and of checks built in Go (checkbuild.ValidateChecks).
func ValidateCommon(cs []Check) error {
	var errs []error
	seen := map[string]bool{}
	for _, c := range cs {
		if problem := checks.ValidateName(c.Name); problem != "" {
			errs = append(errs, &FieldError{Field: c.Member("name"), Problem: problem})
		} else if seen[c.Name] {
			errs = append(errs, &FieldError{Field: c.Member("name"), Problem: fmt.Sprintf("duplicate name %q", c.Name)})
		}
		seen[c.Name] = true
		if c.Timeout < 0 {
			errs = append(errs, &FieldError{Field: c.Member("timeout"), Problem: timeoutProblem})
		}
		for _, d := range []struct {
			key string
			n   int
		}{{"failAfter", c.FailAfter}, {"passAfter", c.PassAfter}} {
			if d.n < 0 || d.n > checks.MaxDampingRuns {
				errs = append(errs, &FieldError{Field: c.Member(d.key), Problem: dampingProblem})
			}
		}
	}
	return errors.Join(errs...)
}

// FieldOf returns the Field of the i-th check of HEALTH_CHECKS.
func FieldOf(i int) string { return fmt.Sprintf("%s[%d]", EnvChecks, i) }

// parseChecks decodes the checks' JSON array read from source (such as
// HEALTH_CHECKS) and validates their common fields. The checks are
// returned with the errors too, each object with its kind's members, so
// that the kinds' decoder can report their problems with these.
func parseChecks(source, raw string) ([]Check, []error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	// Duplicate members are reported per check, by decodeCheck.
	var elems []jsontext.Value
	if err := jsonv2.Unmarshal([]byte(raw), &elems, jsontext.AllowDuplicateNames(true)); err != nil {
		return nil, []error{&FieldError{Field: source, Problem: "not a JSON array of objects: " + jsonerr.Describe(err)}}
	}
	if elems == nil { // "null": a botched substitution, not "no checks"
		return nil, []error{&FieldError{Field: source, Problem: "is null; use [] for no checks"}}
	}
	var errs []error
	out := make([]Check, 0, len(elems))
	var decoded []Check // those whose common fields decoded, to validate
	for i, elem := range elems {
		c, ok, problems := decodeCheck(fmt.Sprintf("%s[%d]", source, i), elem)
		errs = append(errs, problems...)
		if c.Kind == nil {
			continue
		}
		out = append(out, c)
		if ok {
			decoded = append(decoded, c)
		}
	}
	errs = append(errs, checks.Unjoin(ValidateCommon(decoded))...)
	return out, errs
}

// decodeCheck decodes the check object elem, named field: its common
// fields, its type, and the rest as Kind, members in the order written.
// ok is false when a common field could not be decoded; Kind is nil when
// elem is no object.
func decodeCheck(field string, elem jsontext.Value) (c Check, ok bool, errs []error) {
	c.Field = field
	bad := func(key, problem string) {
		errs = append(errs, &FieldError{Field: c.Member(key), Problem: problem})
	}
	var members map[string]jsontext.Value
	if err := jsonerr.UnmarshalStrict(elem, &members); err != nil || members == nil {
		if at, dup := jsonerr.Duplicate(err); dup {
			bad(at.LastToken(), "is given more than once; give each key once")
		} else {
			errs = append(errs, &FieldError{Field: field, Problem: "must be a JSON object"})
		}
		return c, false, errs
	}
	ok = true
	decode := func(key string, into any, problem string) {
		if v, has := members[key]; has {
			if err := jsonv2.Unmarshal(v, into); err != nil || v.Kind() == 'n' {
				bad(key, problem)
				ok = false
			}
		}
	}
	decode("type", &c.Type, "must be a string")
	decode("name", &c.Name, "must be a string")
	critical := true
	decode("critical", &critical, "must be true or false")
	c.Optional = !critical
	decode("failAfter", &c.FailAfter, dampingProblem)
	decode("passAfter", &c.PassAfter, dampingProblem)
	if v, has := members["timeout"]; has {
		if d, err := checks.ParseDuration(v); err != nil || d <= 0 {
			bad("timeout", timeoutProblem)
			ok = false
		} else {
			c.Timeout = d
		}
	}

	// The rest is the kind's. A common key in another case is no member
	// of any kind: it is reported here, where the common keys are known.
	var kind bytes.Buffer
	enc := jsontext.NewEncoder(&kind)
	dec := jsontext.NewDecoder(bytes.NewReader(elem), jsontext.AllowDuplicateNames(true))
	err := enc.WriteToken(jsontext.BeginObject)
	if _, rerr := dec.ReadToken(); rerr != nil { // decoded above: cannot fail
		err = rerr
	}
	for err == nil && dec.PeekKind() == '"' {
		// A token is valid only until the next read: keep the name.
		var name jsontext.Token
		var value jsontext.Value
		if name, err = dec.ReadToken(); err != nil {
			break
		}
		key := name.String()
		if value, err = dec.ReadValue(); err != nil {
			break
		}
		switch known := commonSpelling(key); {
		case known == key:
		case known != "" && c.Type != "":
			bad(key, "unknown field for type "+c.Type+"; keys are case-sensitive: "+known)
		case known != "":
			bad(key, "unknown field; keys are case-sensitive: "+known)
		default:
			if err = enc.WriteToken(jsontext.String(key)); err == nil {
				err = enc.WriteValue(value)
			}
		}
	}
	if err == nil {
		err = enc.WriteToken(jsontext.EndObject)
	}
	if err != nil {
		errs = append(errs, &FieldError{Field: field, Problem: "must be a JSON object"})
		return c, false, errs
	}
	c.Kind = jsontext.Value(bytes.TrimSpace(kind.Bytes()))
	return c, ok, errs
}

// commonFields are the members every check has; every other member
// belongs to the kind.
var commonFields = []string{"name", "type", "critical", "timeout", "failAfter", "passAfter"}

// commonSpelling returns the common field that key misspells by case
// ("critical" for "Critical"), or "".
func commonSpelling(key string) string {
	for _, k := range commonFields {
		if strings.EqualFold(k, key) {
			return k
		}
	}
	return ""
}

// timeoutProblem is what is wrong with a timeout.
const timeoutProblem = "must be a positive Go duration string such as \"500ms\""

// dampingProblem is what is wrong with a failAfter or passAfter.
var dampingProblem = fmt.Sprintf("must be a whole number of consecutive runs from 1 to %d (default 1)", checks.MaxDampingRuns)
