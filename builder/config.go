package builder

import "fmt"

// GatewrightModule is the module path of gatewright itself.
const GatewrightModule = "github.com/gatewright/gatewright"

// StandardPackage is the gatewright package that registers every built-in
// kind; builds import it unless Core.Packages says otherwise.
const StandardPackage = "registry/standard"

// PluginRegistryPackage is the package, relative to a plugin module's
// root, that blank-imports all of the module's kinds.
const PluginRegistryPackage = "registry"

// Config describes one build. The zero value builds every built-in kind
// with no plugins, at the gatewright version gwbuild itself was built from.
type Config struct {
	// Gatewright selects the gatewright version and the kinds to import.
	Gatewright Core `yaml:"gatewright"`
	// Plugins are the plugin modules to link in.
	Plugins []Plugin `yaml:"plugins"`
	// Output is the binary to write (default "gatewright", with ".exe"
	// for Windows).
	Output string `yaml:"output"`
	// BuildFlags are extra flags for go build, e.g. "-ldflags=-s -w".
	BuildFlags []string `yaml:"buildFlags"`
	// Race builds with the race detector.
	Race bool `yaml:"race"`
	// GOOS is the target operating system (default the host's).
	GOOS string `yaml:"goos"`
	// GOARCH is the target architecture (default the host's).
	GOARCH string `yaml:"goarch"`
	// CGO sets CGO_ENABLED when not nil.
	CGO *bool `yaml:"cgo"`
	// SkipBuild renders main.go and go.mod only: no go mod tidy, no go
	// build; the work directory is kept.
	SkipBuild bool `yaml:"skipBuild"`
	// KeepWorkDir keeps the work directory after the build.
	KeepWorkDir bool `yaml:"keepWorkDir"`
	// WorkDir is where to render the build (default a new temporary
	// directory). It must be empty or not exist.
	WorkDir string `yaml:"workDir"`
}

// Core selects the gatewright module of a build.
type Core struct {
	// Version is the gatewright module version, e.g. "v0.4.0". The build
	// pins it: plugins that require a newer one still get this one.
	Version string `yaml:"version"`
	// Replacement is a local gatewright checkout to build against.
	Replacement string `yaml:"replacement"`
	// Packages are the gatewright packages to blank-import for their
	// kinds, relative to the module root ("filter/proxy") or full import
	// paths (default registry/standard).
	Packages []string `yaml:"packages"`
}

// Plugin is one plugin module of a build.
type Plugin struct {
	// Module is the plugin's module path.
	Module string `yaml:"module"`
	// Version is the module version to require ("" = the latest, unless
	// Replacement is set).
	Version string `yaml:"version"`
	// Replacement is a local directory holding the module.
	Replacement string `yaml:"replacement"`
}

// RegistryImport is the package a build imports for the plugin.
func (p Plugin) RegistryImport() string { return p.Module + "/" + PluginRegistryPackage }

// ConfigError is an invalid configuration value: the field path and why.
type ConfigError struct {
	// Path is the field, e.g. "plugins[1].replacement".
	Path string
	// Reason says what is wrong.
	Reason string
}

// Error returns "path: reason".
func (e *ConfigError) Error() string { return e.Path + ": " + e.Reason }

func fieldErr(path, format string, args ...any) error {
	return &ConfigError{Path: path, Reason: fmt.Sprintf(format, args...)}
}
