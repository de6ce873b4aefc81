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

	"github.com/lambdahealth/lambdahealth/pkg/checks"
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

// New returns the check of the bucket s describes, through client.
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
	p := &prober{client: client, bucket: s.Bucket, probeKey: strings.TrimSuffix(s.ProbeKey, "/"), perm: s.Permissions()[0],
		cleanupTimeout: DefaultCleanupTimeout, now: time.Now}
	return c.Check(health.ComponentDatastore, "", p.probe), nil
}

// prober checks one bucket.
type prober struct {
	client         API
	bucket         string
	probeKey       string
	cleanupTimeout time.Duration
	now            func() time.Time
	perm           checks.Permission // Permissions: HeadBucket's, or the probe's
}

// probe checks the bucket: HeadBucket, or the write-read-delete round trip
// when a probe key is set.
func (c *prober) probe(ctx context.Context) (health.Observation, error) {
	if c.probeKey == "" {
		if _, err := c.client.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: &c.bucket}); err != nil {
			return health.Observation{}, fmt.Errorf("head bucket: %w", awserr.ClassifyCall(err, c.perm, ActionListBucket))
		}
		return health.Observation{}, nil
	}
	return health.Observation{}, c.roundTrip(ctx)
}

// roundTrip writes, reads and deletes one object of its own.
func (c *prober) roundTrip(ctx context.Context) (err error) {
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
			err = fmt.Errorf("delete probe object: %w", awserr.ClassifyCall(derr, c.perm, ActionDeleteObject))
		}
	}()
	if _, err := c.client.PutObject(ctx, &awss3.PutObjectInput{
		Bucket:      &c.bucket,
		Key:         &key,
		Body:        bytes.NewReader(body),
		ContentType: strPtr("text/plain"),
	}); err != nil {
		return fmt.Errorf("put probe object: %w", awserr.ClassifyCall(err, c.perm, ActionPutObject))
	}
	out, err := c.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: &c.bucket, Key: &key})
	if err != nil {
		return fmt.Errorf("get probe object: %w", awserr.ClassifyCall(err, c.perm, ActionGetObject))
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
func (c *prober) newKey() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("probe key: %w", err)
	}
	return c.probeKey + "/" + c.now().UTC().Format("20060102T150405.000Z") + "-" + hex.EncodeToString(b[:]), nil
}

func strPtr(s string) *string { return &s }
