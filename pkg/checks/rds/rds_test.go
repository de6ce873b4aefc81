package rds_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lambdahealth/lambdahealth/pkg/health"

	. "github.com/lambdahealth/lambdahealth/pkg/checks/rds"
)

// fakeSigner is a TokenSigner that records its calls and returns
// "token-1", "token-2", ...
type fakeSigner struct {
	mu    sync.Mutex
	calls []string // "endpoint region user"
}

func (f *fakeSigner) sign(_ context.Context, endpoint, region, user string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, endpoint+" "+region+" "+user)
	return fmt.Sprintf("token-%d", len(f.calls)), nil
}

// openTwo opens two connections at once, so the pool must log in twice.
func openTwo(t *testing.T, c *Pinger) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	a, err := DB(c).Conn(ctx)
	if err != nil {
		t.Fatalf("first connection: %v", err)
	}
	defer a.Close()
	b, err := DB(c).Conn(ctx)
	if err != nil {
		t.Fatalf("second connection: %v", err)
	}
	defer b.Close()
	if err := b.PingContext(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
}

func TestIAMTokenReachesDriver(t *testing.T) {
	t.Parallel()
	cert := testCert(t)
	for _, engine := range []Engine{Postgres, MySQL} {
		t.Run(string(engine), func(t *testing.T) {
			var srv *fakeServer
			if engine == Postgres {
				srv = fakePostgres(t, cert, nil)
			} else {
				srv = fakeMySQL(t, cert)
			}
			host, port := srv.hostPort(t)
			signer := &fakeSigner{}
			c, err := New(Config{Engine: engine, Host: host, Port: port, User: "health_iam", Database: "healthdb"},
				WithIAMAuth("eu-west-1", signer.sign))
			if err != nil {
				t.Fatalf("New() error = %v", err)
			}
			defer c.Close()
			openTwo(t, c)

			want := []login{
				{User: "health_iam", Password: "token-1", TLS: true},
				{User: "health_iam", Password: "token-2", TLS: true},
			}
			got := srv.logins()
			if len(got) != len(want) {
				t.Fatalf("server saw logins %+v; want %+v", got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("login %d = %+v; want %+v", i, got[i], want[i])
				}
			}
			wantCall := srv.addr + " eu-west-1 health_iam"
			for i, call := range signer.calls {
				if call != wantCall {
					t.Errorf("signer call %d = %q; want %q", i, call, wantCall)
				}
			}
		})
	}
}

func TestIAMRequiresTLS(t *testing.T) {
	t.Parallel()
	signer := &fakeSigner{}
	for _, cfg := range []Config{
		{Engine: Postgres, Host: "db.example", User: "u", TLS: TLSDisable},
		{Engine: MySQL, Host: "db.example", User: "u", TLS: TLSDisable},
		{Engine: Postgres, DSN: "postgres://u@db.example/x?sslmode=disable"},
		{Engine: MySQL, DSN: "u@tcp(db.example:3306)/x"},
	} {
		_, err := New(cfg, WithIAMAuth("eu-west-1", signer.sign))
		if !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("New(%s, tls %q, dsn %t) error = %v; want ErrInvalidConfig", cfg.Engine, cfg.TLS, cfg.DSN != "", err)
		}
	}
}

func TestNewRejectsBadConfigWithoutQuotingIt(t *testing.T) {
	t.Parallel()
	const pw = "s3cr3t-Pa55word"
	tests := []Config{
		{Engine: Postgres, DSN: "postgres://u:" + pw + "@db.example:notaport/x"},
		{Engine: Postgres, DSN: "host=db.example password=" + pw + " sslmode=bogus"},
		{Engine: MySQL, DSN: "u:" + pw + "@tcp(db.example:3306"},
		{Engine: "oracle", Host: "db.example"},
		{Engine: Postgres},
		{Engine: Postgres, Host: "db.example", TLS: "prefer"},
	}
	for _, cfg := range tests {
		_, err := New(cfg)
		if !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("New(%s) error = %v; want ErrInvalidConfig", cfg.Engine, err)
			continue
		}
		if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), "db.example") {
			t.Errorf("New(%s) error %q quotes the DSN", cfg.Engine, err)
		}
	}
}

