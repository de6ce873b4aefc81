// Package jsonerr describes JSON decoding errors without quoting the input,
// which may hold secrets (DSNs, passwords, tokens).
package jsonerr

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Describe says where and how decoding failed, never with what text.
func Describe(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
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
	}
	return "invalid JSON"
}
