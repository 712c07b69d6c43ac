package builder_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/builder"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// repoRoot is the gatewright checkout the tests run in.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

const examplePlugin = "github.com/gatewright/gatewright/examples/plugin"

// goLine is the go directive that go mod init writes: the toolchain's
// version, which is not the golden files' business.
var goLine = regexp.MustCompile(`(?m)^go [0-9.]+$`)

// normalize replaces what differs between machines with placeholders.
func normalize(s, root string) string {
	s = strings.ReplaceAll(s, root, "$GATEWRIGHT")
	return goLine.ReplaceAllLiteralString(s, "go $GOVERSION")
}

func TestRenderedSourcesGolden(t *testing.T) {
	root := repoRoot(t)
	cases := []struct {
		name string
		cfg  builder.Config
	}{
		{
			name: "local",
			cfg: builder.Config{
				Gatewright: builder.Core{Replacement: root},
				Plugins:    []builder.Plugin{{Module: examplePlugin, Replacement: filepath.Join(root, "examples", "plugin")}},
			},
		},
		{
			name: "versioned",
			cfg: builder.Config{
				Gatewright: builder.Core{Version: "v0.3.0", Packages: []string{"pipeline", "gateway/httpserver", "github.com/gatewright/gatewright/filter/proxy"}},
				Plugins: []builder.Plugin{
					{Module: "example.com/zeta", Version: "v1.2.0"},
					{Module: "example.com/alpha"},
					{Module: examplePlugin, Version: "v0.2.0", Replacement: filepath.Join(root, "examples", "plugin")},
				},
				Output: "edge-gw",
			},
		},
		{
			name: "standard",
			cfg:  builder.Config{Gatewright: builder.Core{Version: "v1.0.0"}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := c.cfg
			cfg.SkipBuild = true
			cfg.WorkDir = filepath.Join(t.TempDir(), "work")
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			res, err := (&builder.Builder{}).Build(ctx, &cfg)
			if err != nil {
				t.Fatal(err)
			}
			if res.WorkDir != cfg.WorkDir || res.Binary != "" {
				t.Fatalf("result %+v: want the sources in %s and no binary", res, cfg.WorkDir)
			}
			for _, f := range []struct{ name, golden string }{
				{"main.go", c.name + ".main.go.golden"},
				{"go.mod", c.name + ".go.mod.golden"},
			} {
				data, err := os.ReadFile(filepath.Join(res.WorkDir, f.name))
				if err != nil {
					t.Fatalf("skip-build left no %s: %v", f.name, err)
				}
				compareGolden(t, filepath.Join("testdata", f.golden), normalize(string(data), root))
			}
			if _, err := os.Stat(filepath.Join(res.WorkDir, "go.sum")); err == nil {
				t.Error("skip-build ran go mod tidy (go.sum exists)")
			}
		})
	}
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
