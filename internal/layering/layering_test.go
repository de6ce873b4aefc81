// Package layering holds the import rules between the project's packages
// to what `go list -deps` says each one links.
package layering

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/lambdahealth/lambdahealth/"

// TestLayering: a generic layer imports nothing from a specific one, and a
// library package links nothing a team would not expect.
func TestLayering(t *testing.T) {
	tests := []struct {
		pkg    string
		banned []string
	}{
		// The generic Lambda adapter knows nothing of health.
		{"pkg/lambdahttp", []string{module + "pkg/health", module + "pkg/healthhttp", module + "pkg/healthjson"}},
		// The canary runs checks and records metrics: no HTTP front, no adapter.
		{"functions/canary", []string{module + "pkg/healthhttp", module + "pkg/lambdahttp", "github.com/awslabs/aws-lambda-go-api-proxy"}},
		{"pkg/reqlog", []string{module + "pkg/healthhttp", module + "pkg/lambdahttp"}},
		// The engine and the HTTP front link no AWS SDK, no driver, no Lambda.
		{"pkg/health", []string{"github.com/aws/", "github.com/jackc/", "github.com/go-sql-driver/", "net/http"}},
		{"pkg/healthhttp", []string{"github.com/aws/", "github.com/awslabs/", "github.com/jackc/", "github.com/go-sql-driver/"}},
		{"pkg/healthjson", []string{"github.com/aws/", "net/http"}},
		// The configuration links no kind and no SDK client: the gate
		// shares it, and the kinds' fields are decoded in pkg/checkbuild.
		{"pkg/config", []string{"github.com/aws/", module + "pkg/checks/registry", "github.com/jackc/", "github.com/go-sql-driver/", "github.com/redis/"}},
		// The gate links no check kind.
		{"functions/gate", []string{module + "pkg/checks/registry", "github.com/jackc/", "github.com/go-sql-driver/", "github.com/redis/",
			"github.com/aws/aws-sdk-go-v2/service/sqs", "github.com/aws/aws-sdk-go-v2/service/dynamodb"}},
		// Each database check links its own driver only.
		{"pkg/checks/postgres", []string{"github.com/go-sql-driver/"}},
		{"pkg/checks/mysql", []string{"github.com/jackc/"}},
		// Secrets Manager and RDS IAM auth come only with the kinds that use them.
		{"pkg/checks/sqs", []string{"github.com/aws/aws-sdk-go-v2/service/secretsmanager", "github.com/aws/aws-sdk-go-v2/feature/rds/auth", "github.com/jackc/", "github.com/go-sql-driver/"}},
		{"pkg/checks/s3", []string{"github.com/aws/aws-sdk-go-v2/service/secretsmanager", "github.com/aws/aws-sdk-go-v2/feature/rds/auth", "github.com/jackc/", "github.com/go-sql-driver/"}},
		{"pkg/checks/dynamodb", []string{"github.com/aws/aws-sdk-go-v2/service/secretsmanager", "github.com/aws/aws-sdk-go-v2/feature/rds/auth", "github.com/jackc/", "github.com/go-sql-driver/"}},
	}
	for _, tt := range tests {
		out, err := exec.Command("go", "list", "-deps", "../../"+tt.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", tt.pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range tt.banned {
				if dep == b || strings.HasPrefix(dep, strings.TrimSuffix(b, "/")+"/") || (strings.HasSuffix(b, "/") && strings.HasPrefix(dep, b)) {
					t.Errorf("%s links %s", tt.pkg, dep)
				}
			}
		}
	}
}

// TestLibraryLinksNoAWS: a server that uses the engine, the HTTP front and
// the http or tcp check links no module outside the standard library but
// the ones the engine needs (singleflight), and in particular no AWS SDK or
// smithy: what only the AWS kinds need lives in pkg/checks/awscheck, which
// only they import.
func TestLibraryLinksNoAWS(t *testing.T) {
	allowed := []string{module, "golang.org/x/sync/"}
	for _, pkg := range []string{"pkg/settings", "pkg/health", "pkg/healthjson", "pkg/healthhttp", "pkg/uptime", "pkg/checks", "pkg/checks/httpcheck", "pkg/checks/tcp", "examples/periodic"} {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "../../"+pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
	deps:
		for _, dep := range strings.Fields(string(out)) {
			for _, a := range allowed {
				if strings.HasPrefix(dep, a) {
					continue deps
				}
			}
			t.Errorf("%s links %s", pkg, dep)
		}
	}
}

