package httpcheck

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Type is the kind's "type" in HEALTH_CHECKS.
const Type = "http"

// DefaultExpectStatus is the statuses that pass when ExpectStatus is empty.
const DefaultExpectStatus = "200-399"

// Spec is an http check's HEALTH_CHECKS fields.
type Spec struct {
	// URL is the absolute http or https URL to GET. Required.
	URL string `json:"url"`
	// ExpectStatus is the statuses that pass: "200", "200-299" or a
	// comma-separated list of both. Default DefaultExpectStatus.
	ExpectStatus string `json:"expectStatus,omitempty"`
}

// Type returns Type.
func (Spec) Type() string { return Type }

// Validate names every field that is wrong. The URL is never quoted: its
// query may hold a token.
func (s Spec) Validate() error {
	var p checks.Problems
	if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.Add("url", "required: an absolute http or https URL")
	}
	if s.ExpectStatus != "" {
		if _, err := parseStatusSet(s.ExpectStatus); err != nil {
			p.Add("expectStatus", "%v", err)
		}
	}
	return p.Err()
}

// Permissions is none: the check calls no AWS API.
func (Spec) Permissions() []checks.Permission { return nil }

// Check builds the check with the default client.
func (s Spec) Check(_ context.Context, c checks.Common, _ *checks.Env) (health.Check, error) {
	return New(c, s, nil)
}

// statusSet is a set of accepted HTTP status codes.
type statusSet [][2]int

// Contains reports whether code is in the set.
func (s statusSet) Contains(code int) bool {
	for _, r := range s {
		if code >= r[0] && code <= r[1] {
			return true
		}
	}
	return false
}

// parseStatusSet parses "200", "200-399" or a comma-separated list of both.
func parseStatusSet(v string) (statusSet, error) {
	var set statusSet
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		if !isRange {
			hi = lo
		}
		a, errA := strconv.Atoi(strings.TrimSpace(lo))
		b, errB := strconv.Atoi(strings.TrimSpace(hi))
		if errA != nil || errB != nil || a < 100 || b > 599 || a > b {
			return nil, fmt.Errorf("%q is not a status code, range (200-399) or list of them", part)
		}
		set = append(set, [2]int{a, b})
	}
	return set, nil
}
