package gate

import (
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"
)

// ErrAppSpec is wrapped by every problem with a deployment's AppSpec.
var ErrAppSpec = errors.New("appspec")

// Target is the Lambda function a deployment shifts traffic on, as its
// AppSpec names it.
type Target struct {
	Name           string
	Alias          string
	CurrentVersion string
	TargetVersion  string
}

// appSpec is the Lambda AppSpec (JSON or YAML): version, Resources (a list
// of one-entry maps, name -> resource) and Hooks.
type appSpec struct {
	Resources []map[string]struct {
		Type       string `yaml:"Type"`
		Properties struct {
			Name           string `yaml:"Name"`
			Alias          string `yaml:"Alias"`
			CurrentVersion any    `yaml:"CurrentVersion"`
			TargetVersion  any    `yaml:"TargetVersion"`
		} `yaml:"Properties"`
	} `yaml:"Resources"`
}

// ParseAppSpec returns the one AWS::Lambda::Function resource of a Lambda
// AppSpec (JSON is YAML too). An AppSpec without exactly one such resource,
// or one missing its Name, Alias or TargetVersion, is an error wrapping
// ErrAppSpec that says what is missing.
func ParseAppSpec(content string) (Target, error) {
	var spec appSpec
	if err := yaml.Unmarshal([]byte(content), &spec); err != nil {
		return Target{}, fmt.Errorf("%w: not JSON or YAML", ErrAppSpec)
	}
	var targets []Target
	for _, entry := range spec.Resources {
		for _, r := range entry {
			if r.Type != "AWS::Lambda::Function" {
				continue
			}
			targets = append(targets, Target{
				Name:           r.Properties.Name,
				Alias:          r.Properties.Alias,
				CurrentVersion: scalar(r.Properties.CurrentVersion),
				TargetVersion:  scalar(r.Properties.TargetVersion),
			})
		}
	}
	switch {
	case len(targets) == 0:
		return Target{}, fmt.Errorf("%w: names no AWS::Lambda::Function resource", ErrAppSpec)
	case len(targets) > 1:
		return Target{}, fmt.Errorf("%w: names %d functions; a Lambda deployment has one", ErrAppSpec, len(targets))
	}
	t := targets[0]
	switch {
	case t.Name == "":
		return Target{}, fmt.Errorf("%w: the function resource has no Name", ErrAppSpec)
	case t.Alias == "":
		return Target{}, fmt.Errorf("%w: the function resource has no Alias", ErrAppSpec)
	case t.TargetVersion == "":
		return Target{}, fmt.Errorf("%w: the function resource has no TargetVersion", ErrAppSpec)
	}
	return t, nil
}

// scalar renders a version written as a number (TargetVersion: 3) or a
// string ("3") as its text.
func scalar(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}
