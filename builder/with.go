package builder

import (
	"fmt"
	"path/filepath"
	"strings"
)

// ParseWith reads a --with argument, module[@version][=path], relative
// paths being taken from baseDir. For the gatewright module it sets the
// core version or replacement; for any other module it adds or updates a
// plugin.
func (c *Config) ParseWith(arg, baseDir string) error {
	spec, repl, hasRepl := strings.Cut(arg, "=")
	mod, version, hasVersion := strings.Cut(spec, "@")
	switch {
	case mod == "":
		return fmt.Errorf("--with %q: want module[@version][=path]", arg)
	case hasVersion && version == "":
		return fmt.Errorf("--with %q: empty version after @", arg)
	case hasRepl && repl == "":
		return fmt.Errorf("--with %q: empty path after =", arg)
	}
	if hasRepl {
		repl = absFrom(baseDir, repl)
	}
	if mod == GatewrightModule {
		if hasVersion {
			c.Gatewright.Version = version
		}
		if hasRepl {
			c.Gatewright.Replacement = repl
		}
		return nil
	}
	p := Plugin{Module: mod, Version: version, Replacement: repl}
	for i := range c.Plugins {
		if c.Plugins[i].Module == mod {
			if hasVersion {
				c.Plugins[i].Version = version
			}
			if hasRepl {
				c.Plugins[i].Replacement = repl
			}
			return nil
		}
	}
	c.Plugins = append(c.Plugins, p)
	return nil
}

// absFrom returns p made absolute against base (the current directory if
// base is "").
func absFrom(base, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	if base == "" {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
		return p
	}
	if abs, err := filepath.Abs(filepath.Join(base, p)); err == nil {
		return abs
	}
	return filepath.Join(base, p)
}

// resolvePaths makes the configuration's relative paths absolute against
// base ("" = the current directory).
func (c *Config) resolvePaths(base string) {
	c.Gatewright.Replacement = absFrom(base, c.Gatewright.Replacement)
	for i := range c.Plugins {
		c.Plugins[i].Replacement = absFrom(base, c.Plugins[i].Replacement)
	}
	c.Output = absFrom(base, c.Output)
	c.WorkDir = absFrom(base, c.WorkDir)
}
