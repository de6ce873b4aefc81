package rds_test

// Integration test of secret rotation against the local PostgreSQL and
// MariaDB and LocalStack's Secrets Manager. Each run creates its own
// database user and secret and removes them. It skips without the stack and
// fails under HEALTH_REQUIRE_INTEGRATION=1.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awscheck"
	mysqlcheck "github.com/lambdahealth/lambdahealth/pkg/checks/mysql"
	"github.com/lambdahealth/lambdahealth/pkg/checks/postgres"
	"github.com/lambdahealth/lambdahealth/pkg/health"

	. "github.com/lambdahealth/lambdahealth/pkg/checks/rds"
)

// rotationGoal is how soon after the secret's update the check must pass.
const rotationGoal = 5 * time.Second

// rotationFixture is one engine's user and secret, and a checker of the
// check built from the secret as HEALTH_CHECKS would build it.
type rotationFixture struct {
	t       *testing.T
	engine  Engine
	admin   *sql.DB
	user    string
	sm      *secretsmanager.Client
	arn     string
	doc     map[string]any // the secret's fields but the password
	current string         // the AWSCURRENT version ID
	checker *health.Checker
	logs    *checktest.LockedBuffer
	used    []string // every password the test set
}

func newRotationFixture(t *testing.T, db localDB) *rotationFixture {
	t.Helper()
	env := testenv.Need(t, db.dsnKey, db.adminKey)
	testenv.SetAWSEnv(t)
	ctx := context.Background()
	f := &rotationFixture{t: t, engine: db.engine, user: "rotation_" + testenv.RandomSuffix(t)}
	app := parts(t, db.engine, env[db.dsnKey])
	driver := "pgx"
	if db.engine == MySQL {
		driver = "mysql"
	}
	admin, err := sql.Open(driver, env[db.adminKey])
	if err != nil {
		t.Fatalf("open admin connection: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	f.admin = admin
	password := f.newPassword()
	if db.engine == Postgres {
		f.exec(fmt.Sprintf(`CREATE ROLE %s LOGIN PASSWORD '%s'`, f.user, password))
		t.Cleanup(func() { f.killSessions(); f.exec(`DROP ROLE ` + f.user) })
	} else {
		f.exec(fmt.Sprintf(`CREATE USER '%s'@'%%' IDENTIFIED BY '%s'`, f.user, password))
		t.Cleanup(func() { f.killSessions(); f.exec(fmt.Sprintf(`DROP USER '%s'@'%%'`, f.user)) })
	}

	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatalf("load the AWS configuration: %v", err)
	}
	f.sm = secretsmanager.NewFromConfig(awsCfg)
	f.doc = map[string]any{"username": f.user, "engine": string(db.engine), "host": app.Host, "port": app.Port}
	if db.engine == Postgres {
		f.doc["dbname"] = app.Database
	}
	out, err := f.sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(f.user), SecretString: aws.String(f.value(password))})
	if err != nil {
		t.Fatalf("create secret: %v", err)
	}
	f.arn, f.current = aws.ToString(out.ARN), aws.ToString(out.VersionId)
	t.Cleanup(func() {
		_, err := f.sm.DeleteSecret(context.Background(), &secretsmanager.DeleteSecretInput{SecretId: &f.arn, ForceDeleteWithoutRecovery: aws.Bool(true)})
		if err != nil {
			t.Errorf("delete secret: %v", err)
		}
	})

	spec := Spec{SecretARN: f.arn, TLS: TLSDisable}
	common := checks.Common{Name: "db", Timeout: 2 * time.Second}
	var check health.Check
	if db.engine == Postgres {
		check, err = postgres.Spec{Spec: spec}.Check(ctx, common, awscheck.NewEnv(&awsCfg, nil))
	} else {
		check, err = mysqlcheck.Spec{Spec: spec}.Check(ctx, common, awscheck.NewEnv(&awsCfg, nil))
	}
	if err != nil {
		t.Fatalf("Check() error = %v", err)
	}
	f.logs = &checktest.LockedBuffer{}
	f.checker, err = health.NewChecker([]health.Check{check}, health.WithCacheTTL(0), health.WithBudget(2*time.Second),
		health.WithLogger(slog.New(slog.NewJSONHandler(f.logs, nil))))
	if err != nil {
		t.Fatalf("NewChecker() error = %v", err)
	}
	return f
}

func (f *rotationFixture) newPassword() string {
	pw := "Rot-" + testenv.RandomSuffix(f.t)
	f.used = append(f.used, pw)
	return pw
}

func (f *rotationFixture) exec(query string, args ...any) {
	f.t.Helper()
	if _, err := f.admin.Exec(query, args...); err != nil {
		f.t.Fatalf("%s: %v", f.engine, err) // the query holds a password: not quoted
	}
}

// value is the secret's JSON with password.
func (f *rotationFixture) value(password string) string {
	doc := map[string]any{"password": password}
	for k, v := range f.doc {
		doc[k] = v
	}
	b, err := json.Marshal(doc)
	if err != nil {
		f.t.Fatalf("marshal the secret: %v", err)
	}
	return string(b)
}

// setDatabasePassword changes the user's password in the database.
func (f *rotationFixture) setDatabasePassword(password string) {
	f.t.Helper()
	if f.engine == Postgres {
		f.exec(fmt.Sprintf(`ALTER ROLE %s PASSWORD '%s'`, f.user, password))
	} else {
		f.exec(fmt.Sprintf(`ALTER USER '%s'@'%%' IDENTIFIED BY '%s'`, f.user, password))
	}
}

