// Command cdkapp is the "orders" service of a team that adopts lambdahealth
// in its own CDK app: one stack, OrdersService, with a DynamoDB table, an SQS
// queue and the team's own function, to which healthstack.NewHealth adds the
// health endpoints, the canary, the alarms, the dashboard and the gate. The
// checks are built from the table and the queue themselves: nothing is typed
// twice, and the stack has no parameter to fill in.
//
//	make example-cdk   # cdk synth to examples/cdkapp/cdk.out/OrdersService.template.json
//
// AssetDir (cdk synth -c AssetDir=...) is where `make build` wrote the
// bootstraps; default ../../build. The health and canary bootstraps are
// built at synth with only the kinds the checks use (LeanBootstraps).
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/lambdahealth/lambdahealth/infra/healthstack"
)

// DefaultAssetDir holds <function>/arm64/bootstrap, relative to this directory.
const DefaultAssetDir = "../../build"

func main() {
	app := awscdk.NewApp(nil)
	assets, _ := app.Node().TryGetContext(jsii.String("AssetDir")).(string)
	if assets == "" {
		assets = DefaultAssetDir
	}
	NewOrdersStack(app, "OrdersService", assets)
	app.Synth(nil)
}

// NewOrdersStack is the orders service with health added.
func NewOrdersStack(scope constructs.Construct, id, assets string) awscdk.Stack {
	stack := awscdk.NewStack(scope, jsii.String(id), &awscdk.StackProps{AnalyticsReporting: jsii.Bool(false)})
	table := awsdynamodb.NewTable(stack, jsii.String("Orders"), &awsdynamodb.TableProps{
		PartitionKey: &awsdynamodb.Attribute{Name: jsii.String("id"), Type: awsdynamodb.AttributeType_STRING},
		BillingMode:  awsdynamodb.BillingMode_PAY_PER_REQUEST,
	})
	queue := awssqs.NewQueue(stack, jsii.String("OrderJobs"), nil)
	orders := awslambda.NewFunction(stack, jsii.String("OrdersFunction"), &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_NODEJS_22_X(),
		Handler: jsii.String("index.handler"),
		Code:    awslambda.Code_FromInline(jsii.String("exports.handler = async () => ({ statusCode: 200 });")),
		Environment: &map[string]*string{
			"TABLE_NAME": table.TableName(),
			"QUEUE_URL":  queue.QueueUrl(),
		},
	})
	table.GrantReadWriteData(orders)
	queue.GrantSendMessages(orders)

	healthstack.NewHealth(stack, "Health", &healthstack.HealthProps{
		Service:  "orders",
		AssetDir: assets,
		// Health and canary bootstraps with only the dynamodb and sqs kinds
		// (make build KINDS=dynamodb,sqs in this checkout): a shorter cold start.
		LeanBootstraps: true,
		BuildRoot:      "../..",
		Checks: []healthstack.Check{
			healthstack.TableCheck("orders-table", table, nil),
			healthstack.QueueCheck("order-jobs", queue, &healthstack.QueueOptions{CheckOptions: healthstack.CheckOptions{Optional: true}}),
		},
	})
	return stack
}
