package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gatewright/gatewright/builder"
)

// buildCommand is gwbuild build, and gwbuild run when run is set.
func buildCommand(ctx context.Context, args []string, std stdio, run bool) int {
	name := "build"
	if run {
		name = "run"
	}
	fs := flag.NewFlagSet("gwbuild "+name, flag.ContinueOnError)
	fs.SetOutput(std.err)
	file := fs.String("f", "", "build file (YAML)")
	var with listFlag
	fs.Var(&with, "with", "plugin module[@version][=path] (repeatable); github.com/gatewright/gatewright[@version][=path] sets the core")
	out := fs.String("o", "", "output binary (default ./gatewright)")
	skip := fs.Bool("skip-build", false, "render main.go and go.mod only, in a kept work directory")
	keep := fs.Bool("keep-work-dir", false, "keep the work directory")
	workDir := fs.String("work-dir", "", "work directory (default a new temporary one)")
	race := fs.Bool("race", false, "build with the race detector")
	quiet := fs.Bool("q", false, "do not print the build steps")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if !run && fs.NArg() > 0 {
		fmt.Fprintf(std.err, "gwbuild build: unexpected arguments %q (gateway arguments go to gwbuild run, after --)\n", fs.Args())
		return 2
	}

	cfg := &builder.Config{}
	if *file != "" {
		c, err := builder.LoadBuildFile(*file)
		if err != nil {
			return std.fail(err)
		}
		cfg = c
	}
	for _, w := range with {
		if err := cfg.ParseWith(w, ""); err != nil {
			return std.fail(err)
		}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["o"] {
		cfg.Output = *out
	}
	if set["work-dir"] {
		cfg.WorkDir = *workDir
	}
	cfg.SkipBuild = cfg.SkipBuild || *skip
	cfg.KeepWorkDir = cfg.KeepWorkDir || *keep
	cfg.Race = cfg.Race || *race
	if run && cfg.SkipBuild {
		fmt.Fprintln(std.err, "gwbuild run: cannot run with skip-build")
		return 2
	}
	var tmpDir string
	if run && cfg.Output == "" {
		// Nothing asked to keep the binary: build it where it is removed
		// after the run.
		d, err := os.MkdirTemp("", "gwbuild-run-")
		if err != nil {
			return std.fail(err)
		}
		tmpDir = d
		defer os.RemoveAll(tmpDir)
		cfg.Output = filepath.Join(d, "gatewright")
	}

	b := &builder.Builder{Log: std.err}
	if *quiet {
		b.Log = nil
	}
	res, err := b.Build(ctx, cfg)
	if err != nil {
		return std.fail(err)
	}
	if cfg.SkipBuild {
		fmt.Fprintf(std.out, "%s\n", res.WorkDir)
		return 0
	}
	if !run {
		fmt.Fprintf(std.out, "%s\n", res.Binary)
		return 0
	}
	code, err := builder.Run(ctx, res.Binary, fs.Args(), std.in, std.out, std.err)
	if err != nil && !errors.Is(err, context.Canceled) {
		return std.fail(err)
	}
	return code
}
