// Package sns checks an Amazon SNS topic: the kind "sns" of HEALTH_CHECKS.
//
// Field: "topicArn". The check calls GetTopicAttributes; it warns when the
// topic has no confirmed subscription, since nobody would hear what is
// published to it. The attribute SubscriptionsConfirmed says so in AWS; when
// it says "0" the check counts with ListSubscriptionsByTopic (a subscription
// whose ARN is not "PendingConfirmation"), because emulators (LocalStack,
// moto) report "0" whatever the subscriptions. Both calls go out at once,
// so a probe costs one round trip. IAM: sns:GetTopicAttributes
// and sns:ListSubscriptionsByTopic on the topic. Errors:
// NotFound is "not found", AuthorizationError "access denied", Throttled
// "throttled".
package sns

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awscheck"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// The IAM actions of the kind's permissions, as IAM spells them.
const (
	// ActionGetTopicAttributes authorizes the first call the check makes.
	ActionGetTopicAttributes = "sns:GetTopicAttributes"
	// ActionListSubscriptionsByTopic authorizes the second call the check makes.
	ActionListSubscriptionsByTopic = "sns:ListSubscriptionsByTopic"
)

// Type is the kind's "type" in HEALTH_CHECKS.
const Type = "sns"

// Spec is an sns check's HEALTH_CHECKS fields.
type Spec struct {
	// TopicARN is the topic's ARN. Required.
	TopicARN string `json:"topicArn"`
}

// Type returns Type.
func (Spec) Type() string { return Type }

var topicARN = checks.LazyRegexp(`^arn:[a-z-]+:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$`)

// Validate names every field that is wrong.
func (s Spec) Validate() error {
	var p checks.Problems
	if !topicARN().MatchString(s.TopicARN) {
		p.Add("topicArn", "required: an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)")
	}
	return p.Err()
}

// Permissions is sns:GetTopicAttributes on the topic.
func (s Spec) Permissions() []checks.Permission {
	return []checks.Permission{{Actions: []string{ActionGetTopicAttributes, ActionListSubscriptionsByTopic}, Resource: s.TopicARN, Parameter: "TopicArns"}}
}

// Check builds the check with the env's SNS client.
func (s Spec) Check(_ context.Context, c checks.Common, env *checks.Env) (health.Check, error) {
	return awscheck.WithClient(env, Type, func(cfg aws.Config, _ func(string) string) *awssns.Client {
		return awssns.NewFromConfig(cfg)
	}, func(client *awssns.Client) (health.Check, error) { return New(c, s, client) })
}

// API is the part of the SNS client the check calls; *sns.Client fits.
type API interface {
	GetTopicAttributes(ctx context.Context, in *awssns.GetTopicAttributesInput, optFns ...func(*awssns.Options)) (*awssns.GetTopicAttributesOutput, error)
	ListSubscriptionsByTopic(ctx context.Context, in *awssns.ListSubscriptionsByTopicInput, optFns ...func(*awssns.Options)) (*awssns.ListSubscriptionsByTopicOutput, error)
}

// New returns the check of the topic s names, through client.
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
	topic := s.TopicARN
	return c.Check(health.ComponentComponent, "", func(ctx context.Context) (health.Observation, error) {
		// Both calls at once, so that the probe costs one round trip: the
		// list is only needed when the attribute says "0".
		type listed struct {
			confirmed bool
			err       error
		}
		list := make(chan listed, 1) // buffered: the sender never blocks
		go func() {
			ok, err := anyConfirmed(ctx, client, topic)
			list <- listed{ok, err}
		}()
		out, err := client.GetTopicAttributes(ctx, &awssns.GetTopicAttributesInput{TopicArn: &topic})
		if err != nil {
			return health.Observation{}, fmt.Errorf("get topic attributes: %w", awserr.ClassifyCall(err, s.Permissions()[0], ActionGetTopicAttributes))
		}
		if n := out.Attributes["SubscriptionsConfirmed"]; n != "0" && n != "" {
			return health.Observation{}, nil
		}
		var l listed
		select {
		case l = <-list:
		case <-ctx.Done():
			l.err = ctx.Err()
		}
		if l.err != nil {
			return health.Observation{}, fmt.Errorf("list subscriptions: %w", awserr.ClassifyCall(l.err, s.Permissions()[0], ActionListSubscriptionsByTopic))
		}
		if !l.confirmed {
			return health.Observation{Status: health.StatusWarn, Output: "no confirmed subscription"}, nil
		}
		return health.Observation{}, nil
	}), nil
}

// anyConfirmed reports whether the topic has a subscription that is not
// pending confirmation, page by page.
func anyConfirmed(ctx context.Context, client API, topic string) (bool, error) {
	in := &awssns.ListSubscriptionsByTopicInput{TopicArn: &topic}
	for {
		out, err := client.ListSubscriptionsByTopic(ctx, in)
		if err != nil {
			return false, err
		}
		for _, sub := range out.Subscriptions {
			if arn := aws.ToString(sub.SubscriptionArn); strings.HasPrefix(arn, "arn:") {
				return true, nil
			}
		}
		if out.NextToken == nil {
			return false, nil
		}
		in.NextToken = out.NextToken
	}
}
