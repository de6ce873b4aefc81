// Command gatelocal stands in, on loopback, for what the deployment gate
// talks to when `make invoke FN=gate` runs it under the emulator: CodeDeploy
// (awsfake.CodeDeploy, which knows the event's deployment: HealthFunction's
// alias live moving from version 0 to 1) and Lambda (awsfake.LambdaFront in
// front of the real health bootstrap under the Runtime Interface Emulator,
// as version 1 and as the alias).
//
//	gatelocal EVENT
//
// It prints AWS_ENDPOINT_URL_CODEDEPLOY=… and AWS_ENDPOINT_URL_LAMBDA=… on
// stdout, then "ready", and serves until stdin closes or it gets SIGTERM;
// then it prints, on stderr, every verdict the gate reported. The health
// function gets this process's HEALTH_* variables (HEALTH_CHECKS=[] when
// unset), so HEALTH_CHECKS='[{"name":"db","type":"tcp","address":"127.0.0.1:1"}]'
// makes the gate see a version whose critical dependency is down.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/lambdahealth/lambdahealth/internal/awsfake"
	"github.com/lambdahealth/lambdahealth/internal/rie"
	"github.com/lambdahealth/lambdahealth/pkg/gate"
)

// The deployment every event gets: the function, alias and versions.
const (
	function = "HealthFunction"
	alias    = "live"
	current  = "0"
	target   = "1"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gatelocal: "+err.Error())
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) != 2 {
		return fmt.Errorf("usage: gatelocal EVENT")
	}
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		return err
	}
	var ev gate.Event
	if err := json.Unmarshal(raw, &ev); err != nil || ev.DeploymentID == "" {
		return fmt.Errorf("%s: no DeploymentId", os.Args[1])
	}
	root, err := repoRoot()
	if err != nil {
		return err
	}
	emulator, err := rie.Find(root)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "gatelocal")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bootstrap, err := rie.Build(ctx, root, "./functions/health", dir)
	if err != nil {
		return err
	}
	env := []string{"AWS_REGION=us-east-1", "HEALTH_CHECKS=[]"}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "HEALTH_") {
			env = append(env, kv)
		}
	}
	health, err := rie.Start(ctx, rie.Config{Emulator: emulator, Bootstrap: bootstrap, FunctionName: function,
		MemoryMB: 256, Timeout: 10 * time.Second, Env: env, Stderr: io.Discard})
	if err != nil {
		return err
	}
	defer health.Stop()

	deploy := awsfake.NewCodeDeploy()
	deploy.AddDeployment(ev.DeploymentID, awsfake.LambdaAppSpec(function, alias, current, target))
	front := awsfake.NewLambdaFront()
	front.Route(function, target, health.URL())
	front.Route(function, alias, health.URL())
	deployURL, err := serve(deploy)
	if err != nil {
		return err
	}
	lambdaURL, err := serve(front)
	if err != nil {
		return err
	}
	fmt.Printf("AWS_ENDPOINT_URL_CODEDEPLOY=%s\nAWS_ENDPOINT_URL_LAMBDA=%s\nready\n", deployURL, lambdaURL)

	stop, done := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer done()
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); done() }()
	<-stop.Done()
	for _, c := range front.Calls() {
		fmt.Fprintf(os.Stderr, "gatelocal: Lambda Invoke %s\n", c)
	}
	reports := deploy.Reports()
	for _, r := range reports {
		fmt.Fprintf(os.Stderr, "gatelocal: CodeDeploy was told %s for %s (execution %s)\n", r.Status, r.DeploymentID, r.ExecutionID)
	}
	if len(reports) == 0 {
		fmt.Fprintln(os.Stderr, "gatelocal: CodeDeploy was told nothing")
	}
	return nil
}

// serve serves h on a free loopback port and returns its URL.
func serve(h http.Handler) (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go func() { _ = http.Serve(l, h) }()
	return "http://" + l.Addr().String(), nil
}

// repoRoot is the directory holding go.mod, from the working directory up.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}
