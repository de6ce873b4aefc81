package awserr

import (
	"errors"
	"net/http"
	"time"

	"github.com/aws/smithy-go"

	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// codes maps AWS API error codes to safe classes. Codes differ between
// services and protocols (SQS's query protocol says
// "AWS.SimpleQueueService.NonExistentQueue", its JSON protocol
// "QueueDoesNotExist"; S3's HeadBucket has no body, so the SDK names the
// error after the status, "NotFound" or "Forbidden"), hence the synonyms.
var codes = map[string]string{
	// The resource is missing.
	"AWS.SimpleQueueService.NonExistentQueue": health.ClassNotFound,
	"QueueDoesNotExist":                       health.ClassNotFound,
	"NotFound":                                health.ClassNotFound,
	"NoSuchBucket":                            health.ClassNotFound,
	"NoSuchKey":                               health.ClassNotFound,
	"ResourceNotFoundException":               health.ClassNotFound,
	"NotFoundException":                       health.ClassNotFound,
	"TableNotFoundException":                  health.ClassNotFound,
	// CodeDeploy's GetDeployment, for an unknown or malformed ID.
	"DeploymentDoesNotExistException": health.ClassNotFound,
	"InvalidDeploymentIdException":    health.ClassNotFound,

	// The caller may not do it, or is not who it says.
	"AccessDenied":                health.ClassDenied,
	"AuthorizationError":          health.ClassDenied,
	"AccessDeniedException":       health.ClassDenied,
	"Forbidden":                   health.ClassDenied,
	"InvalidClientTokenId":        health.ClassDenied,
	"InvalidAccessKeyId":          health.ClassDenied,
	"UnrecognizedClientException": health.ClassDenied,
	"SignatureDoesNotMatch":       health.ClassDenied,
	"InvalidSignatureException":   health.ClassDenied,
	"IncompleteSignature":         health.ClassDenied,
	"MissingAuthenticationToken":  health.ClassDenied,
	"ExpiredToken":                health.ClassDenied,
	"ExpiredTokenException":       health.ClassDenied,
	"KMS.AccessDeniedException":   health.ClassDenied,
	"KmsAccessDenied":             health.ClassDenied,

	// The service sheds load.
	"Throttling":                             health.ClassThrottled,
	"ThrottlingException":                    health.ClassThrottled,
	"ThrottledException":                     health.ClassThrottled,
	"Throttled":                              health.ClassThrottled,
	"RequestThrottled":                       health.ClassThrottled,
	"RequestThrottledException":              health.ClassThrottled,
	"TooManyRequestsException":               health.ClassThrottled,
	"RequestLimitExceeded":                   health.ClassThrottled,
	"OverLimit":                              health.ClassThrottled,
	"SlowDown":                               health.ClassThrottled,
	"ProvisionedThroughputExceededException": health.ClassThrottled,
	"KMS.ThrottlingException":                health.ClassThrottled,
	"LimitExceededException":                 health.ClassThrottled,
	"RequestLimitExceededException":          health.ClassThrottled,
}

// statuses maps HTTP statuses to safe classes, for API errors whose code is
// not in codes.
var statuses = map[int]string{
	http.StatusForbidden:       health.ClassDenied,
	http.StatusNotFound:        health.ClassNotFound,
	http.StatusTooManyRequests: health.ClassThrottled,
	// HeadBucket's errors have no body: S3's 503 SlowDown arrives as a
	// bare 503, which every AWS service also uses for "unavailable".
	http.StatusServiceUnavailable: ClassUnavailable,
}

// ClassUnavailable is the class of a bare 503 from an AWS API.
const ClassUnavailable = "service unavailable"

// Class returns the safe class of an AWS API error, or "" when err is not
// one it recognises.
func Class(err error) string {
	if err == nil {
		return ""
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		if class, ok := codes[api.ErrorCode()]; ok {
			return class
		}
	}
	var resp interface{ HTTPStatusCode() int }
	if errors.As(err, &resp) {
		if class, ok := statuses[resp.HTTPStatusCode()]; ok {
			return class
		}
	}
	return ""
}

// Classify wraps err with its safe class (health.WithClass) when it is an
// AWS API error it recognises, and returns err unchanged otherwise, so that
// health.Classify can still name network errors and deadlines. It returns
// nil for nil.
func Classify(err error) error {
	if class := Class(err); class != "" {
		return health.WithClass(class, err)
	}
	return err
}

// Describe returns the safe class of an error from an AWS call, as
// health.Classify names it once Classify has recognised the AWS API errors;
// timeout is the limit a deadline error reports (0: none named).
func Describe(err error, timeout time.Duration) string {
	return health.Classify(Classify(err), timeout)
}