// killSessions ends the user's sessions, as a rotation that forces them
// out does: the check's next probe needs a new login.
func (f *rotationFixture) killSessions() {
	f.t.Helper()
	if f.engine == Postgres {
		f.exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, f.user)
		return
	}
	rows, err := f.admin.Query(`SELECT id FROM information_schema.processlist WHERE user = ?`, f.user)
	if err != nil {
		f.t.Fatalf("list sessions: %v", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			f.t.Fatalf("list sessions: %v", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		_, _ = f.admin.Exec(fmt.Sprintf("KILL %d", id)) // it may have ended already
	}
}

// putSecret stores a new version of the secret with password under the
// staging labels (AWSCURRENT when none) and returns its ID.
func (f *rotationFixture) putSecret(password string, stages ...string) string {
	f.t.Helper()
	out, err := f.sm.PutSecretValue(context.Background(), &secretsmanager.PutSecretValueInput{SecretId: &f.arn,
		SecretString: aws.String(f.value(password)), VersionStages: stages})
	if err != nil {
		f.t.Fatalf("put secret value: %v", err)
	}
	id := aws.ToString(out.VersionId)
	if len(stages) == 0 {
		f.current = id
	}
	return id
}

// finishRotation moves AWSCURRENT to the version id, as a rotation
// Lambda's finishSecret step does.
func (f *rotationFixture) finishRotation(id string) {
	f.t.Helper()
	_, err := f.sm.UpdateSecretVersionStage(context.Background(), &secretsmanager.UpdateSecretVersionStageInput{SecretId: &f.arn,
		VersionStage: aws.String(StageCurrent), MoveToVersionId: &id, RemoveFromVersionId: &f.current})
	if err != nil {
		f.t.Fatalf("update secret version stage: %v", err)
	}
	f.current = id
}

// await runs the check until it reports status and output, for at most
// rotationGoal after since, and returns how long after since it did.
func (f *rotationFixture) await(since time.Time, status health.Status, output string) time.Duration {
	f.t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		rep := f.checker.All(context.Background())
		r := rep.Results[0]
		if r.Status == status && r.Output == output {
			return time.Since(since)
		}
		f.noPassword(r.Output)
		if time.Since(since) > rotationGoal {
			f.t.Fatalf("%s %q %s after the secret's update; want %s %q within %s", r.Status, r.Output, time.Since(since).Round(time.Millisecond), status, output, rotationGoal)
		}
		<-tick.C
	}
}

// noPassword fails the test when text holds a password it set.
func (f *rotationFixture) noPassword(text string) {
	f.t.Helper()
	for _, pw := range f.used {
		if strings.Contains(text, pw) {
			f.t.Fatalf("a password shows in %q", strings.ReplaceAll(text, pw, "[the password]"))
		}
	}
}

// expect runs the check once and expects status and output.
func (f *rotationFixture) expect(status health.Status, output string) {
	f.t.Helper()
	r := f.checker.All(context.Background()).Results[0]
	f.noPassword(r.Output)
	if r.Status != status || r.Output != output {
		f.t.Fatalf("check = %s %q; want %s %q (%v)", r.Status, r.Output, status, output, r.Err)
	}
}

// The check passes within rotationGoal of the secret's update, whichever
// changes first, and during a rotation Lambda's steps; a rotation whose
// password logs in nowhere warns. The steps run in turn on one user and
// secret.
func TestIntegrationRotation(t *testing.T) {
	for _, db := range localDBs {
		t.Run(string(db.engine), func(t *testing.T) {
			f := newRotationFixture(t, db)
			f.expect(health.StatusPass, "")

			// The database changes first, then the secret.
			pw := f.newPassword()
			f.setDatabasePassword(pw)
			f.killSessions()
			f.expect(health.StatusFail, health.ClassDenied) // the secret is wrong, for now
			updated := time.Now()
			f.putSecret(pw)
			t.Logf("database then secret: passed %s after the secret's update", f.await(updated, health.StatusPass, "").Round(time.Millisecond))

			// The secret and the database change together.
			pw = f.newPassword()
			updated = time.Now()
			f.putSecret(pw)
			f.setDatabasePassword(pw)
			f.killSessions()
			t.Logf("together: passed %s after the secret's update", f.await(updated, health.StatusPass, "").Round(time.Millisecond))

			// A rotation Lambda's steps.
			pw = f.newPassword()
			updated = time.Now()
			pending := f.putSecret(pw, StagePending) // createSecret
			f.setDatabasePassword(pw)                // setSecret
			f.killSessions()
			t.Logf("rotation: passed %s after AWSPENDING was staged", f.await(updated, health.StatusPass, "").Round(time.Millisecond))
			f.finishRotation(pending) // finishSecret
			f.killSessions()
			f.expect(health.StatusPass, "")

			// A rotation whose password logs in nowhere.
			updated = time.Now()
			f.putSecret(f.newPassword(), StagePending)
			f.setDatabasePassword(f.newPassword())
			f.killSessions()
			t.Logf("stuck rotation: warned %s after AWSPENDING was staged", f.await(updated, health.StatusWarn, ClassRotating).Round(time.Millisecond))
			if f.logs.String() == "" {
				t.Error("nothing was logged; want the check's log lines")
			}
			f.noPassword(f.logs.String())
		})
	}
}
