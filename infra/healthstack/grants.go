package healthstack

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lambdahealth/lambdahealth/pkg/checks/dynamodb"
	"github.com/lambdahealth/lambdahealth/pkg/checks/eventbridge"
	"github.com/lambdahealth/lambdahealth/pkg/checks/kinesis"
	"github.com/lambdahealth/lambdahealth/pkg/checks/rds"
	"github.com/lambdahealth/lambdahealth/pkg/checks/redis"
	"github.com/lambdahealth/lambdahealth/pkg/checks/s3"
	"github.com/lambdahealth/lambdahealth/pkg/checks/secretsmanager"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sns"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sqs"
)

// Grant is one statement of the grants both functions need to run the
// checks: actions on resources. A resource may use the pseudo parameters
// ${AWS::Partition}, ${AWS::Region} and ${AWS::AccountId}, as in Fn::Sub.
type Grant struct {
	Actions   []string
	Resources []string
}

// Grants are the IAM grants of the checks: the permissions of each check,
// as its kind states them (checks.Spec.Permissions), on the resource the
// check names, and besides them the resources of the props QueueARNs,
// Bucket, ProbePrefix, DBUserARNs, SecretARNs, TableARNs, TableProbeARNs,
// TopicARNs, StreamARNs, EventBusARNs, DescribedSecretARNs and CacheARNs
// (the SAM template's parameters, which also cover what no check names,
// such as an rds-db user ARN). One grant per set of actions, in order of first appearance, each
// resource once.
func (p HealthProps) Grants() []Grant {
	var grants []Grant
	add := func(actions []string, resources ...string) {
		for i := range grants {
			if slices.Equal(grants[i].Actions, actions) {
				for _, r := range resources {
					if !slices.Contains(grants[i].Resources, r) {
						grants[i].Resources = append(grants[i].Resources, r)
					}
				}
				return
			}
		}
		if len(resources) > 0 {
			grants = append(grants, Grant{Actions: actions, Resources: slices.Compact(slices.Clone(resources))})
		}
	}
	for _, c := range p.Checks {
		if c.Spec == nil {
			continue
		}
		for _, perm := range c.Spec.Permissions() {
			if perm.Resource != "" {
				add(perm.Actions, perm.Resource)
			}
		}
	}
	add([]string{sqs.ActionGetQueueAttributes}, p.QueueARNs...)
	if p.Bucket != "" {
		// HeadBucket is authorized by s3:ListBucket.
		add([]string{s3.ActionListBucket}, "arn:${AWS::Partition}:s3:::"+p.Bucket)
		if p.ProbePrefix != "" {
			add([]string{s3.ActionPutObject, s3.ActionGetObject, s3.ActionDeleteObject}, "arn:${AWS::Partition}:s3:::"+p.Bucket+"/"+p.ProbePrefix+"/*")
		}
	}
	add([]string{rds.ActionConnect}, p.DBUserARNs...)
	add([]string{secretsmanager.ActionGetSecretValue}, p.SecretARNs...)
	add([]string{dynamodb.ActionDescribeTable}, p.TableARNs...)
	add([]string{dynamodb.ActionPutItem, dynamodb.ActionGetItem, dynamodb.ActionDeleteItem}, p.TableProbeARNs...)
	add([]string{sns.ActionGetTopicAttributes, sns.ActionListSubscriptionsByTopic}, p.TopicARNs...)
	add([]string{kinesis.ActionDescribeStreamSummary}, p.StreamARNs...)
	add([]string{eventbridge.ActionDescribeEventBus}, p.EventBusARNs...)
	add([]string{secretsmanager.ActionDescribeSecret}, p.DescribedSecretARNs...)
	add([]string{redis.ActionConnect}, p.CacheARNs...)
	return grants
}

// ungranted reports the checks whose permissions name no resource (such as
// rds-db:connect for iamAuth) and that no prop grants either.
func (p HealthProps) ungranted() []string {
	var problems []string
	granted := map[string]bool{}
	for _, g := range p.Grants() {
		for _, a := range g.Actions {
			granted[a] = true
		}
	}
	for i, c := range p.Checks {
		if c.Spec == nil {
			continue
		}
		for _, perm := range c.Spec.Permissions() {
			if perm.Resource == "" && !granted[perm.Actions[0]] {
				problems = append(problems, fmt.Sprintf("check %s (Checks[%d]) needs %s on a resource it does not name: set %s (template.yaml: %s)",
					c.Name, i, strings.Join(perm.Actions, ", "), propOf[perm.Parameter], perm.Parameter))
			}
		}
	}
	return problems
}

// propOf maps a template.yaml parameter to the prop of the same meaning.
var propOf = map[string]string{
	"QueueArns": "QueueARNs", "BucketName": "Bucket", "ProbePrefix": "ProbePrefix",
	"DbUserArns": "DBUserARNs", "SecretArns": "SecretARNs", "TableArns": "TableARNs", "TableProbeArns": "TableProbeARNs",
	"TopicArns": "TopicARNs", "StreamArns": "StreamARNs", "EventBusArns": "EventBusARNs",
	"DescribedSecretArns": "DescribedSecretARNs", "CacheArns": "CacheARNs",
}
