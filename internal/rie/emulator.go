package rie

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// InvocationsPath is the emulator's invoke route, as in Lambda's Invoke API.
const InvocationsPath = "/2015-03-31/functions/function/invocations"

// ErrExited is returned when the emulator process is no longer running.
var ErrExited = errors.New("emulator exited")

// errPortTaken: another process bound a port between our probe and the
// emulator's bind.
var errPortTaken = errors.New("port taken")

// Config describes one function to emulate.
type Config struct {
	// Emulator is the emulator binary (see Find). Required.
	Emulator string
	// Bootstrap is the function's bootstrap binary (see Build). Required.
	Bootstrap string
	// FunctionName is AWS_LAMBDA_FUNCTION_NAME. Default: "function".
	FunctionName string
	// MemoryMB is AWS_LAMBDA_FUNCTION_MEMORY_SIZE. Default: 128.
	MemoryMB int
	// Timeout is AWS_LAMBDA_FUNCTION_TIMEOUT, rounded up to whole seconds.
	// Default: 3s, Lambda's own default.
	Timeout time.Duration
	// Env holds the function's variables as "KEY=value". The emulator and
	// the function get these, the three variables above and Lambda's PATH,
	// LANG, TZ and LAMBDA_TASK_ROOT (which Env may override), and nothing
	// from the caller's environment.
	Env []string
	// Stdout and Stderr, when not nil, also receive the emulator's output
	// as it is written: the function's output and the START, END and
	// REPORT lines on stdout, the emulator's log on stderr. Default: nil.
	Stdout, Stderr io.Writer
	// StartTimeout bounds the wait for the emulator to listen. Default: 10s.
	StartTimeout time.Duration
}

// Emulator is one running emulator process and the runtime it started.
type Emulator struct {
	cfg       Config
	cmd       *exec.Cmd
	addr      string
	apiAddr   string
	started   time.Time
	ready     time.Time
	transport *http.Transport
	client    *http.Client
	stdout    *lineLog
	stderr    *lineLog

	invokeMu sync.Mutex
	stopOnce sync.Once
	stopErr  error
}

// Start runs the emulator with cfg's bootstrap on free loopback ports (the
// invoke endpoint and the runtime API both bind 127.0.0.1) and returns once
// it accepts connections. The runtime itself starts on the first
// invocation, as in Lambda. ctx bounds only the start; the emulator runs
// until Stop, which the caller must call.
func Start(ctx context.Context, cfg Config) (*Emulator, error) {
	if cfg.Emulator == "" || cfg.Bootstrap == "" {
		return nil, errors.New("rie: Config.Emulator and Config.Bootstrap are required")
	}
	if cfg.FunctionName == "" {
		cfg.FunctionName = "function"
	}
	if cfg.MemoryMB <= 0 {
		cfg.MemoryMB = 128
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 3 * time.Second
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = 10 * time.Second
	}
	bootstrap, err := filepath.Abs(cfg.Bootstrap)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(bootstrap); err != nil || !fi.Mode().IsRegular() || fi.Mode()&0o111 == 0 {
		return nil, fmt.Errorf("rie: bootstrap %s is not an executable file", bootstrap)
	}
	cfg.Bootstrap = bootstrap
	var lastErr error
	// A free port can be taken between our probe and the emulator's bind:
	// try again with other ports.
	for range 3 {
		ports, err := freePorts(2)
		if err != nil {
			return nil, err
		}
		e, err := start(ctx, cfg,
			net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0])),
			net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[1])))
		if err == nil {
			return e, nil
		}
		lastErr = err
		if !errors.Is(err, errPortTaken) {
			break
		}
	}
	return nil, lastErr
}

