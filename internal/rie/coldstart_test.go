package rie_test

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/coldstart"
	"github.com/lambdahealth/lambdahealth/internal/rie"
	"github.com/lambdahealth/lambdahealth/internal/rie/rietest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
)

// BenchmarkColdStart measures cold starts of both functions' production
// bootstraps through the emulator at each of coldstart.Shares (Lambda's CPU
// share at 128 MB and 256 MB, and a whole core: a cgroup CPU quota on the
// bootstrap, which a shell puts in the cgroup before it execs it),
// COLDSTART_RUNS times each (default 10), after one discarded warm-up run
// that primes the page cache. Run it once, with -benchtime=1x
// (scripts/coldstart.sh does):
//
//   - start to first answer: wall time from executing the emulator (which
//     starts the bootstrap on the first invocation, as Lambda does) to the
//     first invocation's answer;
//   - first invocation: from posting the event to the answer (the
//     bootstrap's exec, its init, and the handler);
//   - init phase: the emulator's INIT REPORT, from the bootstrap's exec to
//     its first request for an event: what Lambda reports as Init Duration;
//   - REPORT Init Duration: what the emulator prints on the REPORT line,
//     which times only its own dispatch of Init (shown to document that);
//   - warm invocation: the second invocation, for comparison.
//
// The functions are configured as in the emulator tier: the health function
// with one PostgreSQL check of the local stack, the canary with the same
// check and PutMetricData to LocalStack. Beside the default build, the
// health function is also measured built for KINDS=postgres, and, when
// COLDSTART_BEFORE names a bootstrap built elsewhere (scripts/coldstart.sh
// BEFORE=<revision> builds one), as it was before. The current builds run
// with the function environment COLDSTART_FUNCTION_ENV (the templates'
// GOGC) besides.
func BenchmarkColdStart(t *testing.B) {
	runs, _ := strconv.Atoi(os.Getenv("COLDSTART_RUNS"))
	if runs <= 0 {
		runs = 10
	}
	env := testenv.Need(t, "LOCAL_PG_DSN", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
	emulator := rietest.EmulatorPath(t)
	aws := []string{}
	for _, k := range []string{"AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} {
		aws = append(aws, k+"="+env[k])
	}
	checks := `HEALTH_CHECKS=[{"name":"db","type":"postgres","dsn":"` + env["LOCAL_PG_DSN"] + `"}]`
	health := rietest.Bootstrap(t, "./functions/health")
	lean := rietest.Bootstrap(t, "./functions/health", "kinds", "kind_postgres")
	canary := rietest.Bootstrap(t, "./functions/canary")
	event := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(testenv.Root(), "events", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	type series struct {
		name      string
		bootstrap string
		cfg       rie.Config
		event     []byte
	}
	healthCfg := rie.Config{FunctionName: "HealthFunction", Timeout: 10 * time.Second, Env: append([]string{"HEALTH_SERVICE=orders", checks}, aws...)}
	var all []series
	if before := os.Getenv("COLDSTART_BEFORE"); before != "" {
		all = append(all, series{"health before (" + os.Getenv("COLDSTART_BEFORE_NAME") + "), GET /health/live (no I/O)", before, healthCfg, event("health-v2-live.json")})
	}
	fnEnv := strings.Fields(os.Getenv("COLDSTART_FUNCTION_ENV"))
	healthCfg.Env = append(slices.Clone(healthCfg.Env), fnEnv...)
	aws = append(aws, fnEnv...)
	all = append(all,
		series{"health, GET /health/live (no I/O)", health, healthCfg, event("health-v2-live.json")},
		series{"health built for KINDS=postgres, GET /health/live (no I/O)", lean, healthCfg, event("health-v2-live.json")},
		series{"health, GET /health/ready (PostgreSQL check)", health, healthCfg, event("health-v2-ready.json")},
		series{"canary, scheduled run (PostgreSQL check, PutMetricData)", canary, rie.Config{FunctionName: "CanaryFunction", Timeout: 30 * time.Second,
			Env: append([]string{"HEALTH_SERVICE=coldstart", "HEALTH_METRICS_NAMESPACE=LambdaHealthColdStart", checks}, aws...)}, event("canary-scheduled.json")},
	)

	var table strings.Builder
	fmt.Fprintf(&table, "\n%d runs each (median / p90 / max, ms); GOARCH %s, %d CPUs\n\n", runs, runtime.GOARCH, runtime.NumCPU())
	fmt.Fprintf(&table, "| CPU share | function, event | start to first answer | first invocation | init phase (INIT REPORT) | REPORT Init Duration | warm invocation |\n")
	fmt.Fprintf(&table, "| --- | --- | --- | --- | --- | --- | --- |\n")
	for si, share := range coldstart.Shares {
		group, err := coldstart.NewCgroup(fmt.Sprintf("lambdahealth-rie-%d-%d", os.Getpid(), si), share)
		if err != nil {
			testenv.Missing(t, err.Error())
		}
		for i, s := range all {
			// The emulator runs this script as the bootstrap: it puts itself
			// in the cgroup and execs the real one.
			wrapper := filepath.Join(t.TempDir(), "bootstrap")
			if err := os.WriteFile(wrapper, []byte(group.Script(s.bootstrap)), 0o755); err != nil {
				t.Fatal(err)
			}
			cfg := s.cfg
			cfg.Emulator, cfg.Bootstrap, cfg.MemoryMB = emulator, wrapper, cmp.Or(share.MemoryMB, 256)
			var wall, first, initPhase, reportInit, warm []time.Duration
			for run := -1; run < runs; run++ { // run -1 warms the page cache and is not counted
				if err := group.Refill(); err != nil {
					t.Fatal(err)
				}
				m := measure(t, cfg, s.event)
				if run < 0 {
					continue
				}
				wall, first, initPhase = append(wall, m.wall), append(first, m.first), append(initPhase, m.initPhase)
				reportInit, warm = append(reportInit, m.reportInit), append(warm, m.warm)
			}
			fmt.Fprintf(&table, "| %s | %s | %s | %s | %s | %s | %s |\n", share.Name, all[i].name,
				summary(wall), summary(first), summary(initPhase), summary(reportInit), summary(warm))
		}
		if err := group.Remove(); err != nil {
			t.Errorf("remove the cgroup: %v", err)
		}
	}
	for _, b := range []struct{ name, path string }{{"health", health}, {"health (KINDS=postgres)", lean}, {"canary", canary}} {
		if fi, err := os.Stat(b.path); err == nil {
			fmt.Fprintf(&table, "\n%s bootstrap: %d bytes", b.name, fi.Size())
		}
	}
	t.Log(table.String())
}

type coldStart struct {
	wall, first, initPhase, reportInit, warm time.Duration
}

// measure starts one emulator, invokes it twice and stops it.
func measure(t testing.TB, cfg rie.Config, event []byte) coldStart {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e, err := rie.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop()
	first, err := e.Invoke(ctx, event)
	if err != nil {
		t.Fatal(err)
	}
	if _, failed := first.FunctionError(); failed || first.StatusCode != 200 || first.Report == nil || !first.Report.Cold {
		t.Fatalf("first invocation = %d %s, report %+v; want a cold, successful one\n%s", first.StatusCode, first.Payload, first.Report, e.Stderr())
	}
	initPhase, ok := e.InitReport(ctx)
	if !ok {
		t.Fatalf("no INIT REPORT in the emulator's log:\n%s", e.Stderr())
	}
	warm, err := e.Invoke(ctx, event)
	if err != nil {
		t.Fatal(err)
	}
	return coldStart{
		wall:       first.Received.Sub(e.Started()),
		first:      first.Elapsed(),
		initPhase:  initPhase,
		reportInit: first.Report.InitDuration,
		warm:       warm.Elapsed(),
	}
}

// summary formats median / p90 / max in milliseconds (p90 by nearest rank).
func summary(ds []time.Duration) string {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	ms := func(d time.Duration) string {
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64)
	}
	median := s[len(s)/2]
	if len(s)%2 == 0 {
		median = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	p90 := s[(len(s)*9+9)/10-1]
	return ms(median) + " / " + ms(p90) + " / " + ms(s[len(s)-1])
}
