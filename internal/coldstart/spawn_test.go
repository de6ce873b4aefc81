package coldstart_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/coldstart"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
)

// BenchmarkSpawnToLive times bootstraps from spawn to their first 200 on
// GET /health/live (HEALTH_CHECKS='[]', outside Lambda: the local server),
// at each of coldstart.Shares, COLDSTART_RUNS times (default 10) after one
// discarded run that primes the page cache, and reports the medians beside
// the reference's (refserver, alexliesenfeld/health) of the same run. The
// runs alternate between the builds and shares, in a new random order of the
// builds each round, so that load from elsewhere on the machine and what
// the build before left behind fall on all alike, and each starts with its
// share's whole quota (coldstart.Cgroup.Refill). Run it once, with -benchtime=1x
// (scripts/coldstart.sh does); it needs root and a cgroup v1 cpu controller.
//
// The builds: the reference; COLDSTART_BEFORE, a health bootstrap built
// elsewhere (scripts/coldstart.sh builds one from a git revision), when
// set; the default build (every kind and control); the default build with
// each environment of COLDSTART_VARIANTS (such as "GOGC=400;GOGC=off");
// and the build for KINDS=http,tcp. The current builds run with the
// function environment COLDSTART_FUNCTION_ENV (the templates' GOGC).
func BenchmarkSpawnToLive(b *testing.B) {
	runs, _ := strconv.Atoi(os.Getenv("COLDSTART_RUNS"))
	if runs <= 0 {
		runs = 10
	}
	dir := b.TempDir()
	type series struct {
		name, bin string
		env       []string
	}
	ref := series{"alexliesenfeld/health v0.8.1, plain net/http (reference)", build(b, dir, "./internal/coldstart/refserver", "lambda.norpc"), nil}
	all := []series{ref}
	if before := os.Getenv("COLDSTART_BEFORE"); before != "" {
		all = append(all, series{"health, before (" + os.Getenv("COLDSTART_BEFORE_NAME") + ")", before, nil})
	}
	health := build(b, dir, "./functions/health", "lambda.norpc")
	fnEnv := strings.Fields(os.Getenv("COLDSTART_FUNCTION_ENV"))
	all = append(all, series{"health, default build (every kind) " + strings.Join(fnEnv, " "), health, fnEnv})
	for _, v := range strings.Split(os.Getenv("COLDSTART_VARIANTS"), ";") {
		if v = strings.TrimSpace(v); v != "" {
			all = append(all, series{"health, default build, " + v, health, strings.Fields(v)})
		}
	}
	all = append(all, series{"health, KINDS=http,tcp " + strings.Join(fnEnv, " "), build(b, dir, "./functions/health", "lambda.norpc,kinds,kind_http,kind_tcp"), fnEnv})

	groups := make([]*coldstart.Cgroup, len(coldstart.Shares))
	for i, s := range coldstart.Shares {
		g, err := coldstart.NewCgroup(fmt.Sprintf("lambdahealth-coldstart-%d-%d", os.Getpid(), i), s)
		if err != nil {
			testenv.Missing(b, err.Error())
		}
		b.Cleanup(func() {
			if err := g.Remove(); err != nil {
				b.Errorf("remove the cgroup: %v", err)
			}
		})
		groups[i] = g
	}
	times := make([][][]time.Duration, len(all)) // [series][share][run]
	cpu := make([][]time.Duration, len(all))     // [series][run], at every share
	for i := range times {
		times[i] = make([][]time.Duration, len(groups))
	}
	for run := -1; run < runs; run++ { // run -1 primes the page cache and is not counted
		for si, g := range groups {
			for _, i := range rand.Perm(len(all)) {
				s := all[i]
				if err := g.Refill(); err != nil {
					b.Fatal(err)
				}
				wall, used := spawnToLive(b, g.Wrap(s.bin), s.env)
				if run >= 0 {
					times[i][si] = append(times[i][si], wall)
					cpu[i] = append(cpu[i], used)
				}
			}
		}
	}

	var out strings.Builder
	fmt.Fprintf(&out, "\nspawn to first 200 on GET /health/live, HEALTH_CHECKS='[]': median of %d (min-max), ms, and the median's ratio to the reference (the shell that puts the program in its cgroup included); GOARCH %s, %d CPUs\n\n", runs, runtime.GOARCH, runtime.NumCPU())
	fmt.Fprintf(&out, "| build |")
	for _, s := range coldstart.Shares {
		fmt.Fprintf(&out, " %s |", s.Name)
	}
	fmt.Fprintf(&out, " CPU time to the 200 (user+system, every share) |")
	fmt.Fprintf(&out, "\n| --- |%s\n", strings.Repeat(" --- |", len(coldstart.Shares)+1))
	for i, s := range all {
		fmt.Fprintf(&out, "| %s |", s.name)
		for si := range groups {
			ds := times[i][si]
			fmt.Fprintf(&out, " %s (%s-%s), %.2fx |", ms(median(ds)), ms(slices.Min(ds)), ms(slices.Max(ds)), float64(median(ds))/float64(median(times[0][si])))
		}
		fmt.Fprintf(&out, " %s, %.2fx |\n", ms(median(cpu[i])), float64(median(cpu[i]))/float64(median(cpu[0])))
	}
	fmt.Fprintf(&out, "\nbootstrap sizes:")
	for _, s := range all {
		if fi, err := os.Stat(s.bin); err == nil {
			fmt.Fprintf(&out, "\n  %s: %d bytes", s.name, fi.Size())
		}
	}
	b.Log(out.String())
}

// build compiles pkg (relative to the repository root) with the production
// flags and tags into a file of dir, and returns its path.
func build(b *testing.B, dir, pkg, tags string) string {
	b.Helper()
	out := filepath.Join(dir, strings.NewReplacer("/", "_", ".", "_", ",", "_").Replace(pkg+"-"+tags))
	cmd := exec.Command("go", "build", "-tags", tags, "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Dir = testenv.Root()
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build %s: %v\n%s", pkg, err, msg)
	}
	return out
}

// spawnToLive starts argv serving on a free loopback port and returns the
// time from its start to its first 200 on /health/live, and the CPU time
// (user and system) it had used by then; then it stops it.
func spawnToLive(b *testing.B, argv []string, env []string) (wall, cpu time.Duration) {
	b.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HEALTH_LISTEN=" + addr, "HEALTH_CHECKS=[]", "HEALTH_SERVICE=coldstart"}, env...)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	url := "http://" + addr + "/health/live"
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				wall = time.Since(start)
				break
			}
		}
		time.Sleep(200 * time.Microsecond)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if wall == 0 {
		b.Fatalf("%s: no 200 on %s within 30s", argv, url)
	}
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64)
}
