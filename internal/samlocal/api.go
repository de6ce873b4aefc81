package samlocal

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// API is a running `sam local start-api`.
type API struct {
	// URL is where it serves, http://127.0.0.1:port.
	URL  string
	cmd  *exec.Cmd
	done chan error
}

// startAPITimeout bounds the start: with warm containers SAM starts one
// container per function, each under arm64 emulation, before it serves.
const startAPITimeout = 5 * time.Minute

// StartAPI runs `sam local start-api` on 127.0.0.1:port with warm
// containers, and returns once it serves (SAM prints "Running on URL").
func (r *Run) StartAPI(ctx context.Context, envVars string, port int, params ...string) (*API, error) {
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	args := append([]string{"local", "start-api", "--host", "127.0.0.1", "--port", itoa(port), "--warm-containers", "EAGER"},
		r.SAM.LocalFlags(envVars)...)
	if len(params) > 0 {
		args = append(append(args, "--parameter-overrides"), params...)
	}
	// Not ctx: its end would kill SAM outright, leaving its containers
	// behind. Stop interrupts it, and SAM removes them.
	cmd := r.SAM.Command(context.WithoutCancel(ctx), args...)
	cmd.Stdout = r.SAM.Out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pipe, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	a := &API{URL: url, cmd: cmd, done: make(chan error, 1)}
	ready := make(chan struct{})
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(pipe)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		signalled := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(r.SAM.Out, line)
			if !signalled && strings.Contains(line, "Running on "+url) {
				signalled = true
				close(ready)
			}
		}
		_, _ = io.Copy(r.SAM.Out, pipe)
	}()
	go func() {
		<-copied
		a.done <- cmd.Wait()
	}()
	select {
	case <-ready:
		return a, nil
	case err := <-a.done:
		return nil, fmt.Errorf("sam local start-api exited before serving: %v", err)
	case <-time.After(startAPITimeout):
		_ = a.Stop()
		return nil, fmt.Errorf("sam local start-api did not serve %s within %s", url, startAPITimeout)
	case <-ctx.Done():
		_ = a.Stop()
		return nil, ctx.Err()
	}
}

// Wait returns when SAM exits.
func (a *API) Wait() error {
	err := <-a.done
	a.done <- err
	return err
}

// Stop interrupts SAM, which stops its containers, and waits for it.
func (a *API) Stop() error {
	_ = a.cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-a.done:
		a.done <- err
		return nil
	case <-time.After(60 * time.Second):
		_ = a.cmd.Process.Kill()
		a.done <- <-a.done
		return errors.New("sam local start-api did not stop within 60 s of SIGINT: killed")
	}
}
