package awserr

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// opErr wraps err the way the SDK does, in an operation error.
func opErr(err error) error {
	return &smithy.OperationError{ServiceID: "SQS", OperationName: "GetQueueAttributes", Err: err}
}

func apiErr(code string) error {
	return opErr(&smithy.GenericAPIError{Code: code, Message: "secret-ish message for logs only"})
}

func statusErr(code int) error {
	return opErr(&smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: code}},
		Err:      errors.New("http error"),
	})
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string // health.Classify output
	}{
		{"sqs query not found", apiErr("AWS.SimpleQueueService.NonExistentQueue"), health.ClassNotFound},
		{"sqs json not found", apiErr("QueueDoesNotExist"), health.ClassNotFound},
		{"s3 head not found", apiErr("NotFound"), health.ClassNotFound},
		{"s3 no such bucket", apiErr("NoSuchBucket"), health.ClassNotFound},
		{"secret not found", apiErr("ResourceNotFoundException"), health.ClassNotFound},
		{"deployment not found", apiErr("DeploymentDoesNotExistException"), health.ClassNotFound},
		{"access denied", apiErr("AccessDenied"), health.ClassDenied},
		{"access denied exception", apiErr("AccessDeniedException"), health.ClassDenied},
		{"invalid token", apiErr("InvalidClientTokenId"), health.ClassDenied},
		{"unrecognized client", apiErr("UnrecognizedClientException"), health.ClassDenied},
		{"signature", apiErr("SignatureDoesNotMatch"), health.ClassDenied},
		{"s3 head forbidden", apiErr("Forbidden"), health.ClassDenied},
		{"throttling", apiErr("Throttling"), health.ClassThrottled},
		{"throttling exception", apiErr("ThrottlingException"), health.ClassThrottled},
		{"request throttled", apiErr("RequestThrottled"), health.ClassThrottled},
		{"over limit", apiErr("OverLimit"), health.ClassThrottled},
		{"slow down", apiErr("SlowDown"), health.ClassThrottled},
		{"status 403", statusErr(http.StatusForbidden), health.ClassDenied},
		{"status 404", statusErr(http.StatusNotFound), health.ClassNotFound},
		{"status 429", statusErr(http.StatusTooManyRequests), health.ClassThrottled},
		{"status 500", statusErr(http.StatusInternalServerError), health.ClassFailed},
		{"status 503", statusErr(http.StatusServiceUnavailable), ClassUnavailable},
		{"unknown code", apiErr("InternalError"), health.ClassFailed},
		{"refused", opErr(fmt.Errorf("send: %w", syscall.ECONNREFUSED)), health.ClassRefused},
		{"deadline", opErr(context.DeadlineExceeded), "timeout after 1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Classify(tt.err)
			if !errors.Is(err, tt.err) {
				t.Errorf("Classify(%v) = %v; want it to wrap the original error", tt.err, err)
			}
			if got := health.Classify(err, time.Second); got != tt.want {
				t.Errorf("health.Classify(Classify(%v)) = %q; want %q", tt.err, got, tt.want)
			}
		})
	}
}

func TestClassifyNil(t *testing.T) {
	t.Parallel()
	if err := Classify(nil); err != nil {
		t.Errorf("Classify(nil) = %v; want nil", err)
	}
	if got := Class(nil); got != "" {
		t.Errorf("Class(nil) = %q; want \"\"", got)
	}
}
