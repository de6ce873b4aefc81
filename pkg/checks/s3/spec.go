package s3

import (
	"context"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awscheck"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// The IAM actions of the kind's permissions, as IAM spells them.
const (
	// ActionListBucket authorizes HeadBucket, the check without a probe key.
	ActionListBucket = "s3:ListBucket"
	// ActionPutObject authorizes the probe's write.
	ActionPutObject = "s3:PutObject"
	// ActionGetObject authorizes the probe's read.
	ActionGetObject = "s3:GetObject"
	// ActionDeleteObject authorizes the probe's delete.
	ActionDeleteObject = "s3:DeleteObject"
)

// Type is the kind's "type" in HEALTH_CHECKS.
const Type = "s3"

// Spec is an s3 check's HEALTH_CHECKS fields.
type Spec struct {
	// Bucket is the bucket's name. Required.
	Bucket string `json:"bucket"`
	// ProbeKey makes the check write, read and delete an object under this
	// key prefix instead of calling HeadBucket. Default: HeadBucket.
	ProbeKey string `json:"probeKey,omitempty"`
}

// Type returns Type.
func (Spec) Type() string { return Type }

var bucketPattern = checks.LazyRegexp(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// Validate names every field that is wrong.
func (s Spec) Validate() error {
	var p checks.Problems
	if !bucketPattern().MatchString(s.Bucket) {
		p.Add("bucket", "required: an S3 bucket name (3-63 lowercase letters, digits, '.', '-')")
	}
	if strings.HasPrefix(s.ProbeKey, "/") {
		p.Add("probeKey", "must not start with /")
	}
	return p.Err()
}

// Permissions is s3:ListBucket on the bucket (HeadBucket), or, with a probe
// key, s3:PutObject, s3:GetObject and s3:DeleteObject under that prefix only.
func (s Spec) Permissions() []checks.Permission {
	bucket := "arn:${AWS::Partition}:s3:::" + s.Bucket
	if s.ProbeKey == "" {
		return []checks.Permission{{Actions: []string{ActionListBucket}, Resource: bucket, Parameter: "BucketName"}}
	}
	return []checks.Permission{{
		Actions:   []string{ActionPutObject, ActionGetObject, ActionDeleteObject},
		Resource:  bucket + "/" + strings.TrimSuffix(s.ProbeKey, "/") + "/*",
		Parameter: "ProbePrefix",
	}}
}

// Check builds the check with the env's S3 client.
func (s Spec) Check(_ context.Context, c checks.Common, env *checks.Env) (health.Check, error) {
	client, err := awscheck.Client(env, Type, func(cfg aws.Config, getenv func(string) string) *awss3.Client {
		pathStyle := usePathStyle(cfg, getenv)
		return awss3.NewFromConfig(cfg, func(o *awss3.Options) { o.UsePathStyle = pathStyle })
	})
	if err != nil {
		return health.Check{}, err
	}
	return New(c, s, client)
}

// usePathStyle reports whether S3 requests put the bucket in the path
// (http://endpoint/bucket/key) rather than in the host name
// (http://bucket.endpoint/key). AWS itself wants the host name, but an
// emulator such as LocalStack on http://127.0.0.1:4566 can only be reached
// by path, because "bucket.127.0.0.1" resolves to nothing. So path style is
// used when AWS_S3_USE_PATH_STYLE says so, and otherwise whenever the S3
// endpoint has been overridden (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, or a
// BaseEndpoint in the configuration); AWS_S3_USE_PATH_STYLE=false keeps
// host-name addressing for an overridden endpoint that supports it.
func usePathStyle(cfg aws.Config, getenv func(string) string) bool {
	if v := getenv("AWS_S3_USE_PATH_STYLE"); v != "" {
		on, err := strconv.ParseBool(v)
		return err == nil && on
	}
	return getenv("AWS_ENDPOINT_URL_S3") != "" || getenv("AWS_ENDPOINT_URL") != "" || cfg.BaseEndpoint != nil
}
