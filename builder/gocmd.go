package builder

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// GoError is a go command that failed. Its message holds the command's
// whole output.
type GoError struct {
	// Args are the go command's arguments.
	Args []string
	// Dir is where it ran.
	Dir string
	// Output is everything it printed, stdout and stderr interleaved.
	Output string
	// Err is the exit error.
	Err error
}

// Error returns the command, the directory, the exit status and the
// command's whole output.
func (e *GoError) Error() string {
	return fmt.Sprintf("go %s (in %s): %v\n%s", strings.Join(e.Args, " "), e.Dir, e.Err, strings.TrimRight(e.Output, "\n"))
}

// Unwrap returns the exit error.
func (e *GoError) Unwrap() error { return e.Err }

// goCmd runs go commands in one directory.
type goCmd struct {
	bin string   // the go command
	dir string   // where to run
	env []string // extra environment, after the process's own
	log io.Writer
}

// run runs go with args and returns its output, or a *GoError.
func (g goCmd) run(ctx context.Context, extraEnv []string, args ...string) ([]byte, error) {
	fmt.Fprintf(g.log, "gwbuild: go %s\n", strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, g.bin, args...)
	cmd.Dir = g.dir
	// GOWORK=off: a go.work of the user's must not leak into the build.
	cmd.Env = append(append(append(os.Environ(), "GOWORK=off"), g.env...), extraEnv...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		return out.Bytes(), &GoError{Args: args, Dir: g.dir, Output: out.String(), Err: err}
	}
	return out.Bytes(), nil
}
