package samlocal

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// SAM runs the pinned SAM CLI against the engine.
type SAM struct {
	// Bin is the sam command (.venv/bin/sam); Root the repository.
	Bin, Root string
	// BuildDir is `sam build --build-dir`; Template the template the local
	// commands read (LocalTemplate writes it).
	BuildDir, Template string
	// Engine runs the containers.
	Engine *Engine
	// Out receives SAM's own output (stderr, and stdout too).
	Out io.Writer
	// AWS are AWS_* settings for SAM itself (region, credentials), which
	// it passes on to every function.
	AWS []string
}

// env is sam's environment: the engine's socket, no telemetry, no update
// check, and the local stack's region and credentials.
func (s *SAM) env(extra ...string) []string {
	env := append(s.Engine.Env(), "SAM_CLI_TELEMETRY=0", "SAM_CLI_DISABLE_UPDATE_CHECK=1")
	env = append(env, s.AWS...)
	return append(env, extra...)
}

// Command returns a sam command in Root.
func (s *SAM) Command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, s.Bin, args...)
	cmd.Dir, cmd.Env = s.Root, s.env()
	return cmd
}

// Build runs `sam build` of template.yaml into BuildDir.
func (s *SAM) Build(ctx context.Context, template string) error {
	cmd := s.Command(ctx, "build", "--template-file", template, "--build-dir", s.BuildDir)
	cmd.Stdout, cmd.Stderr = s.Out, s.Out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("sam build: %w", err)
	}
	return nil
}

// LocalTemplate writes Template: the built template with the names in
// declare added to Globals.Function.Environment.Variables, empty.
//
// `sam local` passes a function only the variables its template declares
// (samcli/local/lambdafn/env_vars.py: --env-vars and the shell override
// declared variables, and add none). The local stack's endpoints
// (AWS_ENDPOINT_URL and the per-service ones) are not in template.yaml,
// and must not be, so this copy declares them, and --env-vars gives them
// their values; everything else is template.yaml's own.
func (s *SAM) LocalTemplate(declare []string) error {
	built := filepath.Join(s.BuildDir, "template.yaml")
	src, err := os.ReadFile(built)
	if err != nil {
		return err
	}
	out, err := declareVariables(src, declare)
	if err != nil {
		return fmt.Errorf("%s: %w", built, err)
	}
	s.Template = filepath.Join(s.BuildDir, "template.local.yaml")
	return os.WriteFile(s.Template, out, 0o644)
}

// declareVariables adds names, with empty values, to the template's
// Globals.Function.Environment.Variables, keeping the rest as it is
// (CloudFormation's short tags included).
func declareVariables(src []byte, names []string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a template (no top-level mapping)")
	}
	vars := doc.Content[0]
	for _, key := range []string{"Globals", "Function", "Environment", "Variables"} {
		vars = child(vars, key)
	}
	have := map[string]bool{}
	for i := 0; i+1 < len(vars.Content); i += 2 {
		have[vars.Content[i].Value] = true
	}
	for _, n := range names {
		if !have[n] {
			vars.Content = append(vars.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: n},
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "", Style: yaml.DoubleQuotedStyle})
		}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

// child returns the mapping under key in m, adding an empty one when m has
// none.
func child(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i+1].Kind == yaml.MappingNode {
			return m.Content[i+1]
		}
	}
	c := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, c)
	return c
}

// ContainerView rewrites the local stack's settings for a container on
// the engine's bridge: every 127.0.0.1 becomes the Gateway, which Forward
// maps back to 127.0.0.1 for the listed ports.
func ContainerView(env map[string]string, gateway string) map[string]string {
	out := make(map[string]string, len(env))
	for k, v := range env {
		out[k] = strings.ReplaceAll(v, "127.0.0.1", gateway)
	}
	return out
}

// EndpointNames returns the AWS_ENDPOINT_URL* names in env, sorted.
func EndpointNames(env map[string]string) []string {
	var names []string
	for k := range env {
		if strings.HasPrefix(k, "AWS_ENDPOINT_URL") {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return names
}

// WriteEnvVars writes a `sam local --env-vars` file that gives vars to
// every function (the "Parameters" key) and returns its path.
func WriteEnvVars(dir, name string, vars map[string]string) (string, error) {
	b, err := json.MarshalIndent(map[string]map[string]string{"Parameters": vars}, "", "  ")
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, name)
	return p, os.WriteFile(p, b, 0o600)
}

// LocalFlags are the flags every `sam local` command here takes: the
// local template, the engine's stand-in image as it is (no pull: no
// registry is reachable), and SAM's own containers reached on 127.0.0.1.
func (s *SAM) LocalFlags(envVars string) []string {
	return []string{
		"--template-file", s.Template,
		"--env-vars", envVars,
		"--skip-pull-image",
		"--container-host", "127.0.0.1",
		"--container-host-interface", "127.0.0.1",
	}
}

// Invoke runs `sam local invoke` of function with the event file and
// returns what it printed on stdout (the function's answer) and stderr
// (its log); both go to Out as well. Its exit status is returned too, but
// callers judge the answer: SAM exits 0 when the function gave none.
func (s *SAM) Invoke(ctx context.Context, function, event, envVars string, params ...string) ([]byte, []byte, error) {
	args := append([]string{"local", "invoke", function, "--event", event}, s.LocalFlags(envVars)...)
	if len(params) > 0 {
		args = append(append(args, "--parameter-overrides"), params...)
	}
	cmd := s.Command(ctx, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = io.MultiWriter(&stdout, s.Out)
	cmd.Stderr = io.MultiWriter(&stderr, s.Out)
	err := cmd.Run()
	return bytes.TrimSpace(stdout.Bytes()), stderr.Bytes(), err
}
