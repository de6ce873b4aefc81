package s3

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// fakeS3 is a hand-written fake of API. Its object calls default to an
// in-memory bucket; set a function field to change one call.
type fakeS3 struct {
	headBucket   func(ctx context.Context, in *awss3.HeadBucketInput) (*awss3.HeadBucketOutput, error)
	putObject    func(ctx context.Context, in *awss3.PutObjectInput) (*awss3.PutObjectOutput, error)
	getObject    func(ctx context.Context, in *awss3.GetObjectInput) (*awss3.GetObjectOutput, error)
	deleteObject func(ctx context.Context, in *awss3.DeleteObjectInput) (*awss3.DeleteObjectOutput, error)

	mu      sync.Mutex
	objects map[string][]byte
	puts    []string
	deletes []string
	// deleteCtxErr is the error of the delete's context when it was called.
	deleteCtxErr error
}

func newFake() *fakeS3 { return &fakeS3{objects: map[string][]byte{}} }

func (f *fakeS3) HeadBucket(ctx context.Context, in *awss3.HeadBucketInput, _ ...func(*awss3.Options)) (*awss3.HeadBucketOutput, error) {
	if f.headBucket != nil {
		return f.headBucket(ctx, in)
	}
	return &awss3.HeadBucketOutput{}, nil
}

func (f *fakeS3) PutObject(ctx context.Context, in *awss3.PutObjectInput, _ ...func(*awss3.Options)) (*awss3.PutObjectOutput, error) {
	f.mu.Lock()
	f.puts = append(f.puts, *in.Key)
	f.mu.Unlock()
	if f.putObject != nil {
		return f.putObject(ctx, in)
	}
	b, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.objects[*in.Key] = b
	f.mu.Unlock()
	return &awss3.PutObjectOutput{}, nil
}

func (f *fakeS3) GetObject(ctx context.Context, in *awss3.GetObjectInput, _ ...func(*awss3.Options)) (*awss3.GetObjectOutput, error) {
	if f.getObject != nil {
		return f.getObject(ctx, in)
	}
	f.mu.Lock()
	b, ok := f.objects[*in.Key]
	f.mu.Unlock()
	if !ok {
		return nil, &smithy.OperationError{Err: &types.NoSuchKey{}}
	}
	return &awss3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(b))}, nil
}

func (f *fakeS3) DeleteObject(ctx context.Context, in *awss3.DeleteObjectInput, _ ...func(*awss3.Options)) (*awss3.DeleteObjectOutput, error) {
	f.mu.Lock()
	f.deletes = append(f.deletes, *in.Key)
	f.deleteCtxErr = ctx.Err()
	f.mu.Unlock()
	if f.deleteObject != nil {
		return f.deleteObject(ctx, in)
	}
	f.mu.Lock()
	delete(f.objects, *in.Key)
	f.mu.Unlock()
	return &awss3.DeleteObjectOutput{}, nil
}

func apiErr(code string) error {
	return &smithy.OperationError{ServiceID: "S3", OperationName: "HeadBucket",
		Err: &smithy.GenericAPIError{Code: code, Message: "bucket orders-bucket in arn:aws:s3:::orders-bucket"}}
}

func TestProbeHeadBucket(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string // "" for pass, else the error's class
	}{
		{"healthy", nil, ""},
		{"not found", &smithy.OperationError{Err: &types.NotFound{}}, health.ClassNotFound},
		{"no such bucket", apiErr("NoSuchBucket"), health.ClassNotFound},
		{"forbidden", apiErr("Forbidden"), "access denied: s3:ListBucket on bucket orders-bucket"},
		{"access denied", apiErr("AccessDenied"), "access denied: s3:ListBucket on bucket orders-bucket"},
		{"throttled", apiErr("SlowDown"), health.ClassThrottled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.headBucket = func(_ context.Context, in *awss3.HeadBucketInput) (*awss3.HeadBucketOutput, error) {
				if *in.Bucket != "orders-bucket" {
					t.Errorf("HeadBucket bucket = %q; want %q", *in.Bucket, "orders-bucket")
				}
				return &awss3.HeadBucketOutput{}, tt.err
			}
			obs, err := bucketCheck(f, "").Probe(context.Background())
			if obs != (health.Observation{}) {
				t.Errorf("Probe() observation = %+v; want zero", obs)
			}
			got := ""
			if err != nil {
				got = health.Classify(err, time.Second)
			}
			if got != tt.want {
				t.Errorf("Probe() class = %q; want %q (error %v)", got, tt.want, err)
			}
			if len(f.puts) != 0 {
				t.Errorf("Probe() without a probe key put %d objects; want 0", len(f.puts))
			}
		})
	}
}

func TestProbeRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.headBucket = func(context.Context, *awss3.HeadBucketInput) (*awss3.HeadBucketOutput, error) {
		return nil, errors.New("HeadBucket must not be called with a probe key")
	}
	c := bucketCheck(f, "health/")
	for range 3 {
		if _, err := c.Probe(context.Background()); err != nil {
			t.Fatalf("Probe() error = %v; want nil", err)
		}
	}
	if len(f.objects) != 0 {
		t.Errorf("objects left behind: %v", f.objects)
	}
	seen := map[string]bool{}
	for _, k := range f.puts {
		if !strings.HasPrefix(k, "health/") || strings.HasPrefix(k, "health//") {
			t.Errorf("probe key %q; want it under %q", k, "health/")
		}
		if seen[k] {
			t.Errorf("probe key %q used twice", k)
		}
		seen[k] = true
	}
	if len(f.deletes) != 3 {
		t.Errorf("deletes = %d; want 3", len(f.deletes))
	}
}

func TestProbeRoundTripCleansUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(f *fakeS3)
		ctx   func() (context.Context, context.CancelFunc)
		want  string
	}{
		{
			name: "get denied",
			setup: func(f *fakeS3) {
				f.getObject = func(context.Context, *awss3.GetObjectInput) (*awss3.GetObjectOutput, error) {
					return nil, apiErr("AccessDenied")
				}
			},
			want: "access denied: s3:GetObject on bucket orders-bucket/health/*",
		},
		{
			name: "get times out",
			setup: func(f *fakeS3) {
				f.getObject = func(ctx context.Context, _ *awss3.GetObjectInput) (*awss3.GetObjectOutput, error) {
					<-ctx.Done()
					return nil, &smithy.OperationError{Err: ctx.Err()}
				}
			},
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 20*time.Millisecond)
			},
			want: "timeout after 1s",
		},
		{
			name: "put times out after landing",
			setup: func(f *fakeS3) {
				f.putObject = func(ctx context.Context, in *awss3.PutObjectInput) (*awss3.PutObjectOutput, error) {
					b, _ := io.ReadAll(in.Body)
					f.mu.Lock()
					f.objects[*in.Key] = b
					f.mu.Unlock()
					<-ctx.Done()
					return nil, &smithy.OperationError{Err: ctx.Err()}
				}
			},
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 20*time.Millisecond)
			},
			want: "timeout after 1s",
		},
		{
			name: "content mismatch",
			setup: func(f *fakeS3) {
				f.getObject = func(context.Context, *awss3.GetObjectInput) (*awss3.GetObjectOutput, error) {
					return &awss3.GetObjectOutput{Body: io.NopCloser(strings.NewReader("something else"))}, nil
				}
			},
			want: "probe object mismatch",
		},
		{
			name: "bucket missing",
			setup: func(f *fakeS3) {
				f.putObject = func(context.Context, *awss3.PutObjectInput) (*awss3.PutObjectOutput, error) {
					return nil, apiErr("NoSuchBucket")
				}
				f.deleteObject = func(context.Context, *awss3.DeleteObjectInput) (*awss3.DeleteObjectOutput, error) {
					return nil, apiErr("NoSuchBucket")
				}
			},
			want: health.ClassNotFound,
		},
		{
			name: "delete denied",
			setup: func(f *fakeS3) {
				f.deleteObject = func(context.Context, *awss3.DeleteObjectInput) (*awss3.DeleteObjectOutput, error) {
					return nil, apiErr("AccessDenied")
				}
			},
			want: "access denied: s3:DeleteObject on bucket orders-bucket/health/*",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			tt.setup(f)
			ctx, cancel := context.WithCancel(context.Background())
			if tt.ctx != nil {
				ctx, cancel = tt.ctx()
			}
			defer cancel()
			_, err := bucketCheck(f, "health").Probe(ctx)
			if got := health.Classify(err, time.Second); err == nil || got != tt.want {
				t.Errorf("Probe() error = %v (class %q); want class %q", err, got, tt.want)
			}
			if len(f.puts) != 1 || len(f.deletes) != 1 || f.deletes[0] != f.puts[0] {
				t.Fatalf("puts %v, deletes %v; want one delete of the put key", f.puts, f.deletes)
			}
			if f.deleteCtxErr != nil {
				t.Errorf("delete ran on a done context: %v", f.deleteCtxErr)
			}
			if tt.name != "delete denied" && len(f.objects) != 0 {
				t.Errorf("objects left behind: %v", f.objects)
			}
		})
	}
}

// bucketCheck is the check of orders-bucket with probeKey.
func bucketCheck(client API, probeKey string) health.Check {
	return checktest.MustCheck(New(checks.Common{Name: "files"}, Spec{Bucket: "orders-bucket", ProbeKey: probeKey}, client))
}
