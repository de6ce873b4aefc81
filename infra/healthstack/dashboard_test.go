package healthstack

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/lambdahealth/lambdahealth/pkg/metrics"
)

// published is what the canary publishes: pkg/metrics' names.
type published struct {
	metrics map[string]bool
	dims    map[string]string // constant name -> value
}

// readPublished returns pkg/metrics' metric and dimension names.
func readPublished(t *testing.T) published {
	t.Helper()
	return published{
		metrics: map[string]bool{metrics.MetricSuccess: true, metrics.MetricDegraded: true, metrics.MetricDuration: true, metrics.MetricInMaintenance: true},
		dims:    map[string]string{"DimService": metrics.DimService, "DimEnvironment": metrics.DimEnvironment, "DimCheck": metrics.DimCheck},
	}
}

// dimensionSets are the dimension sets the canary publishes with: the run,
// and each check (pkg/metrics, publisher.go and emf.go).
func (p published) dimensionSets() [][]string {
	run := []string{p.dims["DimService"], p.dims["DimEnvironment"]}
	check := append(slices.Clone(run), p.dims["DimCheck"])
	sort.Strings(run)
	sort.Strings(check)
	return [][]string{run, check}
}

// lambdaMetrics are the AWS/Lambda metrics a dashboard may show, by FunctionName.
var lambdaMetrics = map[string]bool{"Invocations": true, "Errors": true, "Duration": true, "Throttles": true}

// metricRef is one metric a dashboard graphs.
type metricRef struct {
	where, namespace, name string
	dims                   []string
}

var (
	// metricMath is an expression of ids, numbers and arithmetic only.
	metricMath   = regexp.MustCompile(`^[a-z][A-Za-z0-9_]*$|^[-+*/() .0-9A-Za-z_]+$`)
	searchSchema = regexp.MustCompile(`SEARCH\('\{([^}]*)\}\s*(.*?)',`)
	searchTerm   = regexp.MustCompile(`([A-Za-z]+)="[^"]*"`)
)

