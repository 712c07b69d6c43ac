package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// gwbuildBin is the gwbuild binary the tests run, built once by TestMain.
var gwbuildBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gwbuild-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	gwbuildBin = filepath.Join(dir, "gwbuild")
	if out, err := exec.Command("go", "build", "-o", gwbuildBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building gwbuild: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const (
	coreModule   = "github.com/gatewright/gatewright"
	pluginModule = "github.com/gatewright/gatewright/examples/plugin"
	// buildTimeout bounds one gateway build: a cold build compiles all of
	// gatewright's dependencies on a possibly loaded machine.
	buildTimeout = 15 * time.Minute
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// result is what a command printed and how it exited.
type result struct {
	code           int
	stdout, stderr string
}

// gwbuild runs the gwbuild binary in dir.
func gwbuild(t *testing.T, dir string, timeout time.Duration, args ...string) result {
	t.Helper()
	return command(t, dir, timeout, gwbuildBin, args...)
}

// command runs a program to its end and returns what it printed.
func command(t *testing.T, dir string, timeout time.Duration, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	if ctx.Err() != nil {
		t.Fatalf("%s %s: timed out after %v\n%s", name, strings.Join(args, " "), timeout, stderr.String())
	}
	return r
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// waitListening polls until something accepts connections on addr.
func waitListening(t *testing.T, addr string, timeout time.Duration, logs fmt.Stringer) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens on %s after %v; gateway log:\n%s", addr, timeout, logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// syncBuffer collects a process's output while tests read it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
