package rds_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"

	"github.com/lambdahealth/lambdahealth/pkg/health"

	. "github.com/lambdahealth/lambdahealth/pkg/checks/rds"
)

// fakeStore is a fake of Secrets Manager's versions and staging labels:
// GetSecretValue answers the version that holds the label asked for, or
// ResourceNotFoundException.
type fakeStore struct {
	mu      sync.Mutex
	stages  map[string]storedVersion
	calls   int
	release chan struct{} // when set, reads wait for it
}

type storedVersion struct {
	id       string
	password string
	created  time.Time
}

// epoch is when the fake's versions are created, a second apart.
var epoch = time.Unix(1_700_000_000, 0)

func newStore(currentPassword string) *fakeStore {
	f := &fakeStore{stages: map[string]storedVersion{}}
	f.put(StageCurrent, "v1", currentPassword, 1)
	return f
}

// put stages a version created at epoch+second.
func (f *fakeStore) put(stage, id, password string, second int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stages[stage] = storedVersion{id: id, password: password, created: epoch.Add(time.Duration(second) * time.Second)}
}

func (f *fakeStore) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func (f *fakeStore) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.mu.Lock()
	f.calls++
	release := f.release
	f.mu.Unlock()
	if release != nil {
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	stage := aws.ToString(in.VersionStage)
	if stage == "" {
		stage = StageCurrent
	}
	v, ok := f.stages[stage]
	if !ok {
		return nil, &smithy.OperationError{ServiceID: "Secrets Manager", OperationName: "GetSecretValue",
			Err: &types.ResourceNotFoundException{Message: aws.String("no version with label " + stage)}}
	}
	s := `{"username":"health","password":"` + v.password + `"}`
	return &secretsmanager.GetSecretValueOutput{SecretString: &s, VersionId: &v.id, CreatedDate: &v.created,
		VersionStages: []string{stage}}, nil
}

// rotationDB is a fake PostgreSQL server that accepts one password, which
// the test changes, and a check logging in with a secret.
type rotationDB struct {
	srv      *fakeServer
	password atomic.Value // string: the password the server accepts
	store    *fakeStore
	src      *SecretSource
	pinger   *Pinger
	now      time.Time
}

func newRotationDB(t *testing.T, store *fakeStore, dbPassword string) *rotationDB {
	t.Helper()
	r := &rotationDB{store: store, now: epoch.Add(time.Hour)}
	r.password.Store(dbPassword)
	r.srv = fakePostgres(t, testCert(t), func(l login) string {
		if l.Password != r.password.Load().(string) {
			return "28P01"
		}
		return ""
	})
	r.src = NewSecretSource(store, secretARN)
	SetNow(r.src, func() time.Time { return r.now })
	if _, err := r.src.Fetch(context.Background()); err != nil {
		t.Fatalf("Fetch() error = %v", err)
	}
	host, port := r.srv.hostPort(t)
	p, err := New(Config{Engine: Postgres, Host: host, Port: port, User: "health", Database: "healthdb", TLS: TLSDisable}, WithSecret(r.src))
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	t.Cleanup(func() { p.Close() })
	r.pinger = p
	return r
}

// probe runs one probe and returns its status and output as the engine
// would report them.
func (r *rotationDB) probe(t *testing.T) (health.Status, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	obs, err := r.pinger.Probe(ctx)
	if err != nil {
		if strings.Contains(err.Error(), "pw-") {
			t.Errorf("Probe() error %q holds a password", err)
		}
		return health.StatusFail, health.Classify(err, time.Second)
	}
	if obs.Status == "" {
		return health.StatusPass, obs.Output
	}
	return obs.Status, obs.Output
}

// dropIdle closes the pool's idle connection, as a database that kills the
// sessions of a user whose password changed.
func (r *rotationDB) dropIdle() {
	DB(r.pinger).SetMaxIdleConns(0)
	DB(r.pinger).SetMaxIdleConns(MaxIdleConns)
}

func (r *rotationDB) passwords() []string {
	var out []string
	for _, l := range r.srv.logins() {
		out = append(out, l.Password)
	}
	return out
}

func expectStatus(t *testing.T, r *rotationDB, wantStatus health.Status, wantOutput string) {
	t.Helper()
	if got, out := r.probe(t); got != wantStatus || out != wantOutput {
		t.Fatalf("probe = %s %q; want %s %q (logins %q, %d secret reads)", got, out, wantStatus, wantOutput, r.passwords(), r.store.callCount())
	}
}

