package checkbuild

// The fault matrix: every dependency kind against every fault it can show,
// through the production wiring (Build) and the engine, asserting status,
// output class and answer time (budget + 100ms, counted from when a plain
// timer armed with the run fires, so that a loaded CI machine's scheduler
// delay is not blamed on the engine: see checktest.Outcome.Late), and that
// no secret reaches a response body or a log line. The matrix is printed
// as a table.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/go-sql-driver/mysql"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks/httpcheck"
	mysqlcheck "github.com/lambdahealth/lambdahealth/pkg/checks/mysql"
	"github.com/lambdahealth/lambdahealth/pkg/checks/postgres"
	"github.com/lambdahealth/lambdahealth/pkg/checks/rds"
	"github.com/lambdahealth/lambdahealth/pkg/checks/s3"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sqs"
	"github.com/lambdahealth/lambdahealth/pkg/checks/tcp"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

const faultBudget = 500 * time.Millisecond

// Faults, in table order.
const (
	fHealthy   = "healthy"
	fRefused   = "refused"
	fHung      = "hung"
	fSlowHalf  = "slow budget/2"
	fSlowPast  = "slow 2x budget"
	fDenied    = "denied"
	fMissing   = "missing"
	fThrottled = "throttled"
)

var faultOrder = []string{fHealthy, fRefused, fHung, fSlowHalf, fSlowPast, fDenied, fMissing, fThrottled}

// faultCase is one cell of the matrix.
type faultCase struct {
	kind, fault string
	spec        CheckSpec
	awsCfg      *aws.Config
	wantStatus  health.Status
	wantOutput  string
}

// local is the local stack's settings, with the secrets the sweep looks for.
type local struct {
	pgDSN, myDSN, pgAddr, myAddr, awsAddr, bucket, queue string
	secrets                                              []string
}

func loadLocal(t *testing.T) local {
	env := testenv.Need(t, "LOCAL_PG_DSN", "LOCAL_MYSQL_DSN", "LOCAL_BUCKET", "LOCAL_QUEUE_URL", "AWS_ENDPOINT_URL")
	pg, err := url.Parse(env["LOCAL_PG_DSN"])
	if err != nil {
		t.Fatal(err)
	}
	my, err := mysql.ParseDSN(env["LOCAL_MYSQL_DSN"])
	if err != nil {
		t.Fatal(err)
	}
	aws, err := url.Parse(env["AWS_ENDPOINT_URL"])
	if err != nil {
		t.Fatal(err)
	}
	pgPass, _ := pg.User.Password()
	return local{pgDSN: env["LOCAL_PG_DSN"], myDSN: env["LOCAL_MYSQL_DSN"], pgAddr: pg.Host, myAddr: my.Addr,
		awsAddr: aws.Host, bucket: env["LOCAL_BUCKET"], queue: env["LOCAL_QUEUE_URL"],
		secrets: []string{pgPass, my.Passwd, env["LOCAL_PG_DSN"], env["LOCAL_MYSQL_DSN"], "wrong-pw-7f3a",
			"Secret-Key-Fault-123", "AKIDFAULTEXAMPLE", "X-Amz-Signature", "127.0.0.1", "localhost"}}
}

// withAddr rewrites a DSN to reach addr, keeping its credentials and database.
func pgAt(dsn, addr string, edit func(*url.URL)) string {
	u, _ := url.Parse(dsn)
	u.Host = addr
	if edit != nil {
		edit(u)
	}
	return u.String()
}

func myAt(dsn, addr string, edit func(*mysql.Config)) string {
	c, _ := mysql.ParseDSN(dsn)
	c.Addr = addr
	if edit != nil {
		edit(c)
	}
	return c.FormatDSN()
}

// awsAt points the SDK at addr with static credentials.
func awsAt(addr string) *aws.Config {
	cfg := awsConfig("http://" + addr)
	cfg.Region = "us-east-1"
	cfg.Credentials = credentials.NewStaticCredentialsProvider("AKIDFAULTEXAMPLE", "Secret-Key-Fault-123", "")
	return ptr(cfg)
}

