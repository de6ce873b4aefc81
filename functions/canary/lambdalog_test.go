package main

import (
	"os"
	"testing"

	"github.com/lambdahealth/lambdahealth/internal/awsfake"
)

func TestMain(m *testing.M) { awsfake.TestMainOr(m, main) }

// In Lambda only JSON lines reach the logs: aws-lambda-go's plain-text line
// for a failed invocation and for its own exit go through the JSON logger.
func TestLogsAreJSONUnderRuntimeAPI(t *testing.T) {
	t.Parallel()
	awsfake.CheckRejectedEvent(t, os.Args[0], []string{awsfake.MainEnv + "=1", "HEALTH_CHECKS=[]", "HEALTH_METRICS=emf"}, []byte(`{"detail-type":`))
}
