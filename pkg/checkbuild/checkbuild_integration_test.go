package checkbuild

// Integration test of the Secrets Manager path of the database checks:
// a secret in RDS's shape in LocalStack, the local PostgreSQL of
// scripts/local-up.sh. It skips without the stack and fails under
// HEALTH_REQUIRE_INTEGRATION=1.

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/jackc/pgx/v5"

	"github.com/lambdahealth/lambdahealth/internal/checktest"
	"github.com/lambdahealth/lambdahealth/internal/testenv"
	"github.com/lambdahealth/lambdahealth/pkg/checks/postgres"
	"github.com/lambdahealth/lambdahealth/pkg/checks/rds"
	"github.com/lambdahealth/lambdahealth/pkg/health"
)

// localSecret stores a database secret in RDS's shape in LocalStack and
// deletes it (without recovery) when the test ends. It returns its ARN.
func localSecret(t *testing.T, secret map[string]any) string {
	t.Helper()
	cfg, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatalf("load AWS configuration: %v", err)
	}
	client := secretsmanager.NewFromConfig(cfg)
	body, _ := json.Marshal(secret)
	out, err := client.CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{
		Name:         aws.String("health-it/db-" + testenv.RandomSuffix(t)),
		SecretString: aws.String(string(body)),
	})
	if err != nil {
		testenv.Missing(t, "LocalStack Secrets Manager: create secret: "+err.Error())
	}
	t.Cleanup(func() {
		_, err := client.DeleteSecret(context.Background(), &secretsmanager.DeleteSecretInput{
			SecretId: out.ARN, ForceDeleteWithoutRecovery: aws.Bool(true),
		})
		if err != nil {
			t.Errorf("delete secret: %v", err)
		}
	})
	return *out.ARN
}

func TestIntegrationPostgresFromSecret(t *testing.T) {
	testenv.SetAWSEnv(t)
	dsn := testenv.Need(t, "LOCAL_PG_DSN")["LOCAL_PG_DSN"]
	cc, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("parse LOCAL_PG_DSN: %v", err)
	}
	rdsShape := func(password string) map[string]any {
		return map[string]any{
			"username": cc.User, "password": password, "engine": "postgres",
			"host": cc.Host, "port": cc.Port, "dbname": cc.Database, "dbInstanceIdentifier": "local",
		}
	}
	tests := []struct {
		name       string
		password   string
		wantStatus health.Status
		wantOutput string
	}{
		{"right password", cc.Password, health.StatusPass, ""},
		{"wrong password", "Wrong-Pa55-in-secret", health.StatusFail, health.ClassDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arn := localSecret(t, rdsShape(tt.password))
			awsCfg, err := awsconfig.LoadDefaultConfig(context.Background())
			if err != nil {
				t.Fatalf("load the AWS configuration: %v", err)
			}
			built, err := Build(context.Background(), []CheckSpec{
				spec("db", postgres.Spec{Spec: rds.Spec{SecretARN: arn, TLS: "disable"}}),
			}, &awsCfg)
			if err != nil {
				t.Fatalf("Build() error = %v", err)
			}
			logs := &checktest.LockedBuffer{}
			const budget = 2 * time.Second
			c, err := health.NewChecker(built, health.WithCacheTTL(0), health.WithBudget(budget),
				health.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))))
			if err != nil {
				t.Fatalf("NewChecker() error = %v", err)
			}
			start := time.Now()
			r, _ := c.One(context.Background(), "db")
			elapsed := time.Since(start)
			if r.Status != tt.wantStatus || r.Output != tt.wantOutput {
				t.Errorf("result = %s %q; want %s %q (error %v)", r.Status, r.Output, tt.wantStatus, tt.wantOutput, r.Err)
			}
			// A generous second on top: the CI machine is loaded.
			if elapsed > budget+time.Second {
				t.Errorf("answered in %s; want at most %s", elapsed, budget+time.Second)
			}
			if strings.Contains(logs.String(), tt.password) || strings.Contains(logs.String(), arn) {
				t.Errorf("logs show the password or the secret's ARN: %s", logs)
			}
		})
	}
}
