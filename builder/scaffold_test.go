package builder_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/builder"
)

func testCtx(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestInitRefusesBadInputAndLeavesNothing(t *testing.T) {
	root := repoRoot(t)
	core := builder.Core{Replacement: root}
	cases := []struct {
		name string
		s    builder.Scaffold
		want string
	}{
		{"no kinds", builder.Scaffold{Module: "example.com/x"}, "no kinds given"},
		{"bad module", builder.Scaffold{Module: "Not A Module", Filters: []string{"A"}}, `module: malformed module path "Not A Module"`},
		{"lower-case kind", builder.Scaffold{Module: "example.com/x", Filters: []string{"greeter"}}, `kind name "greeter": use ASCII letters and digits, starting with an upper-case letter`},
		{"keyword", builder.Scaffold{Module: "example.com/x", Objects: []string{"Type"}}, `package name "type" is a Go keyword`},
		{"reserved", builder.Scaffold{Module: "example.com/x", Filters: []string{"Registry"}}, `package name "registry" clashes`},
		{"same package", builder.Scaffold{Module: "example.com/x", Filters: []string{"Abc"}, Objects: []string{"ABC"}}, `kind names "Abc" and "ABC" would share package "abc"`},
		{"punctuation", builder.Scaffold{Module: "example.com/x", Filters: []string{"Header-Counter"}}, "Header-Counter"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.s.Dir = filepath.Join(t.TempDir(), "plugin")
			c.s.Gatewright = core
			_, err := (&builder.Builder{}).Init(testCtx(t, time.Minute), c.s)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to mention %q", err, c.want)
			}
			if _, err := os.Stat(c.s.Dir); !os.IsNotExist(err) {
				t.Fatalf("refused scaffold left %s behind (%v)", c.s.Dir, err)
			}
		})
	}

	t.Run("non-empty directory", func(t *testing.T) {
		dir := t.TempDir()
		keep := filepath.Join(dir, "notes.txt")
		if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := (&builder.Builder{}).Init(testCtx(t, time.Minute), builder.Scaffold{Module: "example.com/x", Dir: dir, Filters: []string{"A"}, Gatewright: core})
		if err == nil || !strings.Contains(err.Error(), "is not empty") {
			t.Fatalf("error %v", err)
		}
		if data, err := os.ReadFile(keep); err != nil || string(data) != "mine" {
			t.Fatal("Init touched a non-empty directory")
		}
	})

	t.Run("failing go command", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "plugin")
		b := &builder.Builder{Go: filepath.Join(t.TempDir(), "no-such-go")}
		_, err := b.Init(testCtx(t, time.Minute), builder.Scaffold{Module: "example.com/x", Dir: dir, Filters: []string{"A"}, Gatewright: core})
		var ge *builder.GoError
		if err == nil || !asGoError(err, &ge) || ge.Args[0] != "mod" {
			t.Fatalf("error %v, want a *GoError from go mod init", err)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Fatal("failed scaffold left its directory behind")
		}
		// A directory that existed (empty) is kept, and left empty.
		existing := t.TempDir()
		if _, err := b.Init(testCtx(t, time.Minute), builder.Scaffold{Module: "example.com/x", Dir: existing, Filters: []string{"A"}, Gatewright: core}); err == nil {
			t.Fatal("Init with a failing go command succeeded")
		}
		if entries, err := os.ReadDir(existing); err != nil || len(entries) != 0 {
			t.Fatalf("failed scaffold in an existing directory: %v, %v", entries, err)
		}
	})
}

