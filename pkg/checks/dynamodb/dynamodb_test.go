package dynamodb

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// fakeDDB is a hand-written fake of API: a table and its items.
type fakeDDB struct {
	describe func(ctx context.Context) (*awsddb.DescribeTableOutput, error)
	putErr   error
	items    map[string]map[string]types.AttributeValue
	deletes  int
}

func (f *fakeDDB) DescribeTable(ctx context.Context, _ *awsddb.DescribeTableInput, _ ...func(*awsddb.Options)) (*awsddb.DescribeTableOutput, error) {
	return f.describe(ctx)
}

func keyOf(k map[string]types.AttributeValue) string {
	return k["pk"].(*types.AttributeValueMemberS).Value
}

func (f *fakeDDB) PutItem(_ context.Context, in *awsddb.PutItemInput, _ ...func(*awsddb.Options)) (*awsddb.PutItemOutput, error) {
	if f.putErr != nil {
		return nil, f.putErr
	}
	f.items[keyOf(in.Item)] = in.Item
	return &awsddb.PutItemOutput{}, nil
}

func (f *fakeDDB) GetItem(_ context.Context, in *awsddb.GetItemInput, _ ...func(*awsddb.Options)) (*awsddb.GetItemOutput, error) {
	return &awsddb.GetItemOutput{Item: f.items[keyOf(in.Key)]}, nil
}

func (f *fakeDDB) DeleteItem(_ context.Context, in *awsddb.DeleteItemInput, _ ...func(*awsddb.Options)) (*awsddb.DeleteItemOutput, error) {
	f.deletes++
	delete(f.items, keyOf(in.Key))
	return &awsddb.DeleteItemOutput{}, nil
}

func table(status types.TableStatus, keyType types.ScalarAttributeType) func(context.Context) (*awsddb.DescribeTableOutput, error) {
	return func(context.Context) (*awsddb.DescribeTableOutput, error) {
		return &awsddb.DescribeTableOutput{Table: &types.TableDescription{
			TableStatus:          status,
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: keyType}},
		}}, nil
	}
}

func apiErr(code string) func(context.Context) (*awsddb.DescribeTableOutput, error) {
	return func(context.Context) (*awsddb.DescribeTableOutput, error) {
		return nil, &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "DescribeTable",
			Err: &smithy.GenericAPIError{Code: code, Message: "arn:aws:dynamodb:us-east-1:123456789012:table/orders"}}
	}
}

func TestProbe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		describe   func(context.Context) (*awsddb.DescribeTableOutput, error)
		probeKey   string
		putErr     error
		wantStatus health.Status
		wantOutput string
	}{
		{"active", table(types.TableStatusActive, types.ScalarAttributeTypeS), "", nil, health.StatusPass, ""},
		{"updating warns", table(types.TableStatusUpdating, types.ScalarAttributeTypeS), "", nil, health.StatusWarn, "table UPDATING"},
		{"creating fails", table(types.TableStatusCreating, types.ScalarAttributeTypeS), "", nil, health.StatusFail, "table CREATING"},
		{"deleting fails", table(types.TableStatusDeleting, types.ScalarAttributeTypeS), "", nil, health.StatusFail, "table DELETING"},
		{"missing", apiErr("ResourceNotFoundException"), "", nil, health.StatusFail, health.ClassNotFound},
		{"denied", apiErr("AccessDeniedException"), "", nil, health.StatusFail, "access denied: dynamodb:DescribeTable on table/orders"},
		{"throttled", apiErr("ThrottlingException"), "", nil, health.StatusFail, health.ClassThrottled},
		{"over capacity", apiErr("ProvisionedThroughputExceededException"), "", nil, health.StatusFail, health.ClassThrottled},
		{"probe round trip", table(types.TableStatusActive, types.ScalarAttributeTypeS), "health", nil, health.StatusPass, ""},
		{"probe put denied", table(types.TableStatusActive, types.ScalarAttributeTypeS), "health",
			&smithy.GenericAPIError{Code: "AccessDeniedException"}, health.StatusFail, "access denied: dynamodb:PutItem on table/orders"},
		{"probe needs a string key", table(types.TableStatusActive, types.ScalarAttributeTypeN), "health", nil,
			health.StatusFail, "probeKey needs a string partition key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeDDB{describe: tt.describe, putErr: tt.putErr, items: map[string]map[string]types.AttributeValue{}}
			check := checktest.Must(t)(New(checks.Common{Name: "orders"}, Spec{Table: "orders", ProbeKey: tt.probeKey}, f))
			obs, err := check.Probe(context.Background())
			status, output := health.StatusPass, ""
			if obs.Status != "" {
				status, output = obs.Status, obs.Output
			}
			if err != nil {
				status, output = health.StatusFail, health.Classify(err, time.Second)
			}
			if status != tt.wantStatus || output != tt.wantOutput {
				t.Errorf("Probe() = %s %q; want %s %q (error %v)", status, output, tt.wantStatus, tt.wantOutput, err)
			}
			if len(f.items) != 0 {
				t.Errorf("probe items left behind: %v", f.items)
			}
			if tt.probeKey != "" && tt.wantOutput != "probeKey needs a string partition key" && f.deletes != 1 {
				t.Errorf("deletes = %d; want 1", f.deletes)
			}
		})
	}
}

func TestSpec(t *testing.T) {
	t.Parallel()
	for _, s := range []Spec{{Table: "orders"}, {Table: "arn:aws:dynamodb:us-east-1:123456789012:table/orders"}} {
		if err := s.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v; want nil", s, err)
		}
	}
	var fe *checks.FieldError
	if err := (Spec{Table: "a b"}).Validate(); !errors.As(err, &fe) || fe.Field != "table" {
		t.Errorf("Validate(bad table) = %v; want a FieldError naming table", err)
	}
	perms := Spec{Table: "orders", ProbeKey: "health"}.Permissions()
	if len(perms) != 2 || perms[0].Resource != "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders" ||
		perms[1].Actions[0] != "dynamodb:PutItem" {
		t.Errorf("Permissions() = %+v", perms)
	}
}
