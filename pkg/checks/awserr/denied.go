package awserr

import (
	"strings"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// ClassifyCall is Classify for one call of a check, which perm (the kind's
// own IAM data, checks.Spec.Permissions) authorizes with action. A denied
// call's class names what is missing, "access denied: dynamodb:DescribeTable
// on table/orders": the action and the resource's short form (shortResource),
// never AWS's message, the account or the Region.
func ClassifyCall(err error, perm checks.Permission, action string) error {
	if Class(err) == health.ClassDenied {
		return health.WithClass(DeniedClass(action, perm.Resource), err)
	}
	return Classify(err)
}

// DeniedClass is the class of a denied call of action on resource (an ARN,
// possibly with pseudo parameters): "access denied: ACTION on SHORT", or
// "access denied: ACTION" when the resource is not known.
func DeniedClass(action, resource string) string {
	class := health.ClassDenied + ": " + action
	if short := shortResource(resource); short != "" {
		class += " on " + short
	}
	return class
}

// kindOf names the resources of the services whose ARNs hold a bare name.
var kindOf = map[string]string{"sqs": "queue ", "sns": "topic ", "s3": "bucket "}

// shortResource is an ARN's resource part, without the account and the
// Region: "table/orders", "stream/clicks", "secret:orders/api-key", and
// for the services whose ARNs hold a bare name "queue orders", "topic
// events", "bucket assets/health-probe/*". A secret name's wildcard suffix
// (-??????) is left out. "" for what is not an ARN.
func shortResource(arn string) string {
	// Pseudo parameters hold "::"; none of them is part of the short form.
	arn = strings.NewReplacer("${AWS::Partition}", "aws", "${AWS::Region}", "", "${AWS::AccountId}", "").Replace(arn)
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[5] == "" {
		return ""
	}
	return kindOf[parts[2]] + strings.TrimSuffix(parts[5], "-??????")
}
