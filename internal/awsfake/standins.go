package awsfake

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/rie"
)

// The deployment the stand-ins know: HealthFunction's alias live moving
// from version 0 to 1.
const (
	StandInFunction = "HealthFunction"
	StandInAlias    = "live"
	standInCurrent  = "0"
	standInTarget   = "1"
)

// StandIns are what the deployment gate talks to, on loopback, when it runs
// outside AWS (sam local, internal/samlocal): a CodeDeploy that knows one deployment,
// and Lambda's Invoke in front of the real health bootstrap under the
// emulator, as version 1 and as the alias.
type StandIns struct {
	// Env points the gate at them: AWS_ENDPOINT_URL_CODEDEPLOY and
	// AWS_ENDPOINT_URL_LAMBDA.
	Env []string

	deploy  *CodeDeploy
	front   *LambdaFront
	health  *rie.Emulator
	servers []*http.Server
	dir     string
}

// StartStandIns builds functions/health in root and starts the stand-ins
// for deploymentID. The health function gets this process's HEALTH_*
// variables (HEALTH_CHECKS=[] when unset), so a HEALTH_CHECKS with a
// closed port makes the version fail its readiness.
func StartStandIns(ctx context.Context, root, deploymentID string) (*StandIns, error) {
	emulator, err := rie.Find(root)
	if err != nil {
		return nil, err
	}
	s := &StandIns{deploy: NewCodeDeploy(), front: NewLambdaFront()}
	if s.dir, err = os.MkdirTemp("", "standins"); err != nil {
		return nil, err
	}
	bootstrap, err := rie.Build(ctx, root, "./functions/health", s.dir)
	if err != nil {
		s.Stop(io.Discard)
		return nil, err
	}
	env := []string{"AWS_REGION=us-east-1", "HEALTH_CHECKS=[]"}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "HEALTH_") {
			env = append(env, kv)
		}
	}
	s.health, err = rie.Start(ctx, rie.Config{Emulator: emulator, Bootstrap: bootstrap, FunctionName: StandInFunction,
		MemoryMB: 256, Timeout: 10 * time.Second, Env: env})
	if err != nil {
		s.Stop(io.Discard)
		return nil, err
	}
	s.deploy.AddDeployment(deploymentID, LambdaAppSpec(StandInFunction, StandInAlias, standInCurrent, standInTarget))
	s.front.Route(StandInFunction, standInTarget, s.health.URL())
	s.front.Route(StandInFunction, StandInAlias, s.health.URL())
	for _, h := range []struct {
		key     string
		handler http.Handler
	}{{"AWS_ENDPOINT_URL_CODEDEPLOY", s.deploy}, {"AWS_ENDPOINT_URL_LAMBDA", s.front}} {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			s.Stop(io.Discard)
			return nil, err
		}
		srv := &http.Server{Handler: h.handler, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(l) }()
		s.servers = append(s.servers, srv)
		s.Env = append(s.Env, h.key+"=http://"+l.Addr().String())
	}
	return s, nil
}

// Stop ends the stand-ins and writes to w what Lambda was asked and what
// CodeDeploy was told.
func (s *StandIns) Stop(w io.Writer) {
	for _, srv := range s.servers {
		_ = srv.Close()
	}
	if s.health != nil {
		_ = s.health.Stop()
	}
	if s.dir != "" {
		_ = os.RemoveAll(s.dir)
	}
	for _, c := range s.front.Calls() {
		fmt.Fprintf(w, "stand-in Lambda: Invoke %s\n", c)
	}
	reports := s.deploy.Reports()
	for _, r := range reports {
		fmt.Fprintf(w, "stand-in CodeDeploy: told %s for %s (execution %s)\n", r.Status, r.DeploymentID, r.ExecutionID)
	}
	if len(reports) == 0 {
		fmt.Fprintln(w, "stand-in CodeDeploy: told nothing")
	}
}
