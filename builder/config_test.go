package builder_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/builder"
)

// fakeModule writes a directory holding the go.mod of module mod.
func fakeModule(t *testing.T, mod string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module "+mod+"\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestValidateNamesTheField(t *testing.T) {
	pluginDir := fakeModule(t, "example.com/p")
	no := false
	cases := []struct {
		name    string
		cfg     builder.Config
		wantErr []string
	}{
		{name: "ok", cfg: builder.Config{Plugins: []builder.Plugin{{Module: "example.com/p", Replacement: pluginDir}, {Module: "example.com/q", Version: "v1.0.0"}}}},
		{name: "bad core version", cfg: builder.Config{Gatewright: builder.Core{Version: "1.0"}}, wantErr: []string{`gatewright.version: "1.0" is not a module version`}},
		{name: "core replacement without go.mod", cfg: builder.Config{Gatewright: builder.Core{Replacement: t.TempDir()}}, wantErr: []string{"gatewright.replacement: ", "has no go.mod"}},
		{name: "core replacement of another module", cfg: builder.Config{Gatewright: builder.Core{Replacement: pluginDir}}, wantErr: []string{`gatewright.replacement: ` + pluginDir + ` holds module "example.com/p", not github.com/gatewright/gatewright`}},
		{name: "core package outside", cfg: builder.Config{Gatewright: builder.Core{Packages: []string{"../x"}}}, wantErr: []string{"gatewright.packages[0]: "}},
		{name: "plugin without module", cfg: builder.Config{Plugins: []builder.Plugin{{Version: "v1.0.0"}}}, wantErr: []string{"plugins[0].module: required"}},
		{name: "bad module path", cfg: builder.Config{Plugins: []builder.Plugin{{Module: "not a path"}}}, wantErr: []string{"plugins[0].module: "}},
		{name: "shorthand version", cfg: builder.Config{Gatewright: builder.Core{Version: "v1.2"}}, wantErr: []string{`gatewright.version: "v1.2" is not a module version`}},
		{name: "bad plugin version", cfg: builder.Config{Plugins: []builder.Plugin{{Module: "example.com/p", Version: "latest"}}}, wantErr: []string{`plugins[0].version: "latest"`}},
		{name: "plugin replacement mismatch", cfg: builder.Config{Plugins: []builder.Plugin{{Module: "example.com/other", Replacement: pluginDir}}}, wantErr: []string{"plugins[0].replacement: ", `holds module "example.com/p", not example.com/other`}},
		{name: "duplicate plugin", cfg: builder.Config{Plugins: []builder.Plugin{{Module: "example.com/p"}, {Module: "example.com/p"}}}, wantErr: []string{"plugins[1].module: example.com/p is already listed as plugins[0]"}},
		{name: "core as plugin", cfg: builder.Config{Plugins: []builder.Plugin{{Module: builder.GatewrightModule}}}, wantErr: []string{"plugins[0].module: github.com/gatewright/gatewright is the core module"}},
		{name: "-o flag", cfg: builder.Config{BuildFlags: []string{"-ldflags=-s -w", "-o=x"}}, wantErr: []string{"buildFlags[1]: -o=x is set by the build: use the output field"}},
		{name: "race without cgo", cfg: builder.Config{Race: true, CGO: &no}, wantErr: []string{"race: the race detector needs cgo"}},
		{name: "bad goos", cfg: builder.Config{GOOS: "Linux"}, wantErr: []string{`goos: "Linux" is not a Go platform name`}},
		{name: "every problem", cfg: builder.Config{Gatewright: builder.Core{Version: "x"}, Plugins: []builder.Plugin{{}}}, wantErr: []string{"gatewright.version", "plugins[0].module"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.cfg.Validate()
			if len(c.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			var ce *builder.ConfigError
			if !errors.As(err, &ce) {
				t.Errorf("%v is not a *ConfigError", err)
			}
		})
	}
}

func TestParseWith(t *testing.T) {
	base := t.TempDir()
	cfg := &builder.Config{}
	for _, arg := range []string{
		"github.com/gatewright/gatewright=../core",
		"example.com/a@v1.2.3",
		"example.com/b=./b",
		"example.com/c@v0.1.0=/abs/c",
		"example.com/a=./a", // updates the first one
		"github.com/gatewright/gatewright@v0.9.0",
	} {
		if err := cfg.ParseWith(arg, base); err != nil {
			t.Fatalf("%s: %v", arg, err)
		}
	}
	if cfg.Gatewright.Replacement != filepath.Join(filepath.Dir(base), "core") || cfg.Gatewright.Version != "v0.9.0" {
		t.Errorf("core %+v", cfg.Gatewright)
	}
	want := []builder.Plugin{
		{Module: "example.com/a", Version: "v1.2.3", Replacement: filepath.Join(base, "a")},
		{Module: "example.com/b", Replacement: filepath.Join(base, "b")},
		{Module: "example.com/c", Version: "v0.1.0", Replacement: "/abs/c"},
	}
	if len(cfg.Plugins) != len(want) {
		t.Fatalf("plugins %+v", cfg.Plugins)
	}
	for i := range want {
		if cfg.Plugins[i] != want[i] {
			t.Errorf("plugins[%d] = %+v, want %+v", i, cfg.Plugins[i], want[i])
		}
	}
	for _, bad := range []string{"", "@v1", "example.com/a@", "example.com/a="} {
		if err := (&builder.Config{}).ParseWith(bad, base); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseBuildFile(t *testing.T) {
	base := t.TempDir()
	pluginDir := filepath.Join(base, "plugins", "p")
	if err := os.MkdirAll(pluginDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pluginDir, "go.mod"), []byte("module example.com/p\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := builder.ParseBuildFile([]byte(`
gatewright:
  version: v0.4.0
  packages: [registry/standard]
plugins:
- module: example.com/p
  replacement: plugins/p
- module: example.com/q
  version: v1.0.0
output: bin/gw
buildFlags: ["-ldflags=-s -w", -tags=netgo]
race: true
goos: linux
goarch: arm64
cgo: true
skipBuild: true
keepWorkDir: true
workDir: work
`), base)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Gatewright.Version != "v0.4.0" || len(cfg.Plugins) != 2 || cfg.Plugins[0].Replacement != pluginDir ||
		cfg.Output != filepath.Join(base, "bin", "gw") || cfg.WorkDir != filepath.Join(base, "work") ||
		len(cfg.BuildFlags) != 2 || cfg.BuildFlags[0] != "-ldflags=-s -w" || !cfg.Race || cfg.GOOS != "linux" ||
		cfg.GOARCH != "arm64" || cfg.CGO == nil || !*cfg.CGO || !cfg.SkipBuild || !cfg.KeepWorkDir {
		t.Fatalf("decoded %+v", cfg)
	}

	for _, c := range []struct{ name, in, want string }{
		{"unknown field", "gatewright:\n  version: v0.4.0\nouptut: x\n", `unknown field "ouptut"`},
		{"unknown nested field", "plugins:\n- module: example.com/p\n  verison: v1\n", `unknown field "verison"`},
		{"wrong type", "race: maybe\n", "race"},
		{"invalid value", "plugins:\n- module: example.com/q\n  version: main\n", `plugins[0].version: "main" is not a module version`},
		{"relative replacement checked", "plugins:\n- module: example.com/q\n  replacement: plugins/p\n", `holds module "example.com/p", not example.com/q`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := builder.ParseBuildFile([]byte(c.in), base)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestLoadBuildFileNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "build.yaml")
	if err := os.WriteFile(path, []byte("output: 3\nskipbuild: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := builder.LoadBuildFile(path)
	if err == nil || !strings.Contains(err.Error(), "build file "+path) || !strings.Contains(err.Error(), `unknown field "skipbuild"`) {
		t.Fatalf("error %v", err)
	}
	if _, err := builder.LoadBuildFile(filepath.Join(t.TempDir(), "none.yaml")); err == nil {
		t.Fatal("a missing build file was accepted")
	}
}
