// Package secretsmanager checks an AWS Secrets Manager secret without ever
// reading its value: the kind "secretsmanager" of HEALTH_CHECKS.
//
// Field: "secretId" (its name or ARN). The check calls DescribeSecret: it
// fails when the secret is scheduled for deletion, and warns when rotation
// is enabled and the last rotation is older than the rotation interval plus
// a day, which means rotation is stuck. IAM: secretsmanager:DescribeSecret
// on the secret (never GetSecretValue). Errors: ResourceNotFoundException is
// "not found", AccessDeniedException "access denied", throttling
// "throttled".
package secretsmanager

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awscheck"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// The IAM actions of the kind's permissions, as IAM spells them.
const (
	// ActionDescribeSecret authorizes the call the check makes (it never reads the value).
	ActionDescribeSecret = "secretsmanager:DescribeSecret"
	// ActionGetSecretValue authorizes reading a login secret (the redis and database kinds).
	ActionGetSecretValue = "secretsmanager:GetSecretValue"
)

// Type is the kind's "type" in HEALTH_CHECKS.
const Type = "secretsmanager"

// RotationGrace is how much later than its interval a rotation may be
// before the check warns that rotation is stuck.
const RotationGrace = 24 * time.Hour

// Spec is a secretsmanager check's HEALTH_CHECKS fields.
type Spec struct {
	// SecretID is the secret's name or ARN. Required.
	SecretID string `json:"secretId"`
}

// Type returns Type.
func (Spec) Type() string { return Type }

// Validate names every field that is wrong.
func (s Spec) Validate() error {
	var p checks.Problems
	if s.SecretID == "" || len(s.SecretID) > 2048 {
		p.Add("secretId", "required: a secret name or ARN")
	}
	return p.Err()
}

// Permissions is secretsmanager:DescribeSecret on the secret: the ARN, or
// for a name the ARN with the six random characters Secrets Manager adds.
func (s Spec) Permissions() []checks.Permission {
	arn := checks.ResourceARN(s.SecretID, "secretsmanager", "secret:"+s.SecretID+"-??????")
	return []checks.Permission{{Actions: []string{ActionDescribeSecret}, Resource: arn, Parameter: "DescribedSecretArns"}}
}

// Check builds the check with the env's Secrets Manager client.
func (s Spec) Check(_ context.Context, c checks.Common, env *checks.Env) (health.Check, error) {
	client, err := Client(env)
	if err != nil {
		return health.Check{}, err
	}
	return New(c, s, client, time.Now)
}

// Client returns the env's Secrets Manager client, which every check that
// reads or describes a secret shares (the database and Redis logins too).
func Client(env *checks.Env) (*awssm.Client, error) {
	return awscheck.Client(env, Type, func(cfg aws.Config, _ func(string) string) *awssm.Client {
		return awssm.NewFromConfig(cfg)
	})
}

// API is the part of the Secrets Manager client the check calls;
// *secretsmanager.Client fits.
type API interface {
	DescribeSecret(ctx context.Context, in *awssm.DescribeSecretInput, optFns ...func(*awssm.Options)) (*awssm.DescribeSecretOutput, error)
}

// New returns the check of the secret s names, through client; now tells
// the time (time.Now).
// It runs the same Validate as a HEALTH_CHECKS entry, and returns its error
// (naming the field) for a spec that could only fail at run time; a nil
// client is an error too.
func New(c checks.Common, s Spec, client API, now func() time.Time) (health.Check, error) {
	if err := s.Validate(); err != nil {
		return health.Check{}, err
	}
	if client == nil {
		return health.Check{}, &checks.FieldError{Field: "client", Problem: "is nil"}
	}
	if now == nil {
		now = time.Now
	}
	id := s.SecretID
	return c.Check(health.ComponentComponent, "", func(ctx context.Context) (health.Observation, error) {
		out, err := client.DescribeSecret(ctx, &awssm.DescribeSecretInput{SecretId: &id})
		if err != nil {
			return health.Observation{}, fmt.Errorf("describe secret: %w", awserr.ClassifyCall(err, s.Permissions()[0], ActionDescribeSecret))
		}
		if out.DeletedDate != nil {
			return health.Observation{}, health.WithClass("scheduled for deletion", fmt.Errorf("deleted on %s", out.DeletedDate))
		}
		if stuck(out, now()) {
			last := "never rotated"
			if out.LastRotatedDate != nil {
				last = "last rotated " + out.LastRotatedDate.UTC().Format(time.RFC3339)
			}
			return health.Observation{Status: health.StatusWarn, Output: "rotation stuck: " + last}, nil
		}
		return health.Observation{}, nil
	}), nil
}

// stuck reports whether rotation is enabled and overdue by RotationGrace.
// A schedule given only as an expression has no interval to compare with.
func stuck(out *awssm.DescribeSecretOutput, now time.Time) bool {
	if !aws.ToBool(out.RotationEnabled) || out.RotationRules == nil || out.RotationRules.AutomaticallyAfterDays == nil {
		return false
	}
	last := out.LastRotatedDate
	if last == nil {
		last = out.CreatedDate
	}
	if last == nil {
		return false
	}
	interval := time.Duration(*out.RotationRules.AutomaticallyAfterDays) * 24 * time.Hour
	return now.Sub(*last) > interval+RotationGrace
}
