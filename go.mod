module github.com/lambdahealth/lambdahealth

go 1.26.8

require (
	github.com/aws/aws-lambda-go v1.55.1
	github.com/awslabs/aws-lambda-go-api-proxy v0.16.2
	golang.org/x/sync v0.24.0
)
