// Package httpcheck checks an HTTP dependency: one GET, accepted when the
// status is in the expected set.
package httpcheck

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Doer sends HTTP requests; *http.Client fits.
type Doer interface {
	Do(req *http.Request) (*http.Response, error)
}

// New returns the check of the URL s describes, sent through client (nil:
// a client of its own that does not follow redirects, so that a 3xx is
// judged by the accepted statuses). It runs the same Validate as a
// HEALTH_CHECKS entry, and returns its error (naming the field) for a spec
// that could only fail at run time, such as an empty or ftp:// URL.
func New(c checks.Common, s Spec, client Doer) (health.Check, error) {
	if err := s.Validate(); err != nil {
		return health.Check{}, err
	}
	expect := s.ExpectStatus
	if expect == "" {
		expect = DefaultExpectStatus
	}
	set, _ := parseStatusSet(expect) // Validate has parsed it
	if client == nil {
		client = defaultClient
	}
	p := &prober{url: s.URL, client: client, accept: set.Contains}
	return c.Check(health.ComponentSystem, "", p.probe), nil
}

// prober probes one URL.
type prober struct {
	url    string
	client Doer
	accept func(code int) bool
}

var defaultClient = &http.Client{
	Transport: &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		ForceAttemptHTTP2:   true,
	},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// probe sends one GET. Its error never carries the URL, which may hold a
// token in its query.
func (c *prober) probe(ctx context.Context) (health.Observation, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return health.Observation{}, health.WithClass("invalid url", errors.New("build request"))
	}
	req.Header.Set("User-Agent", "lambdahealth-check/1")
	resp, err := c.client.Do(req)
	if err != nil {
		return health.Observation{}, classify(err)
	}
	defer resp.Body.Close()
	// Read a little so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if !c.accept(resp.StatusCode) {
		return health.Observation{}, health.WithClass(fmt.Sprintf("unexpected status %d", resp.StatusCode), errors.New("status not accepted"))
	}
	return health.Observation{}, nil
}

// classify strips the URL from a client error and keeps its cause, giving a
// failed TLS handshake its class.
func classify(err error) error {
	var uerr interface{ Unwrap() error }
	if errors.As(err, &uerr) {
		err = uerr.Unwrap()
	}
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var rh tls.RecordHeaderError
	if errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &rh) {
		return health.WithClass(health.ClassTLS, err)
	}
	return fmt.Errorf("get: %w", err)
}
