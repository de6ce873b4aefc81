package sqs

import (
	"context"
	"net/url"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awscheck"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// The IAM actions of the kind's permissions, as IAM spells them.
const (
	// ActionGetQueueAttributes authorizes the call the check makes.
	ActionGetQueueAttributes = "sqs:GetQueueAttributes"
)

// Type is the kind's "type" in HEALTH_CHECKS.
const Type = "sqs"

// Spec is an sqs check's HEALTH_CHECKS fields.
type Spec struct {
	// QueueURL is the queue's URL. Required.
	QueueURL string `json:"queueUrl"`
	// MaxDepth makes the check warn when the queue holds more messages.
	// Default (nil): no limit.
	MaxDepth *int64 `json:"maxDepth,omitempty"`
	// DLQURL is a dead-letter queue whose any message makes the check warn.
	// Default: none.
	DLQURL string `json:"dlqUrl,omitempty"`
}

// Type returns Type.
func (Spec) Type() string { return Type }

// Validate names every field that is wrong.
func (s Spec) Validate() error {
	var p checks.Problems
	if !isHTTPURL(s.QueueURL) {
		p.Add("queueUrl", "required: an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)")
	}
	if s.DLQURL != "" && !isHTTPURL(s.DLQURL) {
		p.Add("dlqUrl", "must be an SQS queue URL")
	}
	if s.MaxDepth != nil && *s.MaxDepth < 0 {
		p.Add("maxDepth", "must not be negative")
	}
	return p.Err()
}

// Permissions is sqs:GetQueueAttributes on the queue and the dead-letter
// queue.
func (s Spec) Permissions() []checks.Permission {
	perms := []checks.Permission{permission(s.QueueURL)}
	if s.DLQURL != "" {
		perms = append(perms, permission(s.DLQURL))
	}
	return perms
}

func permission(queueURL string) checks.Permission {
	return checks.Permission{Actions: []string{ActionGetQueueAttributes}, Resource: QueueARN(queueURL), Parameter: "QueueArns"}
}

// Check builds the check with the env's SQS client.
func (s Spec) Check(_ context.Context, c checks.Common, env *checks.Env) (health.Check, error) {
	return awscheck.WithClient(env, Type, func(cfg aws.Config, _ func(string) string) *awssqs.Client {
		return awssqs.NewFromConfig(cfg)
	}, func(client *awssqs.Client) (health.Check, error) { return New(c, s, client) })
}

// queueHost matches the host of an SQS queue URL in AWS:
// sqs.REGION.amazonaws.com[.cn] or the legacy REGION.queue.amazonaws.com.
var queueHost = regexp.MustCompile(`^(?:sqs\.([a-z0-9-]+)|([a-z0-9-]+)\.queue)\.amazonaws\.com(\.cn)?$`)

// QueueARN returns the ARN of the queue at an AWS queue URL
// (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME), or "" for a URL that is
// not one (such as an emulator's).
func QueueARN(queueURL string) string {
	u, err := url.Parse(queueURL)
	if err != nil {
		return ""
	}
	m := queueHost.FindStringSubmatch(u.Hostname())
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if m == nil || len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return ""
	}
	region, partition := m[1]+m[2], "aws"
	if m[3] != "" {
		partition = "aws-cn"
	}
	return "arn:" + partition + ":sqs:" + region + ":" + parts[0] + ":" + parts[1]
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
