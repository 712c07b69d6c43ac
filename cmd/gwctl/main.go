// Command gwctl operates gatewright nodes through their admin API, in the
// manner of kubectl: apply, create, get, describe, delete and edit
// objects; show status, members and kinds; print kind schemas.
//
// The server and credentials come from flags (--server, --token, --user)
// or from contexts in the config file (~/.gwctl/config.yaml, or
// $GWCTL_CONFIG):
//
//	currentContext: prod
//	contexts:
//	- name: prod
//	  server: https://10.0.0.5:2381
//	  token: s3cr3t
//	  caFile: /etc/gatewright/ca.pem
//
// Errors go to stderr and the exit status is 1 (2 for bad usage).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes gwctl with args and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCommand(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "Error:", err)
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// usageError marks errors in the command line itself.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }
