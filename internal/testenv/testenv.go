// Package testenv gives tests the local services they need and the faulty
// peers they test against: a closed port, a listener that accepts and never
// answers, and the settings of the local stack from .local/env.
//
// When HEALTH_REQUIRE_INTEGRATION=1 (CI sets it), a missing local service is
// a test failure; otherwise the test is skipped with a message saying how to
// start the stack (make local-up).
package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/localenv"
)

// Required reports whether integration tests must run (HEALTH_REQUIRE_INTEGRATION=1).
func Required() bool { return os.Getenv("HEALTH_REQUIRE_INTEGRATION") == "1" }

// Root returns the repository root.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

var (
	loadOnce sync.Once
	localEnv map[string]string
)

// load reads .local/env (localenv.Read).
func load() map[string]string {
	loadOnce.Do(func() {
		localEnv, _ = localenv.Read(Root())
		if localEnv == nil {
			localEnv = map[string]string{}
		}
	})
	return localEnv
}

// Lookup returns a local-stack setting: the process environment first,
// then .local/env.
func Lookup(key string) (string, bool) {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v, true
	}
	v, ok := load()[key]
	return v, ok && v != ""
}

// Need returns the local-stack settings named by keys, or skips the test (or
// fails it under HEALTH_REQUIRE_INTEGRATION=1) when one is missing.
func Need(t testing.TB, keys ...string) map[string]string {
	t.Helper()
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		v, ok := Lookup(k)
		if !ok {
			Missing(t, k+" is not set (run `make local-up` to start the local stack)")
		}
		out[k] = v
	}
	return out
}

// Missing fails the test under HEALTH_REQUIRE_INTEGRATION=1 and skips it
// otherwise.
func Missing(t testing.TB, why string) {
	t.Helper()
	if Required() {
		t.Fatalf("integration service missing: %s", why)
	}
	t.Skipf("integration service missing: %s", why)
}

// SetAWSEnv points the AWS SDK at the local stack for the test's duration.
func SetAWSEnv(t *testing.T) {
	t.Helper()
	env := Need(t, "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
	for k, v := range env {
		t.Setenv(k, v)
	}
}

// SetAWSServiceEnv is SetAWSEnv plus the per-service endpoints named (such
// as AWS_ENDPOINT_URL_DYNAMODB, for a service another emulator serves).
func SetAWSServiceEnv(t *testing.T, keys ...string) {
	t.Helper()
	SetAWSEnv(t)
	for k, v := range Need(t, keys...) {
		t.Setenv(k, v)
	}
}

// ClosedPort returns a loopback address on which nothing listens.
func ClosedPort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// HungListener returns a loopback address that accepts connections and
// never answers: a blackholed dependency. It is closed when the test ends.
func HungListener(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// HungAWS returns the environment of an AWS whose every endpoint accepts
// connections and never answers (a dead NAT or VPC endpoint: a
// HungListener as AWS_ENDPOINT_URL, with a region and dummy credentials),
// and that endpoint's address.
func HungAWS(t testing.TB) ([]string, string) {
	t.Helper()
	addr := HungListener(t)
	return []string{"AWS_ENDPOINT_URL=http://" + addr, "AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test"}, addr
}

// Blackhole returns a loopback address whose connection attempts hang, as
// with a firewall that drops packets: a listener with a full accept queue
// that never accepts, so the kernel drops further SYNs. Traffic stays on
// this machine. It is closed when the test ends.
func Blackhole(t testing.TB) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		syscall.Close(fd)
		t.Fatalf("bind: %v", err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		syscall.Close(fd)
		t.Fatalf("listen: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		syscall.Close(fd)
		t.Fatalf("getsockname: %v", err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*syscall.SockaddrInet4).Port))
	var fill []net.Conn
	t.Cleanup(func() {
		for _, c := range fill {
			c.Close()
		}
		syscall.Close(fd)
	})
	// Fill the accept queue until a dial hangs.
	for range 8 {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return addr
		}
		fill = append(fill, c)
	}
	t.Fatalf("blackhole: the accept queue of %s never filled", addr)
	return ""
}

// OpenPort returns a loopback address that accepts connections and closes
// them at once: a healthy TCP dependency. It is closed when the test ends.
func OpenPort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln.Addr().String()
}

// DelayProxy returns a loopback address that forwards each connection to
// target after holding it for delay: a slow dependency (slow to accept,
// then normal). It is closed when the test ends.
func DelayProxy(t testing.TB, target string, delay time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() {
		close(done)
		ln.Close()
		wg.Wait()
	})
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer client.Close()
				select {
				case <-time.After(delay):
				case <-done:
					return
				}
				server, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer server.Close()
				go func() {
					<-done
					client.Close()
					server.Close()
				}()
				go func() { _, _ = io.Copy(server, client); server.Close() }()
				_, _ = io.Copy(client, server)
			}()
		}
	}()
	return ln.Addr().String()
}

// RandomSuffix returns 12 random hex digits, for names of test resources
// (queues, buckets, secrets, databases) that must not collide.
func RandomSuffix(t testing.TB) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

// RunWithin starts cmd and waits for it to exit, at most limit: a command
// still running then is killed, and the error says so. It returns how long
// cmd ran and its exit error.
func RunWithin(t testing.TB, cmd *exec.Cmd, limit time.Duration) (time.Duration, error) {
	t.Helper()
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", cmd.Path, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return time.Since(begin), err
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		<-done
		return time.Since(begin), fmt.Errorf("still running after %v (killed)", limit)
	}
}