// TestBootstrapsLinkNoTemplates: text/template (and html/template on top of
// it) calls methods by name, which switches off the linker's removal of
// unused methods; with the AWS SDK clients linked, that more than doubled
// the health bootstrap (20.9 MB to 38.9 MB, arm64). The bootstraps are built
// with -tags lambda.norpc, which also keeps aws-lambda-go's net/rpc (and its
// html/template) out.
func TestBootstrapsLinkNoTemplates(t *testing.T) {
	for _, fn := range []string{"health", "canary", "gate"} {
		for _, dep := range bootstrapDeps(t, fn, "lambda.norpc") {
			if dep == "text/template" || dep == "html/template" || dep == "net/rpc" {
				t.Errorf("functions/%s links %s", fn, dep)
			}
		}
	}
}

// TestBootstrapsLinkNoSDKSchemas: from late 2026 each aws-sdk-go-v2
// service client (service/<name>/schemas) builds its whole API model as
// package-level variables, which every cold start allocates in package
// init whether or not a check uses the service: 3.3 MB of the default
// health bootstrap's 4.5 MB, two fifths of its CPU time to the first answer
// (docs/PERFORMANCE.md, "Cold start at Lambda's CPU share"). go.mod keeps
// every client at its last release before it; an upgrade that brings the
// schemas back has to be measured and this test changed with it.
func TestBootstrapsLinkNoSDKSchemas(t *testing.T) {
	for _, fn := range []string{"health", "canary", "gate"} {
		for _, dep := range bootstrapDeps(t, fn, "lambda.norpc") {
			if strings.HasPrefix(dep, "github.com/aws/aws-sdk-go-v2/") && strings.HasSuffix(dep, "/schemas") {
				t.Errorf("functions/%s links %s", fn, dep)
			}
		}
	}
}

// TestLeanBuildsLinkOnlyTheirKinds: a bootstrap built with KINDS (the build
// tags "kinds" and "kind_<type>", mk/kinds.mk) links the SDK clients and
// drivers of its kinds and nothing else: no other kind, no control it did
// not name, and none of config.LoadDefaultConfig's SSO, OIDC, sign-in and
// STS clients, each of which initializes at every cold start.
func TestLeanBuildsLinkOnlyTheirKinds(t *testing.T) {
	tests := []struct {
		tags         string
		want, banned []string
	}{
		{"kinds,kind_dynamodb,kind_sqs",
			[]string{"github.com/aws/aws-sdk-go-v2/service/dynamodb", "github.com/aws/aws-sdk-go-v2/service/sqs"},
			[]string{"github.com/aws/aws-sdk-go-v2/service/kinesis", "github.com/aws/aws-sdk-go-v2/service/sns", "github.com/jackc/",
				"github.com/aws/aws-sdk-go-v2/service/ssm", "github.com/aws/aws-sdk-go-v2/service/secretsmanager", "github.com/aws/aws-sdk-go-v2/config",
				"github.com/aws/aws-sdk-go-v2/service/sso", "github.com/aws/aws-sdk-go-v2/service/sts", "github.com/aws/aws-sdk-go-v2/service/signin"}},
		{"kinds,kind_http,kind_tcp", nil, []string{"github.com/aws/aws-sdk-go-v2/service/", "github.com/jackc/", "github.com/go-sql-driver/", "github.com/redis/"}},
		// The status page's history links CloudWatch only with its control.
		{"kinds,kind_http,control_history",
			[]string{"github.com/aws/aws-sdk-go-v2/service/cloudwatch"},
			[]string{"github.com/aws/aws-sdk-go-v2/service/ssm", "github.com/aws/aws-sdk-go-v2/service/sts", "github.com/aws/aws-sdk-go-v2/config"}},
		{"kinds,kind_http,control_drain,control_token",
			[]string{"github.com/aws/aws-sdk-go-v2/service/ssm", "github.com/aws/aws-sdk-go-v2/service/secretsmanager"},
			[]string{"github.com/aws/aws-sdk-go-v2/service/sqs", "github.com/aws/aws-sdk-go-v2/service/sts"}},
	}
	for _, tt := range tests {
		for _, fn := range []string{"health", "canary"} {
			if fn == "canary" && tt.want == nil {
				continue // the canary links CloudWatch whatever its kinds
			}
			deps := bootstrapDeps(t, fn, "lambda.norpc,"+tt.tags)
			for _, w := range tt.want {
				if fn == "health" && !slices.Contains(deps, w) {
					t.Errorf("functions/%s with -tags %s does not link %s", fn, tt.tags, w)
				}
			}
			for _, dep := range deps {
				for _, b := range tt.banned {
					if dep == strings.TrimSuffix(b, "/") || strings.HasPrefix(dep, strings.TrimSuffix(b, "/")+"/") {
						t.Errorf("functions/%s with -tags %s links %s", fn, tt.tags, dep)
					}
				}
			}
		}
	}
}

// bootstrapDeps returns every package functions/<fn> links when built with
// the build tags tags.
func bootstrapDeps(t *testing.T, fn, tags string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-tags", tags, "-deps", "../../functions/"+fn).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -tags %s -deps functions/%s: %v\n%s", tags, fn, err, out)
	}
	return strings.Fields(string(out))
}