// dashboardRefs lists every metric that a dashboard body (JSON with every
// ${...} replaced by its variable's name) graphs: metric arrays
// [namespace, name, dim, value, ..., {options}] and SEARCH expressions.
func dashboardRefs(t *testing.T, body string) []metricRef {
	t.Helper()
	var d struct {
		Widgets []struct {
			Type       string
			Properties struct {
				Title   string
				Metrics [][]any
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatalf("dashboard body is not JSON: %v\n%s", err, body)
	}
	var refs []metricRef
	for wi, w := range d.Widgets {
		for mi, m := range w.Properties.Metrics {
			where := fmt.Sprintf("widget %d %q, metric %d", wi, w.Properties.Title, mi)
			if len(m) == 1 {
				opts, _ := m[0].(map[string]any)
				expr, _ := opts["expression"].(string)
				if !strings.Contains(expr, "SEARCH(") && metricMath.MatchString(expr) {
					continue // arithmetic on the widget's other metrics
				}
				sm := searchSchema.FindStringSubmatch(expr)
				if sm == nil {
					t.Errorf("%s: expression %q is not a SEARCH with a schema", where, expr)
					continue
				}
				schema := strings.Split(sm[1], ",")
				ref := metricRef{where: where, namespace: strings.Trim(schema[0], `"`)}
				for _, dim := range schema[1:] {
					ref.dims = append(ref.dims, strings.Trim(dim, `"`))
				}
				for _, term := range searchTerm.FindAllStringSubmatch(sm[2], -1) {
					if term[1] == "MetricName" {
						ref.name = strings.Trim(strings.TrimPrefix(term[0], "MetricName="), `"`)
					} else if !slices.Contains(ref.dims, term[1]) {
						t.Errorf("%s: SEARCH filters on %s, which is not in its schema %v", where, term[1], ref.dims)
					}
				}
				refs = append(refs, ref)
				continue
			}
			var parts []string
			for _, e := range m {
				if s, ok := e.(string); ok {
					parts = append(parts, s)
				}
			}
			if len(parts) < 2 || len(parts)%2 != 0 {
				t.Errorf("%s: %v is not [namespace, name, dimension, value, ...]", where, m)
				continue
			}
			ref := metricRef{where: where, namespace: parts[0], name: parts[1]}
			for i := 2; i < len(parts); i += 2 {
				ref.dims = append(ref.dims, parts[i])
			}
			refs = append(refs, ref)
		}
	}
	return refs
}

// driftProblems lists every metric on the dashboard that the canary (in
// namespace canaryNS) or Lambda does not publish under that name and
// dimension set.
func driftProblems(p published, canaryNS string, refs []metricRef) []string {
	var problems []string
	sets := p.dimensionSets()
	for _, r := range refs {
		dims := slices.Clone(r.dims)
		sort.Strings(dims)
		switch r.namespace {
		case canaryNS:
			if !p.metrics[r.name] {
				problems = append(problems, fmt.Sprintf("%s: metric %q is not one pkg/metrics publishes", r.where, r.name))
			}
			if !slices.ContainsFunc(sets, func(s []string) bool { return slices.Equal(s, dims) }) {
				problems = append(problems, fmt.Sprintf("%s: dimensions %v are not a set pkg/metrics publishes with (%v)", r.where, r.dims, sets))
			}
		case SLONamespace:
			if !slices.Contains([]string{MetricAttainmentRate, MetricBurnRate}, r.name) || !slices.Contains(dims, DimSLOName) {
				problems = append(problems, fmt.Sprintf("%s: %s %s by %v is not an SLO metric", r.where, SLONamespace, r.name, r.dims))
			}
		case "AWS/Lambda":
			if !lambdaMetrics[r.name] || !slices.Equal(dims, []string{"FunctionName"}) {
				problems = append(problems, fmt.Sprintf("%s: AWS/Lambda %s by %v is not a function metric", r.where, r.name, r.dims))
			}
		default:
			problems = append(problems, fmt.Sprintf("%s: namespace %q is neither the canary's nor AWS/Lambda", r.where, r.namespace))
		}
	}
	return problems
}

var subVariable = regexp.MustCompile(`\$\{([A-Za-z0-9:.]+)\}`)

// samDashboardBody is template.yaml's DashboardBody text, every ${X} replaced by "X".
func samDashboardBody(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	start := slices.IndexFunc(lines, func(l string) bool { return strings.TrimSpace(l) == "DashboardBody: !Sub" })
	if start < 0 || start+1 >= len(lines) || strings.TrimSpace(lines[start+1]) != "- |" {
		t.Fatalf("template.yaml: no `DashboardBody: !Sub` followed by `- |`")
	}
	indent := len(lines[start+1]) - len(strings.TrimLeft(lines[start+1], " ")) + 2
	var body []string
	for _, l := range lines[start+2:] {
		if strings.TrimSpace(l) != "" && len(l)-len(strings.TrimLeft(l, " ")) < indent {
			break
		}
		body = append(body, l)
	}
	// ${SloAlarms} is ', "<arn>", "<arn>"' or nothing (the burn-rate alarms exist with the SLO).
	return subVariable.ReplaceAllString(strings.ReplaceAll(strings.Join(body, "\n"), "${SloAlarms}", ""), "$1")
}

// cdkDashboardBody is the synthesized DashboardBody's Fn::Sub text, every ${X}
// replaced by "X".
func cdkDashboardBody(t *testing.T, props HealthProps) string {
	t.Helper()
	_, d := one(t, synth(t, props), "AWS::CloudWatch::Dashboard", "Dashboard")
	sub := d["Properties"].(map[string]any)["DashboardBody"].(map[string]any)["Fn::Sub"].([]any)
	return subVariable.ReplaceAllString(sub[0].(string), "$1")
}

// TestDashboardMetricsArePublished: every metric and dimension on either
// template's dashboard is one the canary publishes (pkg/metrics' constants)
// or a Lambda function metric, so template.yaml's dashboard cannot drift
// from the metrics (the CDK one imports them).
func TestDashboardMetricsArePublished(t *testing.T) {
	p := readPublished(t)
	for name, body := range map[string]string{
		"template.yaml":      samDashboardBody(t),
		"CDK (full props)":   cdkDashboardBody(t, fullProps()),
		"CDK (no props set)": cdkDashboardBody(t, HealthProps{}),
	} {
		t.Run(name, func(t *testing.T) {
			refs := dashboardRefs(t, body)
			canary := 0
			for _, r := range refs {
				if r.namespace == "MetricsNamespace" {
					canary++
				}
			}
			if canary < 4 {
				t.Errorf("%d canary metrics on the dashboard; want Success, Degraded and per check Success, Duration", canary)
			}
			for _, problem := range driftProblems(p, "MetricsNamespace", refs) {
				t.Error(problem)
			}
		})
	}
}

// TestDashboardDriftIsCaught: the check above is not vacuous. A metric
// renamed in pkg/metrics, or on the dashboard, is reported.
func TestDashboardDriftIsCaught(t *testing.T) {
	p := readPublished(t)
	body := samDashboardBody(t)

	renamed := published{metrics: map[string]bool{}, dims: p.dims}
	for m := range p.metrics {
		renamed.metrics[m] = true
	}
	delete(renamed.metrics, "Success")
	renamed.metrics["Successes"] = true
	if got := driftProblems(renamed, "MetricsNamespace", dashboardRefs(t, body)); len(got) < 2 {
		t.Errorf("with Success renamed in pkg/metrics: %d problems %v; want one per Success on the dashboard (>= 2)", len(got), got)
	}

	for _, edit := range []struct{ from, to string }{
		{`MetricName=\"Duration\"`, `MetricName=\"Latency\"`},
		{`"Degraded","Service"`, `"Degrade","Service"`},
		{`,Service,Environment,Check}`, `,Service,Environment,CheckName}`},
		{`"Service","ServiceName","Environment","Env",{"label":"Success`, `"Service","ServiceName",{"label":"Success`},
	} {
		changed := strings.Replace(body, edit.from, edit.to, 1)
		if changed == body {
			t.Fatalf("template.yaml's dashboard has no %s", edit.from)
		}
		if got := driftProblems(p, "MetricsNamespace", dashboardRefs(t, changed)); len(got) == 0 {
			t.Errorf("dashboard with %s -> %s: no problem reported", edit.from, edit.to)
		}
	}
}
