// Command invoke sends one event to a function's real bootstrap under the
// Lambda Runtime Interface Emulator, as `sam local invoke` does, without
// Docker (make invoke):
//
//	go run ./internal/invoke FN EVENT [Parameter=Value ...]
//	go run ./internal/invoke health events/health-v2-ready.json
//	go run ./internal/invoke health events/health-v2-health.json Details=always \
//	    'ChecksJson=[{"name":"db","type":"tcp","address":"127.0.0.1:55432"}]'
//	go run ./internal/invoke canary events/canary-scheduled.json
//	go run ./internal/invoke gate events/gate-pretraffic.json
//
// FN is a directory under functions/. The function's environment, MemorySize
// and Timeout are what template.yaml gives it, evaluated by the parity test's
// CloudFormation evaluator (infra/parity/lambdaenv.py) with the parameters'
// defaults or the Parameter=Value overrides (like --parameter-overrides);
// like SAM, a variable the template declares takes its value from this
// shell's environment when set there, and so do the AWS credentials and
// region. Then .local/env (make local-up) is added, so the local stack's
// endpoints and credentials win. The emulator runs with internal/rie, as
// every emulator test does.
//
// stdout: the response, as indented JSON. stderr: the function's log lines
// and REPORT line, the init phase, and the equivalent `sam local invoke`
// command. Exit status 0 when the function answered, 1 when it failed or
// crashed, 2 for bad arguments. RIE_LOG=1 also prints the emulator's own log;
// TEMPLATE=file reads another template than template.yaml. Run it from the
// repository root.
//
// The gate is two functions of the template, one per hook, from one
// directory: the event file's name picks one (gate-pretraffic.json,
// gate-posttraffic.json), and the gate talks to stand-ins for CodeDeploy and
// for the health function it gates (awsfake.StartStandIns), whose calls and
// verdicts are printed at the end.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/awsfake"
	"github.com/lambdahealth/lambdahealth/internal/localenv"
	"github.com/lambdahealth/lambdahealth/internal/rie"
)

// errUsage marks a bad invocation of this command (exit status 2).
var errUsage = errors.New("usage: go run ./internal/invoke FN EVENT [Parameter=Value ...]")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code, err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "invoke:", err)
		if errors.Is(err, errUsage) {
			code = 2
		}
	}
	os.Exit(code)
}

