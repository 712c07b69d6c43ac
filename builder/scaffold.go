package builder

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/mod/module"
)

// Scaffold describes a plugin module for Init to create.
type Scaffold struct {
	// Module is the module path, e.g. "example.com/hello".
	Module string
	// Dir is the module's directory; it must be empty or not exist.
	Dir string
	// Filters and Objects are the kind names to generate, e.g.
	// "HeaderCounter"; each gets a package named after it in lower case.
	Filters, Objects []string
	// Gatewright is the gatewright version or local checkout the module
	// requires (Packages is not used).
	Gatewright Core
	// SkipTidy leaves out go mod tidy (which may need the network).
	SkipTidy bool
}

// Kinds names kinds to add to a plugin module with Add.
type Kinds struct {
	// Filters and Objects are the kind names to generate.
	Filters, Objects []string
	// SkipTidy leaves out go mod tidy.
	SkipTidy bool
}

// ScaffoldResult lists what Init or Add wrote.
type ScaffoldResult struct {
	// Dir is the module directory.
	Dir string
	// Files are the files written, relative to Dir, sorted.
	Files []string
}

// registryFile is the plugin's generated registry file, relative to the
// module root.
const registryFile = PluginRegistryPackage + "/registry.go"

// Init creates a plugin module: go.mod requiring gatewright, one package
// per kind with its spec, kind, registration and a table test that passes
// as generated, the registry package importing them all, and a build.yaml
// for gwbuild. If any step fails the directory is removed again.
func (b *Builder) Init(ctx context.Context, s Scaffold) (res *ScaffoldResult, err error) {
	if err := module.CheckPath(s.Module); err != nil {
		return nil, fmt.Errorf("module: %w", err)
	}
	if s.Dir == "" {
		return nil, errors.New("scaffold: no directory given")
	}
	dir := absFrom("", s.Dir)
	kinds, err := planKinds(s.Module, s.Filters, s.Objects)
	if err != nil {
		return nil, err
	}
	cfg := &Config{Gatewright: Core{Version: s.Gatewright.Version, Replacement: absFrom("", s.Gatewright.Replacement)}}
	if errs := cfg.Gatewright.validate(); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	core, err := cfg.coreRequirement()
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	existed := err == nil
	switch {
	case existed && len(entries) > 0:
		return nil, fmt.Errorf("%s is not empty: give a new or empty directory", dir)
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			emptyOrRemove(dir, existed)
		}
	}()

	g := b.goCmd(dir)
	if _, err := g.run(ctx, nil, "mod", "init", s.Module); err != nil {
		return nil, err
	}
	if err := requireCore(ctx, g, core); err != nil {
		return nil, err
	}
	res = &ScaffoldResult{Dir: dir, Files: []string{"go.mod"}}
	files, err := writeKinds(dir, kinds)
	res.Files = append(res.Files, files...)
	if err != nil {
		return nil, err
	}
	if err := writeRegistry(dir, kindImports(kinds)); err != nil {
		return nil, err
	}
	buildFile, err := renderText("build.yaml.tmpl", map[string]any{
		"Core":   Core{Version: core.version, Replacement: core.replacement},
		"Module": s.Module,
	})
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "build.yaml"), buildFile, 0o644); err != nil {
		return nil, err
	}
	res.Files = append(res.Files, registryFile, "build.yaml")
	if !s.SkipTidy {
		if _, err := g.run(ctx, nil, "mod", "tidy"); err != nil {
			return nil, err
		}
		res.Files = append(res.Files, "go.sum")
	}
	slices.Sort(res.Files)
	return res, nil
}

// requireCore adds the gatewright requirement (and replacement) to the
// go.mod of the command's directory.
func requireCore(ctx context.Context, g goCmd, core requirement) error {
	v := core.version
	if v == "" {
		v = pseudoVersion
	}
	args := []string{"mod", "edit", "-require=" + core.module + "@" + v}
	if core.replacement != "" {
		args = append(args, "-replace="+core.module+"="+core.replacement)
	}
	_, err := g.run(ctx, nil, args...)
	return err
}

// emptyOrRemove undoes a failed Init: it removes the directory it created,
// or empties the one that was empty before.
func emptyOrRemove(dir string, existed bool) {
	if !existed {
		_ = os.RemoveAll(dir)
		return
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		_ = os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}
