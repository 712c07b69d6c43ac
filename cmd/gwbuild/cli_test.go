package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCommandLineErrors covers refusals that need no build.
func TestCommandLineErrors(t *testing.T) {
	dir := t.TempDir()
	badFile := filepath.Join(dir, "build.yaml")
	if err := os.WriteFile(badFile, []byte("plugins:\n- module: example.com/p\n  verison: v1.0.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		args     []string
		code     int
		inStderr []string
	}{
		{"no command", nil, 2, []string{"Usage:"}},
		{"unknown command", []string{"bild"}, 2, []string{`unknown command "bild"`}},
		{"unknown flag", []string{"build", "--wiht", "x"}, 2, []string{"flag provided but not defined: -wiht"}},
		{"strict build file", []string{"build", "-f", badFile}, 1, []string{"build file " + badFile, `unknown field "verison"`}},
		{"bad --with", []string{"build", "--with", "example.com/p@"}, 1, []string{`--with "example.com/p@": empty version`}},
		{"bad version", []string{"build", "--with", "example.com/p@main", "--with", coreModule + "=" + repoRoot(t)}, 1, []string{`plugins[0].version: "main" is not a module version`}},
		{"stray build args", []string{"build", "--with", coreModule + "=" + repoRoot(t), "--", "--config", "x"}, 2, []string{"gateway arguments go to gwbuild run"}},
		{"run without building", []string{"run", "--skip-build", "--with", coreModule + "=" + repoRoot(t)}, 2, []string{"cannot run with skip-build"}},
		{"init without module", []string{"init", "--filters", "A"}, 2, []string{"--module is required"}},
		{"init with a plugin", []string{"init", "--module", "example.com/x", "--with", "example.com/y=."}, 1, []string{"--with takes only " + coreModule}},
		{"init bad kind", []string{"init", "--module", "example.com/x", "--filters", "bad_name", "--with", coreModule + "=" + repoRoot(t), "--dir", filepath.Join(dir, "x")}, 1, []string{`kind name "bad_name"`}},
		{"add outside a module", []string{"add", "--dir", dir, "--filters", "A"}, 1, []string{"is not a plugin module"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := gwbuild(t, dir, time.Minute, c.args...)
			if r.code != c.code {
				t.Fatalf("exit %d, want %d\nstderr:\n%s", r.code, c.code, r.stderr)
			}
			for _, w := range c.inStderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); !os.IsNotExist(err) {
		t.Error("a refused init left its directory")
	}
}

// TestSkipBuildPrintsTheSources renders a build without compiling it:
// flags given on the command line win over the build file.
func TestSkipBuildPrintsTheSources(t *testing.T) {
	root := repoRoot(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "build.yaml")
	if err := os.WriteFile(file, []byte("gatewright:\n  version: v0.1.0\n  packages: [pipeline, filter/mock]\nplugins:\n- module: "+pluginModule+"\n  version: v0.1.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(dir, "work")
	r := gwbuild(t, dir, time.Minute, "build", "-f", file, "--with", coreModule+"="+root,
		"--with", pluginModule+"="+filepath.Join(root, "examples", "plugin"), "--skip-build", "--work-dir", work, "-o", "edge")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if strings.TrimSpace(r.stdout) != work {
		t.Fatalf("stdout %q, want the work directory %s", r.stdout, work)
	}
	mainGo, err := os.ReadFile(filepath.Join(work, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(work, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"// Command edge is", `_ "` + coreModule + `/filter/mock"`, `_ "` + coreModule + `/pipeline"`, `_ "` + pluginModule + `/registry"`, "gateway.Main()"} {
		if !strings.Contains(string(mainGo), want) {
			t.Errorf("main.go lacks %q:\n%s", want, mainGo)
		}
	}
	for _, want := range []string{coreModule + " v0.1.0", pluginModule + " v0.1.0", "replace " + coreModule + " => " + root + "\n", "replace " + pluginModule + " => " + filepath.Join(root, "examples", "plugin")} {
		if !strings.Contains(string(gomod), want) {
			t.Errorf("go.mod lacks %q:\n%s", want, gomod)
		}
	}
}
