// Package coldstart measures cold starts the way Lambda runs a function: in
// a cgroup (v1) whose CPU quota is the share of a core that Lambda gives the
// function's memory size (1,769 MB is one vCPU, so 128 MB gets 7.2% and
// 256 MB 14.4%). The benchmarks in this package (scripts/coldstart.sh) time
// a bootstrap from its spawn to its first 200 on /health/live, beside an
// alexliesenfeld/health server (refserver) in the same run.
package coldstart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// CgroupRoot is where the cgroup v1 CPU controller is mounted.
const CgroupRoot = "/sys/fs/cgroup/cpu"

// periodUS is the CFS period of every share: 100 ms, the kernel's default.
const periodUS = 100000

// Share is a CPU share: QuotaUS microseconds of CPU per 100 ms period.
type Share struct {
	// Name is how tables show it.
	Name string
	// MemoryMB is the Lambda memory size that gets this share (0: none).
	MemoryMB int
	// QuotaUS is the CPU time per 100 ms period, in microseconds.
	QuotaUS int
}

// Shares are the shares every measurement runs at: Lambda's at 128 MB and
// 256 MB (the templates' setting), and a whole core.
var Shares = []Share{
	{Name: "128 MB share (7.2% of a core)", MemoryMB: 128, QuotaUS: 7200},
	{Name: "256 MB share (14.4%)", MemoryMB: 256, QuotaUS: 14400},
	{Name: "whole core", QuotaUS: periodUS},
}

// Cgroup is a CPU cgroup with a share's quota.
type Cgroup struct {
	dir     string
	quotaUS int
}

// NewCgroup makes a cgroup named name under CgroupRoot with the share's
// quota. The caller removes it (Remove) once its processes have exited.
func NewCgroup(name string, s Share) (*Cgroup, error) {
	dir := filepath.Join(CgroupRoot, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("make the cgroup (a cgroup v1 cpu controller at %s, as root): %w", CgroupRoot, err)
	}
	c := &Cgroup{dir: dir, quotaUS: s.QuotaUS}
	for _, f := range []struct {
		file  string
		value int
	}{{"cpu.cfs_period_us", periodUS}, {"cpu.cfs_quota_us", s.QuotaUS}} {
		if err := os.WriteFile(filepath.Join(dir, f.file), []byte(strconv.Itoa(f.value)), 0o644); err != nil {
			return nil, errors.Join(err, c.Remove())
		}
	}
	return c, nil
}

// Wrap returns a command line that runs argv in the cgroup: a shell puts
// itself in the cgroup and execs argv, so that the program runs there from
// its first instruction.
func (c *Cgroup) Wrap(argv ...string) []string {
	return append([]string{"/bin/sh", "-c", `echo $$ > "$0/cgroup.procs" && exec "$@"`, c.dir}, argv...)
}

// Script returns a shell script that does what Wrap does, for a runner
// that takes a path rather than a command line (the emulator's bootstrap).
func (c *Cgroup) Script(program string) string {
	return "#!/bin/sh\necho $$ > " + strconv.Quote(c.dir+"/cgroup.procs") + " && exec " + strconv.Quote(program) + " \"$@\"\n"
}

// Refill gives the cgroup its whole quota again, as a new Lambda execution
// environment has it. The kernel refills the quota at the end of each
// period, and what a process used in the current one stays used: a start
// right after another in the same cgroup would begin with only what that
// one left (the builds measured later in a round did, before 2026-12-07).
// Writing the quota refills it at once (the kernel's tg_set_cfs_bandwidth),
// where waiting for the period's end would leave the CPUs idle and slow to
// wake in a virtual machine.
func (c *Cgroup) Refill() error {
	return os.WriteFile(filepath.Join(c.dir, "cpu.cfs_quota_us"), []byte(strconv.Itoa(c.quotaUS)), 0o644)
}

// Remove deletes the cgroup; it must have no process left.
func (c *Cgroup) Remove() error {
	return os.Remove(c.dir)
}
