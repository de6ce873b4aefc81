package sqs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

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

// Checker reads the depth of one queue and, optionally, of its dead-letter
// queue.
type Checker struct {
	client   API
	queueURL string
	maxDepth int64 // negative: no limit
	dlqURL   string
}

// Option configures a Checker.
type Option func(*Checker)

// WithMaxDepth makes the check warn when the queue holds more than n
// messages. Default: no limit.
func WithMaxDepth(n int64) Option { return func(c *Checker) { c.maxDepth = n } }

// WithDeadLetterQueue makes the check warn when the queue at url holds any
// message. Default: no dead-letter queue is read.
func WithDeadLetterQueue(url string) Option { return func(c *Checker) { c.dlqURL = url } }

// New returns a Checker for the queue at queueURL.
func New(client API, queueURL string, opts ...Option) *Checker {
	c := &Checker{client: client, queueURL: queueURL, maxDepth: -1}
	for _, o := range opts {
		o(c)
	}
	return c
}

// depth is the answer of one GetQueueAttributes call.
type depth struct {
	n   int64
	err error
}

// Probe reads the queue's depth (and the dead-letter queue's, in parallel).
// Its observed value is the queue's ApproximateNumberOfMessages.
func (c *Checker) Probe(ctx context.Context) (health.Observation, error) {
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
		return health.Observation{}, fmt.Errorf("queue: %w", classify(err, ""))
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
			return health.Observation{}, fmt.Errorf("dead-letter queue: %w", classify(d.err, "dead-letter queue: "))
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
func (c *Checker) depth(ctx context.Context, url string) (int64, error) {
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

// classify gives a recognised AWS error its safe class, prefixed to say
// which queue it concerns; other errors are left to health.Classify.
func classify(err error, prefix string) error {
	var missing *types.QueueDoesNotExist
	class := awserr.Class(err)
	if errors.As(err, &missing) {
		class = health.ClassNotFound
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
