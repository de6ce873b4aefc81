// Package dynamodb checks an Amazon DynamoDB table: the kind "dynamodb" of
// HEALTH_CHECKS.
//
// Fields: "table" (its name or ARN) and, optionally, "probeKey". The check
// calls DescribeTable: an ACTIVE table passes, UPDATING warns, and any other
// state (CREATING, DELETING, ARCHIVED, …) fails with the state. With a
// probeKey it then writes, reads back (consistently) and deletes one item
// whose partition key is probeKey + "/" + a value of its own (the table's
// partition key must be a string; a sort key gets a fixed value of its
// type), so that it proves the table takes writes end to end; the item is
// deleted even when the read fails or the probe runs out of time.
//
// IAM: dynamodb:DescribeTable on the table; with a probeKey also
// dynamodb:PutItem, dynamodb:GetItem and dynamodb:DeleteItem. Errors:
// ResourceNotFoundException is "not found", throttling (including
// ProvisionedThroughputExceededException) "throttled", AccessDenied
// "access denied".
package dynamodb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awscheck"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// The IAM actions of the kind's permissions, as IAM spells them.
const (
	// ActionDescribeTable authorizes the call the check makes.
	ActionDescribeTable = "dynamodb:DescribeTable"
	// ActionPutItem authorizes the probe's write.
	ActionPutItem = "dynamodb:PutItem"
	// ActionGetItem authorizes the probe's read.
	ActionGetItem = "dynamodb:GetItem"
	// ActionDeleteItem authorizes the probe's delete.
	ActionDeleteItem = "dynamodb:DeleteItem"
)

// Type is the kind's "type" in HEALTH_CHECKS.
const Type = "dynamodb"

// Spec is a dynamodb check's HEALTH_CHECKS fields.
type Spec struct {
	// Table is the table's name or ARN. Required.
	Table string `json:"table"`
	// ProbeKey makes the check write, read and delete an item whose
	// partition key starts with this prefix. Default: DescribeTable only.
	ProbeKey string `json:"probeKey,omitempty"`
}

// Type returns Type.
func (Spec) Type() string { return Type }

var (
	tableName = checks.LazyRegexp(`^[A-Za-z0-9_.-]{3,255}$`)
	tableARN  = checks.LazyRegexp(`^arn:[a-z-]+:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$`)
)

// Validate names every field that is wrong.
func (s Spec) Validate() error {
	var p checks.Problems
	if !tableName().MatchString(s.Table) && !tableARN().MatchString(s.Table) {
		p.Add("table", "required: a DynamoDB table name (3-255 of A-Za-z0-9_.-) or table ARN")
	}
	return p.Err()
}

// Permissions is dynamodb:DescribeTable on the table, and with a probe key
// the item calls.
func (s Spec) Permissions() []checks.Permission {
	arn := checks.ResourceARN(s.Table, "dynamodb", "table/"+s.Table)
	perms := []checks.Permission{{Actions: []string{ActionDescribeTable}, Resource: arn, Parameter: "TableArns"}}
	if s.ProbeKey != "" {
		perms = append(perms, checks.Permission{Actions: []string{ActionPutItem, ActionGetItem, ActionDeleteItem},
			Resource: arn, Parameter: "TableProbeArns"})
	}
	return perms
}

// Check builds the check with the env's DynamoDB client.
func (s Spec) Check(_ context.Context, c checks.Common, env *checks.Env) (health.Check, error) {
	return awscheck.WithClient(env, Type, func(cfg aws.Config, _ func(string) string) *awsddb.Client {
		return awsddb.NewFromConfig(cfg)
	}, func(client *awsddb.Client) (health.Check, error) { return New(c, s, client) })
}

// API is the part of the DynamoDB client the check calls; *dynamodb.Client
// fits.
type API interface {
	DescribeTable(ctx context.Context, in *awsddb.DescribeTableInput, optFns ...func(*awsddb.Options)) (*awsddb.DescribeTableOutput, error)
	PutItem(ctx context.Context, in *awsddb.PutItemInput, optFns ...func(*awsddb.Options)) (*awsddb.PutItemOutput, error)
	GetItem(ctx context.Context, in *awsddb.GetItemInput, optFns ...func(*awsddb.Options)) (*awsddb.GetItemOutput, error)
	DeleteItem(ctx context.Context, in *awsddb.DeleteItemInput, optFns ...func(*awsddb.Options)) (*awsddb.DeleteItemOutput, error)
}

