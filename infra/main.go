// Command infra is the CDK app: it reads the stack's settings from CDK
// context, under the names of template.yaml's parameters
// (cdk synth -c ServiceName=orders -c EnvironmentName=prod ...), and
// synthesizes one env-agnostic stack, so that synth never looks anything up
// in an AWS account. StackName (default LambdaHealth) names the stack.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/lambdahealth/lambdahealth/infra/healthstack"
)

// DefaultStackName is the stack's name when the context has no StackName.
const DefaultStackName = "LambdaHealth"

func main() {
	if err := run(awscdk.NewApp(nil)); err != nil {
		fmt.Fprintf(os.Stderr, "infra: %v\n", err)
		os.Exit(1)
	}
}

// run synthesizes the stack that app's context describes.
func run(app awscdk.App) error {
	get := func(key string) any { return app.Node().TryGetContext(jsii.String(key)) }
	params, err := parametersFromContext(get)
	if err != nil {
		return err
	}
	props, err := healthstack.PropsFromParameters(params)
	if err != nil {
		return err
	}
	if err := props.Validate(); err != nil {
		return err
	}
	name := DefaultStackName
	if v, ok := get("StackName").(string); ok && v != "" {
		name = v
	}
	healthstack.NewHealthStack(app, name, &healthstack.HealthStackProps{
		StackProps: awscdk.StackProps{
			StackName: jsii.String(name),
			// No AWS::CDK::Metadata resource: the template is the same on every machine.
			AnalyticsReporting: jsii.Bool(false),
		},
		HealthProps: props,
	})
	app.Synth(nil)
	return nil
}

// parametersFromContext reads every template parameter that the context
// sets. -c values are strings; cdk.json may also hold numbers, booleans,
// lists (joined with commas) and, for ChecksJson, the JSON array itself.
func parametersFromContext(get func(string) any) (map[string]string, error) {
	params := map[string]string{}
	// Former settings are read so that PropsFromParameters says what replaced them.
	names := append(append([]string{}, healthstack.ParameterNames...), "AssetDir")
	for name := range healthstack.RemovedParameters {
		names = append(names, name)
	}
	for _, name := range names {
		v := get(name)
		if v == nil {
			continue
		}
		s, err := contextString(name, v)
		if err != nil {
			return nil, err
		}
		params[name] = s
	}
	return params, nil
}

func contextString(name string, v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case []any:
		if name == "ChecksJson" {
			b, err := json.Marshal(v)
			return string(b), err
		}
		parts := make([]string, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return "", fmt.Errorf("context %s[%d]: want a string, got %T", name, i, e)
			}
			parts[i] = s
		}
		return strings.Join(parts, ","), nil
	}
	return "", fmt.Errorf("context %s: want a string, number, boolean or list, got %T", name, v)
}
