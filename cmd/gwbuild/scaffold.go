package main

import (
	"context"
	"flag"
	"fmt"
	"path"
	"path/filepath"

	"github.com/gatewright/gatewright/builder"
	"golang.org/x/mod/module"
)

// initCommand is gwbuild init: scaffold a plugin module.
func initCommand(ctx context.Context, args []string, std stdio) int {
	fs := flag.NewFlagSet("gwbuild init", flag.ContinueOnError)
	fs.SetOutput(std.err)
	mod := fs.String("module", "", "module path of the plugin, e.g. example.com/hello (required)")
	dir := fs.String("dir", "", "directory to create (default the last element of the module path)")
	var filters, objects csvFlag
	fs.Var(&filters, "filters", "filter kinds to generate, comma-separated (e.g. Greeter,Stamp)")
	fs.Var(&objects, "objects", "object kinds (business controllers) to generate, comma-separated")
	var with listFlag
	fs.Var(&with, "with", "gatewright version or checkout the module requires: "+builder.GatewrightModule+"[@version][=path]")
	skipTidy := fs.Bool("skip-tidy", false, "do not run go mod tidy")
	quiet := fs.Bool("q", false, "do not print the steps")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if *mod == "" || fs.NArg() > 0 {
		fmt.Fprintln(std.err, "gwbuild init: --module is required, and nothing else goes on the command line")
		fs.Usage()
		return 2
	}
	cfg := &builder.Config{}
	for _, w := range with {
		if err := cfg.ParseWith(w, ""); err != nil {
			return std.fail(err)
		}
	}
	if len(cfg.Plugins) > 0 {
		return std.fail(fmt.Errorf("init: --with takes only %s (the module's own kinds come from --filters and --objects)", builder.GatewrightModule))
	}
	if *dir == "" {
		prefix, _, _ := module.SplitPathVersion(*mod)
		*dir = path.Base(prefix)
	}
	res, err := newBuilder(std, *quiet).Init(ctx, builder.Scaffold{
		Module: *mod, Dir: *dir, Filters: filters, Objects: objects,
		Gatewright: cfg.Gatewright, SkipTidy: *skipTidy,
	})
	if err != nil {
		return std.fail(err)
	}
	printFiles(std, res)
	return 0
}

// addCommand is gwbuild add: more kinds in a plugin module.
func addCommand(ctx context.Context, args []string, std stdio) int {
	fs := flag.NewFlagSet("gwbuild add", flag.ContinueOnError)
	fs.SetOutput(std.err)
	dir := fs.String("dir", ".", "the plugin module's directory")
	var filters, objects csvFlag
	fs.Var(&filters, "filters", "filter kinds to add, comma-separated")
	fs.Var(&objects, "objects", "object kinds to add, comma-separated")
	skipTidy := fs.Bool("skip-tidy", false, "do not run go mod tidy")
	quiet := fs.Bool("q", false, "do not print the steps")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(std.err, "gwbuild add: unexpected arguments %q\n", fs.Args())
		return 2
	}
	res, err := newBuilder(std, *quiet).Add(ctx, *dir, builder.Kinds{Filters: filters, Objects: objects, SkipTidy: *skipTidy})
	if err != nil {
		return std.fail(err)
	}
	printFiles(std, res)
	return 0
}

func newBuilder(std stdio, quiet bool) *builder.Builder {
	if quiet {
		return &builder.Builder{}
	}
	return &builder.Builder{Log: std.err}
}

func printFiles(std stdio, res *builder.ScaffoldResult) {
	for _, f := range res.Files {
		fmt.Fprintf(std.out, "%s\n", filepath.Join(res.Dir, filepath.FromSlash(f)))
	}
}
