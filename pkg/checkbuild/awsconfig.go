package checkbuild

import (
	"context"
	"errors"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
)

// errNoEnvCredentials is EnvAWSConfig's error when the environment holds
// no credentials.
var errNoEnvCredentials = errors.New("no AWS credentials in the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_CONTAINER_CREDENTIALS_FULL_URI)")

// EnvAWSConfig returns the AWS configuration that the environment of a
// Lambda function describes, without the SDK's config package, whose
// default chain links (and initializes at every cold start) the SSO, OIDC,
// sign-in and STS clients that a function never uses:
//
//   - the region: AWS_REGION, else AWS_DEFAULT_REGION;
//   - the credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
//     AWS_SESSION_TOKEN (what Lambda sets), else the container credentials
//     endpoint AWS_CONTAINER_CREDENTIALS_FULL_URI with
//     AWS_CONTAINER_AUTHORIZATION_TOKEN or _TOKEN_FILE (what Lambda sets
//     for SnapStart, and EKS Pod Identity), through the SDK's endpointcreds;
//   - the endpoints, as the SDK reads them: AWS_ENDPOINT_URL for every
//     service, AWS_ENDPOINT_URL_<SERVICE> for one (the service clients look
//     them up through the configuration's ConfigSources), unless
//     AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true.
//
// Profiles, SSO, web identity and IMDS are not read: a bootstrap built with
// KINDS loads its configuration here (LoadAWSConfig); the default build
// uses the SDK's whole default chain.
func EnvAWSConfig(getenv func(string) string) (aws.Config, error) {
	env := sdkEnv(getenv)
	cfg := aws.Config{Region: getenv("AWS_REGION"), ConfigSources: []any{env}}
	if cfg.Region == "" {
		cfg.Region = getenv("AWS_DEFAULT_REGION")
	}
	switch id, uri := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI"); {
	case id != "" && getenv("AWS_SECRET_ACCESS_KEY") != "":
		cfg.Credentials = credentials.NewStaticCredentialsProvider(id, getenv("AWS_SECRET_ACCESS_KEY"), getenv("AWS_SESSION_TOKEN"))
	case uri != "":
		cfg.Credentials = aws.NewCredentialsCache(endpointcreds.New(uri, func(o *endpointcreds.Options) {
			o.AuthorizationToken = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN")
			if file := getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); file != "" {
				o.AuthorizationTokenProvider = endpointcreds.TokenProviderFunc(func() (string, error) {
					b, err := os.ReadFile(file)
					return strings.TrimSpace(string(b)), err
				})
			}
		}))
	default:
		return aws.Config{}, errNoEnvCredentials
	}
	if ignore, _, _ := env.GetIgnoreConfiguredEndpoints(context.Background()); !ignore {
		if u := getenv("AWS_ENDPOINT_URL"); u != "" {
			cfg.BaseEndpoint = aws.String(u)
		}
	}
	return cfg, nil
}

// sdkEnv answers the service clients' questions about configured endpoints
// from the environment, as the SDK's config.EnvConfig does.
type sdkEnv func(string) string

// GetServiceBaseEndpoint returns AWS_ENDPOINT_URL_<sdkID>, the service ID
// upper-cased with spaces as underscores (AWS_ENDPOINT_URL_SECRETS_MANAGER).
func (e sdkEnv) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	u := e("AWS_ENDPOINT_URL_" + strings.ReplaceAll(strings.ToUpper(sdkID), " ", "_"))
	return u, u != "", nil
}

// GetIgnoreConfiguredEndpoints reports AWS_IGNORE_CONFIGURED_ENDPOINT_URLS.
func (e sdkEnv) GetIgnoreConfiguredEndpoints(context.Context) (bool, bool, error) {
	v := e("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
	return strings.EqualFold(v, "true"), v != "", nil
}
