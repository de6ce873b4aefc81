package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/registry"
	"github.com/lambdahealth/lambdahealth/pkg/jsonerr"
)

// CheckSpec is one element of HEALTH_CHECKS: the common fields, and the
// rest as its kind's typed spec.
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

// MarshalJSON writes the check as ParseChecks reads it: "name", "type",
// the other common fields, then the kind's, leaving out unset ones. URLs
// keep their & < >: the value is an environment variable, not HTML.
func (s CheckSpec) MarshalJSON() ([]byte, error) {
	common, err := marshal(s.Common)
	if err != nil {
		return nil, err
	}
	name, _ := marshal(s.Name)
	typ, _ := marshal(s.Type())
	// common is {"name":NAME} or {"name":NAME,...}: type goes after the name.
	head := `{"name":` + string(name)
	rest, ok := strings.CutPrefix(string(common), head)
	if !ok {
		return nil, fmt.Errorf("check %q: unexpected encoding of the common fields", s.Name)
	}
	out := head + `,"type":` + string(typ) + strings.TrimSuffix(rest, "}")
	if s.Spec != nil {
		kind, err := marshal(s.Spec)
		if err != nil {
			return nil, err
		}
		if fields := strings.TrimSuffix(strings.TrimPrefix(string(kind), "{"), "}"); fields != "" {
			out += "," + fields
		}
	}
	return []byte(out + "}"), nil
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

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// ParseChecks decodes and validates a HEALTH_CHECKS value, as Load does:
// the error joins one FieldError per problem, each naming its field
// ("HEALTH_CHECKS[0].queueUrl"). The CDK app validates ChecksJson with it.
func ParseChecks(raw string) ([]CheckSpec, error) {
	specs, errs := parseChecks(raw)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return specs, nil
}

// ValidateChecks reports the problems of specs built in Go (as the CDK
// app's props are) with the same messages as ParseChecks.
func ValidateChecks(specs []CheckSpec) error {
	var errs []error
	seen := map[string]bool{}
	for i, s := range specs {
		field := fieldOf(i)
		if s.Spec == nil {
			errs = append(errs, &FieldError{Field: field("type"), Problem: "required: one of " + strings.Join(registry.Types(), ", ")})
			continue
		}
		errs = append(errs, validateSpec(s, seen, field)...)
	}
	return errors.Join(errs...)
}

func fieldOf(i int) func(string) string {
	return func(name string) string { return fmt.Sprintf("HEALTH_CHECKS[%d].%s", i, name) }
}

// parseChecks decodes and validates HEALTH_CHECKS.
func parseChecks(raw string) ([]CheckSpec, []error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	var elems []json.RawMessage
	if err := json.Unmarshal([]byte(raw), &elems); err != nil {
		bad("HEALTH_CHECKS", "not a JSON array of objects: %s", jsonerr.Describe(err))
		return nil, errs
	}
	if elems == nil { // "null": a botched substitution, not "no checks"
		bad("HEALTH_CHECKS", "is null; use [] for no checks")
		return nil, errs
	}
	specs := make([]CheckSpec, 0, len(elems))
	seen := map[string]bool{}
	for i, elem := range elems {
		var item map[string]json.RawMessage
		if err := json.Unmarshal(elem, &item); err != nil || item == nil {
			bad(fmt.Sprintf("HEALTH_CHECKS[%d]", i), "must be a JSON object")
			continue
		}
		field := fieldOf(i)
		if key, dup := duplicateKey(elem); dup {
			bad(field(key), "is given more than once; give each key once")
			continue
		}
		spec, ok := decodeSpec(item, field, bad)
		if !ok {
			continue
		}
		errs = append(errs, validateSpec(spec, seen, field)...)
		specs = append(specs, spec)
	}
	return specs, errs
}

// decodeSpec decodes the common fields of one check object and hands the
// rest to its kind, which rejects fields it does not have.
func decodeSpec(item map[string]json.RawMessage, field func(string) string, bad func(string, string, ...any)) (CheckSpec, bool) {
	var spec CheckSpec
	var typ string
	if err := json.Unmarshal(item["type"], &typ); err != nil || typ == "" {
		for k := range item {
			if k != "type" && strings.EqualFold(k, "type") {
				bad(field(k), "unknown field; keys are case-sensitive: type")
				return spec, false
			}
		}
		bad(field("type"), "required: one of %s", strings.Join(registry.Types(), ", "))
		return spec, false
	}
	kind, known := registry.New(typ)
	if !known && registry.Known(typ) {
		built := registry.Types()
		bad(field("type"), "kind %q is not in this build (built with KINDS=%s; rebuild with make build KINDS=%s, or KINDS=... sam build)",
			typ, strings.Join(built, ","), strings.Join(slices.Sorted(slices.Values(append(built, typ))), ","))
		return spec, false
	}
	if !known {
		bad(field("type"), "%q is not one of %s", typ, strings.Join(registry.Types(), ", "))
		return spec, false
	}
	ok := true
	common := map[string]json.RawMessage{}
	for _, k := range commonFields {
		if v, has := item[k]; has {
			common[k] = v
			delete(item, k)
		}
	}
	delete(item, "type")
	if v, has := common["critical"]; has {
		var b bool
		if err := json.Unmarshal(v, &b); err != nil {
			bad(field("critical"), "must be true or false")
			ok = false
			delete(common, "critical")
		}
	}
	if v, has := common["timeout"]; has {
		if d, err := checks.ParseDuration(v); err != nil || d <= 0 {
			bad(field("timeout"), "must be a positive Go duration string such as \"500ms\"")
			ok = false
			delete(common, "timeout")
		}
	}
	for _, k := range []string{"failAfter", "passAfter"} {
		if v, has := common[k]; has {
			var n int
			if err := json.Unmarshal(v, &n); err != nil || n < 0 || n > checks.MaxDampingRuns {
				bad(field(k), "%s", dampingProblem)
				ok = false
				delete(common, k)
			}
		}
	}
	body, _ := json.Marshal(common)
	if err := json.Unmarshal(body, &spec.Common); err != nil {
		decodeError(err, field, "name", bad)
		return spec, false
	}
	for _, k := range sortedKeys(item) {
		if !jsonFieldOf(kind, k) {
			if known := spelledAs(kind, k); known != "" {
				bad(field(k), "unknown field for type %s; keys are case-sensitive: %s", typ, known)
			} else {
				bad(field(k), "unknown field for type %s", typ)
			}
			ok = false
			delete(item, k)
		}
	}
	body, _ = json.Marshal(item)
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(kind); err != nil {
		decodeError(err, field, "type", bad)
		return spec, false
	}
	// The spec is kept as a value, as a Go literal would write it.
	spec.Spec = reflect.ValueOf(kind).Elem().Interface().(checks.Spec)
	return spec, ok
}

// decodeError reports a decoding error on the field it concerns, or on
// fallback.
func decodeError(err error, field func(string) string, fallback string, bad func(string, string, ...any)) {
	var typErr *json.UnmarshalTypeError
	if errors.As(err, &typErr) {
		bad(field(typErr.Field), "has the wrong JSON type (%s)", typErr.Value)
		return
	}
	bad(field(fallback), "could not be decoded")
}

// commonFields are decoded here; every other field belongs to the kind.
var commonFields = []string{"name", "critical", "timeout", "failAfter", "passAfter"}

// dampingProblem is what is wrong with a failAfter or passAfter.
var dampingProblem = fmt.Sprintf("must be a whole number of consecutive runs from 1 to %d (default 1)", checks.MaxDampingRuns)

// jsonFieldOf reports whether the kind's spec decodes field, spelled
// exactly so: whether decoding {field: null} into it succeeds with unknown
// members rejected and names matched case-sensitively (encoding/json/v2's
// defaults; encoding/json would take "ADDRESS" for "address").
func jsonFieldOf(kind checks.Spec, field string) bool {
	body, _ := json.Marshal(map[string]any{field: nil})
	probe, _ := registry.New(kind.Type())
	return jsonv2.Unmarshal(body, probe, jsonv2.RejectUnknownMembers(true), jsonv2.MatchCaseInsensitiveNames(false)) == nil
}

// spelledAs returns the documented key that key misspells by case
// ("address" for "ADDRESS", "critical" for "Critical"), or "".
func spelledAs(kind checks.Spec, key string) string {
	for _, k := range append([]string{"type"}, commonFields...) {
		if strings.EqualFold(k, key) {
			return k
		}
	}
	for _, k := range jsonNames(reflect.TypeOf(kind)) {
		if strings.EqualFold(k, key) {
			return k
		}
	}
	return ""
}

// jsonNames lists the JSON names of a spec struct's fields, those of
// embedded structs included.
func jsonNames(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			names = append(names, jsonNames(f.Type)...)
		case !f.IsExported() || name == "-":
		case name == "":
			names = append(names, f.Name)
		default:
			names = append(names, name)
		}
	}
	return names
}

