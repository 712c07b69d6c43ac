package builder

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/goccy/go-yaml"
)

// ParseBuildFile reads a build file (YAML), decoding it strictly: an
// unknown or misspelt field is an error. Relative paths in it
// (replacements, output, workDir) are taken from baseDir, the build file's
// directory. The result is validated.
//
//	gatewright:
//	  version: v0.4.0            # or replacement: ../gatewright
//	  packages: [registry/standard]
//	plugins:
//	- module: example.com/hello
//	  version: v1.2.0
//	- module: example.com/local
//	  replacement: ../local
//	output: ./my-gateway
//	buildFlags: ["-ldflags=-s -w"]
//	race: false
//	goos: linux
//	goarch: arm64
//	cgo: false
//	skipBuild: false
//	keepWorkDir: false
func ParseBuildFile(data []byte, baseDir string) (*Config, error) {
	c := &Config{}
	if len(bytes.TrimSpace(data)) > 0 {
		dec := yaml.NewDecoder(bytes.NewReader(data), yaml.DisallowUnknownField())
		if err := dec.Decode(c); err != nil {
			return nil, fmt.Errorf("%s", yaml.FormatError(err, false, true))
		}
	}
	c.resolvePaths(baseDir)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// LoadBuildFile reads and parses the build file at path. Errors start with
// the file's name.
func LoadBuildFile(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("build file: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("build file: %w", err)
	}
	c, err := ParseBuildFile(data, filepath.Dir(abs))
	if err != nil {
		return nil, fmt.Errorf("build file %s: %w", path, err)
	}
	return c, nil
}
