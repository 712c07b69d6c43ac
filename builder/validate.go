package builder

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Validate checks the configuration without touching the network: module
// paths, versions, replacement directories (each must hold the go.mod of
// the module it replaces), packages and flags. Every problem is reported,
// each naming its field.
func (c *Config) Validate() error {
	var errs []error
	errs = append(errs, c.Gatewright.validate()...)
	seen := map[string]int{}
	for i, p := range c.Plugins {
		at := fmt.Sprintf("plugins[%d]", i)
		errs = append(errs, p.validate(at)...)
		if p.Module == GatewrightModule {
			errs = append(errs, fieldErr(at+".module", "%s is the core module: set it under gatewright, not as a plugin", GatewrightModule))
		}
		if j, dup := seen[p.Module]; dup && p.Module != "" {
			errs = append(errs, fieldErr(at+".module", "%s is already listed as plugins[%d]", p.Module, j))
		}
		seen[p.Module] = i
	}
	for i, f := range c.BuildFlags {
		name, _, _ := strings.Cut(strings.TrimLeft(f, "-"), "=")
		if strings.HasPrefix(f, "-") && (name == "o" || name == "race") {
			errs = append(errs, fieldErr(fmt.Sprintf("buildFlags[%d]", i), "%s is set by the build: use the %s field instead", f, map[string]string{"o": "output", "race": "race"}[name]))
		}
	}
	if c.Race && c.CGO != nil && !*c.CGO {
		errs = append(errs, fieldErr("race", "the race detector needs cgo, but cgo is false"))
	}
	for _, f := range []struct{ name, v string }{{"goos", c.GOOS}, {"goarch", c.GOARCH}} {
		if f.v != "" && !isWord(f.v) {
			errs = append(errs, fieldErr(f.name, "%q is not a Go platform name", f.v))
		}
	}
	return errors.Join(errs...)
}

func (c Core) validate() []error {
	var errs []error
	if c.Version != "" && !isVersion(c.Version) {
		errs = append(errs, fieldErr("gatewright.version", "%q is not a module version such as v1.2.3", c.Version))
	}
	if c.Replacement != "" {
		if err := checkReplacement(c.Replacement, GatewrightModule); err != nil {
			errs = append(errs, fieldErr("gatewright.replacement", "%v", err))
		}
	}
	for i, p := range c.Packages {
		if _, err := corePackage(p); err != nil {
			errs = append(errs, fieldErr(fmt.Sprintf("gatewright.packages[%d]", i), "%v", err))
		}
	}
	return errs
}

func (p Plugin) validate(at string) []error {
	var errs []error
	if p.Module == "" {
		return append(errs, fieldErr(at+".module", "required"))
	}
	if err := module.CheckPath(p.Module); err != nil {
		errs = append(errs, fieldErr(at+".module", "%v", err))
	}
	if p.Version != "" && !isVersion(p.Version) {
		errs = append(errs, fieldErr(at+".version", "%q is not a module version such as v1.2.3", p.Version))
	}
	if p.Replacement != "" {
		if err := checkReplacement(p.Replacement, p.Module); err != nil {
			errs = append(errs, fieldErr(at+".replacement", "%v", err))
		}
	}
	return errs
}

// checkReplacement makes sure dir holds the go.mod of module mod.
func checkReplacement(dir, mod string) error {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%s has no go.mod: it must be the root of module %s", dir, mod)
		}
		return err
	}
	if got := modfile.ModulePath(data); got != mod {
		return fmt.Errorf("%s holds module %q, not %s", dir, got, mod)
	}
	return nil
}

// corePackage returns the full import path of a gatewright package given
// relative to the module root or in full.
func corePackage(p string) (string, error) {
	full := p
	if p != GatewrightModule && !strings.HasPrefix(p, GatewrightModule+"/") {
		if p == "" || strings.HasPrefix(p, "/") || path.Clean(p) != p || p == "." || strings.HasPrefix(p, "../") {
			return "", fmt.Errorf("%q is not a package path inside %s (e.g. %s or filter/proxy)", p, GatewrightModule, StandardPackage)
		}
		full = GatewrightModule + "/" + p
	}
	if err := module.CheckImportPath(full); err != nil {
		return "", err
	}
	return full, nil
}

// corePackages returns the full import paths of the gatewright packages
// to import, sorted.
func (c Core) corePackages() []string {
	if len(c.Packages) == 0 {
		return []string{GatewrightModule + "/" + StandardPackage}
	}
	var out []string
	for _, p := range c.Packages {
		if full, err := corePackage(p); err == nil && !slices.Contains(out, full) {
			out = append(out, full)
		}
	}
	slices.Sort(out)
	return out
}

// isVersion reports whether v is a canonical module version (v1.2.3,
// v1.2.3-pre, a pseudo-version, v2.0.0+incompatible), the form go.mod
// requires take.
func isVersion(v string) bool {
	return semver.IsValid(v) && module.CanonicalVersion(v) == v
}

func isWord(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}