// fakeAWSAddr answers every AWS call with status and body.
func fakeAWSAddr(t *testing.T, status int, contentType, body string) string {
	srv := newFakeAWS(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	})
	return strings.TrimPrefix(srv.URL, "http://")
}

func faultCases(t *testing.T, l local) []faultCase {
	closed, hung, blackhole := testenv.ClosedPort(t), testenv.HungListener(t), testenv.Blackhole(t)
	half, past := faultBudget/2, 2*faultBudget
	slow := func(target string, d time.Duration) string { return testenv.DelayProxy(t, target, d) }
	timeout := fmt.Sprintf("timeout after %s", faultBudget)
	pass, fail := health.StatusPass, health.StatusFail

	pg := func(addr string, edit func(*url.URL)) CheckSpec {
		return spec("orders-db", postgres.Spec{Spec: rds.Spec{DSN: pgAt(l.pgDSN, addr, edit)}})
	}
	my := func(addr string, edit func(*mysql.Config)) CheckSpec {
		return spec("inventory-db", mysqlcheck.Spec{Spec: rds.Spec{DSN: myAt(l.myDSN, addr, edit)}})
	}
	sqsSpec := spec("jobs", sqs.Spec{QueueURL: l.queue})
	s3Spec := spec("assets", s3.Spec{Bucket: l.bucket})
	// The denied row's queue has an AWS URL, so that the check knows its ARN
	// (an emulator's URL has none); the calls go to the fake endpoint.
	sqsAWS := spec("jobs", sqs.Spec{QueueURL: "https://sqs.us-east-1.amazonaws.com/000000000000/health-local"})

	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/denied":
			w.WriteHeader(http.StatusForbidden)
		case "/missing":
			w.WriteHeader(http.StatusNotFound)
		case "/throttled":
			w.WriteHeader(http.StatusTooManyRequests)
		}
	}))
	t.Cleanup(web.Close)
	webAddr := strings.TrimPrefix(web.URL, "http://")
	httpSpec := func(addr, path string) CheckSpec {
		return spec("payments", httpcheck.Spec{URL: "http://" + addr + path})
	}
	tcpSpec := func(addr string) CheckSpec {
		return spec("cache", tcp.Spec{Address: addr})
	}
	wrongPG := func(u *url.URL) { u.User = url.UserPassword(u.User.Username(), "wrong-pw-7f3a") }
	missingPG := func(u *url.URL) { u.Path = "/no_such_db" }
	wrongMy := func(c *mysql.Config) { c.Passwd = "wrong-pw-7f3a" }

	// MariaDB refuses a user without global privileges with "access denied"
	// before it looks for the database, so "missing" logs in as admin.
	admin := testenv.Need(t, "LOCAL_MYSQL_ADMIN_DSN")["LOCAL_MYSQL_ADMIN_DSN"]
	missingMy := spec("inventory-db", mysqlcheck.Spec{Spec: rds.Spec{DSN: myAt(admin, l.myAddr, func(c *mysql.Config) { c.DBName = "no_such_db" })}})
	l.secrets = append(l.secrets, admin)

	sqsDenied := fakeAWSAddr(t, 400, "application/x-amz-json-1.0", `{"__type":"com.amazonaws.sqs#AccessDenied","message":"not authorized"}`)
	sqsThrottled := fakeAWSAddr(t, 400, "application/x-amz-json-1.0", `{"__type":"com.amazonaws.sqs#RequestThrottled","message":"slow down"}`)
	s3Denied := fakeAWSAddr(t, 403, "", "")
	s3Throttled := fakeAWSAddr(t, 503, "application/xml", `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`)
	s3Probe := spec("assets", s3.Spec{Bucket: l.bucket, ProbeKey: "health-probe"})
	missingQueue := spec("jobs", sqs.Spec{QueueURL: strings.TrimSuffix(l.queue, "health-local") + "no-such-queue"})
	missingBucket := spec("assets", s3.Spec{Bucket: "no-such-bucket-fault"})

	return []faultCase{
		{"postgres", fHealthy, pg(l.pgAddr, nil), nil, pass, ""},
		{"postgres", fRefused, pg(closed, nil), nil, fail, health.ClassRefused},
		{"postgres", fHung, pg(hung, nil), nil, fail, timeout},
		{"postgres", fSlowHalf, pg(slow(l.pgAddr, half), nil), nil, pass, ""},
		{"postgres", fSlowPast, pg(slow(l.pgAddr, past), nil), nil, fail, timeout},
		{"postgres", fDenied, pg(l.pgAddr, wrongPG), nil, fail, health.ClassDenied},
		{"postgres", fMissing, pg(l.pgAddr, missingPG), nil, fail, health.ClassNotFound},

		{"mysql", fHealthy, my(l.myAddr, nil), nil, pass, ""},
		{"mysql", fRefused, my(closed, nil), nil, fail, health.ClassRefused},
		{"mysql", fHung, my(hung, nil), nil, fail, timeout},
		{"mysql", fSlowHalf, my(slow(l.myAddr, half), nil), nil, pass, ""},
		{"mysql", fSlowPast, my(slow(l.myAddr, past), nil), nil, fail, timeout},
		{"mysql", fDenied, my(l.myAddr, wrongMy), nil, fail, health.ClassDenied},
		{"mysql", fMissing, missingMy, nil, fail, health.ClassNotFound},

		{"sqs", fHealthy, sqsSpec, awsAt(l.awsAddr), pass, ""},
		{"sqs", fRefused, sqsSpec, awsAt(closed), fail, health.ClassRefused},
		{"sqs", fHung, sqsSpec, awsAt(hung), fail, timeout},
		{"sqs", fSlowHalf, sqsSpec, awsAt(slow(l.awsAddr, half)), pass, ""},
		{"sqs", fSlowPast, sqsSpec, awsAt(slow(l.awsAddr, past)), fail, timeout},
		{"sqs", fDenied, sqsAWS, awsAt(sqsDenied), fail, "access denied: sqs:GetQueueAttributes on queue health-local"},
		{"sqs", fMissing, missingQueue, awsAt(l.awsAddr), fail, health.ClassNotFound},
		{"sqs", fThrottled, sqsSpec, awsAt(sqsThrottled), fail, health.ClassThrottled},

		{"s3", fHealthy, s3Probe, awsAt(l.awsAddr), pass, ""},
		{"s3", fRefused, s3Spec, awsAt(closed), fail, health.ClassRefused},
		{"s3", fHung, s3Spec, awsAt(hung), fail, timeout},
		{"s3", fSlowHalf, s3Spec, awsAt(slow(l.awsAddr, half)), pass, ""},
		{"s3", fSlowPast, s3Spec, awsAt(slow(l.awsAddr, past)), fail, timeout},
		{"s3", fDenied, s3Spec, awsAt(s3Denied), fail, "access denied: s3:ListBucket on bucket " + l.bucket},
		{"s3", fMissing, missingBucket, awsAt(l.awsAddr), fail, health.ClassNotFound},
		{"s3", fThrottled, s3Probe, awsAt(s3Throttled), fail, health.ClassThrottled},

		{"http", fHealthy, httpSpec(webAddr, "/"), nil, pass, ""},
		{"http", fRefused, httpSpec(closed, "/"), nil, fail, health.ClassRefused},
		{"http", fHung, httpSpec(hung, "/"), nil, fail, timeout},
		{"http", fSlowHalf, httpSpec(slow(webAddr, half), "/"), nil, pass, ""},
		{"http", fSlowPast, httpSpec(slow(webAddr, past), "/"), nil, fail, timeout},
		{"http", fDenied, httpSpec(webAddr, "/denied"), nil, fail, "unexpected status 403"},
		{"http", fMissing, httpSpec(webAddr, "/missing"), nil, fail, "unexpected status 404"},
		{"http", fThrottled, httpSpec(webAddr, "/throttled"), nil, fail, "unexpected status 429"},

		// A TCP check only connects: a hung peer accepts (pass), a slow
		// accept is a dropped SYN (the blackhole), and there is nothing to
		// deny, miss or throttle.
		{"tcp", fHealthy, tcpSpec(testenv.OpenPort(t)), nil, pass, ""},
		{"tcp", fRefused, tcpSpec(closed), nil, fail, health.ClassRefused},
		{"tcp", fHung, tcpSpec(hung), nil, pass, ""},
		{"tcp", fSlowPast, tcpSpec(blackhole), nil, fail, timeout},
	}
}

