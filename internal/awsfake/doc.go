// Package awsfake serves, on loopback, the few AWS API calls the deployment
// gate makes that no local emulator answers: CodeDeploy's GetDeployment
// with a Lambda AppSpec and PutLifecycleEventHookExecutionStatus (moto
// 5.2.5's server has GetDeployment but not the hook call), in CodeDeploy's JSON 1.1 protocol, recording what it
// is told; and Lambda's Invoke route in front of Runtime Interface
// Emulators, which serve one function each under the name "function", so
// that one endpoint (AWS_ENDPOINT_URL_LAMBDA) reaches several functions and
// versions, and can answer with throttles; and a Lambda Runtime API that
// hands a bootstrap a few events and records its answers.
package awsfake
