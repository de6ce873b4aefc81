package rie

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Report is one REPORT line the emulator prints after an invocation:
//
//	REPORT RequestId: <id>	Init Duration: 0.24 ms	Duration: 10.21 ms	Billed Duration: 11 ms	Memory Size: 256 MB	Max Memory Used: 256 MB
type Report struct {
	RequestID string
	// Cold is true when the line carries an Init Duration: the first
	// invocation of the emulator process.
	Cold bool
	// InitDuration is the emulator's own Init Duration. It times only the
	// dispatch of Init, not the runtime's start-up (see the package
	// documentation and Emulator.InitReport).
	InitDuration time.Duration
	// Duration is the invocation's duration; on a cold invocation it
	// includes the runtime's start-up.
	Duration        time.Duration
	BilledDuration  time.Duration
	MemorySizeMB    int
	MaxMemoryUsedMB int
}

// ParseReport parses a REPORT line. It reports false for any other line.
func ParseReport(line string) (Report, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "REPORT ")
	if !ok {
		return Report{}, false
	}
	var r Report
	for _, field := range strings.Split(rest, "\t") {
		key, value, ok := strings.Cut(strings.TrimSpace(field), ": ")
		if !ok {
			continue
		}
		switch key {
		case "RequestId":
			r.RequestID = value
		case "Init Duration":
			r.Cold = true
			r.InitDuration = millis(value)
		case "Duration":
			r.Duration = millis(value)
		case "Billed Duration":
			r.BilledDuration = millis(value)
		case "Memory Size":
			r.MemorySizeMB, _ = strconv.Atoi(strings.TrimSuffix(value, " MB"))
		case "Max Memory Used":
			r.MaxMemoryUsedMB, _ = strconv.Atoi(strings.TrimSuffix(value, " MB"))
		}
	}
	return r, r.RequestID != ""
}

// millis parses "10.21 ms".
func millis(s string) time.Duration {
	f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), " ms"), 64)
	if err != nil {
		return 0
	}
	return time.Duration(f * float64(time.Millisecond))
}

// parseInitReport parses the emulator's log line
// "... (rapid) INIT REPORT(durationMs: 8.503000)".
func parseInitReport(line string) (time.Duration, bool) {
	_, rest, ok := strings.Cut(line, "INIT REPORT(durationMs: ")
	if !ok {
		return 0, false
	}
	num, _, ok := strings.Cut(rest, ")")
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil {
		return 0, false
	}
	return time.Duration(f * float64(time.Millisecond)), true
}

// parseStart returns the request ID of a "START RequestId: <id> Version: …" line.
func parseStart(line string) (string, bool) {
	rest, ok := strings.CutPrefix(line, "START RequestId: ")
	if !ok {
		return "", false
	}
	id, _, _ := strings.Cut(rest, " ")
	return id, id != ""
}

// FunctionError is the document a runtime sends when an invocation fails:
// the function returned an error, panicked, or the runtime exited.
type FunctionError struct {
	Type       string `json:"errorType"`
	Message    string `json:"errorMessage"`
	StackTrace []any  `json:"stackTrace,omitempty"`
}

// Error returns "Type: Message".
func (e *FunctionError) Error() string { return e.Type + ": " + e.Message }

// ParseFunctionError reports whether payload is a function error document:
// a JSON object with a string errorType or errorMessage and no fields but
// errorType, errorMessage, stackTrace and requestId. (The emulator does not
// set Lambda's X-Amz-Function-Error header, so the body is all there is.)
func ParseFunctionError(payload []byte) (*FunctionError, bool) {
	payload = bytes.TrimSpace(payload)
	if len(payload) == 0 || payload[0] != '{' {
		return nil, false
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(payload, &fields) != nil {
		return nil, false
	}
	for k := range fields {
		switch k {
		case "errorType", "errorMessage", "stackTrace", "requestId":
		default:
			return nil, false
		}
	}
	var fe FunctionError
	if json.Unmarshal(payload, &fe) != nil || (fe.Type == "" && fe.Message == "") {
		return nil, false
	}
	return &fe, true
}
