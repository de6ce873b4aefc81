package checkbuild

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lambdahealth/lambdahealth/pkg/checks"
	"github.com/lambdahealth/lambdahealth/pkg/checks/mysql"
	"github.com/lambdahealth/lambdahealth/pkg/checks/sqs"
	"github.com/lambdahealth/lambdahealth/pkg/config"
)

func env(m map[string]string) config.Getenv { return func(k string) string { return m[k] } }

// specsOf loads the configuration in m and decodes its checks.
func specsOf(t *testing.T, m map[string]string) []CheckSpec {
	t.Helper()
	cfg, err := Load(env(m))
	if err != nil {
		t.Fatalf("Load error: %v", err)
	}
	specs, err := Decode(cfg.Checks)
	if err != nil {
		t.Fatalf("Decode error: %v", err)
	}
	return specs
}

func TestLoadDecodesKinds(t *testing.T) {
	specs := specsOf(t, map[string]string{"HEALTH_CHECKS": `[
		{"name":"rds-iam","type":"mysql","host":"db.example","port":3306,"user":"app","database":"orders","iamAuth":true,"tls":"verify-full"},
		{"name":"jobs","type":"sqs","queueUrl":"https://sqs.us-east-1.amazonaws.com/1/jobs","maxDepth":1000,"critical":false}]`})
	db, okDB := specs[0].Spec.(mysql.Spec)
	q, okQ := specs[1].Spec.(sqs.Spec)
	if !okDB || !db.IAMAuth || db.Port != 3306 || !okQ || *q.MaxDepth != 1000 || specs[1].IsCritical() {
		t.Errorf("specs = %+v", specs)
	}
}

