// Package awserr maps the errors of AWS API calls to the safe output classes
// of package health, in one place for every check that calls AWS (SQS, S3
// and the Secrets Manager lookup of the database checks).
//
// An AWS error is recognised by its API error code (smithy.APIError) and,
// when the code is not one it knows, by the HTTP status of the response:
// 403 is "access denied", 404 "not found", 429 "throttled". Errors that are
// not API errors (a refused connection, a deadline) are returned as they are,
// and the engine's health.Classify names them. ClassifyCall also names what
// a denied call misses, from the kind's own checks.Permission:
// "access denied: dynamodb:DescribeTable on table/orders".
package awserr
