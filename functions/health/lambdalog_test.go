package main

import (
	"os"
	"strings"
	"testing"

	"github.com/lambdahealth/lambdahealth/internal/awsfake"
)

// In Lambda only JSON lines reach the logs: aws-lambda-go's plain-text line
// for each rejected event (`2026/12/06 22:06:10 {"errorMessage":…}`) and
// for its own exit go through the JSON logger, beside the adapter's own
// "event rejected" line.
func TestLogsAreJSONUnderRuntimeAPI(t *testing.T) {
	t.Parallel()
	stdout := awsfake.CheckRejectedEvent(t, os.Args[0], []string{awsfake.MainEnv + "=1", "HEALTH_CHECKS=[]"}, []byte(`{"version":"2.0","rawPath":`))
	if !strings.Contains(stdout, `"msg":"event rejected"`) {
		t.Errorf("stdout = %s; want the adapter's own line", stdout)
	}
}
