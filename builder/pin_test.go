package builder_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/builder"
)

// TestPluginCannotMoveTheCore builds (sources only, then go mod tidy) with
// a plugin that requires a newer gatewright than the build's: the module
// graph selects the plugin's version, but the build's replace decides what
// is compiled.
func TestPluginCannotMoveTheCore(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go mod tidy")
	}
	root := repoRoot(t)
	plugin := t.TempDir()
	files := map[string]string{
		"go.mod":               "module example.com/wantsnewer\n\ngo 1.26\n\nrequire " + builder.GatewrightModule + " v1.99.0\n",
		"registry/registry.go": "package registry\n\nimport _ \"" + builder.GatewrightModule + "/registry\"\n",
	}
	for name, content := range files {
		path := filepath.Join(plugin, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	work := filepath.Join(t.TempDir(), "work")
	_, err := (&builder.Builder{}).Build(testCtx(t, 5*time.Minute), &builder.Config{
		Gatewright: builder.Core{Replacement: root, Packages: []string{"registry"}},
		Plugins:    []builder.Plugin{{Module: "example.com/wantsnewer", Replacement: plugin}},
		SkipBuild:  true,
		WorkDir:    work,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"mod", "tidy"}, {"list", "-m", "-f", "{{.Version}} => {{.Replace.Dir}}", builder.GatewrightModule}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "GOWORK=off")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		if args[0] == "list" {
			if got, want := strings.TrimSpace(string(out)), "v1.99.0 => "+root; got != want {
				t.Fatalf("gatewright resolves to %q, want %q", got, want)
			}
		}
	}
}
