// Package kinesis checks an Amazon Kinesis data stream: the kind "kinesis"
// of HEALTH_CHECKS.
//
// Field: "stream" (its name or ARN). The check calls
// DescribeStreamSummary: ACTIVE passes, UPDATING warns, and any other state
// (CREATING, DELETING) fails with the state. IAM:
// kinesis:DescribeStreamSummary on the stream. Errors:
// ResourceNotFoundException is "not found", LimitExceededException
// "throttled", AccessDeniedException "access denied".
package kinesis

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskinesis "github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awscheck"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// The IAM actions of the kind's permissions, as IAM spells them.
const (
	// ActionDescribeStreamSummary authorizes the call the check makes.
	ActionDescribeStreamSummary = "kinesis:DescribeStreamSummary"
)

// Type is the kind's "type" in HEALTH_CHECKS.
const Type = "kinesis"

// Spec is a kinesis check's HEALTH_CHECKS fields.
type Spec struct {
	// Stream is the stream's name or ARN. Required.
	Stream string `json:"stream"`
}

// Type returns Type.
func (Spec) Type() string { return Type }

var (
	streamName = checks.LazyRegexp(`^[A-Za-z0-9_.-]{1,128}$`)
	streamARN  = checks.LazyRegexp(`^arn:[a-z-]+:kinesis:[a-z0-9-]+:[0-9]{12}:stream/[A-Za-z0-9_.-]{1,128}$`)
)

// Validate names every field that is wrong.
func (s Spec) Validate() error {
	var p checks.Problems
	if !streamName().MatchString(s.Stream) && !streamARN().MatchString(s.Stream) {
		p.Add("stream", "required: a Kinesis stream name (1-128 of A-Za-z0-9_.-) or stream ARN")
	}
	return p.Err()
}

// Permissions is kinesis:DescribeStreamSummary on the stream.
func (s Spec) Permissions() []checks.Permission {
	arn := checks.ResourceARN(s.Stream, "kinesis", "stream/"+s.Stream)
	return []checks.Permission{{Actions: []string{ActionDescribeStreamSummary}, Resource: arn, Parameter: "StreamArns"}}
}

// Check builds the check with the env's Kinesis client.
func (s Spec) Check(_ context.Context, c checks.Common, env *checks.Env) (health.Check, error) {
	return awscheck.WithClient(env, Type, func(cfg aws.Config, _ func(string) string) *awskinesis.Client {
		return awskinesis.NewFromConfig(cfg)
	}, func(client *awskinesis.Client) (health.Check, error) { return New(c, s, client) })
}

// API is the part of the Kinesis client the check calls; *kinesis.Client
// fits.
type API interface {
	DescribeStreamSummary(ctx context.Context, in *awskinesis.DescribeStreamSummaryInput, optFns ...func(*awskinesis.Options)) (*awskinesis.DescribeStreamSummaryOutput, error)
}

// New returns the check of the stream s names, through client.
// It runs the same Validate as a HEALTH_CHECKS entry, and returns its error
// (naming the field) for a spec that could only fail at run time; a nil
// client is an error too.
func New(c checks.Common, s Spec, client API) (health.Check, error) {
	if err := s.Validate(); err != nil {
		return health.Check{}, err
	}
	if client == nil {
		return health.Check{}, &checks.FieldError{Field: "client", Problem: "is nil"}
	}
	in := &awskinesis.DescribeStreamSummaryInput{}
	if strings.HasPrefix(s.Stream, "arn:") {
		in.StreamARN = aws.String(s.Stream)
	} else {
		in.StreamName = aws.String(s.Stream)
	}
	return c.Check(health.ComponentComponent, "", func(ctx context.Context) (health.Observation, error) {
		out, err := client.DescribeStreamSummary(ctx, in)
		if err != nil {
			return health.Observation{}, fmt.Errorf("describe stream summary: %w", awserr.ClassifyCall(err, s.Permissions()[0], ActionDescribeStreamSummary))
		}
		if out.StreamDescriptionSummary == nil {
			return health.Observation{}, health.WithClass("invalid response", errors.New("no stream in the answer"))
		}
		switch status := out.StreamDescriptionSummary.StreamStatus; status {
		case types.StreamStatusActive:
			return health.Observation{}, nil
		case types.StreamStatusUpdating:
			return health.Observation{Status: health.StatusWarn, Output: "stream UPDATING"}, nil
		default:
			return health.Observation{}, health.WithClass("stream "+string(status), fmt.Errorf("stream status %s", status))
		}
	}), nil
}
