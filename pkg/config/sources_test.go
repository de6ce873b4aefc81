package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// bigChecks returns a HEALTH_CHECKS array of at least size bytes: more than
// Lambda's whole 4 KB environment can hold.
func bigChecks(t *testing.T, size int) string {
	t.Helper()
	var items []string
	for n := 0; ; n++ {
		items = append(items, fmt.Sprintf(`{"name":"db-%03d","type":"postgres","dsn":"postgres://app:secret-%03d@db-%03d.cluster-abcdefghijkl.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=require","timeout":"1s"}`, n, n, n))
		if s := "[" + strings.Join(items, ",") + "]"; len(s) >= size {
			return s
		}
	}
}

func TestChecksFile(t *testing.T) {
	raw := bigChecks(t, 12<<10)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "checks.json"), []byte(raw), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
	}{
		{"relative to LAMBDA_TASK_ROOT", map[string]string{"HEALTH_CHECKS_FILE": "checks.json", "LAMBDA_TASK_ROOT": dir}},
		{"absolute", map[string]string{"HEALTH_CHECKS_FILE": filepath.Join(dir, "checks.json"), "LAMBDA_TASK_ROOT": "/nonexistent"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(env(tt.env))
			if err != nil {
				t.Fatalf("Load error: %v", err)
			}
			inline, err := Load(env(map[string]string{"HEALTH_CHECKS": raw}))
			if err != nil {
				t.Fatalf("Load(HEALTH_CHECKS) error: %v", err)
			}
			if len(c.Checks) != len(inline.Checks) || len(c.Checks) < 50 {
				t.Fatalf("checks from the file = %d; want %d, as from HEALTH_CHECKS", len(c.Checks), len(inline.Checks))
			}
			if got, want := c.Checks[49], inline.Checks[49]; got.Common != want.Common || got.Type != want.Type || string(got.Kind) != string(want.Kind) || got.Field != "HEALTH_CHECKS_FILE ("+tt.env["HEALTH_CHECKS_FILE"]+")[49]" {
				t.Errorf("check 49 = %+v; want %+v", c.Checks[49], inline.Checks[49])
			}
		})
	}
}

func TestChecksSourcesInvalid(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := write("bad.json", `[{"name":"a","type":"tcp","address":"h:1"},{"name":"b","type":"tcp","timeout":5}]`)
	notJSON := write("notjson.json", `[{"name":`)
	empty := write("empty.json", " \n")
	huge := write("huge.json", strings.Repeat(" ", maxChecksSize+1))
	tests := []struct {
		name, wantPrefix string
		env              map[string]string
	}{
		{"inline and file", "HEALTH_CHECKS_FILE: set only one of HEALTH_CHECKS, HEALTH_CHECKS_FILE",
			map[string]string{"HEALTH_CHECKS": "[]", "HEALTH_CHECKS_FILE": bad}},
		{"inline and parameter", "HEALTH_CHECKS_PARAMETER: set only one of HEALTH_CHECKS, HEALTH_CHECKS_PARAMETER",
			map[string]string{"HEALTH_CHECKS": "[]", "HEALTH_CHECKS_PARAMETER": "/p"}},
		{"file and parameter", "HEALTH_CHECKS_PARAMETER: set only one of HEALTH_CHECKS_FILE, HEALTH_CHECKS_PARAMETER",
			map[string]string{"HEALTH_CHECKS_FILE": bad, "HEALTH_CHECKS_PARAMETER": "/p"}},
		{"missing file", "HEALTH_CHECKS_FILE (missing.json): cannot read the file: no such file or directory",
			map[string]string{"HEALTH_CHECKS_FILE": "missing.json", "LAMBDA_TASK_ROOT": dir}},
		{"element error", "HEALTH_CHECKS_FILE (bad.json)[1].timeout: ",
			map[string]string{"HEALTH_CHECKS_FILE": "bad.json", "LAMBDA_TASK_ROOT": dir}},
		{"not JSON", "HEALTH_CHECKS_FILE (notjson.json): not a JSON array",
			map[string]string{"HEALTH_CHECKS_FILE": "notjson.json", "LAMBDA_TASK_ROOT": dir}},
		{"empty file", "HEALTH_CHECKS_FILE (" + empty + "): is empty",
			map[string]string{"HEALTH_CHECKS_FILE": empty}},
		{"too large", "HEALTH_CHECKS_FILE (" + huge + "): larger than",
			map[string]string{"HEALTH_CHECKS_FILE": huge}},
		{"not JSON, absolute", "HEALTH_CHECKS_FILE (" + notJSON + "): not a JSON array",
			map[string]string{"HEALTH_CHECKS_FILE": notJSON}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(env(tt.env))
			if err == nil {
				t.Fatal("Load: no error")
			}
			if !errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), tt.wantPrefix) {
				t.Errorf("Load error = %q; want it to start with %q", err, tt.wantPrefix)
			}
		})
	}
}

func TestReadChecksParameter(t *testing.T) {
	raw := bigChecks(t, 12<<10)
	c, err := Load(env(map[string]string{"HEALTH_CHECKS_PARAMETER": "/orders/checks"}))
	if err != nil {
		t.Fatalf("Load error: %v", err)
	}
	if c.ChecksParameter != "/orders/checks" || len(c.Checks) != 0 {
		t.Fatalf("before the read: parameter %q, %d checks", c.ChecksParameter, len(c.Checks))
	}
	var asked string
	err = ReadChecksParameter(context.Background(), &c, func(ctx context.Context, name string) (string, error) {
		asked = name
		if _, ok := ctx.Deadline(); !ok {
			t.Error("the read has no deadline")
		}
		return raw, nil
	})
	if err != nil {
		t.Fatalf("ReadChecksParameter error: %v", err)
	}
	if asked != "/orders/checks" || len(c.Checks) < 50 {
		t.Errorf("read %q, %d checks", asked, len(c.Checks))
	}

	t.Run("invalid", func(t *testing.T) {
		c := Config{ChecksParameter: "/orders/checks"}
		err := ReadChecksParameter(context.Background(), &c, func(context.Context, string) (string, error) {
			return `[{"name":"a b","type":"tcp"}]`, nil
		})
		want := "HEALTH_CHECKS_PARAMETER (/orders/checks)[0].name: "
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error = %v; want it to start with %q", err, want)
		}
	})
	t.Run("hung", func(t *testing.T) {
		c := Config{ChecksParameter: "/orders/checks"}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := ReadChecksParameter(ctx, &c, func(ctx context.Context, _ string) (string, error) {
			<-ctx.Done()
			return "", errors.New("timeout")
		})
		want := "HEALTH_CHECKS_PARAMETER (/orders/checks): cannot read the parameter: timeout"
		if err == nil || err.Error() != want {
			t.Errorf("error = %v; want %q", err, want)
		}
		if el := time.Since(start); el > 2*time.Second {
			t.Errorf("returned after %v; want the caller's deadline (200ms)", el)
		}
	})
	t.Run("unset", func(t *testing.T) {
		c := Config{}
		if err := ReadChecksParameter(context.Background(), &c, nil); err != nil || c.Checks != nil {
			t.Errorf("ReadChecksParameter with no parameter = %v, %v", err, c.Checks)
		}
	})
}
