package lambdahttp

import (
	"slices"
	"strconv"

	"github.com/aws/aws-lambda-go/events"
	"github.com/go-json-experiment/json/jsontext"
)

// The responses are encoded by hand, field for field as encoding/json
// encodes them (nil maps and slices as null, the same omitempty fields,
// sorted keys): reflection would cost more than the rest of an answer.

func encodeV1(r events.APIGatewayProxyResponse) []byte {
	b := appendGatewayResponse(r.StatusCode, r.Headers, r.MultiValueHeaders, r.Body, r.IsBase64Encoded)
	return append(b, '}')
}

func encodeV2(r events.APIGatewayV2HTTPResponse) []byte {
	b := appendGatewayResponse(r.StatusCode, r.Headers, r.MultiValueHeaders, r.Body, r.IsBase64Encoded)
	b = append(b, `,"cookies":`...)
	b = appendStrings(b, r.Cookies)
	return append(b, '}')
}

// appendGatewayResponse encodes the members that API Gateway's two
// response types share, leaving the object open.
func appendGatewayResponse(code int, single map[string]string, multi map[string][]string, body string, base64Body bool) []byte {
	b := make([]byte, 0, 96+len(body)+headersLen(single, multi))
	b = append(b, `{"statusCode":`...)
	b = appendInt(b, code)
	b = appendHeaders(b, single, multi)
	b = append(b, `,"body":`...)
	b = appendString(b, body)
	if base64Body {
		b = append(b, `,"isBase64Encoded":true`...)
	}
	return b
}

func encodeALB(r events.ALBTargetGroupResponse) []byte {
	b := make([]byte, 0, 128+len(r.Body)+headersLen(r.Headers, r.MultiValueHeaders))
	b = append(b, `{"statusCode":`...)
	b = appendInt(b, r.StatusCode)
	b = append(b, `,"statusDescription":`...)
	b = appendString(b, r.StatusDescription)
	b = appendHeaders(b, r.Headers, r.MultiValueHeaders)
	if r.Body != "" {
		b = append(b, `,"body":`...)
		b = appendString(b, r.Body)
	}
	b = append(b, `,"isBase64Encoded":`...)
	b = strconv.AppendBool(b, r.IsBase64Encoded)
	return append(b, '}')
}

func appendHeaders(b []byte, single map[string]string, multi map[string][]string) []byte {
	b = append(b, `,"headers":`...)
	if single == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '{')
		var buf [16]string
		for i, k := range sortedKeys(buf[:], single) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = appendString(b, single[k])
		}
		b = append(b, '}')
	}
	b = append(b, `,"multiValueHeaders":`...)
	if multi == nil {
		return append(b, "null"...)
	}
	b = append(b, '{')
	var buf [16]string
	for i, k := range sortedKeys(buf[:], multi) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendStrings(b, multi[k])
	}
	return append(b, '}')
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendString appends s as a JSON string; invalid UTF-8 becomes U+FFFD,
// as encoding/json does. Printable ASCII without quotes or backslashes,
// which most header names and values are, is copied as it is.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			b, _ = jsontext.AppendQuote(b, s)
			return b
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// sortedKeys returns the keys of m in order, without allocating for the
// few headers a response has.
func sortedKeys[V any](buf []string, m map[string]V) []string {
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func appendInt(b []byte, n int) []byte { return strconv.AppendInt(b, int64(n), 10) }

// headersLen is about the encoded length of the headers, so that the
// response is encoded into one buffer.
func headersLen(single map[string]string, multi map[string][]string) int {
	n := 0
	for k, v := range single {
		n += len(k) + len(v) + 6
	}
	for k, vs := range multi {
		n += len(k) + 6
		for _, v := range vs {
			n += len(v) + 3
		}
	}
	return n
}
