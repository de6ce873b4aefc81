// Package tcp checks that a TCP address accepts connections.
//
// HEALTH_CHECKS fields: "address" (host:port). The check opens and closes
// one connection; it needs no IAM permission. Its errors are network errors,
// which health.Classify names ("connection refused", "timeout after …",
// "host not found").
package tcp

import (
	"context"
	"fmt"
	"net"
	"strconv"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Type is the kind's "type" in HEALTH_CHECKS.
const Type = "tcp"

// Spec is a tcp check's HEALTH_CHECKS fields.
type Spec struct {
	// Address is host:port. Required.
	Address string `json:"address"`
}

// Type returns Type.
func (Spec) Type() string { return Type }

// Validate names every field that is wrong.
func (s Spec) Validate() error {
	var p checks.Problems
	host, port, err := net.SplitHostPort(s.Address)
	if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
		p.Add("address", "required: host:port with a port from 1 to 65535")
	}
	return p.Err()
}

// Permissions is none: the check calls no AWS API.
func (Spec) Permissions() []checks.Permission { return nil }

// Check builds the check with a plain dialer.
func (s Spec) Check(_ context.Context, c checks.Common, _ *checks.Env) (health.Check, error) {
	return New(c, s, nil)
}

// Dialer opens connections; *net.Dialer fits.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// New returns the check of the address s names, dialled with dialer (nil:
// a plain *net.Dialer). It runs the same Validate as a HEALTH_CHECKS entry
// and returns its error, naming the field, for an address that could only
// fail at run time.
func New(c checks.Common, s Spec, dialer Dialer) (health.Check, error) {
	if err := s.Validate(); err != nil {
		return health.Check{}, err
	}
	if dialer == nil {
		dialer = &net.Dialer{}
	}
	address := s.Address
	return c.Check(health.ComponentComponent, "", func(ctx context.Context) (health.Observation, error) {
		conn, err := dialer.DialContext(ctx, "tcp", address)
		if err != nil {
			return health.Observation{}, fmt.Errorf("dial: %w", err)
		}
		_ = conn.Close()
		return health.Observation{}, nil
	}), nil
}
