package builder

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"time"
)

// StopGrace is how long Run waits for the binary to exit after asking it
// to stop (SIGINT) before killing it.
const StopGrace = 30 * time.Second

// Run runs a built binary with args and the given standard streams until
// it exits, and returns its exit status. When ctx ends the binary gets an
// interrupt, so a gateway drains in-flight requests and closes; it is
// killed if it has not exited StopGrace later.
func Run(ctx context.Context, binary string, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = StopGrace
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case cmd.ProcessState != nil && cmd.ProcessState.Success():
		// It exited cleanly after the interrupt; Run reports ctx's end.
		return 0, nil
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		// The binary ran and exited non-zero (or stopped after the
		// interrupt): its status is the answer, not an error of Run's.
		return exit.ExitCode(), nil
	default:
		return 1, err
	}
}
