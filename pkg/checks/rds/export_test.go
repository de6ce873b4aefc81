package rds

import (
	"database/sql"
	"time"
)

// DB is the pool of a Pinger, for tests that count its connections.
func DB(p *Pinger) *sql.DB { return p.db }

// Close closes the pool of a Pinger when a test ends.
func (p *Pinger) Close() error { return p.db.Close() }

// SetNow replaces the clock of a SecretSource.
func SetNow(s *SecretSource, now func() time.Time) { s.now = now }