// cleanupTimeout is how long the probe item's delete may take after the
// probe itself has run out of time.
const cleanupTimeout = 2 * time.Second

// New returns the check of the table s describes, through client.
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
	p := &prober{client: client, table: s.Table, probeKey: strings.TrimSuffix(s.ProbeKey, "/"), perms: s.Permissions()}
	return c.Check(health.ComponentDatastore, "", p.probe), nil
}

type prober struct {
	client   API
	table    string
	probeKey string
	perms    []checks.Permission // Permissions: DescribeTable's, then the probe's
}

func (p *prober) probe(ctx context.Context) (health.Observation, error) {
	out, err := p.client.DescribeTable(ctx, &awsddb.DescribeTableInput{TableName: &p.table})
	if err != nil {
		return health.Observation{}, fmt.Errorf("describe table: %w", awserr.ClassifyCall(err, p.perms[0], ActionDescribeTable))
	}
	if out.Table == nil {
		return health.Observation{}, health.WithClass("invalid response", errors.New("no table in the answer"))
	}
	var obs health.Observation
	switch status := out.Table.TableStatus; status {
	case types.TableStatusActive:
	case types.TableStatusUpdating:
		obs = health.Observation{Status: health.StatusWarn, Output: "table UPDATING"}
	default:
		return health.Observation{}, health.WithClass("table "+string(status), fmt.Errorf("table status %s", status))
	}
	if p.probeKey == "" {
		return obs, nil
	}
	return obs, p.roundTrip(ctx, out.Table)
}

// roundTrip writes, reads and deletes one item of its own.
func (p *prober) roundTrip(ctx context.Context, table *types.TableDescription) (err error) {
	key, err := p.key(table)
	if err != nil {
		return err
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		_, derr := p.client.DeleteItem(dctx, &awsddb.DeleteItemInput{TableName: &p.table, Key: key})
		if derr != nil && err == nil {
			err = fmt.Errorf("delete probe item: %w", awserr.ClassifyCall(derr, p.perms[1], ActionDeleteItem))
		}
	}()
	item := map[string]types.AttributeValue{"lambdahealth": &types.AttributeValueMemberS{Value: "probe"}}
	for k, v := range key {
		item[k] = v
	}
	if _, err := p.client.PutItem(ctx, &awsddb.PutItemInput{TableName: &p.table, Item: item}); err != nil {
		return fmt.Errorf("put probe item: %w", awserr.ClassifyCall(err, p.perms[1], ActionPutItem))
	}
	got, err := p.client.GetItem(ctx, &awsddb.GetItemInput{TableName: &p.table, Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		return fmt.Errorf("get probe item: %w", awserr.ClassifyCall(err, p.perms[1], ActionGetItem))
	}
	if v, ok := got.Item["lambdahealth"].(*types.AttributeValueMemberS); !ok || v.Value != "probe" {
		return health.WithClass("probe item mismatch", errors.New("read back another item than was written"))
	}
	return nil
}

// key is the probe item's key: a partition key of its own under the prefix
// and, if the table has a sort key, a fixed value of its type.
func (p *prober) key(table *types.TableDescription) (map[string]types.AttributeValue, error) {
	types_ := map[string]types.ScalarAttributeType{}
	for _, d := range table.AttributeDefinitions {
		types_[aws.ToString(d.AttributeName)] = d.AttributeType
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("probe key: %w", err)
	}
	key := map[string]types.AttributeValue{}
	for _, k := range table.KeySchema {
		name := aws.ToString(k.AttributeName)
		switch {
		case k.KeyType == types.KeyTypeHash && types_[name] == types.ScalarAttributeTypeS:
			key[name] = &types.AttributeValueMemberS{Value: p.probeKey + "/" + hex.EncodeToString(b[:])}
		case k.KeyType == types.KeyTypeHash:
			return nil, health.WithClass("probeKey needs a string partition key", fmt.Errorf("partition key %s is of type %s", name, types_[name]))
		case types_[name] == types.ScalarAttributeTypeN:
			key[name] = &types.AttributeValueMemberN{Value: "0"}
		case types_[name] == types.ScalarAttributeTypeB:
			key[name] = &types.AttributeValueMemberB{Value: []byte("probe")}
		default:
			key[name] = &types.AttributeValueMemberS{Value: "probe"}
		}
	}
	return key, nil
}
