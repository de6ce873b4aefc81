package lambdahttp

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// Reasons given in 400 and 500 answers and in log lines. They never quote
// the request.
const (
	reasonMethod        = "the request method is not a valid HTTP method"
	reasonPath          = "the request path could not be parsed"
	reasonQuery         = "the request query could not be parsed"
	reasonBody          = "the request body is not valid base64"
	reasonUnconvertible = "the request could not be converted"
	reasonInternal      = "internal error"
)

// checkRequest says why api-proxy could not convert a request with these
// parts, or "" when it can. api-proxy prints what it cannot convert (method,
// raw path, URL) to stdout and stderr as plain text, so nothing it would
// refuse is handed to it. The URL it builds is "https://" + host + path +
// "?" + query; with the host already checked by validAuthority, a path
// without '?', '#', control bytes or bad escapes, and a query without '#'
// or control bytes, parse back to exactly that path and query.
func checkRequest(method, path, rawQuery, body string, base64Body bool) string {
	if method != "" && !validMethod(strings.ToUpper(method)) {
		return reasonMethod
	}
	if strings.ContainsAny(path, "?#") || hasCTL(path) {
		return reasonPath
	}
	if _, err := url.PathUnescape(path); err != nil {
		return reasonPath
	}
	if strings.ContainsRune(rawQuery, '#') || hasCTL(rawQuery) {
		return reasonQuery
	}
	if base64Body {
		if _, err := base64.StdEncoding.DecodeString(body); err != nil {
			return reasonBody
		}
	}
	return ""
}

// validAuthority reports whether host is a bare URL authority (host and
// optional port), so that "https://" + host + path parses to that host and
// that path. "" is valid: api-proxy then builds "https:///path".
func validAuthority(host string) bool {
	if host == "" || plainAuthority(host) {
		return true
	}
	if strings.ContainsAny(host, "/?#@\\") || hasCTL(host) || strings.ContainsRune(host, ' ') {
		return false
	}
	u, err := url.Parse("https://" + host)
	return err == nil && u.Host == host && u.Path == "" && u.RawQuery == "" && !u.ForceQuery && u.Fragment == "" && u.User == nil
}

// plainAuthority reports whether host is letters, digits, dots and
// hyphens, with an optional numeric port: the hosts AWS sends, valid
// without parsing.
func plainAuthority(host string) bool {
	name, port, hasPort := strings.Cut(host, ":")
	if name == "" || (hasPort && port == "") {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return false
		}
	}
	return true
}

func hasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// validMethod reports whether m is an HTTP token, as net/http requires.
func validMethod(m string) bool {
	for i := 0; i < len(m); i++ {
		c := m[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// problemBody is the RFC 9457 body of the answers the adapter gives itself.
func problemBody(code int, detail string) string {
	b := appendString([]byte(`{"title":`), http.StatusText(code))
	b = append(b, `,"status":`...)
	b = appendInt(b, code)
	b = append(b, `,"detail":`...)
	b = appendString(b, detail)
	return string(append(b, '}'))
}

// problemHeaders returns the headers of those answers, a new map each
// time: the caller owns the response, and may add to its headers.
func problemHeaders() map[string]string {
	return map[string]string{"Content-Type": "application/problem+json", "Cache-Control": "no-store"}
}

func albError(code int, detail string) events.ALBTargetGroupResponse {
	return events.ALBTargetGroupResponse{StatusCode: code, Headers: problemHeaders(), Body: problemBody(code, detail)}
}

func v1Error(code int, detail string) events.APIGatewayProxyResponse {
	return events.APIGatewayProxyResponse{StatusCode: code, Headers: problemHeaders(), Body: problemBody(code, detail)}
}

func v2Error(code int, detail string) events.APIGatewayV2HTTPResponse {
	return events.APIGatewayV2HTTPResponse{StatusCode: code, Headers: problemHeaders(), Body: problemBody(code, detail)}
}
