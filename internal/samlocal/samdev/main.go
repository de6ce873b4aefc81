// Command samdev serves the HTTP API through the real `sam local
// start-api` (make dev SAM=1), on 127.0.0.1:$PORT (default 8080), with the
// health function checking the local stack's PostgreSQL, MariaDB and Redis,
// in containers of a dockerd of its own (internal/samlocal). Ctrl-C stops
// SAM, the containers, dockerd, and undoes the host changes (binfmt,
// bridge, iptables). Run it from the repository root, as root, with the
// local stack up.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/lambdahealth/lambdahealth/internal/samlocal"
	"github.com/lambdahealth/lambdahealth/pkg/config"
)

func main() {
	os.Exit(run())
}

func run() int {
	root, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "samdev:", err)
		return 1
	}
	port, err := strconv.Atoi(envOr(config.EnvPort, config.DefaultPort))
	if err != nil || port <= 0 || port > 65535 {
		fmt.Fprintf(os.Stderr, "samdev: %s %q is not a port\n", config.EnvPort, os.Getenv(config.EnvPort))
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// HEALTH_VERSION and HEALTH_ENVIRONMENT through --env-vars too: sam local
	// leaves the template's Fn::If values blank (internal/samlocal's tests).
	vars := map[string]string{config.EnvVersion: "0.0.0-dev", config.EnvEnvironment: "local"}
	r, err := samlocal.Setup(ctx, root, samlocal.Options{Dir: os.Getenv("SAM_LOCAL_DIR"), Subnet: os.Getenv("SAM_LOCAL_SUBNET"), Checks: checks, Vars: vars}, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "samdev:", err)
		return 1
	}
	defer func() {
		if err := r.Close(context.WithoutCancel(ctx)); err != nil {
			fmt.Fprintln(os.Stderr, "samdev: stopping:", err)
		}
	}()
	envVars, err := r.EnvVars("env-dev.json", nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "samdev:", err)
		return 1
	}
	api, err := r.StartAPI(ctx, envVars, port, "ServiceName=lambdahealth-dev", "EnvironmentName=local", "ServiceVersion=0.0.0-dev", "Details=always")
	if err != nil {
		fmt.Fprintln(os.Stderr, "samdev:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "\n  HTTP API through sam local start-api: %s\n    curl -i %s/health/live\n    curl -i %s/health/ready\n    curl -s %s/health\n  Ctrl-C stops it.\n\n",
		api.URL, api.URL, api.URL, api.URL)
	select {
	case <-ctx.Done():
		if err := api.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "samdev:", err)
		}
	case <-waitCh(api):
		fmt.Fprintln(os.Stderr, "samdev: sam local start-api exited")
		return 1
	}
	return 0
}

func waitCh(api *samlocal.API) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- api.Wait() }()
	return ch
}

// checks are the local stack's PostgreSQL, MariaDB and Redis, as a
// container reaches them.
func checks(c map[string]string) string {
	b, _ := json.Marshal([]map[string]any{
		{"name": "orders-db", "type": "postgres", "dsn": c["LOCAL_PG_DSN"], "timeout": "3s"},
		{"name": "inventory-db", "type": "mysql", "dsn": c["LOCAL_MYSQL_DSN"], "timeout": "3s"},
		{"name": "cache", "type": "redis", "endpoint": c["LOCAL_REDIS_ENDPOINT"]},
	})
	return string(b)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
