package registry

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/jsonerr"
)

// Decode decodes fields, a JSON object of a check's members other than the
// common ones, into a spec of type typ and validates it. The error joins
// one *checks.FieldError per problem, each naming the member ("queueUrl",
// or "type" for a type this build lacks), every unknown member at once.
// The spec is returned as a value, as a Go literal would write it.
func Decode(typ string, fields jsontext.Value) (checks.Spec, error) {
	var p checks.Problems
	kind, ok := New(typ)
	switch {
	case typ == "":
		p.Add("type", "required: one of %s", strings.Join(Types(), ", "))
	case !ok && Known(typ):
		built := Types()
		p.Add("type", "kind %q is not in this build (built with KINDS=%s; rebuild with make build KINDS=%s, or KINDS=... sam build)",
			typ, strings.Join(built, ","), strings.Join(slices.Sorted(slices.Values(append(built, typ))), ","))
	case !ok:
		p.Add("type", "%q is not one of %s", typ, strings.Join(Types(), ", "))
	}
	if !ok {
		return nil, p.Err()
	}
	known, err := knownMembers(kind, typ, fields, &p)
	if err != nil {
		p.Add("type", "the check must be a JSON object")
		return nil, p.Err()
	}
	if err := jsonerr.UnmarshalStrict(known, kind); err != nil {
		if member, kind, ok := jsonerr.Mismatch(err); ok && member != "" {
			p.Add(member, "has the wrong JSON type (%s)", kind)
		} else {
			p.Add("type", "could not be decoded")
		}
		return nil, p.Err()
	}
	if len(p) > 0 {
		return nil, p.Err()
	}
	for _, err := range checks.Unjoin(kind.Validate()) {
		var fe *checks.FieldError
		if !errors.As(err, &fe) {
			fe = &checks.FieldError{Field: "type", Problem: err.Error()}
		}
		p = append(p, fe)
	}
	if len(p) > 0 {
		return nil, p.Err()
	}
	return reflect.ValueOf(kind).Elem().Interface().(checks.Spec), nil
}

// knownMembers returns the members of fields that the kind's spec has,
// spelled exactly so, and adds a problem for each other one, with the
// documented key when it misspells one by case ("ADDRESS" for "address").
func knownMembers(kind checks.Spec, typ string, fields jsontext.Value, p *checks.Problems) (jsontext.Value, error) {
	names := jsonNames(reflect.TypeOf(kind))
	var out bytes.Buffer
	enc := jsontext.NewEncoder(&out)
	dec := jsontext.NewDecoder(bytes.NewReader(fields))
	if len(fields) == 0 {
		return jsontext.Value("{}"), nil
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	if err := enc.WriteToken(jsontext.BeginObject); err != nil {
		return nil, err
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		key := name.String() // a token is valid only until the next read
		value, err := dec.ReadValue()
		if err != nil {
			return nil, err
		}
		if slices.Contains(names, key) {
			if err := enc.WriteToken(jsontext.String(key)); err != nil {
				return nil, err
			}
			if err := enc.WriteValue(value); err != nil {
				return nil, err
			}
			continue
		}
		if i := slices.IndexFunc(names, func(n string) bool { return strings.EqualFold(n, key) }); i >= 0 {
			p.Add(key, "unknown field for type %s; keys are case-sensitive: %s", typ, names[i])
		} else {
			p.Add(key, "unknown field for type %s", typ)
		}
	}
	if err := enc.WriteToken(jsontext.EndObject); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// jsonNames lists the JSON names of a spec struct's fields, those of
// embedded structs included, as encoding/json/v2 names them.
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
