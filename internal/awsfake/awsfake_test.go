package awsfake

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

func config(url string) aws.Config {
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
}

// The fake speaks CodeDeploy's protocol as the SDK reads it: typed errors
// included.
func TestCodeDeployThroughSDK(t *testing.T) {
	fake := NewCodeDeploy()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	client := codedeploy.NewFromConfig(config(srv.URL))
	ctx := context.Background()

	_, err := client.GetDeployment(ctx, &codedeploy.GetDeploymentInput{DeploymentId: aws.String("d-NONE")})
	var missing *cdtypes.DeploymentDoesNotExistException
	if !errors.As(err, &missing) {
		t.Errorf("GetDeployment(unknown) error = %v; want DeploymentDoesNotExistException", err)
	}
	spec := LambdaAppSpec("orders", "live", "1", "2")
	fake.AddDeployment("d-1", spec)
	out, err := client.GetDeployment(ctx, &codedeploy.GetDeploymentInput{DeploymentId: aws.String("d-1")})
	if err != nil || aws.ToString(out.DeploymentInfo.Revision.AppSpecContent.Content) != spec ||
		out.DeploymentInfo.ComputePlatform != cdtypes.ComputePlatformLambda {
		t.Fatalf("GetDeployment = %+v, %v", out, err)
	}
	if _, err := client.PutLifecycleEventHookExecutionStatus(ctx, &codedeploy.PutLifecycleEventHookExecutionStatusInput{
		DeploymentId: aws.String("d-1"), LifecycleEventHookExecutionId: aws.String("e-1"), Status: cdtypes.LifecycleEventStatusFailed,
	}); err != nil {
		t.Fatalf("PutLifecycleEventHookExecutionStatus: %v", err)
	}
	if r, ok := fake.WaitReport(1, 0); !ok || r.DeploymentID != "d-1" || r.ExecutionID != "e-1" || r.Status != "Failed" {
		t.Errorf("report = %+v, %v", r, ok)
	}
}

func TestLambdaFrontThroughSDK(t *testing.T) {
	front := NewLambdaFront()
	srv := httptest.NewServer(front)
	defer srv.Close()
	client := lambda.NewFromConfig(config(srv.URL))
	ctx := context.Background()

	front.Throttle(1)
	_, err := client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("orders"), Qualifier: aws.String("2")})
	var throttled *ltypes.TooManyRequestsException
	if !errors.As(err, &throttled) {
		t.Errorf("throttled Invoke error = %v; want TooManyRequestsException", err)
	}
	_, err = client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("orders"), Qualifier: aws.String("2")})
	var notFound *ltypes.ResourceNotFoundException
	if !errors.As(err, &notFound) {
		t.Errorf("Invoke of an unrouted version error = %v; want ResourceNotFoundException", err)
	}
	if got := front.Calls(); len(got) != 2 || got[0] != "orders:2" {
		t.Errorf("calls = %q", got)
	}
}