// settings is what infra/parity/lambdaenv.py prints.
type settings struct {
	LogicalID      string            `json:"logicalId"`
	MemoryMB       int               `json:"memoryMB"`
	TimeoutSeconds int               `json:"timeoutSeconds"`
	Env            map[string]string `json:"env"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) < 2 {
		return 2, errUsage
	}
	fn, event, overrides := args[0], args[1], args[2:]
	for _, o := range overrides {
		if !strings.Contains(o, "=") {
			return 2, fmt.Errorf("%w: parameter override %q is not Name=Value", errUsage, o)
		}
	}
	root, err := os.Getwd()
	if err != nil {
		return 1, err
	}
	if fi, err := os.Stat(filepath.Join(root, "functions", fn)); err != nil || !fi.IsDir() {
		return 2, fmt.Errorf("%w: no function %q (functions/%s)", errUsage, fn, fn)
	}
	if event, err = filepath.Abs(event); err != nil {
		return 1, err
	}
	payload, err := os.ReadFile(event)
	if err != nil {
		return 2, fmt.Errorf("%w: no event file %q", errUsage, event)
	}
	template := os.Getenv("TEMPLATE")
	if template == "" {
		template = filepath.Join(root, "template.yaml")
	}

	// 1. The function's settings: template.yaml, this shell, .local/env.
	tag := fn
	if fn == "gate" {
		tag = strings.TrimSuffix(filepath.Base(event), ".json")
	}
	s, err := templateSettings(ctx, root, template, tag, overrides, stderr)
	if err != nil {
		return 1, err
	}
	env := environment(s.Env, root, stderr)
	names := make([]string, 0, len(env))
	for _, kv := range env {
		names = append(names, kv[:strings.IndexByte(kv, '=')])
	}
	fmt.Fprintf(stderr, "invoke: %s (MemorySize %d, Timeout %d) with %s\n", s.LogicalID, s.MemoryMB, s.TimeoutSeconds, strings.Join(names, " "))

	// 2. The bootstrap, with the production flags, where `make build` puts it.
	emulator, err := rie.Find(root)
	if err != nil {
		return 1, err
	}
	dir := filepath.Join(root, "build", fn, runtime.GOARCH)
	fmt.Fprintf(stderr, "invoke: building build/%s/%s/bootstrap\n", fn, runtime.GOARCH)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 1, err
	}
	bootstrap, err := rie.Build(ctx, root, "./functions/"+fn, dir)
	if err != nil {
		return 1, err
	}

	// 2b. The gate's CodeDeploy and the function it gates, on loopback.
	if fn == "gate" {
		var ev struct {
			DeploymentID string `json:"DeploymentId"`
		}
		if json.Unmarshal(payload, &ev) != nil || ev.DeploymentID == "" {
			return 2, fmt.Errorf("%w: %s has no DeploymentId", errUsage, event)
		}
		standIns, err := awsfake.StartStandIns(ctx, root, ev.DeploymentID)
		if err != nil {
			return 1, err
		}
		defer standIns.Stop(newPrefixWriter(stderr, "invoke: "))
		env = append(env, standIns.Env...)
		fmt.Fprintf(stderr, "invoke: CodeDeploy and %s (version 1, alias %s) stand in on loopback\n", awsfake.StandInFunction, awsfake.StandInAlias)
	}

	// 3. The emulator, and the event.
	cfg := rie.Config{
		Emulator: emulator, Bootstrap: bootstrap,
		FunctionName: s.LogicalID, MemoryMB: s.MemoryMB, Timeout: time.Duration(s.TimeoutSeconds) * time.Second,
		Env:    env,
		Stdout: newPrefixWriter(stderr, "  | "),
	}
	if os.Getenv("RIE_LOG") == "1" {
		cfg.Stderr = newPrefixWriter(stderr, "  ! ")
	}
	e, err := rie.Start(ctx, cfg)
	if err != nil {
		return 1, err
	}
	defer e.Stop()
	ictx, cancel := context.WithTimeout(ctx, cfg.Timeout+10*time.Second)
	defer cancel()
	inv, err := e.Invoke(ictx, payload)
	if err != nil {
		if ctx.Err() != nil {
			return 130, errors.New("interrupted")
		}
		return 1, err
	}
	if d, ok := e.InitReport(ictx); ok {
		fmt.Fprintf(stderr, "invoke: init phase %.2f ms (the emulator's INIT REPORT; the REPORT line's Init Duration times only the emulator's dispatch)\n",
			float64(d)/float64(time.Millisecond))
	}
	code := answer(inv, stdout, stderr)
	rel, _ := filepath.Rel(root, event)
	fmt.Fprintf(stderr, "invoke: the same with Docker, in SAM's container (sam passes only the template's variables,\n"+
		"        with AWS credentials and region; .local/env's endpoints do not reach the function):\n  %s\n",
		samCommand(s.LogicalID, rel, overrides))
	return code, nil
}

// templateSettings runs infra/parity/lambdaenv.py with the project's Python.
func templateSettings(ctx context.Context, root, template, fn string, overrides []string, stderr io.Writer) (settings, error) {
	python, err := findPython(root)
	if err != nil {
		return settings{}, err
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, python, append([]string{filepath.Join(root, "infra", "parity", "lambdaenv.py"), template, fn}, overrides...)...)
	cmd.Stdout, cmd.Stderr = &out, stderr
	if err := cmd.Run(); err != nil {
		return settings{}, fmt.Errorf("reading %s: %w", filepath.Base(template), err)
	}
	var s settings
	if err := json.Unmarshal(out.Bytes(), &s); err != nil {
		return settings{}, fmt.Errorf("reading %s: %w", filepath.Base(template), err)
	}
	return s, nil
}

// findPython returns a Python with PyYAML: the venv's (make tools), else python3.
func findPython(root string) (string, error) {
	for _, p := range []string{filepath.Join(root, ".venv", "sam", "bin", "python"), filepath.Join(root, ".venv", "bin", "python"), "python3"} {
		if path, err := exec.LookPath(p); err == nil && exec.Command(path, "-c", "import yaml").Run() == nil {
			return path, nil
		}
	}
	return "", errors.New("need a Python with PyYAML (run `make tools`)")
}

// environment is the function's environment as KEY=value, sorted: the
// template's variables, those of them set in this shell (as sam local does),
// the shell's AWS credentials and region, then .local/env, which wins.
func environment(declared map[string]string, root string, stderr io.Writer) []string {
	env := map[string]string{}
	var fromShell []string
	for k, v := range declared {
		env[k] = v
		if sv, ok := os.LookupEnv(k); ok {
			env[k] = sv
			fromShell = append(fromShell, k)
		}
	}
	if len(fromShell) > 0 {
		sort.Strings(fromShell)
		fmt.Fprintf(stderr, "invoke: from this shell, as sam local does: %s\n", strings.Join(fromShell, ", "))
	}
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		if v, ok := os.LookupEnv(k); ok {
			env[k] = v
		}
	}
	local, err := localenv.Read(root)
	if err != nil {
		fmt.Fprintln(stderr, "invoke: .local/env not found: the local stack is not up (`make local-up`); AWS calls will not reach LocalStack")
	}
	for k, v := range local {
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// answer prints the function's answer on stdout (indented when JSON), its
// decoded body on stderr, and returns the exit status.
func answer(inv *rie.Invocation, stdout, stderr io.Writer) int {
	failed := inv.StatusCode != 200
	var doc any
	if json.Unmarshal(inv.Payload, &doc) == nil {
		b, _ := json.MarshalIndent(doc, "", "  ")
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		fmt.Fprintf(stdout, "%s\n", inv.Payload)
	}
	if fe, ok := inv.FunctionError(); ok {
		failed = true
		fmt.Fprintf(stderr, "invoke: function error %s: %s\n", fe.Type, fe.Message)
	} else if m, ok := doc.(map[string]any); ok {
		if body, ok := m["body"].(string); ok && body != "" {
			var decoded any
			if json.Unmarshal([]byte(body), &decoded) == nil {
				b, _ := json.MarshalIndent(decoded, "", "  ")
				fmt.Fprintf(stderr, "invoke: body, decoded:\n%s\n", b)
			}
		}
	}
	if inv.StatusCode != 200 {
		fmt.Fprintf(stderr, "invoke: the emulator answered HTTP %d\n", inv.StatusCode)
	}
	if failed {
		return 1
	}
	return 0
}

var plainWord = regexp.MustCompile(`^[A-Za-z0-9_./:=@,+-]+$`)

// shq quotes a word for the shell, only when it needs it.
func shq(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// samCommand is the equivalent `sam local invoke`, with sam's own syntax for
// --parameter-overrides (a value with blanks, quotes or backslashes in
// double quotes).
func samCommand(logicalID, event string, overrides []string) string {
	cmd := "sam build " + logicalID + " && sam local invoke " + logicalID + " --event " + shq(event)
	if len(overrides) > 0 {
		cmd += " --parameter-overrides"
		for _, o := range overrides {
			k, v, _ := strings.Cut(o, "=")
			if strings.ContainsAny(v, " \t\n\"\\") {
				v = `"` + strings.ReplaceAll(strings.ReplaceAll(v, `\`, `\\`), `"`, `\"`) + `"`
			}
			cmd += " " + shq(k+"="+v)
		}
	}
	return cmd
}

// prefixWriter writes each line to w with a prefix.
type prefixWriter struct {
	mu      sync.Mutex
	w       io.Writer
	prefix  string
	partial []byte
}

func newPrefixWriter(w io.Writer, prefix string) *prefixWriter {
	return &prefixWriter{w: w, prefix: prefix}
}

// Write writes the complete lines of p, keeping a partial last line.
func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.partial = append(p.partial, b...)
	for {
		i := bytes.IndexByte(p.partial, '\n')
		if i < 0 {
			break
		}
		if _, err := fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.partial[:i]); err != nil {
			return len(b), err
		}
		p.partial = p.partial[i+1:]
	}
	return len(b), nil
}