// TestKindFieldsInvalid: each kind's problems name their field, through
// the functions' Load.
func TestKindFieldsInvalid(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		wantField string
	}{
		{"no type", map[string]string{"HEALTH_CHECKS": `[{"name":"a"}]`}, "HEALTH_CHECKS[0].type"},
		{"unknown type", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"oracle"}]`}, "HEALTH_CHECKS[0].type"},
		{"unknown field", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"tcp","address":"h:1","url":"http://x"}]`}, "HEALTH_CHECKS[0].url"},
		{"tcp no port", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"tcp","address":"host"}]`}, "HEALTH_CHECKS[0].address"},
		{"http no url", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"http"}]`}, "HEALTH_CHECKS[0].url"},
		{"http ftp", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"http","url":"ftp://x"}]`}, "HEALTH_CHECKS[0].url"},
		{"expectStatus", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"http","url":"http://x","expectStatus":"2xx"}]`}, "HEALTH_CHECKS[0].expectStatus"},
		{"sqs no url", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"sqs"}]`}, "HEALTH_CHECKS[0].queueUrl"},
		{"sqs depth", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"sqs","queueUrl":"https://q/1/a","maxDepth":-1}]`}, "HEALTH_CHECKS[0].maxDepth"},
		{"sqs depth type", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"sqs","queueUrl":"https://q/1/a","maxDepth":"10"}]`}, "HEALTH_CHECKS[0].maxDepth"},
		{"s3 bucket", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"s3","bucket":"My_Bucket"}]`}, "HEALTH_CHECKS[0].bucket"},
		{"db nothing", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"postgres"}]`}, "HEALTH_CHECKS[0].dsn"},
		{"db both", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"postgres","dsn":"postgres://x","host":"h"}]`}, "HEALTH_CHECKS[0].dsn"},
		{"iam no user", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"mysql","host":"h","iamAuth":true}]`}, "HEALTH_CHECKS[0].user"},
		{"iam no tls", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"mysql","host":"h","user":"u","iamAuth":true,"tls":"disable"}]`}, "HEALTH_CHECKS[0].tls"},
		{"tls mode", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"postgres","dsn":"postgres://x","tls":"maybe"}]`}, "HEALTH_CHECKS[0].tls"},
		{"pg dsn key=value without host", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"postgres","dsn":"user=u password=p dbname=d"}]`}, "HEALTH_CHECKS[0].dsn"},
		{"pg dsn a bare host name", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"postgres","dsn":"orders-db.example.com"}]`}, "HEALTH_CHECKS[0].dsn"},
		{"pg dsn url without host", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"postgres","dsn":"postgres:///orders?user=u"}]`}, "HEALTH_CHECKS[0].dsn"},
		{"port range", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"postgres","host":"h","user":"u","iamAuth":true,"port":70000}]`}, "HEALTH_CHECKS[0].port"},
		{"type not built", map[string]string{"HEALTH_CHECKS": `[{"name":"a","type":"kafka"}]`}, "HEALTH_CHECKS[0].type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(env(tt.env))
			if err == nil {
				t.Fatalf("Load(%v) = nil error; want an error naming %s", tt.env, tt.wantField)
			}
			if !errors.Is(err, checks.ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			var fe *checks.FieldError
			if !errors.As(err, &fe) || !strings.HasPrefix(fe.Field, tt.wantField) {
				t.Errorf("error = %v; want a FieldError naming %s", err, tt.wantField)
			}
		})
	}
}

func TestAllProblemsReported(t *testing.T) {
	_, err := Load(env(map[string]string{"HEALTH_BUDGET": "x", "HEALTH_DETAILS": "y", "HEALTH_CHECKS": `[{"name":"a","type":"http"}]`}))
	for _, field := range []string{"HEALTH_BUDGET", "HEALTH_DETAILS", "HEALTH_CHECKS[0].url"} {
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("error %v does not name %s", err, field)
		}
	}
}

func TestSecretsNotQuoted(t *testing.T) {
	const pw = "hunter2-secret"
	cases := []string{
		`[{"name":"a","type":"postgres","dsn":"postgres://u:` + pw + `@h/db","host":"x"}]`,
		`[{"name":"a","type":"postgres","dsn":"postgres://u:` + pw + `@h/db",`,
		`[{"name":"a","type":"postgres","dsn":["postgres://u:` + pw + `@h/db"]}]`,
	}
	for _, c := range cases {
		_, err := Load(env(map[string]string{"HEALTH_CHECKS": c, "HEALTH_TOKEN": pw, "HEALTH_TOKEN_SECRET_ARN": "arn:x"}))
		if err == nil {
			t.Fatalf("Load(%s) = nil error", c)
		}
		if strings.Contains(err.Error(), pw) {
			t.Errorf("error %q quotes the secret", err)
		}
	}
}

// A PostgreSQL DSN must say where to connect: pgx would otherwise fall back
// to its default host, and a function that cannot reach its database would
// start and report a failing check at run time (issue 15, defect 10).
func TestPostgresDSNSaysWhere(t *testing.T) {
	for _, dsn := range []string{
		"postgres://u:p@db.example:5432/orders",
		"postgresql://u@db.example/orders?sslmode=require",
		"postgres:///orders?host=/var/run/postgresql",
		"host=db.example user=u dbname=orders",
		"user=u hostaddr=10.0.0.7 dbname=orders",
		"dbname=orders host='db.example'",
	} {
		checks := `[{"name":"db","type":"postgres","dsn":"` + strings.ReplaceAll(dsn, `"`, `\"`) + `"}]`
		if _, err := Load(env(map[string]string{"HEALTH_CHECKS": checks})); err != nil {
			t.Errorf("Load(dsn %q) error = %v; want nil", dsn, err)
		}
	}
	const pw = "Sup3r-s3cret"
	_, err := Load(env(map[string]string{"HEALTH_CHECKS": `[{"name":"db","type":"postgres","dsn":"user=u password=` + pw + ` dbname=d"}]`}))
	if err == nil || !strings.Contains(err.Error(), "HEALTH_CHECKS[0].dsn: ") || !strings.Contains(err.Error(), "host") {
		t.Errorf("Load(dsn without a host) error = %v; want one naming HEALTH_CHECKS[0].dsn and saying a host is needed", err)
	}
	if err != nil && strings.Contains(err.Error(), pw) {
		t.Errorf("error %q quotes the DSN", err)
	}
}

// A kind's problem in checks read from a file (or a parameter) names that
// source, as the configuration's own problems do.
func TestDecodeNamesTheSource(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`[{"name":"a","type":"tcp","address":"h:1"},{"name":"b","type":"tcp"}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(env(map[string]string{"HEALTH_CHECKS_FILE": "bad.json", "LAMBDA_TASK_ROOT": dir}))
	want := "HEALTH_CHECKS_FILE (bad.json)[1].address: "
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Load error = %v; want it to start with %q", err, want)
	}
}