// The secret and the database change together, and the sessions are
// killed: the refused login reads the secret again at once, and the same
// probe passes with the new password. Before, the check failed until the
// one-minute refresh came round.
func TestRotationTogether(t *testing.T) {
	t.Parallel()
	store := newStore("pw-1")
	r := newRotationDB(t, store, "pw-1")
	expectStatus(t, r, health.StatusPass, "")
	store.put(StageCurrent, "v2", "pw-2", 2)
	r.password.Store("pw-2")
	r.dropIdle()
	expectStatus(t, r, health.StatusPass, "")
	if got, want := strings.Join(r.passwords(), ","), "pw-1,pw-1,pw-2"; got != want {
		t.Errorf("logins = %s; want %s", got, want)
	}
	// The start-up read, then AWSCURRENT and AWSPENDING once.
	if got := store.callCount(); got != 3 {
		t.Errorf("GetSecretValue calls = %d; want 3", got)
	}
	r.dropIdle()
	expectStatus(t, r, health.StatusPass, "") // the new password, at once
	if got, want := strings.Join(r.passwords(), ","), "pw-1,pw-1,pw-2,pw-2"; got != want {
		t.Errorf("logins = %s; want %s", got, want)
	}
}

// The database changes first: the check fails (the secret is wrong), reading
// the secret at most once a second; the first probe a second after the
// secret's update passes.
func TestRotationDatabaseFirst(t *testing.T) {
	t.Parallel()
	store := newStore("pw-1")
	r := newRotationDB(t, store, "pw-2")
	expectStatus(t, r, health.StatusFail, health.ClassDenied)
	if got := store.callCount(); got != 3 {
		t.Errorf("GetSecretValue calls = %d; want 3", got)
	}
	store.put(StageCurrent, "v2", "pw-2", 2)
	r.now = r.now.Add(SecretRereadInterval / 2)
	expectStatus(t, r, health.StatusFail, health.ClassDenied) // read less than a second ago
	if got := store.callCount(); got != 3 {
		t.Errorf("GetSecretValue calls within a second = %d; want 3 (no new read)", got)
	}
	r.now = r.now.Add(SecretRereadInterval / 2)
	expectStatus(t, r, health.StatusPass, "")
	if got := store.callCount(); got != 5 {
		t.Errorf("GetSecretValue calls = %d; want 5", got)
	}
}

// A rotation Lambda has staged AWSPENDING and set it in the database
// (setSecret) before moving AWSCURRENT (finishSecret): the pending password
// logs in, and new connections keep using it.
func TestRotationPending(t *testing.T) {
	t.Parallel()
	store := newStore("pw-1")
	r := newRotationDB(t, store, "pw-1")
	expectStatus(t, r, health.StatusPass, "")
	store.put(StagePending, "v2", "pw-2", 1) // dated the same second as AWSCURRENT
	r.password.Store("pw-2")
	r.dropIdle()
	expectStatus(t, r, health.StatusPass, "")
	r.dropIdle()
	expectStatus(t, r, health.StatusPass, "")
	if got, want := strings.Join(r.passwords(), ","), "pw-1,pw-1,pw-2,pw-2"; got != want {
		t.Errorf("logins = %s; want %s", got, want)
	}
	// finishSecret: AWSCURRENT moves to v2, which keeps AWSPENDING or not.
	store.put(StageCurrent, "v2", "pw-2", 2)
	r.now = r.now.Add(DefaultSecretRefresh)
	r.dropIdle()
	expectStatus(t, r, health.StatusPass, "")
	if got, want := strings.Join(r.passwords(), ","), "pw-1,pw-1,pw-2,pw-2,pw-2"; got != want {
		t.Errorf("logins = %s; want %s", got, want)
	}
}

