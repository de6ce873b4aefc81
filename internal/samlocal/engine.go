package samlocal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Engine is a Docker daemon of this run's own: its socket, data and state
// under Dir, its containers on a bridge of its own, arm64 binaries run
// through qemu-user-static. Stop undoes everything Start did.
type Engine struct {
	// Dir holds the socket, data-root, exec-root, pid file and log.
	Dir string
	// Bridge is the bridge's name; Subnet its network, whose first address
	// (Gateway) is this host's on the bridge.
	Bridge  string
	Subnet  *net.IPNet
	Gateway net.IP
	// Log receives what Start and Stop do.
	Log io.Writer

	dockerd        *exec.Cmd
	dockerdDone    chan error
	madeBridge     bool
	mountedBinfmt  bool
	addedBinfmt    bool
	iptablesBefore map[string]bool
	ipForward      []byte
	lock           *os.File
	forwardChain   string
}

// Host is DOCKER_HOST for the engine's socket.
func (e *Engine) Host() string { return "unix://" + filepath.Join(e.Dir, "docker.sock") }

// Env is the environment of a docker or sam command against the engine.
func (e *Engine) Env() []string {
	return append(os.Environ(), "DOCKER_HOST="+e.Host())
}

func (e *Engine) logf(format string, args ...any) {
	if e.Log != nil {
		fmt.Fprintf(e.Log, "[sam-local] "+format+"\n", args...)
	}
}

// ipForward is the host's IPv4 forwarding switch. dockerd runs with
// --ip-forward=false, so it should not change; Stop puts it back if it did.
const ipForward = "/proc/sys/net/ipv4/ip_forward"

// binfmtDir is where binfmt_misc is mounted.
const binfmtDir = "/proc/sys/fs/binfmt_misc"

// qemuConf is the registration qemu-user-static ships; its name field is
// the entry's name under binfmtDir.
const qemuConf = "/usr/lib/binfmt.d/qemu-aarch64.conf"

