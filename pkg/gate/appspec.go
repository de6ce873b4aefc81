package gate

import (
	"errors"
	"fmt"
	"regexp"

	"gopkg.in/yaml.v3"
)

// ErrAppSpec is wrapped by every problem with a deployment's AppSpec.
var ErrAppSpec = errors.New("appspec")

// appSpecTarget is the Lambda function a deployment shifts traffic on, as its
// AppSpec names it.
type appSpecTarget struct {
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
			Name           string    `yaml:"Name"`
			Alias          string    `yaml:"Alias"`
			CurrentVersion yaml.Node `yaml:"CurrentVersion"`
			TargetVersion  yaml.Node `yaml:"TargetVersion"`
		} `yaml:"Properties"`
	} `yaml:"Resources"`
}

// parseAppSpec returns the one AWS::Lambda::Function resource of a Lambda
// AppSpec (JSON is YAML too). An AppSpec without exactly one such resource,
// or one missing its Name, Alias or TargetVersion, is an error wrapping
// ErrAppSpec that says what is missing.
func parseAppSpec(content string) (appSpecTarget, error) {
	var spec appSpec
	if err := yaml.Unmarshal([]byte(content), &spec); err != nil {
		return appSpecTarget{}, fmt.Errorf("%w: not JSON or YAML", ErrAppSpec)
	}
	var targets []appSpecTarget
	badTarget := false
	for _, entry := range spec.Resources {
		for _, r := range entry {
			if r.Type != "AWS::Lambda::Function" {
				continue
			}
			// CurrentVersion is only reported: kept as written. TargetVersion
			// is the version the gate invokes.
			current, _ := scalarText(&r.Properties.CurrentVersion)
			target, ok := scalarText(&r.Properties.TargetVersion)
			if !ok || (target != "" && !versionPattern.MatchString(target)) {
				badTarget = true
			}
			targets = append(targets, appSpecTarget{
				Name:           r.Properties.Name,
				Alias:          r.Properties.Alias,
				CurrentVersion: current,
				TargetVersion:  target,
			})
		}
	}
	switch {
	case len(targets) == 0:
		return appSpecTarget{}, fmt.Errorf("%w: names no AWS::Lambda::Function resource", ErrAppSpec)
	case len(targets) > 1:
		return appSpecTarget{}, fmt.Errorf("%w: names %d functions; a Lambda deployment has one", ErrAppSpec, len(targets))
	}
	if badTarget {
		return appSpecTarget{}, fmt.Errorf("%w: TargetVersion must be a version number such as 7 or $LATEST, written as such", ErrAppSpec)
	}
	t := targets[0]
	switch {
	case t.Name == "":
		return appSpecTarget{}, fmt.Errorf("%w: the function resource has no Name", ErrAppSpec)
	case t.Alias == "":
		return appSpecTarget{}, fmt.Errorf("%w: the function resource has no Alias", ErrAppSpec)
	case t.TargetVersion == "":
		return appSpecTarget{}, fmt.Errorf("%w: the function resource has no TargetVersion", ErrAppSpec)
	}
	return t, nil
}

// versionPattern is a Lambda version the gate may invoke: a published
// version number (they start at 1), or $LATEST.
var versionPattern = regexp.MustCompile(`^([1-9][0-9]*|\$LATEST)$`)

// scalarText returns the text of n exactly as written (TargetVersion: 010
// is "010", not 8), "" when n is absent or null, and false when n is no
// scalar (a list, a map, an alias).
func scalarText(n *yaml.Node) (string, bool) {
	switch {
	case n.Kind == 0, n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return "", true
	case n.Kind == yaml.ScalarNode:
		return n.Value, true
	}
	return "", false
}