func TestInitAndAddWriteKindsAndRegistry(t *testing.T) {
	root := repoRoot(t)
	dir := filepath.Join(t.TempDir(), "hello")
	b := &builder.Builder{}
	res, err := b.Init(testCtx(t, time.Minute), builder.Scaffold{
		Module: "example.com/hello", Dir: dir,
		Filters: []string{"Greeter"}, Objects: []string{"Reporter"},
		Gatewright: builder.Core{Replacement: root}, SkipTidy: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := []string{"build.yaml", "go.mod", "greeter/greeter.go", "greeter/greeter_test.go", "registry/registry.go", "reporter/reporter.go", "reporter/reporter_test.go"}
	if !slices.Equal(res.Files, wantFiles) {
		t.Fatalf("files %v, want %v", res.Files, wantFiles)
	}
	gomod := read(t, dir, "go.mod")
	for _, want := range []string{"module example.com/hello", "require github.com/gatewright/gatewright v0.0.0", "replace github.com/gatewright/gatewright => " + root} {
		if !strings.Contains(gomod, want) {
			t.Errorf("go.mod lacks %q:\n%s", want, gomod)
		}
	}
	for file, wants := range map[string][]string{
		"greeter/greeter.go":   {"package greeter", `const KindName = "Greeter"`, "var _ filter.Filter = (*Greeter)(nil)", "func init() { filter.Register(Kind) }", "func (s *Spec) Validate() error", `jsonschema:"required`, "func (f *Greeter) Handle(ctx *filter.Context) string"},
		"reporter/reporter.go": {"package reporter", "Category:    supervisor.BusinessController", "var _ supervisor.Object = (*Reporter)(nil)", "func init() { supervisor.Register(Kind) }", "func (o *Reporter) loop()"},
		"build.yaml":           {"replacement: \"" + root + "\"", "module: example.com/hello", "replacement: ."},
	} {
		got := read(t, dir, file)
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q", file, w)
			}
		}
	}
	// The build file that Init wrote is a valid build file.
	if _, err := builder.LoadBuildFile(filepath.Join(dir, "build.yaml")); err != nil {
		t.Fatalf("generated build.yaml: %v", err)
	}
	checkRegistry(t, dir, "example.com/hello/greeter", "example.com/hello/reporter")

	res, err = b.Add(testCtx(t, time.Minute), dir, builder.Kinds{Filters: []string{"Stamp"}, Objects: []string{"Auditor"}, SkipTidy: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"auditor/auditor.go", "auditor/auditor_test.go", "registry/registry.go", "stamp/stamp.go", "stamp/stamp_test.go"}; !slices.Equal(res.Files, want) {
		t.Fatalf("Add wrote %v, want %v", res.Files, want)
	}
	checkRegistry(t, dir, "example.com/hello/auditor", "example.com/hello/greeter", "example.com/hello/reporter", "example.com/hello/stamp")

	// A kind that exists already is refused, and nothing changes.
	before := read(t, dir, "registry/registry.go")
	greeter := read(t, dir, "greeter/greeter.go")
	for _, k := range []builder.Kinds{{Filters: []string{"Greeter"}}, {Filters: []string{"Fresh"}, Objects: []string{"Stamp"}}} {
		if _, err := b.Add(testCtx(t, time.Minute), dir, k); err == nil || !strings.Contains(err.Error(), "already") {
			t.Fatalf("Add(%v): %v, want an error saying the kind exists", k, err)
		}
	}
	if read(t, dir, "registry/registry.go") != before || read(t, dir, "greeter/greeter.go") != greeter {
		t.Fatal("a refused Add changed the module")
	}
	if _, err := os.Stat(filepath.Join(dir, "fresh")); !os.IsNotExist(err) {
		t.Fatal("a refused Add left a package behind")
	}

	// A failing go mod tidy undoes the Add.
	bad := &builder.Builder{Go: filepath.Join(t.TempDir(), "no-such-go")}
	if _, err := bad.Add(testCtx(t, time.Minute), dir, builder.Kinds{Filters: []string{"Later"}}); err == nil {
		t.Fatal("Add with a failing go command succeeded")
	}
	if read(t, dir, "registry/registry.go") != before {
		t.Fatal("a failed Add left the registry regenerated")
	}
	if _, err := os.Stat(filepath.Join(dir, "later")); !os.IsNotExist(err) {
		t.Fatal("a failed Add left its package behind")
	}
}

func TestAddRefusesAHandWrittenRegistry(t *testing.T) {
	dir := fakeModule(t, "example.com/mine")
	reg := filepath.Join(dir, "registry", "registry.go")
	if err := os.MkdirAll(filepath.Dir(reg), 0o755); err != nil {
		t.Fatal(err)
	}
	hand := []byte("package registry\n\nimport _ \"example.com/mine/a\"\n")
	if err := os.WriteFile(reg, hand, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := (&builder.Builder{}).Add(testCtx(t, time.Minute), dir, builder.Kinds{Filters: []string{"B"}, SkipTidy: true})
	if err == nil || !strings.Contains(err.Error(), "was not generated by gwbuild") {
		t.Fatalf("error %v", err)
	}
	if got, _ := os.ReadFile(reg); !bytes.Equal(got, hand) {
		t.Fatal("hand-written registry overwritten")
	}
	if _, err := (&builder.Builder{}).Add(testCtx(t, time.Minute), t.TempDir(), builder.Kinds{Filters: []string{"B"}}); err == nil || !strings.Contains(err.Error(), "not a plugin module") {
		t.Fatalf("Add outside a module: %v", err)
	}
}

// TestExamplePluginRegistryIsGenerated keeps examples/plugin's registry
// file exactly what gwbuild generates, so gwbuild add works on it.
func TestExamplePluginRegistryIsGenerated(t *testing.T) {
	got := read(t, filepath.Join(repoRoot(t), "examples", "plugin"), "registry/registry.go")
	want, err := builder.RenderRegistry([]string{examplePlugin + "/statusinlocal", examplePlugin + "/headercounter"})
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("examples/plugin/registry/registry.go differs from the generated file:\n%s\nwant:\n%s", got, want)
	}
}

func checkRegistry(t *testing.T, dir string, imports ...string) {
	t.Helper()
	got := read(t, dir, "registry/registry.go")
	if !strings.HasPrefix(got, builder.GeneratedHeader+"\n") {
		t.Errorf("registry.go does not start with %q", builder.GeneratedHeader)
	}
	var lines []string
	for _, l := range strings.Split(got, "\n") {
		if strings.HasPrefix(l, "\t_ \"") {
			lines = append(lines, strings.Trim(strings.TrimPrefix(l, "\t_ "), `"`))
		}
	}
	if !slices.Equal(lines, imports) {
		t.Errorf("registry imports %v, want %v", lines, imports)
	}
}

func read(t *testing.T, dir, file string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(file)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
