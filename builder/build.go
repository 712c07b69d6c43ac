package builder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// BuildModule is the module path of the generated main module.
const BuildModule = "gatewright-custom-build"

// Builder runs builds and scaffolds plugin modules. The zero value uses
// the go command found in PATH and prints no progress.
type Builder struct {
	// Go is the go command (default "go", looked up in PATH).
	Go string
	// Log receives one line per step and the go commands run; nil
	// discards them.
	Log io.Writer
	// Env is added to the environment of every go command (after the
	// process's own, so it wins), e.g. GOPROXY or GOFLAGS settings.
	Env []string
}

// Result is what a build produced.
type Result struct {
	// WorkDir is the work directory; it no longer exists unless the build
	// kept it (KeepWorkDir or SkipBuild).
	WorkDir string
	// Binary is the absolute path of the built binary ("" with SkipBuild).
	Binary string
	// MainGo and GoMod are the rendered main.go and the go.mod as the
	// build left it (after go mod tidy, unless SkipBuild).
	MainGo, GoMod []byte
}

// Build makes a gatewright binary as cfg says. Relative paths in cfg are
// taken from the current directory. The configuration is validated first;
// a failing go command is reported with its whole output (*GoError). cfg
// is not modified.
func (b *Builder) Build(ctx context.Context, cfg *Config) (*Result, error) {
	c := *cfg
	c.Plugins = append([]Plugin(nil), cfg.Plugins...)
	c.resolvePaths("")
	if err := c.Validate(); err != nil {
		return nil, err
	}
	core, err := c.coreRequirement()
	if err != nil {
		return nil, err
	}
	c.Output = absFrom("", c.output())
	if fi, err := os.Stat(c.Output); err == nil && fi.IsDir() {
		c.Output = filepath.Join(c.Output, filepath.Base((&Config{GOOS: c.GOOS}).output()))
	}

	dir, err := makeWorkDir(c.WorkDir)
	if err != nil {
		return nil, err
	}
	res := &Result{WorkDir: dir}
	keep := c.KeepWorkDir || c.SkipBuild
	defer func() {
		if !keep {
			_ = os.RemoveAll(dir)
		}
	}()
	log := b.logger()
	fmt.Fprintf(log, "gwbuild: work directory %s\n", dir)

	if res.MainGo, err = RenderMain(&c); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), res.MainGo, 0o644); err != nil {
		return nil, err
	}
	gocmd := b.goCmd(dir)
	if err := initModule(ctx, gocmd, BuildModule, core, c.Plugins); err != nil {
		return nil, err
	}
	if !c.SkipBuild {
		if _, err := gocmd.run(ctx, nil, "mod", "tidy"); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(c.Output), 0o755); err != nil {
			return nil, fmt.Errorf("output: %w", err)
		}
		args := append([]string{"build", "-trimpath"}, c.BuildFlags...)
		if c.Race {
			args = append(args, "-race")
		}
		args = append(args, "-o", c.Output, ".")
		if _, err := gocmd.run(ctx, c.buildEnv(), args...); err != nil {
			return nil, err
		}
		res.Binary = c.Output
		fmt.Fprintf(log, "gwbuild: built %s\n", c.Output)
	}
	if res.GoMod, err = os.ReadFile(filepath.Join(dir, "go.mod")); err != nil {
		return nil, err
	}
	return res, nil
}

// buildEnv is the environment of go build: the target platform and cgo.
func (c *Config) buildEnv() []string {
	var env []string
	if c.GOOS != "" {
		env = append(env, "GOOS="+c.GOOS)
	}
	if c.GOARCH != "" {
		env = append(env, "GOARCH="+c.GOARCH)
	}
	switch {
	case c.Race:
		env = append(env, "CGO_ENABLED=1")
	case c.CGO != nil:
		env = append(env, "CGO_ENABLED="+strconv.Itoa(btoi(*c.CGO)))
	}
	return env
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// makeWorkDir returns dir, created if needed and checked empty, or a new
// temporary directory.
func makeWorkDir(dir string) (string, error) {
	if dir == "" {
		d, err := os.MkdirTemp("", "gwbuild-")
		if err != nil {
			return "", fmt.Errorf("work directory: %w", err)
		}
		return d, nil
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", fmt.Errorf("workDir: %w", err)
		}
	case err != nil:
		return "", fmt.Errorf("workDir: %w", err)
	case len(entries) > 0:
		return "", fmt.Errorf("workDir: %s is not empty; give an empty or new directory", dir)
	}
	return dir, nil
}

func (b *Builder) logger() io.Writer {
	if b.Log == nil {
		return io.Discard
	}
	return b.Log
}

func (b *Builder) goCmd(dir string) goCmd {
	bin := b.Go
	if bin == "" {
		bin = "go"
	}
	return goCmd{bin: bin, dir: dir, env: b.Env, log: b.logger()}
}
