//go:build unix

package config

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A HEALTH_CHECKS_FILE that is not a regular file once symlinks are
// followed (a FIFO, /dev/stdin, a directory) is refused at once, naming the
// variable: opening a FIFO would wait for a writer forever. The test bounds
// Load's wait so that it fails, rather than hangs, when Load blocks.
func TestChecksFileNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "checks.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	stdin, w, err := os.Pipe() // /dev/stdin as a pipe, whose writer never closes
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	defer w.Close()
	for _, tt := range []struct{ name, file, problem string }{
		{"fifo", fifo, "is not a regular file (a named pipe)"},
		{"symlink to a fifo", link, "is not a regular file (a named pipe)"},
		{"stdin pipe", "/proc/self/fd/" + strconv.Itoa(int(stdin.Fd())), "is not a regular file (a named pipe)"},
		{"directory", dir, "is not a regular file (a directory)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := Load(env(map[string]string{"HEALTH_CHECKS_FILE": tt.file}))
				done <- err
			}()
			select {
			case err := <-done:
				want := "HEALTH_CHECKS_FILE (" + tt.file + "): " + tt.problem
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("Load error = %v; want %q", err, want)
				}
			case <-time.After(10 * time.Second):
				// Release the blocked open so the goroutine ends.
				if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					f.Close()
				}
				w.Close()
				t.Fatalf("Load(HEALTH_CHECKS_FILE=%s) still waiting after 10s: start-up hangs", tt.file)
			}
		})
	}
}