// While a rotation is in progress and no version logs in, the check warns;
// once AWSPENDING is gone (or older than AWSCURRENT), it fails.
func TestRotationNeitherLogsIn(t *testing.T) {
	t.Parallel()
	store := newStore("pw-1")
	store.put(StagePending, "v2", "pw-2", 2)
	r := newRotationDB(t, store, "pw-3")
	expectStatus(t, r, health.StatusWarn, ClassRotating)
	if got, want := strings.Join(r.passwords(), ","), "pw-1,pw-2"; got != want {
		t.Errorf("logins = %s; want %s", got, want)
	}
	// The next probe starts over from AWSCURRENT.
	expectStatus(t, r, health.StatusWarn, ClassRotating)
	if got, want := strings.Join(r.passwords(), ","), "pw-1,pw-2,pw-1,pw-2"; got != want {
		t.Errorf("logins = %s; want %s", got, want)
	}
	// A leftover AWSPENDING older than AWSCURRENT is no rotation.
	store.put(StagePending, "v0", "pw-0", 0)
	r.now = r.now.Add(SecretRereadInterval)
	expectStatus(t, r, health.StatusFail, health.ClassDenied)
}

// A login without a secret is not retried.
func TestRejectedWithoutSecret(t *testing.T) {
	t.Parallel()
	srv := fakePostgres(t, testCert(t), func(login) string { return "28P01" })
	host, port := srv.hostPort(t)
	c, err := New(Config{Engine: Postgres, Host: host, Port: port, User: "health", Password: "pw", TLS: TLSDisable})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	defer c.Close()
	_, err = c.Probe(context.Background())
	if got := health.Classify(err, time.Second); got != health.ClassDenied || len(srv.logins()) != 1 {
		t.Errorf("Probe() = %q after %d logins; want %q after 1", got, len(srv.logins()), health.ClassDenied)
	}
}

// Refused logins that arrive together share one read of the secret, and a
// caller whose deadline ends leaves the read running: the next caller finds
// its result.
func TestRejectedSharesOneRead(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		store := newStore("pw-1")
		src := NewSecretSource(store, secretARN)
		ctx := context.Background()
		if _, err := src.Credentials(ctx); err != nil {
			t.Fatalf("Credentials() error = %v", err)
		}
		store.put(StageCurrent, "v2", "pw-2", 2)
		store.mu.Lock()
		store.release = make(chan struct{})
		store.mu.Unlock()

		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		retry, _ := src.Rejected(short) // gives up after 100ms; the read goes on
		if retry {
			t.Errorf("Rejected() before the read ended: retry = true; want false")
		}
		results := make(chan bool, 3)
		for range 3 {
			go func() {
				retry, _ := src.Rejected(ctx)
				results <- retry
			}()
		}
		synctest.Wait()
		close(store.release)
		for range 3 {
			if !<-results {
				t.Errorf("Rejected() after the read: retry = false; want true (AWSCURRENT is new)")
			}
		}
		// The start-up read, then one read of AWSCURRENT and AWSPENDING.
		if got := store.callCount(); got != 3 {
			t.Errorf("GetSecretValue calls = %d; want 3", got)
		}
		c, err := src.Credentials(ctx)
		if err != nil || c.Password != "pw-2" {
			t.Errorf("Credentials() = %v, %v; want the new password", c, err)
		}
	})
}

// A connection the server closed (its session killed) fails the ping that
// finds it out, with driver.ErrBadConn (pgx checks a reused connection only
// when it was last used a second ago or more); the probe tries a new one at
// once. (go-sql-driver/mysql checks every reused connection first.)
func TestProbeReplacesKilledConnection(t *testing.T) {
	t.Parallel()
	srv := fakePostgres(t, testCert(t), nil)
	host, port := srv.hostPort(t)
	c, err := New(Config{Engine: Postgres, Host: host, Port: port, User: "health", Password: "pw", Database: "healthdb"})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	defer c.Close()
	for i := range 2 {
		if _, err := c.Probe(context.Background()); err != nil {
			t.Fatalf("Probe() %d error = %v", i, err)
		}
		srv.kill()
	}
	if got := len(srv.logins()); got != 2 {
		t.Errorf("logins = %d; want 2", got)
	}
}

// After the login is refused, the secret has both a new AWSCURRENT version
// and a newer AWSPENDING one: the same probe tries both.
func TestRotationNewCurrentAndPending(t *testing.T) {
	t.Parallel()
	store := newStore("pw-1")
	r := newRotationDB(t, store, "pw-4")
	store.put(StageCurrent, "v3", "pw-3", 3)
	store.put(StagePending, "v4", "pw-4", 4)
	expectStatus(t, r, health.StatusPass, "")
	if got, want := strings.Join(r.passwords(), ","), "pw-1,pw-3,pw-4"; got != want {
		t.Errorf("logins = %s; want %s", got, want)
	}
}
