// Package tcp checks that a TCP address accepts connections.
package tcp

import (
	"context"
	"fmt"
	"net"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Dialer opens connections; *net.Dialer fits.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Checker dials one address.
type Checker struct {
	address string
	dialer  Dialer
}

// Option configures a Checker.
type Option func(*Checker)

// WithDialer sets the dialer. Default: a plain *net.Dialer.
func WithDialer(d Dialer) Option { return func(c *Checker) { c.dialer = d } }

// New returns a Checker for address (host:port).
func New(address string, opts ...Option) *Checker {
	c := &Checker{address: address, dialer: &net.Dialer{}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Probe opens and closes one connection.
func (c *Checker) Probe(ctx context.Context) (health.Observation, error) {
	conn, err := c.dialer.DialContext(ctx, "tcp", c.address)
	if err != nil {
		return health.Observation{}, fmt.Errorf("dial: %w", err)
	}
	_ = conn.Close()
	return health.Observation{}, nil
}
