package testkit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ConfigSeeds returns real configuration documents for fuzz targets to
// start from: every ```yaml block of the module's README and docs/*.md,
// and the example builds' YAML files. It fails the test when the module
// root cannot be found.
func ConfigSeeds(t testing.TB) []string {
	t.Helper()
	root := moduleRoot(t)
	var files []string
	files = append(files, filepath.Join(root, "README.md"))
	docs, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	files = append(files, docs...)
	var seeds []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		seeds = append(seeds, yamlBlocks(string(b))...)
	}
	examples, _ := filepath.Glob(filepath.Join(root, "examples", "*", "*.yaml"))
	for _, f := range examples {
		if b, err := os.ReadFile(f); err == nil {
			seeds = append(seeds, string(b))
		}
	}
	return seeds
}

// yamlBlocks returns the bodies of the ```yaml fenced blocks of a
// markdown text.
func yamlBlocks(md string) []string {
	var out []string
	var cur []string
	in := false
	for _, l := range strings.Split(md, "\n") {
		trimmed := strings.TrimSpace(l)
		switch {
		case !in && (trimmed == "```yaml" || trimmed == "```yml"):
			in, cur = true, cur[:0]
		case in && trimmed == "```":
			in = false
			out = append(out, strings.Join(cur, "\n")+"\n")
		case in:
			cur = append(cur, l)
		}
	}
	return out
}

// moduleRoot finds the directory holding go.mod above the working
// directory.
func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("testkit: no go.mod above the working directory")
		}
		dir = parent
	}
}
