package health

import (
	"encoding/json"
	"fmt"
	"math"
	"unicode/utf8"
)

// MaxOutput is the most bytes of a check's output that a result keeps; a
// longer output is cut on a rune boundary and ends in TruncatedMarker. A
// probe's output is meant to be a short reason, and it appears in every
// response with details, in the status page and in the logs: a probe that
// returned a whole response body would otherwise make answers larger than
// Lambda's 6 MB limit.
const MaxOutput = 1024

// TruncatedMarker ends an output that was cut to MaxOutput bytes.
const TruncatedMarker = "… (truncated)"

// capOutput cuts s to MaxOutput bytes, marker included, on a rune boundary.
func capOutput(s string) string {
	if len(s) <= MaxOutput {
		return s
	}
	cut := MaxOutput - len(TruncatedMarker)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + TruncatedMarker
}

// joinOutput joins two outputs, either of which may be empty.
func joinOutput(out, more string) string {
	switch {
	case out == "":
		return more
	case more == "":
		return out
	}
	return out + "; " + more
}

// Unencodable says why v cannot be an observed value of a JSON document,
// or "" when it can: NaN and the infinities are no JSON numbers, and some
// values (channels, functions, a failing MarshalJSON) cannot be encoded.
// The value itself is not quoted: it may be anything. The Checker drops
// such values from its results; a renderer of results from elsewhere (an
// Engine of its own) can do the same.
func Unencodable(v any) string { return unencodable(v) }

func unencodable(v any) string {
	switch f := v.(type) {
	case float64:
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Sprintf("%v is not a JSON number", f)
		}
		return ""
	case float32:
		return unencodable(float64(f))
	case int, int64, int32, uint, uint64, uint32, string, bool:
		return ""
	}
	if _, err := json.Marshal(v); err != nil {
		return fmt.Sprintf("a %T cannot be encoded as JSON", v)
	}
	return ""
}
