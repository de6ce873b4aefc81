// Command grantcheck finds, before `sam deploy`, the checks that no grant
// parameter covers. It reads the parameter values a deploy would use (the
// parameter_overrides of one samconfig.toml environment) and prints, for each
// permission of each check of ChecksJson, the ARN it needs and the grant
// parameter that covers it, or that none does. template.yaml cannot read
// ChecksJson, so these parameters are all the checks get on SAM.
//
//	go run ./grantcheck -config ../samconfig.toml -config-env prod
//
// It exits 0 when every check is covered, 1 when one is not, and 2 when the
// configuration cannot be read.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/BurntSushi/toml"

	"github.com/lambdahealth/lambdahealth/infra/healthstack"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("grantcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "samconfig.toml", "the samconfig file `sam deploy` reads")
	env := fs.String("config-env", "default", "its environment, as sam deploy --config-env")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	params, err := overrides(*config, *env)
	if err != nil {
		fmt.Fprintf(stderr, "grantcheck: %v\n", err)
		return 2
	}
	props, err := healthstack.PropsFromParameters(params)
	if err != nil {
		fmt.Fprintf(stderr, "grantcheck: %s [%s]: %v\n", *config, *env, err)
		return 2
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "CHECK\tACTIONS\tNEEDS\tGRANTED BY")
	uncovered := 0
	for _, c := range props.GrantCoverage() {
		need := c.Resource
		if need == "" {
			need = "(an ARN the check does not name)"
		}
		by := c.Parameter
		if !c.Covered {
			by = "NOTHING: add it to " + c.Parameter
			uncovered++
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", c.Check, strings.Join(c.Actions, ","), need, by)
	}
	w.Flush()
	if uncovered > 0 {
		fmt.Fprintf(stderr, "grantcheck: %d permission(s) of the checks are not granted: the checks would answer \"access denied\"\n", uncovered)
		return 1
	}
	return 0
}

// overrides returns the parameter_overrides of env in the samconfig file
// path, as template parameter values: a table, a list of "Name=value"
// strings, or one string of them (value quoted with " when it has spaces).
func overrides(path, env string) (map[string]string, error) {
	var config map[string]map[string]map[string]map[string]any
	if _, err := toml.DecodeFile(path, &config); err != nil {
		return nil, err
	}
	if _, ok := config[env]; !ok {
		return nil, fmt.Errorf("%s: no environment %q", path, env)
	}
	var raw any
	for _, command := range []string{"deploy", "global"} {
		if v, ok := config[env][command]["parameters"]["parameter_overrides"]; ok {
			raw = v
			break
		}
	}
	params := map[string]string{}
	switch v := raw.(type) {
	case nil:
	case map[string]any:
		for k, value := range v {
			s, err := parameterValue(value)
			if err != nil {
				return nil, fmt.Errorf("%s [%s] parameter_overrides.%s: %w", path, env, k, err)
			}
			params[k] = s
		}
	case []any:
		for i, item := range v {
			s, ok := item.(string)
			k, value, found := strings.Cut(s, "=")
			if !ok || !found {
				return nil, fmt.Errorf("%s [%s] parameter_overrides[%d]: want \"Name=value\"", path, env, i)
			}
			params[k] = strings.Trim(value, `"`)
		}
	case string:
		for _, field := range splitQuoted(v) {
			k, value, found := strings.Cut(field, "=")
			if !found {
				return nil, fmt.Errorf("%s [%s] parameter_overrides: %q is not Name=value", path, env, field)
			}
			params[k] = strings.Trim(value, `"`)
		}
	default:
		return nil, fmt.Errorf("%s [%s] parameter_overrides: want a table, a list or a string", path, env)
	}
	return params, nil
}

func parameterValue(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(v), nil
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			s, err := parameterValue(e)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return strings.Join(parts, ","), nil
	}
	return "", fmt.Errorf("want a string, number, boolean or list, got %T", v)
}

// splitQuoted splits s on spaces outside double quotes.
func splitQuoted(s string) []string {
	var out []string
	var b strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
			b.WriteRune(r)
		case r == ' ' && !quoted:
			if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}
