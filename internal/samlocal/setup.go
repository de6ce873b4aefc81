package samlocal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"

	"github.com/lambdahealth/lambdahealth/internal/localenv"
	"github.com/lambdahealth/lambdahealth/pkg/config"
)

// Run is one `make sam-local` or `make dev SAM=1`: the engine, the stand-in
// image, `sam build`, and the settings the functions get.
type Run struct {
	Engine *Engine
	SAM    *SAM
	// Local is .local/env; Container is what a container sees of it
	// (ContainerView).
	Local, Container map[string]string
	// Vars are the variables every function gets through --env-vars: the
	// local stack's endpoints and the checks.
	Vars map[string]string
}

// ErrEngine wraps what kept the engine from starting.
var ErrEngine = errors.New("the container engine could not start")

// Options are a Run's settings; the zero value of each field has a default.
type Options struct {
	// Dir is the engine's directory (default .local/state/sam: the
	// per-checkout state dir of scripts/local-lib.sh).
	Dir string
	// Subnet is the bridge's network (SAM_LOCAL_SUBNET; default a /24 in
	// 10.213.0.0/16 picked from Dir).
	Subnet string
	// Suite is the Debian suite of the stand-in image (default bookworm).
	Suite string
	// Checks is HEALTH_CHECKS as a container sees it; a function of the
	// container view of .local/env.
	Checks func(container map[string]string) string
	// Vars are more variables for every function's --env-vars.
	Vars map[string]string
}

// Setup starts the engine, loads the stand-in image, lets the containers
// reach the local stack's ports, builds with `sam build` and writes the
// local template. On an error it undoes what it did; the error wraps
// ErrEngine when the engine itself could not start.
func Setup(ctx context.Context, root string, o Options, out io.Writer) (*Run, error) {
	local, err := localenv.Read(root)
	if err != nil {
		return nil, fmt.Errorf("the local stack is not up (make local-up): %w", err)
	}
	if o.Dir == "" {
		o.Dir = filepath.Join(root, ".local", "state", "sam")
	}
	if o.Dir, err = filepath.Abs(o.Dir); err != nil {
		return nil, err
	}
	if o.Suite == "" {
		o.Suite = "bookworm"
	}
	sum := sha256.Sum256([]byte(o.Dir))
	if o.Subnet == "" {
		o.Subnet = fmt.Sprintf("10.213.%d.0/24", sum[0])
	}
	_, subnet, err := net.ParseCIDR(o.Subnet)
	if err != nil || subnet.IP.To4() == nil {
		return nil, fmt.Errorf("SAM_LOCAL_SUBNET %q: want an IPv4 network such as 10.213.7.0/24", o.Subnet)
	}
	gw := make(net.IP, 4)
	copy(gw, subnet.IP.To4())
	gw[3]++
	e := &Engine{Dir: o.Dir, Bridge: "lhsam" + hex.EncodeToString(sum[:4]), Subnet: subnet, Gateway: gw, Log: out}
	r := &Run{Engine: e, Local: local, Container: ContainerView(local, gw.String())}
	fail := func(err error) (*Run, error) {
		if stopErr := e.Stop(context.WithoutCancel(ctx)); stopErr != nil {
			err = errors.Join(err, stopErr)
		}
		return nil, err
	}
	if err := e.Start(ctx); err != nil {
		return fail(fmt.Errorf("%w: %w", ErrEngine, err))
	}
	if err := e.StandIn(ctx, o.Suite); err != nil {
		return fail(fmt.Errorf("%w: stand-in image: %w", ErrEngine, err))
	}
	if err := e.Forward(ctx, LoopbackPorts(local)...); err != nil {
		return fail(err)
	}
	r.Vars = map[string]string{}
	for _, k := range EndpointNames(r.Container) {
		r.Vars[k] = r.Container[k]
	}
	if o.Checks != nil {
		r.Vars[config.EnvChecks] = o.Checks(r.Container)
	}
	for k, v := range o.Vars {
		r.Vars[k] = v
	}
	r.SAM = &SAM{Bin: filepath.Join(root, ".venv", "bin", "sam"), Root: root, BuildDir: filepath.Join(o.Dir, "build"), Engine: e, Out: out}
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} {
		if v, ok := local[k]; ok {
			r.SAM.AWS = append(r.SAM.AWS, k+"="+v)
		}
	}
	if _, err := os.Stat(r.SAM.Bin); err != nil {
		return fail(fmt.Errorf("no SAM CLI (make tools): %w", err))
	}
	// One go build of every function first, for SAM's flags and platform: sam
	// build runs its makes in parallel (samconfig.toml), and each would
	// otherwise compile the shared dependencies at the same time.
	goBuild := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-trimpath", "./functions/...")
	goBuild.Dir, goBuild.Env = root, append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64")
	if b, err := goBuild.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("go build ./functions/... (linux/arm64): %w: %s", err, b))
	}
	if err := r.SAM.Build(ctx, filepath.Join(root, "template.yaml")); err != nil {
		return fail(err)
	}
	// The gates' endpoints (CodeDeploy, Lambda) are declared too: their
	// values come per invocation, from the stand-ins.
	declare := append(EndpointNames(r.Vars), "AWS_ENDPOINT_URL_CODEDEPLOY", "AWS_ENDPOINT_URL_LAMBDA")
	if err := r.SAM.LocalTemplate(declare); err != nil {
		return fail(err)
	}
	return r, nil
}

// Close stops everything Setup started.
func (r *Run) Close(ctx context.Context) error { return r.Engine.Stop(ctx) }

// EnvVars writes an --env-vars file with Vars plus extra (which win), and
// returns its path.
func (r *Run) EnvVars(name string, extra map[string]string) (string, error) {
	vars := map[string]string{}
	for k, v := range r.Vars {
		vars[k] = v
	}
	for k, v := range extra {
		vars[k] = v
	}
	return WriteEnvVars(r.Engine.Dir, name, vars)
}

var loopbackPort = regexp.MustCompile(`127\.0\.0\.1:([0-9]{1,5})`)

// LoopbackPorts returns the ports of the 127.0.0.1 addresses in env's
// values, sorted.
func LoopbackPorts(env map[string]string) []int {
	seen := map[int]bool{}
	for _, v := range env {
		for _, m := range loopbackPort.FindAllStringSubmatch(v, -1) {
			if p, err := strconv.Atoi(m[1]); err == nil && p > 0 && p < 65536 {
				seen[p] = true
			}
		}
	}
	ports := make([]int, 0, len(seen))
	for p := range seen {
		ports = append(ports, p)
	}
	sort.Ints(ports)
	return ports
}
