// Package examples holds the README's promise about its Go snippets: each
// is an excerpt of one of the runnable programs beside this file, which
// `go test ./examples/...` compiles and tests, so no snippet can stop
// compiling unnoticed.
package examples

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docs returns the pages, one after the other.
func docs(t *testing.T, pages ...string) []byte {
	t.Helper()
	var all []byte
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		all = append(append(all, b...), '\n')
	}
	return all
}

var goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")

// lines returns s's non-blank lines with their indentation trimmed.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func TestReadmeSnippetsAreExcerptsOfExamples(t *testing.T) {
	readme := docs(t, "../README.md")
	files, _ := filepath.Glob("*/main.go")
	var sources []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, "\n"+strings.Join(lines(string(b)), "\n")+"\n")
	}
	blocks := goBlock.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) == 0 {
		t.Fatal("README has no Go snippet")
	}
	for _, m := range blocks {
		snippet := "\n" + strings.Join(lines(m[1]), "\n") + "\n"
		found := false
		for _, src := range sources {
			if strings.Contains(src, snippet) {
				found = true
			}
		}
		if !found {
			t.Errorf("README snippet is in no examples/*/main.go, so nothing compiles it:\n%s", m[1])
		}
	}
}

// TestReadmeListsEveryPackage: the README's package table has a row for
// every package under pkg/, except the dependency kinds, which the one
// `pkg/checks/<kind>` row covers (a kind is what package registry imports).
func TestReadmeListsEveryPackage(t *testing.T) {
	readme := docs(t, "../README.md", "../docs/LIBRARY.md")
	// The registry imports each kind from a file of its own (kind_<type>.go).
	var registry []byte
	files, _ := filepath.Glob("../pkg/checks/registry/*.go")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		registry = append(registry, b...)
	}
	var n int
	err := filepath.WalkDir("../pkg", func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if src, _ := filepath.Glob(filepath.Join(path, "*.go")); len(src) == 0 {
			return nil
		}
		pkg := strings.TrimPrefix(filepath.ToSlash(path), "../")
		n++
		kind := strings.HasPrefix(pkg, "pkg/checks/") && strings.Contains(string(registry), `/`+pkg+`"`)
		if !kind && !strings.Contains(string(readme), "| `"+pkg+"` |") {
			t.Errorf("README's package table has no row for %s", pkg)
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("walk pkg/: %d packages, %v", n, err)
	}
}