// start runs the emulator with its invoke endpoint on addr and the runtime
// API on apiAddr.
func start(ctx context.Context, cfg Config, addr, apiAddr string) (*Emulator, error) {
	cmd := exec.Command(cfg.Emulator,
		"--runtime-interface-emulator-address", addr,
		"--runtime-api-address", apiAddr,
		cfg.Bootstrap)
	cmd.Dir = filepath.Dir(cfg.Bootstrap)
	cmd.Env = environment(cfg, cmd.Dir)
	// A session of its own: the emulator puts the runtime in a process
	// group of its own, so Stop finds both by their session. Pdeathsig ends
	// the emulator if this process dies without calling Stop; the runtime
	// then exits when its next call to the runtime API fails.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL}
	e := &Emulator{
		cfg:     cfg,
		cmd:     cmd,
		addr:    addr,
		apiAddr: apiAddr,
		stdout:  newLineLog(cfg.Stdout),
		stderr:  newLineLog(cfg.Stderr),
	}
	cmd.Stdout, cmd.Stderr = e.stdout, e.stderr
	cmd.WaitDelay = 2 * time.Second
	e.transport = &http.Transport{
		DialContext:     (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:    1,
		IdleConnTimeout: 30 * time.Second,
	}
	e.client = &http.Client{Transport: e.transport}
	e.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start emulator: %w", err)
	}
	if err := e.waitListening(ctx); err != nil {
		_ = e.Stop()
		return nil, err
	}
	e.ready = time.Now()
	return e, nil
}

// environment is the emulator's (and so the function's) whole environment.
func environment(cfg Config, taskRoot string) []string {
	secs := int((cfg.Timeout + time.Second - 1) / time.Second)
	env := []string{
		"PATH=/usr/local/bin:/usr/bin:/bin:/opt/bin",
		"LANG=en_US.UTF-8",
		"TZ=:UTC",
		"LAMBDA_TASK_ROOT=" + taskRoot,
		"AWS_LAMBDA_FUNCTION_NAME=" + cfg.FunctionName,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(cfg.MemoryMB),
		"AWS_LAMBDA_FUNCTION_TIMEOUT=" + strconv.Itoa(secs),
	}
	// Later entries win in exec; keep one entry per key for clarity.
	seen := map[string]int{}
	out := make([]string, 0, len(env)+len(cfg.Env))
	for _, kv := range append(env, cfg.Env...) {
		k, _, _ := strings.Cut(kv, "=")
		if i, ok := seen[k]; ok {
			out[i] = kv
			continue
		}
		seen[k] = len(out)
		out = append(out, kv)
	}
	return out
}

