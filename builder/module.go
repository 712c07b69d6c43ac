package builder

import (
	"context"
	"errors"
	"runtime/debug"

	"golang.org/x/mod/semver"
)

// requirement is a module a generated go.mod requires, with its version
// and, for a local checkout, the directory replacing it.
type requirement struct {
	module, version, replacement string
}

// pseudoVersion is required for a module replaced by a local directory
// when no version is given; the replace decides what is built.
const pseudoVersion = "v0.0.0"

// coreRequirement decides which gatewright the build uses: the configured
// replacement or version, or else the version this program was built with.
func (c *Config) coreRequirement() (requirement, error) {
	r := requirement{module: GatewrightModule, version: c.Gatewright.Version, replacement: c.Gatewright.Replacement}
	if r.version == "" && r.replacement == "" {
		r.version = ownGatewrightVersion()
		if r.version == "" {
			return r, errors.New("gatewright version unknown (this is a development build of gwbuild): " +
				"give one with --with " + GatewrightModule + "@VERSION (build file: gatewright.version), " +
				"or a local checkout with --with " + GatewrightModule + "=PATH (build file: gatewright.replacement)")
		}
	}
	return r, nil
}

// ownGatewrightVersion returns the gatewright version the running program
// was built from, or "" for a development build.
func ownGatewrightVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	if info.Main.Path == GatewrightModule {
		return releaseVersion(info.Main.Version, nil)
	}
	for _, d := range info.Deps {
		if d.Path == GatewrightModule {
			return releaseVersion(d.Version, d.Replace)
		}
	}
	return ""
}

func releaseVersion(v string, replace *debug.Module) string {
	if replace != nil || !semver.IsValid(v) || v == pseudoVersion {
		return ""
	}
	return v
}

// initModule runs go mod init in the command's directory and requires and
// replaces the core and the plugins. The core is pinned: a replace
// directive maps every version of it to the chosen one (or checkout), so a
// plugin requiring a newer gatewright cannot move it.
func initModule(ctx context.Context, g goCmd, modulePath string, core requirement, plugins []Plugin) error {
	if _, err := g.run(ctx, nil, "mod", "init", modulePath); err != nil {
		return err
	}
	reqs := []requirement{core}
	for _, p := range plugins {
		reqs = append(reqs, requirement{module: p.Module, version: p.Version, replacement: p.Replacement})
	}
	args := []string{"mod", "edit"}
	for _, r := range reqs {
		v := r.version
		if v == "" && r.replacement != "" {
			v = pseudoVersion
		}
		if v != "" {
			args = append(args, "-require="+r.module+"@"+v)
		}
		switch {
		case r.replacement != "":
			args = append(args, "-replace="+r.module+"="+r.replacement)
		case r.module == GatewrightModule:
			args = append(args, "-replace="+r.module+"="+r.module+"@"+v)
		}
	}
	_, err := g.run(ctx, nil, args...)
	return err
}
