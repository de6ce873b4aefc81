package s3

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lambdahealth/lambdahealth/pkg/checks/awserr"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// DefaultCleanupTimeout is how long the probe object's delete may take
// after the probe itself has run out of time.
const DefaultCleanupTimeout = 2 * time.Second

// API is the part of the S3 client the check calls; *s3.Client fits.
type API interface {
	HeadBucket(ctx context.Context, in *awss3.HeadBucketInput, optFns ...func(*awss3.Options)) (*awss3.HeadBucketOutput, error)
	PutObject(ctx context.Context, in *awss3.PutObjectInput, optFns ...func(*awss3.Options)) (*awss3.PutObjectOutput, error)
	GetObject(ctx context.Context, in *awss3.GetObjectInput, optFns ...func(*awss3.Options)) (*awss3.GetObjectOutput, error)
	DeleteObject(ctx context.Context, in *awss3.DeleteObjectInput, optFns ...func(*awss3.Options)) (*awss3.DeleteObjectOutput, error)
}

// Checker checks one bucket.
type Checker struct {
	client         API
	bucket         string
	probeKey       string
	cleanupTimeout time.Duration
	now            func() time.Time
}

// Option configures a Checker.
type Option func(*Checker)

// WithProbeKey makes the check write, read and delete an object under the
// key prefix instead of calling HeadBucket. Default: no probe key
// (HeadBucket).
func WithProbeKey(prefix string) Option {
	return func(c *Checker) { c.probeKey = strings.TrimSuffix(prefix, "/") }
}

// WithCleanupTimeout sets how long the delete of the probe object may run
// once the probe's own context is done. Default DefaultCleanupTimeout (2s).
func WithCleanupTimeout(d time.Duration) Option { return func(c *Checker) { c.cleanupTimeout = d } }

// New returns a Checker for bucket.
func New(client API, bucket string, opts ...Option) *Checker {
	c := &Checker{client: client, bucket: bucket, cleanupTimeout: DefaultCleanupTimeout, now: time.Now}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Probe checks the bucket: HeadBucket, or the write-read-delete round trip
// when a probe key is set.
func (c *Checker) Probe(ctx context.Context) (health.Observation, error) {
	if c.probeKey == "" {
		if _, err := c.client.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: &c.bucket}); err != nil {
			return health.Observation{}, fmt.Errorf("head bucket: %w", awserr.Classify(err))
		}
		return health.Observation{}, nil
	}
	return health.Observation{}, c.roundTrip(ctx)
}

// roundTrip writes, reads and deletes one object of its own.
func (c *Checker) roundTrip(ctx context.Context) (err error) {
	key, err := c.newKey()
	if err != nil {
		return err
	}
	body := []byte("lambdahealth probe " + key)
	// The delete runs whatever happened before it, even when the put
	// itself failed (a put that timed out may still have landed), and on a
	// context of its own so that a probe out of time still cleans up.
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cleanupTimeout)
		defer cancel()
		_, derr := c.client.DeleteObject(dctx, &awss3.DeleteObjectInput{Bucket: &c.bucket, Key: &key})
		if derr != nil && err == nil {
			// Every run would leave an object behind: that is a failure.
			err = fmt.Errorf("delete probe object: %w", awserr.Classify(derr))
		}
	}()
	if _, err := c.client.PutObject(ctx, &awss3.PutObjectInput{
		Bucket:      &c.bucket,
		Key:         &key,
		Body:        bytes.NewReader(body),
		ContentType: strPtr("text/plain"),
	}); err != nil {
		return fmt.Errorf("put probe object: %w", awserr.Classify(err))
	}
	out, err := c.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: &c.bucket, Key: &key})
	if err != nil {
		return fmt.Errorf("get probe object: %w", awserr.Classify(err))
	}
	got, err := io.ReadAll(io.LimitReader(out.Body, int64(len(body))+1))
	out.Body.Close()
	if err != nil {
		return fmt.Errorf("read probe object: %w", err)
	}
	if !bytes.Equal(got, body) {
		return health.WithClass("probe object mismatch", errors.New("read back other bytes than were written"))
	}
	return nil
}

// newKey returns a key under the probe prefix that no other run uses: the
// time and 8 random bytes.
func (c *Checker) newKey() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("probe key: %w", err)
	}
	return c.probeKey + "/" + c.now().UTC().Format("20060102T150405.000Z") + "-" + hex.EncodeToString(b[:]), nil
}

func strPtr(s string) *string { return &s }
