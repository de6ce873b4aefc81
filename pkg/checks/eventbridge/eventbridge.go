// Package eventbridge checks an Amazon EventBridge event bus: the kind
// "eventbridge" of HEALTH_CHECKS.
//
// Field: "eventBus" (its name or ARN; default "default"). The check calls
// DescribeEventBus. IAM: events:DescribeEventBus on the bus. Errors:
// ResourceNotFoundException is "not found", ThrottlingException
// "throttled", AccessDeniedException "access denied".
package eventbridge

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsevents "github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awscheck"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// The IAM actions of the kind's permissions, as IAM spells them.
const (
	// ActionDescribeEventBus authorizes the call the check makes.
	ActionDescribeEventBus = "events:DescribeEventBus"
)

// Type is the kind's "type" in HEALTH_CHECKS.
const Type = "eventbridge"

// DefaultEventBus is the bus checked when EventBus is empty.
const DefaultEventBus = "default"

// Spec is an eventbridge check's HEALTH_CHECKS fields.
type Spec struct {
	// EventBus is the bus's name or ARN. Default DefaultEventBus.
	EventBus string `json:"eventBus,omitempty"`
}

// Type returns Type.
func (Spec) Type() string { return Type }

var (
	busName = checks.LazyRegexp(`^[A-Za-z0-9/_.-]{1,256}$`)
	busARN  = checks.LazyRegexp(`^arn:[a-z-]+:events:[a-z0-9-]+:[0-9]{12}:event-bus/[A-Za-z0-9/_.-]{1,256}$`)
)

// bus returns the bus name or ARN, with the default.
func (s Spec) bus() string {
	if s.EventBus == "" {
		return DefaultEventBus
	}
	return s.EventBus
}

// Validate names every field that is wrong.
func (s Spec) Validate() error {
	var p checks.Problems
	if b := s.bus(); !busName().MatchString(b) && !busARN().MatchString(b) {
		p.Add("eventBus", "must be an event bus name (1-256 of A-Za-z0-9/_.-) or event bus ARN")
	}
	return p.Err()
}

// Permissions is events:DescribeEventBus on the bus.
func (s Spec) Permissions() []checks.Permission {
	arn := checks.ResourceARN(s.bus(), "events", "event-bus/"+s.bus())
	return []checks.Permission{{Actions: []string{ActionDescribeEventBus}, Resource: arn, Parameter: "EventBusArns"}}
}

// Check builds the check with the env's EventBridge client.
func (s Spec) Check(_ context.Context, c checks.Common, env *checks.Env) (health.Check, error) {
	return awscheck.WithClient(env, Type, func(cfg aws.Config, _ func(string) string) *awsevents.Client {
		return awsevents.NewFromConfig(cfg)
	}, func(client *awsevents.Client) (health.Check, error) { return New(c, s, client) })
}

// API is the part of the EventBridge client the check calls;
// *eventbridge.Client fits.
type API interface {
	DescribeEventBus(ctx context.Context, in *awsevents.DescribeEventBusInput, optFns ...func(*awsevents.Options)) (*awsevents.DescribeEventBusOutput, error)
}

// New returns the check of the bus s names, through client.
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
	bus := s.bus()
	return c.Check(health.ComponentComponent, "", func(ctx context.Context) (health.Observation, error) {
		if _, err := client.DescribeEventBus(ctx, &awsevents.DescribeEventBusInput{Name: &bus}); err != nil {
			return health.Observation{}, fmt.Errorf("describe event bus: %w", awserr.ClassifyCall(err, s.Permissions()[0], ActionDescribeEventBus))
		}
		return health.Observation{}, nil
	}), nil
}