func TestProbeWithFakePostgres(t *testing.T) {
	t.Parallel()
	cert := testCert(t)
	tests := []struct {
		name   string
		reject string // SQLSTATE the server answers the log-in with
		want   string // "" for pass, else the class
	}{
		{"healthy", "", ""},
		{"wrong password", "28P01", health.ClassDenied},
		{"no such role", "28000", health.ClassDenied},
		{"no such database", "3D000", health.ClassNotFound},
		{"too many connections", "53300", ClassTooManyConnections},
		{"other error", "XX000", health.ClassFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakePostgres(t, cert, func(login) string { return tt.reject })
			host, port := srv.hostPort(t)
			const pw = "s3cr3t-Pa55word"
			c, err := New(Config{Engine: Postgres, Host: host, Port: port, User: "health", Password: pw, Database: "healthdb"})
			if err != nil {
				t.Fatalf("New() error = %v", err)
			}
			defer c.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			obs, err := c.Probe(ctx)
			if obs != (health.Observation{}) {
				t.Errorf("Probe() observation = %+v; want zero", obs)
			}
			got := ""
			if err != nil {
				got = health.Classify(err, time.Second)
				if strings.Contains(err.Error(), pw) {
					t.Errorf("Probe() error %q holds the password", err)
				}
			}
			if got != tt.want {
				t.Errorf("Probe() class = %q; want %q (error %v)", got, tt.want, err)
			}
			if l := srv.logins(); len(l) == 0 || l[0].Password != pw || !l[0].TLS {
				t.Errorf("server saw %+v; want the configured password over TLS (default mode require)", l)
			}
		})
	}
}

func TestProbeReusesOneConnection(t *testing.T) {
	t.Parallel()
	srv := fakePostgres(t, testCert(t), nil)
	host, port := srv.hostPort(t)
	c, err := New(Config{Engine: Postgres, Host: host, Port: port, User: "health", Password: "pw", Database: "healthdb", TLS: TLSDisable})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	defer c.Close()
	for i := range 50 {
		if _, err := c.Probe(context.Background()); err != nil {
			t.Fatalf("Probe() %d error = %v", i, err)
		}
	}
	if got := len(srv.logins()); got != 1 {
		t.Errorf("50 probes opened %d connections; want 1", got)
	}
	if got := DB(c).Stats().OpenConnections; got != 1 {
		t.Errorf("open connections = %d; want 1", got)
	}
}

func TestProbeRefused(t *testing.T) {
	t.Parallel()
	for _, engine := range []Engine{Postgres, MySQL} {
		c, err := New(Config{Engine: engine, Host: "127.0.0.1", Port: closedPort(t), User: "u", Password: "pw", TLS: TLSDisable})
		if err != nil {
			t.Fatalf("New() error = %v", err)
		}
		_, err = c.Probe(context.Background())
		if got := health.Classify(err, time.Second); got != health.ClassRefused {
			t.Errorf("%s: Probe() class = %q; want %q (error %v)", engine, got, health.ClassRefused, err)
		}
		c.Close()
	}
}

func TestCredentialsErrorIsClassified(t *testing.T) {
	t.Parallel()
	c, err := New(Config{Engine: Postgres, Host: "127.0.0.1", Port: closedPort(t), User: "u"},
		WithCredentials(func(context.Context) (Credentials, error) { return Credentials{}, errFake }))
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	defer c.Close()
	_, err = c.Probe(context.Background())
	if got := health.Classify(err, time.Second); got != "credentials unavailable" {
		t.Errorf("Probe() class = %q; want %q (error %v)", got, "credentials unavailable", err)
	}
}

func TestLoginRejected(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "28P01"}, true},
		{&pgconn.PgError{Code: "28000"}, true},
		{&pgconn.PgError{Code: "3D000"}, false},
		{&mysql.MySQLError{Number: 1045}, true},
		{&mysql.MySQLError{Number: 1698}, true},
		{&mysql.MySQLError{Number: 1044}, false},
		{fmt.Errorf("dial: %w", syscall.ECONNREFUSED), false},
	}
	for _, tt := range tests {
		err := classify(fmt.Errorf("wrapped: %w", tt.err))
		if got := errors.Is(err, ErrLoginRejected); got != tt.want {
			t.Errorf("errors.Is(classify(%v), ErrLoginRejected) = %t; want %t", tt.err, got, tt.want)
		}
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"pg invalid password", &pgconn.PgError{Code: "28P01"}, health.ClassDenied},
		{"pg unknown database", &pgconn.PgError{Code: "3D000"}, health.ClassNotFound},
		{"pg other", &pgconn.PgError{Code: "42601"}, health.ClassFailed},
		{"mysql access denied", &mysql.MySQLError{Number: 1045}, health.ClassDenied},
		{"mysql db access denied", &mysql.MySQLError{Number: 1044}, health.ClassDenied},
		{"mysql unknown database", &mysql.MySQLError{Number: 1049}, health.ClassNotFound},
		{"mysql too many", &mysql.MySQLError{Number: 1040}, ClassTooManyConnections},
		{"mysql no tls", mysql.ErrNoTLS, health.ClassTLS},
		{"pg no tls", errors.New("failed to connect: server refused TLS connection"), health.ClassTLS},
		{"refused", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), health.ClassRefused},
		{"deadline", fmt.Errorf("connect: %w", context.DeadlineExceeded), "timeout after 1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := classify(fmt.Errorf("wrapped: %w", tt.err))
			if got := health.Classify(err, time.Second); got != tt.want {
				t.Errorf("classify(%v) class = %q; want %q", tt.err, got, tt.want)
			}
		})
	}
}
