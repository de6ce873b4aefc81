package rds_test

// Integration tests against the local PostgreSQL (127.0.0.1:55432) and
// MariaDB (127.0.0.1:53306) of scripts/local-up.sh. They skip without the
// stack and fail under HEALTH_REQUIRE_INTEGRATION=1. The refused and hung
// cases need no server and always run.

import (
	"context"
	"database/sql"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the admin connection

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/health"

	. "github.com/lambdahealth/lambdahealth/pkg/checks/rds"
)

func dbCheck(t *testing.T, name string, cfg Config, opts ...Option) health.Check {
	t.Helper()
	c, err := New(cfg, opts...)
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return health.Check{Name: name, ComponentType: health.ComponentDatastore, Probe: c.Probe}
}

// localDB is the local server of one engine.
type localDB struct {
	engine   Engine
	dsnKey   string
	adminKey string
}

var localDBs = []localDB{
	{Postgres, "LOCAL_PG_DSN", "LOCAL_PG_ADMIN_DSN"},
	{MySQL, "LOCAL_MYSQL_DSN", "LOCAL_MYSQL_ADMIN_DSN"},
}

// parts splits a local DSN into a host-based Config.
func parts(t *testing.T, engine Engine, dsn string) Config {
	t.Helper()
	cfg := Config{Engine: engine, TLS: TLSDisable}
	switch engine {
	case Postgres:
		cc, err := pgx.ParseConfig(dsn)
		if err != nil {
			t.Fatalf("parse the local PostgreSQL DSN: %v", err)
		}
		cfg.Host, cfg.Port, cfg.User, cfg.Password, cfg.Database = cc.Host, int(cc.Port), cc.User, cc.Password, cc.Database
	case MySQL:
		mc, err := mysql.ParseDSN(dsn)
		if err != nil {
			t.Fatalf("parse the local MySQL DSN: %v", err)
		}
		host, port, err := net.SplitHostPort(mc.Addr)
		if err != nil {
			t.Fatalf("local MySQL address: %v", err)
		}
		cfg.Host, cfg.User, cfg.Password, cfg.Database = host, mc.User, mc.Passwd, mc.DBName
		cfg.Port, _ = strconv.Atoi(port)
	}
	return cfg
}

func TestIntegrationHealthy(t *testing.T) {
	for _, db := range localDBs {
		t.Run(string(db.engine), func(t *testing.T) {
			dsn := testenv.Need(t, db.dsnKey)[db.dsnKey]
			const budget = 2 * time.Second
			o := checktest.Run(t, dbCheck(t, "db", Config{Engine: db.engine, DSN: dsn}), budget)
			checktest.Expect(t, o, health.StatusPass, "", budget)
			if o.Result.ObservedUnit != "ms" {
				t.Errorf("observed unit = %q; want ms", o.Result.ObservedUnit)
			}
		})
	}
}

func TestIntegrationRefused(t *testing.T) {
	t.Parallel()
	for _, db := range localDBs {
		t.Run(string(db.engine), func(t *testing.T) {
			host, port, _ := net.SplitHostPort(testenv.ClosedPort(t))
			p, _ := strconv.Atoi(port)
			const budget = time.Second
			o := checktest.Run(t, dbCheck(t, "db", Config{Engine: db.engine, Host: host, Port: p, User: "health", Password: "pw", Database: "healthdb", TLS: TLSDisable}), budget)
			checktest.Expect(t, o, health.StatusFail, health.ClassRefused, budget)
		})
	}
}

func TestIntegrationHung(t *testing.T) {
	t.Parallel()
	for _, db := range localDBs {
		t.Run(string(db.engine), func(t *testing.T) {
			host, port, _ := net.SplitHostPort(testenv.HungListener(t))
			p, _ := strconv.Atoi(port)
			const budget = 300 * time.Millisecond
			o := checktest.Run(t, dbCheck(t, "db", Config{Engine: db.engine, Host: host, Port: p, User: "health", Password: "pw", Database: "healthdb", TLS: TLSDisable}), budget)
			checktest.Expect(t, o, health.StatusFail, "timeout after 300ms", budget)
		})
	}
}

func TestIntegrationWrongPassword(t *testing.T) {
	t.Parallel()
	for _, db := range localDBs {
		t.Run(string(db.engine), func(t *testing.T) {
			dsn := testenv.Need(t, db.dsnKey)[db.dsnKey]
			cfg := parts(t, db.engine, dsn)
			cfg.Password = "Wrong-Pa55-" + testenv.RandomSuffix(t)
			const budget = 2 * time.Second
			o := checktest.Run(t, dbCheck(t, "db", cfg), budget)
			checktest.Expect(t, o, health.StatusFail, health.ClassDenied, budget)
			for what, text := range map[string]string{"response": o.Body, "logs": o.Logs, "output": o.Result.Output} {
				if strings.Contains(text, cfg.Password) {
					t.Errorf("the password appears in the %s: %s", what, text)
				}
			}
			if o.Logs == "" {
				t.Error("nothing was logged; want the check's log line")
			}
		})
	}
}

