// Command gwbuild makes custom gatewright builds with third-party plugins
// and scaffolds plugin modules. It is a thin command line over package
// builder.
//
//	gwbuild init --module example.com/hello --filters Greeter --objects Reporter
//	gwbuild add --filters Stamp
//	gwbuild build --with example.com/hello=./hello -o my-gateway
//	gwbuild run -f build.yaml -- --config gateway.yaml
//
// Until gatewright is published, give the local checkout to build against
// with --with github.com/gatewright/gatewright=PATH.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `gwbuild makes custom gatewright builds with plugins.

Usage:
  gwbuild build [-f build.yaml] [--with module[@version][=path]]... [-o OUT] [flags]
  gwbuild run   [-f build.yaml] [--with ...]... [flags] -- [gateway flags...]
  gwbuild init  --module PATH [--filters A,B] [--objects C] [--dir DIR] [--with gatewright]
  gwbuild add   [--dir DIR] [--filters A,B] [--objects C]

--with names a plugin module, optionally at a version and/or replaced by a
local directory; --with github.com/gatewright/gatewright@VERSION or =PATH
chooses the gatewright version or checkout. Run "gwbuild COMMAND -h" for the
flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs one gwbuild command and returns the exit status: 0 on success,
// 1 on failure, 2 on a usage error; gwbuild run returns the gateway's.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	std := stdio{in: stdin, out: stdout, err: stderr}
	switch args[0] {
	case "build":
		return buildCommand(ctx, args[1:], std, false)
	case "run":
		return buildCommand(ctx, args[1:], std, true)
	case "init":
		return initCommand(ctx, args[1:], std)
	case "add":
		return addCommand(ctx, args[1:], std)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "gwbuild: unknown command %q\n\n%s", args[0], usage)
	return 2
}

// stdio are the standard streams of a command.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// fail prints an error and returns exit status 1.
func (s stdio) fail(err error) int {
	fmt.Fprintf(s.err, "gwbuild: %v\n", err)
	return 1
}
