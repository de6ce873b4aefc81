// Package localenv reads .local/env, the settings of the local test stack
// that scripts/local-up.sh writes: lines of `export KEY='value'`.
package localenv

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// Path returns the file's path in the checkout at root.
func Path(root string) string { return filepath.Join(root, ".local", "env") }

// Read returns the settings of the checkout at root, from .local/env. Lines
// are `KEY=VALUE`, optionally after `export` and with the value in single or
// double quotes; comments and other lines are skipped. A missing file is an
// error for which os.IsNotExist holds.
func Read(root string) (map[string]string, error) {
	f, err := os.Open(Path(root))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export "))
		k, v, ok := strings.Cut(line, "=")
		if !ok || k == "" || strings.HasPrefix(k, "#") {
			continue
		}
		env[k] = strings.Trim(v, `"'`)
	}
	return env, sc.Err()
}
