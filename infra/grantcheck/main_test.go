package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const samconfig = `version = 0.1
[prod.deploy.parameters.parameter_overrides]
ChecksJson = '[{"name":"jobs","type":"sqs","queueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/orders-jobs"},{"name":"refunds","type":"sqs","queueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/orders-refunds"},{"name":"orders","type":"dynamodb","table":"orders"}]'
QueueArns = ["arn:aws:sqs:us-east-1:123456789012:orders-jobs"]
TableArns = ["arn:aws:dynamodb:*:123456789012:table/orders"]

[dev.deploy.parameters]
parameter_overrides = ['ChecksJson=[{"name":"jobs","type":"sqs","queueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/orders-jobs"}]', "QueueArns=arn:aws:sqs:us-east-1:123456789012:orders-jobs"]
`

func grantcheck(t *testing.T, env string) (int, string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "samconfig.toml")
	if err := os.WriteFile(path, []byte(samconfig), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"-config", path, "-config-env", env}, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestQueueMissingFromQueueArnsIsCaught(t *testing.T) {
	code, out, errs := grantcheck(t, "prod")
	if code != 1 {
		t.Errorf("exit code = %d; want 1 (stderr %s)", code, errs)
	}
	for _, want := range []string{
		"refunds sqs:GetQueueAttributes arn:aws:sqs:us-east-1:123456789012:orders-refunds NOTHING: add it to QueueArns",
		"jobs sqs:GetQueueAttributes arn:aws:sqs:us-east-1:123456789012:orders-jobs QueueArns",
		"orders dynamodb:DescribeTable arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders TableArns",
	} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestEveryCheckCovered(t *testing.T) {
	// parameter_overrides as a list of Name=value.
	if code, out, errs := grantcheck(t, "dev"); code != 0 || !strings.Contains(out, "jobs") {
		t.Errorf("exit code = %d; want 0\n%s%s", code, out, errs)
	}
}

func TestRepositorySamconfig(t *testing.T) {
	for _, env := range []string{"default", "dev", "prod"} {
		var stdout, stderr bytes.Buffer
		if code := run([]string{"-config", "../../samconfig.toml", "-config-env", env}, &stdout, &stderr); code != 0 {
			t.Errorf("samconfig.toml [%s]: exit code %d\n%s%s", env, code, stdout.String(), stderr.String())
		}
	}
}

func TestUnknownEnvironment(t *testing.T) {
	if code, _, errs := grantcheck(t, "staging"); code != 2 || !strings.Contains(errs, `no environment "staging"`) {
		t.Errorf("exit code = %d, stderr %q; want 2 naming the environment", code, errs)
	}
}