func TestFaultMatrix(t *testing.T) {
	l := loadLocal(t)
	cases := append(faultCases(t, l), newKindCases(t, &l)...)
	var mu sync.Mutex // guards cells and everything, written by the parallel cases
	cells := map[string]map[string]string{}
	var everything strings.Builder
	// The cases run in parallel (each waits on its own fault, most of them
	// on the budget's timer); this group returns when all have ended.
	t.Run("cases", func(t *testing.T) {
		for _, fc := range cases {
			t.Run(fc.kind+"/"+fc.fault, func(t *testing.T) {
				t.Parallel()
				faultCell(t, fc, &mu, cells, &everything)
			})
		}
	})
	t.Run("no secret in any body or log", func(t *testing.T) {
		all := everything.String()
		if !strings.Contains(all, `"status":"fail"`) {
			t.Fatalf("sweep saw no failing responses; the matrix did not run")
		}
		for _, s := range l.secrets {
			if s != "" && strings.Contains(all, s) {
				t.Errorf("a response body or log line carries %q", s)
			}
		}
	})
	t.Log("\n" + faultTable(cells))
}

// faultCell runs one case of the fault matrix and records its cell and
// what it answered and logged.
func faultCell(t *testing.T, fc faultCase, mu *sync.Mutex, cells map[string]map[string]string, everything *strings.Builder) {
	built, err := Build(context.Background(), []CheckSpec{fc.spec}, fc.awsCfg)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	built[0].Optional = false
	o := checktest.Run(t, built[0], faultBudget)
	checktest.Expect(t, o, fc.wantStatus, fc.wantOutput, faultBudget)
	mark := "ok"
	if t.Failed() {
		mark = "FAIL"
	}
	out := string(o.Result.Status)
	if o.Result.Output != "" {
		out += " " + o.Result.Output
	}
	took := fmt.Sprintf("%dms", o.Elapsed.Milliseconds())
	if o.Late > 0 {
		took += fmt.Sprintf(" (scheduler %dms late)", o.Late.Milliseconds())
	}
	mu.Lock()
	defer mu.Unlock()
	everything.WriteString(o.Body + "\n" + o.Logs + "\n")
	if cells[fc.kind] == nil {
		cells[fc.kind] = map[string]string{}
	}
	cells[fc.kind][fc.fault] = fmt.Sprintf("%s, %s %s", out, took, mark)
}

// faultTable renders the matrix, one line per kind and fault.
func faultTable(cells map[string]map[string]string) string {
	kinds := make([]string, 0, len(cells))
	for k := range cells {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var b strings.Builder
	fmt.Fprintf(&b, "fault matrix (budget %s)\n%-14s %-15s %s\n", faultBudget, "kind", "fault", "status output, answer time")
	for _, k := range kinds {
		for _, f := range faultOrder {
			v := cells[k][f]
			if v == "" {
				v = "n/a"
			}
			fmt.Fprintf(&b, "%-14s %-15s %s\n", k, f, v)
		}
	}
	return b.String()
}
