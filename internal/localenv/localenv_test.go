package localenv

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestRead(t *testing.T) {
	root := t.TempDir()
	if _, err := Read(root); !os.IsNotExist(err) {
		t.Errorf("Read without .local/env: %v; want a not-exist error", err)
	}
	if err := os.MkdirAll(filepath.Join(root, ".local"), 0o755); err != nil {
		t.Fatal(err)
	}
	body := "# Written by scripts/local-up.sh\nexport AWS_REGION='us-east-1'\nexport LOCAL_MYSQL_DSN='health:pw@tcp(127.0.0.1:53306)/healthdb'\nPLAIN=\"x=y\"\nnot a setting\n"
	if err := os.WriteFile(Path(root), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Read(root)
	want := map[string]string{"AWS_REGION": "us-east-1", "LOCAL_MYSQL_DSN": "health:pw@tcp(127.0.0.1:53306)/healthdb", "PLAIN": "x=y"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Read = %v, %v; want %v", got, err, want)
	}
}
