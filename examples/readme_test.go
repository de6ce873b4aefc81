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
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
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
