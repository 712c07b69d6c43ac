package builder

import (
	"fmt"
	"go/token"
	"strings"
)

// isReservedPackage reports whether a kind's package may not take this
// name: it would clash with the plugin's registry package or with an
// import of the generated code.
func isReservedPackage(name string) bool {
	switch name {
	case "registry", "filter", "supervisor", "pipeline", "gateway", "fasthttp",
		"testing", "strings", "time", "sync", "atomic", "slog", "fmt", "main":
		return true
	}
	return false
}

// kindPackage checks a kind name (an exported Go identifier such as
// "HeaderCounter", which is also the name of the generated type) and
// returns the name of its package: the kind name in lower case.
func kindPackage(kind string) (string, error) {
	if kind == "" {
		return "", fmt.Errorf("empty kind name")
	}
	for i, r := range kind {
		upper := r >= 'A' && r <= 'Z'
		lowerOrDigit := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		if i == 0 && !upper || i > 0 && !upper && !lowerOrDigit {
			return "", fmt.Errorf("kind name %q: use ASCII letters and digits, starting with an upper-case letter (e.g. HeaderCounter)", kind)
		}
	}
	if len(kind) > 64 {
		return "", fmt.Errorf("kind name %q: longer than 64 characters", kind)
	}
	switch kind {
	case "Spec", "Status", "Kind", "KindName":
		return "", fmt.Errorf("kind name %q: the generated package declares %s itself; choose another name", kind, kind)
	}
	pkg := strings.ToLower(kind)
	if token.IsKeyword(pkg) {
		return "", fmt.Errorf("kind name %q: its package name %q is a Go keyword; choose another name", kind, pkg)
	}
	if isReservedPackage(pkg) {
		return "", fmt.Errorf("kind name %q: its package name %q clashes with a package the generated code uses; choose another name", kind, pkg)
	}
	return pkg, nil
}

// kindSpec is one kind to generate.
type kindSpec struct {
	Kind    string // kind and type name
	Package string // package name and directory
	Import  string // full import path
	Object  bool   // an object kind rather than a filter kind
}

// planKinds checks the kind names of one scaffold or add request and
// returns what to generate, filters first. Names must be unique, also
// ignoring case (the packages are directories).
func planKinds(modulePath string, filters, objects []string) ([]kindSpec, error) {
	var out []kindSpec
	seen := map[string]string{}
	add := func(name string, object bool) error {
		pkg, err := kindPackage(name)
		if err != nil {
			return err
		}
		if prev, dup := seen[pkg]; dup {
			return fmt.Errorf("kind names %q and %q would share package %q", prev, name, pkg)
		}
		seen[pkg] = name
		out = append(out, kindSpec{Kind: name, Package: pkg, Import: modulePath + "/" + pkg, Object: object})
		return nil
	}
	for _, f := range filters {
		if err := add(f, false); err != nil {
			return nil, fmt.Errorf("filters: %w", err)
		}
	}
	for _, o := range objects {
		if err := add(o, true); err != nil {
			return nil, fmt.Errorf("objects: %w", err)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no kinds given: name at least one with --filters or --objects")
	}
	return out, nil
}