// duplicateKey returns the first key that the check object elem gives
// twice (encoding/json would keep the last silently).
func duplicateKey(elem []byte) (string, bool) {
	_, err := jsontext.NewDecoder(bytes.NewReader(elem), jsontext.AllowDuplicateNames(false)).ReadValue()
	var syn *jsontext.SyntacticError
	if errors.Is(err, jsontext.ErrDuplicateName) && errors.As(err, &syn) {
		key := syn.JSONPointer.LastToken()
		for tok := range syn.JSONPointer.Tokens() { // the top-level key holding it
			key = tok
			break
		}
		return key, true
	}
	return "", false
}

// validateSpec checks the name and asks the kind for the rest, prefixing
// its field errors with the check's place in HEALTH_CHECKS.
func validateSpec(s CheckSpec, seen map[string]bool, field func(string) string) []error {
	var errs []error
	if problem := checks.ValidateName(s.Name); problem != "" {
		errs = append(errs, &FieldError{Field: field("name"), Problem: problem})
	}
	if seen[s.Name] {
		errs = append(errs, &FieldError{Field: field("name"), Problem: fmt.Sprintf("duplicate name %q", s.Name)})
	}
	seen[s.Name] = true
	if s.Timeout < 0 {
		errs = append(errs, &FieldError{Field: field("timeout"), Problem: "must be a positive Go duration string such as \"500ms\""})
	}
	for _, d := range []struct {
		key string
		n   int
	}{{"failAfter", s.FailAfter}, {"passAfter", s.PassAfter}} {
		if d.n < 0 || d.n > checks.MaxDampingRuns {
			errs = append(errs, &FieldError{Field: field(d.key), Problem: dampingProblem})
		}
	}
	for _, err := range unjoin(s.Spec.Validate()) {
		var fe *FieldError
		if errors.As(err, &fe) {
			errs = append(errs, &FieldError{Field: field(fe.Field), Problem: fe.Problem})
			continue
		}
		errs = append(errs, &FieldError{Field: field("type"), Problem: err.Error()})
	}
	return errs
}

// unjoin returns the errors errors.Join joined into err.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