func TestIntegrationMissingDatabase(t *testing.T) {
	t.Parallel()
	for _, db := range localDBs {
		t.Run(string(db.engine), func(t *testing.T) {
			// MySQL checks privileges before existence: a user without
			// global privileges is denied (1044) an unknown database, so the
			// admin login is what can see "unknown database" (1049).
			key := db.dsnKey
			if db.engine == MySQL {
				key = db.adminKey
			}
			dsn := testenv.Need(t, key)[key]
			cfg := parts(t, db.engine, dsn)
			cfg.Database = "nodb_" + testenv.RandomSuffix(t)
			const budget = 2 * time.Second
			o := checktest.Run(t, dbCheck(t, "db", cfg), budget)
			checktest.Expect(t, o, health.StatusFail, health.ClassNotFound, budget)
		})
	}
}

// withApplicationName sets application_name in a PostgreSQL DSN, URL or
// key=value.
func withApplicationName(t *testing.T, dsn, name string) string {
	t.Helper()
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("parse the local PostgreSQL DSN: %v", err)
		}
		q := u.Query()
		q.Set("application_name", name)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " application_name=" + name
}

func TestIntegrationPostgresReusesOneConnection(t *testing.T) {
	env := testenv.Need(t, "LOCAL_PG_DSN", "LOCAL_PG_ADMIN_DSN")
	app := "lambdahealth-reuse-" + testenv.RandomSuffix(t)
	cfg := Config{Engine: Postgres, DSN: withApplicationName(t, env["LOCAL_PG_DSN"], app)}
	user := parts(t, Postgres, env["LOCAL_PG_DSN"])

	admin, err := sql.Open("pgx", env["LOCAL_PG_ADMIN_DSN"])
	if err != nil {
		t.Fatalf("open admin connection: %v", err)
	}
	defer admin.Close()
	backends := func() (n int, first, last time.Time) {
		t.Helper()
		var f, l sql.NullTime
		err := admin.QueryRow(`SELECT count(*), min(backend_start), max(backend_start) FROM pg_stat_activity
			WHERE usename = $1 AND datname = $2 AND application_name = $3`, user.User, user.Database, app).Scan(&n, &f, &l)
		if err != nil {
			t.Fatalf("query pg_stat_activity: %v", err)
		}
		return n, f.Time, l.Time
	}

	var connects atomic.Int32
	check := dbCheck(t, "db", cfg, WithCredentials(func(context.Context) (Credentials, error) {
		connects.Add(1)
		return Credentials{User: user.User, Password: user.Password}, nil
	}))
	c, err := health.NewChecker([]health.Check{check}, health.WithCacheTTL(0))
	if err != nil {
		t.Fatalf("NewChecker() error = %v", err)
	}
	ctx := context.Background()
	if rep := c.All(ctx); rep.Status != health.StatusPass {
		t.Fatalf("first check = %s %q; want pass", rep.Status, rep.Output)
	}
	n, started, _ := backends()
	if n != 1 {
		t.Fatalf("after one check: %d server connections; want 1", n)
	}
	for i := range 50 {
		if rep := c.All(ctx); rep.Status != health.StatusPass {
			t.Fatalf("check %d = %s %q; want pass", i, rep.Status, rep.Output)
		}
	}
	n, first, last := backends()
	if n != 1 || !first.Equal(started) || !last.Equal(started) {
		t.Errorf("after 50 more checks: %d server connections started %s..%s; want the 1 started %s", n, first, last, started)
	}
	if got := connects.Load(); got != 1 {
		t.Errorf("the pool logged in %d times; want 1", got)
	}
}

func TestIntegrationMySQLReusesOneConnection(t *testing.T) {
	dsn := testenv.Need(t, "LOCAL_MYSQL_DSN")["LOCAL_MYSQL_DSN"]
	user := parts(t, MySQL, dsn)
	var connects atomic.Int32
	chk, err := New(Config{Engine: MySQL, DSN: dsn}, WithCredentials(func(context.Context) (Credentials, error) {
		connects.Add(1)
		return Credentials{User: user.User, Password: user.Password}, nil
	}))
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	defer chk.Close()
	c, err := health.NewChecker([]health.Check{{Name: "db", Probe: chk.Probe}}, health.WithCacheTTL(0))
	if err != nil {
		t.Fatalf("NewChecker() error = %v", err)
	}
	for i := range 50 {
		if rep := c.All(context.Background()); rep.Status != health.StatusPass {
			t.Fatalf("check %d = %s %q; want pass", i, rep.Status, rep.Output)
		}
	}
	if got := connects.Load(); got != 1 {
		t.Errorf("50 checks logged in %d times; want 1", got)
	}
	if got := DB(chk).Stats().OpenConnections; got != 1 {
		t.Errorf("open connections = %d; want 1", got)
	}
}
