package checkbuild

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/registry"
	"github.com/lambdahealth/lambdahealth/pkg/config"
)

// CheckSpec is one check as it is built: the common fields and its kind's
// typed spec. The configuration holds each check's JSON (config.Check);
// Decode turns it into a CheckSpec, and a CDK app writes one as a Go
// literal.
type CheckSpec struct {
	checks.Common
	// Spec is the kind's spec; its Type is the check's "type".
	Spec checks.Spec
}

// Type returns the check's type, "" without a spec.
func (s CheckSpec) Type() string {
	if s.Spec == nil {
		return ""
	}
	return s.Spec.Type()
}

// Load reads the configuration (config.Load) and decodes every check's
// kind (Decode): the error joins every problem of both, each naming its
// field, as the functions report them at start-up.
func Load(getenv config.Getenv) (config.Config, error) {
	cfg, err := config.Load(getenv)
	if _, kindErr := Decode(cfg.Checks); kindErr != nil || err != nil {
		return config.Config{}, errors.Join(err, kindErr)
	}
	return cfg, nil
}

// Decode decodes each check's kind fields into its typed spec and
// validates them. The error joins one *checks.FieldError per problem, each
// named by the check's Field: "HEALTH_CHECKS[0].queueUrl".
func Decode(cs []config.Check) ([]CheckSpec, error) {
	var errs []error
	specs := make([]CheckSpec, 0, len(cs))
	for _, c := range cs {
		spec, err := registry.Decode(c.Type, c.Kind)
		errs = append(errs, prefixed(c, err)...)
		specs = append(specs, CheckSpec{Common: c.Common, Spec: spec})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return specs, nil
}

// ParseChecks decodes and validates a HEALTH_CHECKS value, as Load does:
// the error joins one FieldError per problem, each naming its field
// ("HEALTH_CHECKS[0].queueUrl"). The CDK app validates ChecksJson with it.
func ParseChecks(raw string) ([]CheckSpec, error) {
	cs, err := config.ParseChecks(raw)
	specs, kindErr := Decode(cs)
	if err != nil || kindErr != nil {
		return nil, errors.Join(err, kindErr)
	}
	return specs, nil
}

// ValidateChecks reports the problems of specs built in Go (as the CDK
// app's props are) with the same messages as ParseChecks.
func ValidateChecks(specs []CheckSpec) error {
	cs := make([]config.Check, len(specs))
	var errs []error
	for i, s := range specs {
		cs[i] = config.Check{Common: s.Common, Type: s.Type(), Field: config.FieldOf(i)}
		if s.Spec == nil {
			_, err := registry.Decode("", nil)
			errs = append(errs, prefixed(cs[i], err)...)
			continue
		}
		errs = append(errs, prefixed(cs[i], s.Spec.Validate())...)
	}
	return errors.Join(append(checks.Unjoin(config.ValidateCommon(cs)), errs...)...)
}

// prefixed names each field error of err by the check c: "HEALTH_CHECKS[0].url".
func prefixed(c config.Check, err error) []error {
	var errs []error
	for _, e := range checks.Unjoin(err) {
		var fe *checks.FieldError
		if !errors.As(e, &fe) {
			fe = &checks.FieldError{Field: "type", Problem: e.Error()}
		}
		errs = append(errs, &checks.FieldError{Field: c.Member(fe.Field), Problem: fe.Problem})
	}
	return errs
}

// MarshalJSON writes the check as ParseChecks reads it: "name", "type",
// the other common fields, then the kind's, leaving out unset ones. URLs
// keep their & < >: the value is an environment variable, not HTML.
func (s CheckSpec) MarshalJSON() ([]byte, error) {
	common, err := marshal(s.Common)
	if err != nil {
		return nil, err
	}
	kind := []byte("{}")
	if s.Spec != nil {
		if kind, err = marshal(s.Spec); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	enc := jsontext.NewEncoder(&buf)
	err = errors.Join(
		enc.WriteToken(jsontext.BeginObject),
		enc.WriteToken(jsontext.String("name")), enc.WriteToken(jsontext.String(s.Name)),
		enc.WriteToken(jsontext.String("type")), enc.WriteToken(jsontext.String(s.Type())),
		copyMembers(enc, common, "name"),
		copyMembers(enc, kind, ""),
		enc.WriteToken(jsontext.EndObject),
	)
	if err != nil {
		return nil, fmt.Errorf("check %q: %w", s.Name, err)
	}
	return bytes.TrimSpace(buf.Bytes()), nil
}

// UnmarshalJSON reads one check as ParseChecks does, with the same errors.
func (s *CheckSpec) UnmarshalJSON(b []byte) error {
	specs, err := ParseChecks("[" + string(b) + "]")
	if err != nil {
		return err
	}
	*s = specs[0]
	return nil
}

// copyMembers writes the members of the JSON object obj to enc, but skip.
func copyMembers(enc *jsontext.Encoder, obj []byte, skip string) error {
	dec := jsontext.NewDecoder(bytes.NewReader(obj))
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadToken()
		if err != nil {
			return err
		}
		key := name.String() // a token is valid only until the next read
		value, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if key == skip {
			continue
		}
		if err := enc.WriteToken(jsontext.String(key)); err != nil {
			return err
		}
		if err := enc.WriteValue(value); err != nil {
			return err
		}
	}
	return nil
}

// marshal encodes v with encoding/json (the specs' tags are its), without
// escaping & < >.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSpace(buf.Bytes()), nil
}