// freePorts returns n distinct loopback ports nothing listens on.
func freePorts(n int) ([]int, error) {
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func (e *Emulator) waitListening(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.StartTimeout)
	defer cancel()
	var d net.Dialer
	for {
		if !e.Running() {
			log := e.stderr.String()
			if strings.Contains(log, "address already in use") {
				return fmt.Errorf("%w: %s", errPortTaken, problem(log))
			}
			return fmt.Errorf("emulator exited at start: %s", problem(log))
		}
		dctx, dcancel := context.WithTimeout(ctx, 100*time.Millisecond)
		c, err := d.DialContext(dctx, "tcp", e.addr)
		dcancel()
		// Something answers; make sure it is the emulator, not another
		// process that took the port (the emulator then exits).
		if err == nil {
			c.Close()
			if listensOn(e.cmd.Process.Pid, e.addr) {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("emulator not listening on %s: %w; log: %s", e.addr, ctx.Err(), problem(e.stderr.String()))
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// Addr returns the emulator's address, 127.0.0.1:port.
func (e *Emulator) Addr() string { return e.addr }

// RuntimeAPIAddr returns the address of the runtime API the emulator
// serves to the function, 127.0.0.1:port.
func (e *Emulator) RuntimeAPIAddr() string { return e.apiAddr }

// URL returns the invoke URL.
func (e *Emulator) URL() string { return "http://" + e.addr + InvocationsPath }

// Started returns the time just before the emulator was executed.
func (e *Emulator) Started() time.Time { return e.started }

// Ready returns the time the emulator first accepted a connection.
func (e *Emulator) Ready() time.Time { return e.ready }

// Running reports whether the emulator process is still running.
func (e *Emulator) Running() bool {
	st, ok := procState(e.cmd.Process.Pid)
	return ok && st != 'Z' && st != 'X'
}

// Stdout returns what the emulator has written to stdout so far: the
// function's output and the START, END and REPORT lines.
func (e *Emulator) Stdout() string { return e.stdout.String() }

// Stderr returns the emulator's own log so far.
func (e *Emulator) Stderr() string { return e.stderr.String() }

// Reports returns every REPORT line printed so far, in order.
func (e *Emulator) Reports() []Report {
	var out []Report
	for _, l := range e.stdout.Lines() {
		if r, ok := ParseReport(l); ok {
			out = append(out, r)
		}
	}
	return out
}

// InitReports returns the duration of every init phase so far, from the
// emulator's "INIT REPORT(durationMs: …)" log lines: one for the first
// invocation, and one more each time the runtime had to be started again
// (after it crashed or exited).
func (e *Emulator) InitReports() []time.Duration {
	var out []time.Duration
	for _, l := range e.stderr.Lines() {
		if d, ok := parseInitReport(l); ok {
			out = append(out, d)
		}
	}
	return out
}

// InitReport returns the first init phase's duration: from the bootstrap's
// exec to its first request for an event, the figure Lambda reports as
// Init Duration.
func (e *Emulator) InitReport(ctx context.Context) (time.Duration, bool) {
	var d time.Duration
	found := e.stderr.waitFor(ctx, time.Second, func(lines []string) bool {
		for _, l := range lines {
			if v, ok := parseInitReport(l); ok {
				d = v
				return true
			}
		}
		return false
	})
	return d, found
}

// Invocation is the emulator's answer to one event.
type Invocation struct {
	// StatusCode is the emulator's HTTP status: 200 for a function's answer
	// and for an error the function returned, 502 when the runtime
	// crashed or exited.
	StatusCode int
	// Payload is the function's answer, or the error document.
	Payload []byte
	// Sent and Received are when the request was sent and the answer read.
	Sent, Received time.Time
	// RequestID is the request ID the emulator gave the invocation.
	RequestID string
	// Report is the invocation's REPORT line; nil when the emulator printed
	// none (it prints none when the runtime crashed).
	Report *Report
	// Logs are the lines the function printed during the invocation.
	Logs []string
}

// Elapsed returns the round-trip time of the invocation.
func (i *Invocation) Elapsed() time.Duration { return i.Received.Sub(i.Sent) }

// FunctionError returns the error document when the invocation failed.
func (i *Invocation) FunctionError() (*FunctionError, bool) {
	return ParseFunctionError(i.Payload)
}

// Invoke posts payload as one event and returns the answer, with the
// invocation's REPORT line and log lines. Invocations are sequential, as in
// one Lambda execution environment. An answer with an HTTP error status is
// still an answer; the error is for a failure to get one.
func (e *Emulator) Invoke(ctx context.Context, payload []byte) (*Invocation, error) {
	e.invokeMu.Lock()
	defer e.invokeMu.Unlock()
	if !e.Running() {
		return nil, ErrExited
	}
	before := countStarts(e.stdout.Lines())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL(), bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	inv := &Invocation{Sent: time.Now()}
	resp, err := e.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("invoke: %w", err)
	}
	inv.Payload, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	inv.Received = time.Now()
	inv.StatusCode = resp.StatusCode
	if err != nil {
		return nil, fmt.Errorf("read the answer: %w", err)
	}
	// The emulator prints START before it invokes and REPORT before it
	// answers: both are on their way through the pipe by now. After a
	// crash it prints no REPORT, so do not wait long for one.
	wait := 2 * time.Second
	if resp.StatusCode != http.StatusOK {
		wait = 100 * time.Millisecond
	}
	e.stdout.waitFor(ctx, wait, func(lines []string) bool {
		inv.RequestID, inv.Report, inv.Logs = invocationLines(lines, before)
		return inv.Report != nil
	})
	return inv, nil
}

// countStarts counts START lines.
func countStarts(lines []string) int {
	n := 0
	for _, l := range lines {
		if _, ok := parseStart(l); ok {
			n++
		}
	}
	return n
}

// invocationLines finds the START line number n (counting from 0), and the
// function's lines and the REPORT line that follow it for that request ID.
func invocationLines(lines []string, n int) (string, *Report, []string) {
	i, seen, id := 0, 0, ""
	for ; i < len(lines); i++ {
		if v, ok := parseStart(lines[i]); ok {
			if seen == n {
				id = v
				break
			}
			seen++
		}
	}
	if id == "" {
		return "", nil, nil
	}
	var logs []string
	ended := false
	for _, l := range lines[i+1:] {
		if r, ok := ParseReport(l); ok && r.RequestID == id {
			return id, &r, logs
		}
		if l == "END RequestId: "+id {
			ended = true
		}
		if _, ok := parseStart(l); ok {
			break
		}
		if !ended {
			logs = append(logs, l)
		}
	}
	return id, nil, logs
}

// Stop kills the emulator and the runtime it started (every process of
// the emulator's session) and waits for the emulator to exit. It is safe to
// call more than once.
func (e *Emulator) Stop() error {
	e.stopOnce.Do(func() {
		pid := e.cmd.Process.Pid
		// The emulator is not reaped before Wait below, so its pid (and
		// session ID) cannot have been reused by another process.
		killSession(pid)
		err := e.cmd.Wait()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			e.stopErr = fmt.Errorf("stop emulator: %w", err)
		}
		e.transport.CloseIdleConnections()
	})
	return e.stopErr
}

// killSession kills every process of session sid with SIGKILL: first the
// ones the leader (the emulator) started, so that the emulator reaps them
// rather than leaving zombies to init, then the leader.
func killSession(sid int) {
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		others := false
		for _, pid := range sessionMembers(sid, true) {
			if pid != sid {
				others = true
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		if !others {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	deadline = time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		members := sessionMembers(sid, false)
		if len(members) == 0 {
			return
		}
		for _, pid := range members {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// sessionMembers returns the processes of session sid that are still
// running, and with zombies also those that exited and are not reaped yet.
func sessionMembers(sid int, zombies bool) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, ent := range entries {
		pid, err := strconv.Atoi(ent.Name())
		if err != nil {
			continue
		}
		st, session, ok := procStat(pid)
		if ok && session == sid && (zombies || (st != 'Z' && st != 'X')) {
			out = append(out, pid)
		}
	}
	return out
}

// listensOn reports whether process pid holds the socket listening on
// addr (127.0.0.1:port), from /proc/net/tcp and the process's descriptors.
func listensOn(pid int, addr string) bool {
	_, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	port, _ := strconv.Atoi(portStr)
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		return false
	}
	inodes := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
		if len(f) < 10 || f[3] != "0A" { // 0A: LISTEN
			continue
		}
		if p, err := strconv.ParseUint(f[1][strings.IndexByte(f[1], ':')+1:], 16, 32); err == nil && int(p) == port {
			inodes["socket:["+f[9]+"]"] = true
		}
	}
	fds, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
	if err != nil {
		return false
	}
	for _, fd := range fds {
		if target, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/fd/" + fd.Name()); err == nil && inodes[target] {
			return true
		}
	}
	return false
}

// procState returns the state letter of process pid (R, S, Z, …).
func procState(pid int) (byte, bool) {
	st, _, ok := procStat(pid)
	return st, ok
}

// procStat reads the state and session ID from /proc/pid/stat.
func procStat(pid int) (state byte, session int, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	// "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 4 {
		return 0, 0, false
	}
	session, err = strconv.Atoi(f[3])
	if err != nil || len(f[0]) == 0 {
		return 0, 0, false
	}
	return f[0][0], session, true
}

// problem picks what explains a failure from the emulator's log: its last
// PANIC, FATAL or ERROR line, or else its last lines.
func problem(log string) string {
	lines := strings.Split(strings.TrimRight(log, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		for _, level := range []string{"[PANIC]", "[FATAL]", "[ERROR]"} {
			if strings.Contains(lines[i], level) {
				return lines[i]
			}
		}
	}
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return strings.Join(lines, " | ")
}

// lineLog collects written output as lines and wakes waiters on each one.
type lineLog struct {
	mu      sync.Mutex
	lines   []string
	partial []byte
	tee     io.Writer
	changed chan struct{}
}

func newLineLog(tee io.Writer) *lineLog {
	return &lineLog{tee: tee, changed: make(chan struct{})}
}

// Write appends p, a line at a time.
func (l *lineLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.tee != nil {
		_, _ = l.tee.Write(p)
	}
	l.partial = append(l.partial, p...)
	added := false
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.lines = append(l.lines, strings.TrimRight(string(l.partial[:i]), "\r"))
		l.partial = l.partial[i+1:]
		added = true
	}
	if added {
		close(l.changed)
		l.changed = make(chan struct{})
	}
	return len(p), nil
}

// Lines returns the complete lines so far.
func (l *lineLog) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// String returns everything written so far.
func (l *lineLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for _, s := range l.lines {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	b.Write(l.partial)
	return b.String()
}

// waitFor calls done with the lines so far, and again after each new line,
// until it returns true, ctx ends or timeout passes.
func (l *lineLog) waitFor(ctx context.Context, timeout time.Duration, done func([]string) bool) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		l.mu.Lock()
		lines, changed := l.lines, l.changed
		l.mu.Unlock()
		if done(lines) {
			return true
		}
		select {
		case <-changed:
		case <-timer.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}
