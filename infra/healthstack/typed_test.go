package healthstack

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsrds"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/lambdahealth/lambdahealth/infra/healthstack/healthstacktest"
)

// grantsOf returns the resources each action is granted on in the health
// function's role, inline or in the managed policies of the stack it attaches.
func grantsOf(t *testing.T, tmpl map[string]any) map[string][]any {
	t.Helper()
	grants := map[string][]any{}
	all := tmpl["Resources"].(map[string]any)
	for _, r := range all {
		r := r.(map[string]any)
		if r["Type"] != "AWS::IAM::Role" || !strings.Contains(r["Properties"].(map[string]any)["Description"].(string), "HealthFunction execution role") {
			continue
		}
		for _, doc := range healthstacktest.PolicyDocuments(all, r["Properties"].(map[string]any)) {
			for _, s := range doc["Statement"].([]any) {
				s := s.(map[string]any)
				actions, ok := s["Action"].([]any)
				if !ok {
					actions = []any{s["Action"]}
				}
				resources, ok := s["Resource"].([]any)
				if !ok {
					resources = []any{s["Resource"]}
				}
				for _, a := range actions {
					grants[a.(string)] = append(grants[a.(string)], resources...)
				}
			}
		}
	}
	return grants
}

func TestTypedChecksGrantTheKindsPermissionsOnTheConstructs(t *testing.T) {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Team"), nil)
	bucket := awss3.NewBucket(stack, jsii.String("Assets"), nil)
	topic := awssns.NewTopic(stack, jsii.String("Events"), nil)
	stream := awskinesis.NewStream(stack, jsii.String("Clicks"), nil)
	bus := awsevents.NewEventBus(stack, jsii.String("Bus"), nil)
	secret := awssecretsmanager.NewSecret(stack, jsii.String("ApiKey"), nil)
	vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{MaxAzs: jsii.Number(2), NatGateways: jsii.Number(0)})
	db := awsrds.NewDatabaseInstance(stack, jsii.String("Db"), &awsrds.DatabaseInstanceProps{
		Engine:     awsrds.DatabaseInstanceEngine_Postgres(&awsrds.PostgresInstanceEngineProps{Version: awsrds.PostgresEngineVersion_VER_16()}),
		Vpc:        vpc,
		VpcSubnets: &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
	})
	NewHealth(stack, "Health", &HealthProps{
		AssetDir: assetDir(t),
		Checks: []Check{
			BucketCheck("assets", bucket, &BucketOptions{ProbeKey: "health-probe"}),
			TopicCheck("events", topic, &CheckOptions{Optional: true}),
			StreamCheck("clicks", stream, nil),
			EventBusCheck("bus", bus, nil),
			SecretCheck("api-key", secret, nil),
			PostgresCheck("orders-db", db, &DatabaseOptions{Secret: db.Secret(), Database: "orders"}),
		},
	})
	tmpl := *assertions.Template_FromStack(stack, nil).ToJSON()
	grants := grantsOf(t, tmpl)
	id := func(c awscdk.Resource) string {
		return *stack.GetLogicalId(c.Node().DefaultChild().(awscdk.CfnElement))
	}
	getAtt := func(c awscdk.Resource) any { return map[string]any{"Fn::GetAtt": []any{id(c), "Arn"}} }
	ref := func(c awscdk.Resource) any { return map[string]any{"Ref": id(c)} }
	dbSecret := map[string]any{"Ref": *stack.GetLogicalId(db.Secret().Node().DefaultChild().(awscdk.CfnElement))}
	for action, want := range map[string][]any{
		"s3:PutObject":                  {map[string]any{"Fn::Join": []any{"", []any{getAtt(bucket), "/health-probe/*"}}}},
		"sns:GetTopicAttributes":        {ref(topic)},
		"kinesis:DescribeStreamSummary": {getAtt(stream)},
		"events:DescribeEventBus":       {getAtt(bus)},
		"secretsmanager:DescribeSecret": {ref(secret)},
		"secretsmanager:GetSecretValue": {dbSecret},
	} {
		if got := grants[action]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s on %v; want %v", action, got, want)
		}
	}
}

func TestTypedChecksValidateWhatIsKnownAtSynth(t *testing.T) {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Team"), nil)
	imported := awsdynamodb.Table_FromTableName(stack, jsii.String("Orders"), jsii.String("not a table"))
	made := awsdynamodb.NewTable(stack, jsii.String("Made"), &awsdynamodb.TableProps{
		PartitionKey: &awsdynamodb.Attribute{Name: jsii.String("id"), Type: awsdynamodb.AttributeType_STRING},
	})
	p := HealthProps{Checks: []Check{TableCheck("made", made, nil), TableCheck("imported", imported, nil)}}
	err := p.Validate()
	if err == nil || !strings.Contains(err.Error(), "HEALTH_CHECKS[1].table") || strings.Contains(err.Error(), "HEALTH_CHECKS[0]") {
		t.Errorf("Validate() = %v; want only the imported table's name refused (the made one's is a token)", err)
	}
}
