package builder_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/builder"
)

// TestGoErrorsAreShownWhole builds with a plugin module that lacks the
// registry package: go mod tidy fails and its whole output comes back.
func TestGoErrorsAreShownWhole(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go mod tidy over gatewright's dependencies")
	}
	root := repoRoot(t)
	plugin := fakeModule(t, "example.com/noregistry")
	work := filepath.Join(t.TempDir(), "work")
	cfg := &builder.Config{
		Gatewright: builder.Core{Replacement: root},
		Plugins:    []builder.Plugin{{Module: "example.com/noregistry", Replacement: plugin}},
		Output:     filepath.Join(t.TempDir(), "gw"),
		WorkDir:    work,
	}
	var log strings.Builder
	_, err := (&builder.Builder{Log: &log}).Build(testCtx(t, 10*time.Minute), cfg)
	var ge *builder.GoError
	if !asGoError(err, &ge) {
		t.Fatalf("error %v (%T), want a *GoError", err, err)
	}
	if ge.Args[0] != "mod" || ge.Args[1] != "tidy" || ge.Dir != work {
		t.Fatalf("failed command: go %v in %s", ge.Args, ge.Dir)
	}
	msg := err.Error()
	for _, want := range []string{"go mod tidy (in " + work + ")", "exit status", "example.com/noregistry/registry"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if !strings.Contains(msg, strings.TrimSpace(ge.Output)) {
		t.Error("the error does not hold the command's whole output")
	}
	if !strings.Contains(log.String(), "gwbuild: go mod tidy") {
		t.Errorf("log lacks the steps:\n%s", log.String())
	}
	if _, err := os.Stat(work); !os.IsNotExist(err) {
		t.Error("the work directory of a failed build was kept without keepWorkDir")
	}
	if _, err := os.Stat(cfg.Output); !os.IsNotExist(err) {
		t.Error("a failed build left a binary")
	}
}

func TestBuildRefusesBadConfigBeforeAnyWork(t *testing.T) {
	work := filepath.Join(t.TempDir(), "work")
	_, err := (&builder.Builder{}).Build(testCtx(t, time.Minute), &builder.Config{
		Plugins: []builder.Plugin{{Module: "example.com/p", Version: "tip"}},
		WorkDir: work,
	})
	if err == nil || !strings.Contains(err.Error(), `plugins[0].version: "tip"`) {
		t.Fatalf("error %v", err)
	}
	if _, err := os.Stat(work); !os.IsNotExist(err) {
		t.Fatal("an invalid config created the work directory")
	}
	// A non-empty work directory is refused and left alone.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = (&builder.Builder{}).Build(testCtx(t, time.Minute), &builder.Config{Gatewright: builder.Core{Replacement: repoRoot(t)}, WorkDir: dir, SkipBuild: true})
	if err == nil || !strings.Contains(err.Error(), "is not empty") {
		t.Fatalf("error %v", err)
	}
}
