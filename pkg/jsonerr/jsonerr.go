// Package jsonerr describes JSON decoding errors without quoting the input,
// which may hold secrets (DSNs, passwords, tokens).
package jsonerr

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Describe says where and how decoding failed, never with what text. It
// knows the errors of encoding/json and of encoding/json/v2
// (github.com/go-json-experiment/json).
func Describe(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var syn2 *jsontext.SyntacticError
	var sem2 *jsonv2.SemanticError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), err != nil && err.Error() == "unexpected end of JSON input":
		return "truncated JSON"
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("field %s is a JSON %s", typ.Field, typ.Value)
		}
		return fmt.Sprintf("a JSON %s where another type was expected", typ.Value)
	case errors.As(err, &syn2):
		return fmt.Sprintf("invalid JSON at byte %d", syn2.ByteOffset)
	case errors.As(err, &sem2):
		// Only the pointer's first token is named: it is a field of the
		// target struct, while deeper tokens may be map keys from the input.
		kind := kindName(sem2.JSONKind)
		if field, _, _ := strings.Cut(strings.TrimPrefix(string(sem2.JSONPointer), "/"), "/"); field != "" && sem2.JSONPointer != "" {
			return fmt.Sprintf("field %s is a JSON %s", field, kind)
		}
		return fmt.Sprintf("a JSON %s where another type was expected", kind)
	}
	return "invalid JSON"
}

func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 'f', 't':
		return "bool"
	case '"':
		return "string"
	case '0':
		return "number"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "value"
}

// Errors that an EventError wraps: what is wrong with an invocation's event.
var (
	ErrMalformedEvent   = errors.New("malformed event")
	ErrUnsupportedEvent = errors.New("unsupported event")
)

// EventError is the error of a Lambda invocation whose event cannot be
// handled: the canary's, the gate's and the HTTP adapter's. Lambda reports
// its type name, "EventError", as the errorType, and its text, which never
// quotes the event, as the errorMessage.
type EventError struct {
	// Kind is ErrMalformedEvent or ErrUnsupportedEvent; nil means
	// ErrMalformedEvent.
	Kind error
	// Detail says what is wrong, without quoting the event.
	Detail string
}

// Error returns "kind: detail", such as "malformed event: truncated JSON".
func (e *EventError) Error() string { return e.Unwrap().Error() + ": " + e.Detail }

// Unwrap returns Kind, for errors.Is.
func (e *EventError) Unwrap() error {
	if e.Kind == nil {
		return ErrMalformedEvent
	}
	return e.Kind
}

// MalformedEvent returns the EventError of an event that err failed to decode.
func MalformedEvent(err error) *EventError {
	return &EventError{Kind: ErrMalformedEvent, Detail: Describe(err)}
}

// strict are the options of every strict decoding of configuration JSON
// (HEALTH_CHECKS, HEALTH_MAINTENANCE): each member spelled exactly, case
// included, known to the target, and given once (encoding/json would keep
// the last of two, and take "ADDRESS" for "address").
var strict = jsonv2.JoinOptions(
	jsontext.AllowDuplicateNames(false),
	jsonv2.RejectUnknownMembers(true),
	jsonv2.MatchCaseInsensitiveNames(false),
)

// UnmarshalStrict decodes b into v with the strict options.
func UnmarshalStrict(b []byte, v any) error { return jsonv2.Unmarshal(b, v, strict) }

// Duplicate returns the JSON pointer of the member that a strict decoding
// found twice ("/1/end"), and whether err is that error.
func Duplicate(err error) (jsontext.Pointer, bool) {
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) && errors.Is(syn.Err, jsontext.ErrDuplicateName) {
		return syn.JSONPointer, true
	}
	return "", false
}

// Unknown returns the JSON pointer of the member that a strict decoding
// did not know ("/0/Critical"), and whether err is that error.
func Unknown(err error) (jsontext.Pointer, bool) {
	var sem *jsonv2.SemanticError
	if errors.As(err, &sem) && errors.Is(sem.Err, jsonv2.ErrUnknownName) {
		return sem.JSONPointer, true
	}
	return "", false
}

// Mismatch returns the top-level member whose value did not fit its Go
// type in a decoding by encoding/json/v2 and the value's JSON kind
// ("maxDepth", "string"); member is "" when the error concerns no member.
func Mismatch(err error) (member, kind string, ok bool) {
	var sem *jsonv2.SemanticError
	if !errors.As(err, &sem) {
		return "", "", false
	}
	member, _, _ = strings.Cut(strings.TrimPrefix(string(sem.JSONPointer), "/"), "/")
	return member, kindName(sem.JSONKind), true
}
