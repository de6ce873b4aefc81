// Package s3 checks an Amazon S3 bucket.
//
// By default the check is one HeadBucket call, which needs s3:ListBucket on
// the bucket. With a probe key it instead writes a small object under that
// key prefix, reads it back and deletes it, which proves the bucket is
// writable end to end and needs s3:PutObject, s3:GetObject and
// s3:DeleteObject on "<probeKey>/*" only. Each run uses a key of its own,
// and the object is deleted even when the read fails or the probe runs out
// of time, so no run leaves an object behind.
package s3