// Start registers qemu for arm64, makes the bridge and starts dockerd on it.
// On an error the caller still calls Stop, which undoes what was done.
func (e *Engine) Start(ctx context.Context) error {
	if err := os.MkdirAll(e.Dir, 0o755); err != nil {
		return err
	}
	// One run per Dir at a time (make sam-local, make dev SAM=1): a second
	// one would take the first's dockerd for a leftover and stop it.
	lock, err := os.OpenFile(filepath.Join(e.Dir, "engine.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return fmt.Errorf("another run uses %s (make sam-local or make dev SAM=1): %w", e.Dir, err)
	}
	e.lock = lock
	if err := e.recoverLeftovers(ctx); err != nil {
		return fmt.Errorf("cleaning up after an earlier run that did not end: %w", err)
	}
	if err := e.registerQemu(); err != nil {
		return fmt.Errorf("qemu for arm64: %w", err)
	}
	if err := e.makeBridge(ctx); err != nil {
		return fmt.Errorf("bridge %s: %w", e.Bridge, err)
	}
	save, err := output(ctx, nil, "iptables-save")
	if err != nil {
		return fmt.Errorf("iptables: %w", err)
	}
	if e.ipForward, err = os.ReadFile(ipForward); err != nil {
		return err
	}
	// Kept on disk until Stop has undone the changes: a run that is killed
	// leaves them for the next one to undo (recoverLeftovers).
	if err := e.mark(markIptables, save); err != nil {
		return err
	}
	if err := e.mark(markIPForward, e.ipForward); err != nil {
		return err
	}
	e.iptablesBefore = parseIptablesSave(save)
	return e.startDockerd(ctx)
}

// Marker files in Dir: what Start changed on this host, so that a run
// killed before its Stop is undone by the next Start.
const (
	markIptables  = "iptables.before"   // iptables-save before dockerd started
	markIPForward = "ip_forward.before" // ipForward's value then
	markBinfmt    = "binfmt.added"      // the qemu entry was registered by a run
	markMount     = "binfmt.mounted"    // binfmt_misc was mounted by a run
)

func (e *Engine) mark(name string, data []byte) error {
	return os.WriteFile(filepath.Join(e.Dir, name), data, 0o600)
}

func (e *Engine) marked(name string) ([]byte, bool) {
	b, err := os.ReadFile(filepath.Join(e.Dir, name))
	return b, err == nil
}

func (e *Engine) unmark(name string) { _ = os.Remove(filepath.Join(e.Dir, name)) }

// recoverLeftovers undoes what a run in Dir that was killed left behind:
// its dockerd (found by its pid file), its iptables rules and chains, its
// IP forwarding value and its bridge. Its binfmt entry and mount are
// adopted: this run's Stop removes them.
func (e *Engine) recoverLeftovers(ctx context.Context) error {
	if pid := e.leftoverDockerd(); pid > 0 {
		e.logf("stopping the dockerd (pid %d) an earlier run left", pid)
		_ = syscall.Kill(pid, syscall.SIGTERM)
		for i := 0; i < 150 && syscall.Kill(pid, 0) == nil; i++ {
			time.Sleep(200 * time.Millisecond)
		}
		if syscall.Kill(pid, 0) == nil {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	if save, ok := e.marked(markIptables); ok {
		n, err := restoreIptables(ctx, parseIptablesSave(save))
		if err != nil {
			return err
		}
		e.logf("iptables: removed %d rule(s) and chain(s) an earlier run left", n)
		e.unmark(markIptables)
	}
	if v, ok := e.marked(markIPForward); ok {
		if err := os.WriteFile(ipForward, v, 0o644); err != nil {
			return err
		}
		e.unmark(markIPForward)
	}
	if _, err := net.InterfaceByName(e.Bridge); err == nil {
		if err := run(ctx, nil, "ip", "link", "del", e.Bridge); err != nil {
			return err
		}
		e.logf("deleted the bridge %s an earlier run left", e.Bridge)
	}
	_, e.addedBinfmt = e.marked(markBinfmt)
	_, e.mountedBinfmt = e.marked(markMount)
	return nil
}

// leftoverDockerd returns the pid of a dockerd running with Dir's pid
// file, or 0.
func (e *Engine) leftoverDockerd() int {
	b, err := os.ReadFile(filepath.Join(e.Dir, "dockerd.pid"))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || !bytes.Contains(cmdline, []byte("dockerd")) || !bytes.Contains(cmdline, []byte(e.Dir)) {
		return 0
	}
	return pid
}

// registerQemu mounts binfmt_misc when it is not, and registers qemu's
// aarch64 entry when it is not registered. The entry's F flag makes the
// kernel open the interpreter now, so it works in the containers' mount
// namespaces too.
func (e *Engine) registerQemu() error {
	if _, err := os.Stat(filepath.Join(binfmtDir, "register")); err != nil {
		if err := syscall.Mount("binfmt_misc", binfmtDir, "binfmt_misc", 0, ""); err != nil {
			return fmt.Errorf("mount binfmt_misc on %s: %w", binfmtDir, err)
		}
		e.mountedBinfmt = true
		if err := e.mark(markMount, nil); err != nil {
			return err
		}
		e.logf("mounted binfmt_misc on %s", binfmtDir)
	}
	conf, err := os.ReadFile(qemuConf)
	if err != nil {
		return fmt.Errorf("%w (install qemu-user-static)", err)
	}
	line := strings.TrimSpace(string(conf))
	name := binfmtName(line)
	if name == "" {
		return fmt.Errorf("%s: no entry name in %q", qemuConf, line)
	}
	if _, err := os.Stat(filepath.Join(binfmtDir, name)); err == nil {
		if !e.addedBinfmt {
			e.logf("binfmt entry %s already registered: left as it is", name)
		}
		return nil
	}
	if err := os.WriteFile(filepath.Join(binfmtDir, "register"), []byte(line), 0o200); err != nil {
		return fmt.Errorf("register %s: %w", qemuConf, err)
	}
	e.addedBinfmt = true
	if err := e.mark(markBinfmt, nil); err != nil {
		return err
	}
	e.logf("registered binfmt entry %s (%s)", name, qemuConf)
	return nil
}

// binfmtName returns the name field of a binfmt_misc registration line
// (":name:type:offset:magic:mask:interpreter:flags").
func binfmtName(line string) string {
	if len(line) < 2 {
		return ""
	}
	name, _, _ := strings.Cut(line[1:], line[:1])
	return name
}

func (e *Engine) makeBridge(ctx context.Context) error {
	if _, err := net.InterfaceByName(e.Bridge); err == nil {
		return fmt.Errorf("a link named %s exists already (another run, or a leftover: ip link del %s)", e.Bridge, e.Bridge)
	}
	ones, _ := e.Subnet.Mask.Size()
	if err := e.clashes(); err != nil {
		return err
	}
	addr := fmt.Sprintf("%s/%d", e.Gateway, ones)
	for _, args := range [][]string{
		{"link", "add", e.Bridge, "type", "bridge"},
		{"addr", "add", addr, "dev", e.Bridge},
		{"link", "set", e.Bridge, "up"},
	} {
		if err := run(ctx, nil, "ip", args...); err != nil {
			return err
		}
		e.madeBridge = true
	}
	// Containers reach the local stack, which listens on 127.0.0.1 only,
	// through a DNAT to 127.0.0.1 (forward): the kernel routes a packet from
	// the bridge to a loopback address only with route_localnet.
	if err := os.WriteFile("/proc/sys/net/ipv4/conf/"+e.Bridge+"/route_localnet", []byte("1"), 0o644); err != nil {
		return err
	}
	e.logf("bridge %s, %s (host side %s)", e.Bridge, e.Subnet, e.Gateway)
	return nil
}

// clashes reports whether Subnet overlaps an address of this host.
func (e *Engine) clashes() error {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return err
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && (e.Subnet.Contains(n.IP) || n.Contains(e.Gateway)) {
			return fmt.Errorf("subnet %s overlaps %s on this host: set SAM_LOCAL_SUBNET", e.Subnet, n)
		}
	}
	return nil
}

// dockerdFlags are the daemon's flags; docs/LOCAL_STACK.md says why each.
func (e *Engine) dockerdFlags() []string {
	return []string{
		"--host", e.Host(),
		"--data-root", filepath.Join(e.Dir, "data"),
		"--exec-root", filepath.Join(e.Dir, "exec"),
		"--pidfile", filepath.Join(e.Dir, "dockerd.pid"),
		"--bridge", e.Bridge,
		"--iptables=true",
		"--userland-proxy=false",
		"--ip-forward=false",
		"--ip-masq=false",
		"--ipv6=false",
		"--storage-driver", "overlay2",
	}
}

func (e *Engine) startDockerd(ctx context.Context) error {
	dockerd, err := exec.LookPath("dockerd")
	if err != nil {
		return fmt.Errorf("%w (install docker.io)", err)
	}
	logFile, err := os.Create(filepath.Join(e.Dir, "dockerd.log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(dockerd, e.dockerdFlags()...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Its own process group: a Ctrl-C of the test reaches it only through Stop.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return err
	}
	e.dockerd = cmd
	e.dockerdDone = make(chan error, 1)
	go func() { e.dockerdDone <- cmd.Wait(); logFile.Close() }()
	e.logf("dockerd pid %d on %s (log %s)", cmd.Process.Pid, e.Host(), logFile.Name())
	deadline := time.Now().Add(60 * time.Second)
	for {
		if err := run(ctx, e.Env(), "docker", "version", "--format", "{{.Server.Version}}"); err == nil {
			return nil
		}
		select {
		case err := <-e.dockerdDone:
			e.dockerdDone <- err
			return fmt.Errorf("dockerd exited (%v): %s", err, tail(logFile.Name(), 15))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("dockerd did not answer in 60 s: %s", tail(logFile.Name(), 15))
		}
	}
}

// Stop removes the containers, stops dockerd by its pid, deletes the
// iptables rules and chains it (and Forward) added, the bridge, and the
// binfmt entry and mount Start added. It returns every problem.
func (e *Engine) Stop(ctx context.Context) error {
	var errs []error
	if e.dockerd != nil {
		out, err := output(ctx, e.Env(), "docker", "ps", "-aq")
		if err == nil && len(bytes.TrimSpace(out)) > 0 {
			ids := strings.Fields(string(out))
			if err := run(ctx, e.Env(), "docker", append([]string{"rm", "-f"}, ids...)...); err != nil {
				errs = append(errs, err)
			}
			e.logf("removed %d container(s) left behind", len(ids))
		}
		_ = e.dockerd.Process.Signal(syscall.SIGTERM)
		select {
		case <-e.dockerdDone:
		case <-time.After(30 * time.Second):
			_ = e.dockerd.Process.Kill()
			<-e.dockerdDone
			errs = append(errs, errors.New("dockerd did not stop in 30 s: killed"))
		}
		e.logf("dockerd (pid %d) stopped", e.dockerd.Process.Pid)
		e.dockerd = nil
	}
	if e.iptablesBefore != nil {
		n, err := restoreIptables(ctx, e.iptablesBefore)
		if err != nil {
			errs = append(errs, err)
		}
		e.logf("iptables: removed %d rule(s) and chain(s) added by this run", n)
		e.iptablesBefore = nil
		if err == nil {
			e.unmark(markIptables)
		}
	}
	if e.ipForward != nil {
		if now, _ := os.ReadFile(ipForward); !bytes.Equal(now, e.ipForward) {
			if err := os.WriteFile(ipForward, e.ipForward, 0o644); err != nil {
				errs = append(errs, err)
			}
			e.logf("%s put back to %s", ipForward, bytes.TrimSpace(e.ipForward))
		}
		e.ipForward = nil
		e.unmark(markIPForward)
	}
	if e.madeBridge {
		if err := run(ctx, nil, "ip", "link", "del", e.Bridge); err != nil {
			errs = append(errs, err)
		}
		e.madeBridge = false
		e.logf("bridge %s deleted", e.Bridge)
	}
	if e.addedBinfmt {
		conf, _ := os.ReadFile(qemuConf)
		name := binfmtName(strings.TrimSpace(string(conf)))
		if err := os.WriteFile(filepath.Join(binfmtDir, name), []byte("-1"), 0o200); err != nil {
			errs = append(errs, fmt.Errorf("unregister binfmt %s: %w", name, err))
		}
		e.addedBinfmt = false
		e.unmark(markBinfmt)
		e.logf("binfmt entry %s removed", name)
	}
	if e.mountedBinfmt {
		if err := syscall.Unmount(binfmtDir, 0); err != nil {
			errs = append(errs, fmt.Errorf("unmount %s: %w", binfmtDir, err))
		}
		e.mountedBinfmt = false
		e.unmark(markMount)
	}
	if e.lock != nil {
		e.lock.Close()
		e.lock = nil
	}
	return errors.Join(errs...)
}

// run runs a command, its output in the error when it fails.
func run(ctx context.Context, env []string, name string, args ...string) error {
	_, err := output(ctx, env, name, args...)
	return err
}

// output runs a command and returns its stdout; stderr goes in the error.
func output(ctx context.Context, env []string, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// itoa is strconv.Itoa, for the iptables argument lists.
func itoa(i int) string { return strconv.Itoa(i) }
