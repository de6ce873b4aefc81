package healthstack

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

func TestKindsOf(t *testing.T) {
	got, err := kindsOf(`[{"name":"a","type":"sqs","queueUrl":"x"},{"name":"b","type":"dynamodb"},{"name":"c","type":"sqs"}]`)
	if want := []string{"dynamodb", "sqs"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("kindsOf() = %v, %v; want %v", got, err, want)
	}
	if got, err := kindsOf(`[]`); err != nil || len(got) != 0 {
		t.Errorf("kindsOf([]) = %v, %v; want none", got, err)
	}
	if _, err := kindsOf(`[{"name":"a","type":"kafka"}]`); err == nil {
		t.Error("kindsOf(kafka) = nil error; want the unknown type named")
	}
}

func TestControlsOf(t *testing.T) {
	for _, c := range append(controlVariables, struct{ variable, control string }{"", historyControl}) {
		if _, err := os.Stat("../../pkg/controls/control_" + c.control + ".go"); err != nil {
			t.Errorf("control %q has no file in pkg/controls: %v", c.control, err)
		}
	}
	env := map[string]*string{"HEALTH_DRAIN_PARAMETER": jsii.String("/d"), "HEALTH_TOKEN_SECRET_ARN": jsii.String("arn:x"), "HEALTH_SERVICE": jsii.String("s")}
	if got, want := controlsOf(env), []string{"drain", "token"}; !slices.Equal(got, want) {
		t.Errorf("controlsOf() = %v; want %v", got, want)
	}
}

// TestLeanBootstrap builds a lean canary through mk/sam.mk's target, as the
// construct would at synth: a linux/arm64 bootstrap in a directory of its
// own, named after its kinds and controls.
func TestLeanBootstrap(t *testing.T) {
	dir, err := leanBootstrap("../..", t.TempDir(), "canary", []string{"sqs", "tcp"}, []string{"checksparameter"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := filepath.Base(dir), "arm64-sqs-tcp+checksparameter"; got != want {
		t.Errorf("directory %s; want %s", got, want)
	}
	b, err := os.ReadFile(filepath.Join(dir, "bootstrap"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 20 || string(b[1:4]) != "ELF" || b[18] != 0xb7 { // EM_AARCH64
		t.Errorf("bootstrap is not a linux/arm64 ELF executable")
	}
}

// With LeanBootstraps the construct builds the health and canary bootstraps
// itself, for the kinds of its checks and the controls their settings use,
// and packages those: checks of kind tcp and a drain parameter give a
// health bootstrap with the tcp kind, the drain control and the page's
// history and no other, and a canary bootstrap with the tcp kind and the
// drain control (the canary reads the parameter's value maintenance).
func TestLeanBootstrapsWired(t *testing.T) {
	dir := assetDir(t)
	props := HealthStackProps{HealthProps: HealthProps{Checks: criticalChecks(2), DrainParameter: "/orders/drain",
		LeanBootstraps: true, BuildRoot: "../..", AssetDir: dir}}
	assertions.Template_FromStack(NewHealthStack(awscdk.NewApp(nil), "Lean", &props), nil)
	for fn, want := range map[string]string{"health": "arm64-tcp+drain-history", "canary": "arm64-tcp+drain"} {
		bootstrap := filepath.Join(dir, fn, want, "bootstrap")
		out, err := exec.Command("go", "version", "-m", bootstrap).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: go version -m: %v\n%s", fn, err, out)
		}
		tags := "-tags=lambda.norpc,kinds,kind_tcp,control_drain"
		if fn == "health" {
			tags += ",control_history"
		}
		if !strings.Contains(string(out), tags+"\n") {
			t.Errorf("%s bootstrap built with\n%s\nwant %s", fn, out, tags)
		}
	}
}
