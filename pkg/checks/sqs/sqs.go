package sqs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// Measurement is the measurement name of an SQS check: its observed value
// is the number of messages in the queue.
const Measurement = "messages"

// Unit is the observed unit of an SQS check.
const Unit = "messages"

// API is the part of the SQS client the check calls; *sqs.Client fits.
type API interface {
	GetQueueAttributes(ctx context.Context, in *awssqs.GetQueueAttributesInput, optFns ...func(*awssqs.Options)) (*awssqs.GetQueueAttributesOutput, error)
}

// New returns the check of the queue s describes, read through client.
// Its observed value is the queue's depth (Measurement, Unit).
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
	p := &prober{client: client, queueURL: s.QueueURL, maxDepth: -1, dlqURL: s.DLQURL, perms: s.Permissions()}
	if s.MaxDepth != nil {
		p.maxDepth = *s.MaxDepth
	}
	return c.Check(health.ComponentComponent, Measurement, p.probe), nil
}

// prober reads the depth of one queue and, optionally, of its dead-letter
// queue.
type prober struct {
	client   API
	queueURL string
	maxDepth int64 // negative: no limit
	dlqURL   string
	perms    []checks.Permission // Permissions: the queue's, then the dead-letter queue's
}

// depth is the answer of one GetQueueAttributes call.
type depth struct {
	n   int64
	err error
}

// probe reads the queue's depth (and the dead-letter queue's, in parallel).
// Its observed value is the queue's ApproximateNumberOfMessages.
func (c *prober) probe(ctx context.Context) (health.Observation, error) {
	var dlq chan depth
	if c.dlqURL != "" {
		dlq = make(chan depth, 1) // buffered: the sender never blocks
		go func() {
			n, err := c.depth(ctx, c.dlqURL)
			dlq <- depth{n, err}
		}()
	}
	n, err := c.depth(ctx, c.queueURL)
	if err != nil {
		return health.Observation{}, fmt.Errorf("queue: %w", classify(err, "", c.perms[0]))
	}
	obs := health.Observation{Value: n, Unit: Unit}
	var warnings []string
	if c.maxDepth >= 0 && n > c.maxDepth {
		warnings = append(warnings, fmt.Sprintf("queue depth %d above %d", n, c.maxDepth))
	}
	if dlq != nil {
		var d depth
		select {
		case d = <-dlq:
		case <-ctx.Done():
			d.err = ctx.Err()
		}
		if d.err != nil {
			return health.Observation{}, fmt.Errorf("dead-letter queue: %w", classify(d.err, "dead-letter queue: ", c.perms[1]))
		}
		if d.n > 0 {
			warnings = append(warnings, fmt.Sprintf("dead-letter queue holds %d messages", d.n))
		}
	}
	if len(warnings) > 0 {
		obs.Status = health.StatusWarn
		obs.Output = strings.Join(warnings, "; ")
	}
	return obs, nil
}

// depth returns the ApproximateNumberOfMessages of the queue at url.
func (c *prober) depth(ctx context.Context, url string) (int64, error) {
	out, err := c.client.GetQueueAttributes(ctx, &awssqs.GetQueueAttributesInput{
		QueueUrl:       &url,
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameApproximateNumberOfMessages},
	})
	if err != nil {
		return 0, fmt.Errorf("get queue attributes: %w", err)
	}
	raw, ok := out.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessages)]
	if !ok {
		return 0, health.WithClass("invalid response", errors.New("no ApproximateNumberOfMessages in the answer"))
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return 0, health.WithClass("invalid response", fmt.Errorf("ApproximateNumberOfMessages: %w", err))
	}
	return n, nil
}

// classify gives a recognised SQS error its safe class, prefixed to say
// which queue it concerns; a denied call names the action and the queue of
// perm (awserr.DeniedClass). Other errors are left to health.Classify.
func classify(err error, prefix string, perm checks.Permission) error {
	var missing *types.QueueDoesNotExist
	class := awserr.Class(err)
	if errors.As(err, &missing) {
		class = health.ClassNotFound
	}
	if class == health.ClassDenied {
		class = awserr.DeniedClass(perm.Actions[0], perm.Resource)
	}
	var ce *health.ClassError
	switch {
	case class != "":
		return health.WithClass(prefix+class, err)
	case prefix != "" && errors.As(err, &ce):
		return health.WithClass(prefix+ce.Class, err)
	}
	return err
}
