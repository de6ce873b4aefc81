package healthstack

import (
	"github.com/lambdahealth/lambdahealth/pkg/gate"
	"github.com/lambdahealth/lambdahealth/pkg/metrics"
)

// The IAM actions the stack grants besides those the code declares (each
// check kind's, pkg/gate's and pkg/metrics'), spelled once.
const (
	// actionGetParameter reads the drain and checks parameters (pkg/controls).
	actionGetParameter = "ssm:GetParameter"
	// actionCreateLogStream and actionPutLogEvents write a function's logs.
	actionCreateLogStream = "logs:CreateLogStream"
	actionPutLogEvents    = "logs:PutLogEvents"
	// actionInvokeFunction lets API Gateway and the ALB invoke the health
	// function, as the gate does.
	actionInvokeFunction = gate.ActionInvokeFunction
	// actionPutMetricData is the canary's PutMetricData.
	actionPutMetricData = metrics.ActionPutMetricData
)
