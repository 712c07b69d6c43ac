package builder

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"text/template"
)

// writeKinds writes the package of every kind: the kind's file and its
// test. It returns the files written, relative to dir.
func writeKinds(dir string, kinds []kindSpec) ([]string, error) {
	var files []string
	for _, ks := range kinds {
		tmpl := "filter"
		if ks.Object {
			tmpl = "object"
		}
		if err := os.MkdirAll(filepath.Join(dir, ks.Package), 0o755); err != nil {
			return files, err
		}
		for _, f := range []struct{ tmpl, name string }{
			{tmpl + ".go.tmpl", ks.Package + ".go"},
			{tmpl + "_test.go.tmpl", ks.Package + "_test.go"},
		} {
			src, err := renderGo(f.tmpl, ks)
			if err != nil {
				return files, err
			}
			rel := filepath.Join(ks.Package, f.name)
			if err := os.WriteFile(filepath.Join(dir, rel), src, 0o644); err != nil {
				return files, err
			}
			files = append(files, rel)
		}
	}
	return files, nil
}

func kindImports(kinds []kindSpec) []string {
	var out []string
	for _, ks := range kinds {
		out = append(out, ks.Import)
	}
	return out
}

// writeRegistry (re)generates the registry package.
func writeRegistry(dir string, imports []string) error {
	src, err := RenderRegistry(imports)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, PluginRegistryPackage), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, filepath.FromSlash(registryFile)), src, 0o644)
}

// renderText executes a non-Go template.
func renderText(name string, data any) ([]byte, error) {
	t, err := template.ParseFS(templateFS, "templates/"+name)
	if err != nil {
		return nil, fmt.Errorf("rendering %s: %w", name, err)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, fmt.Errorf("rendering %s: %w", name, err)
	}
	return buf.Bytes(), nil
}
