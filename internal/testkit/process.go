package testkit

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// BuildBinary compiles the Go package pkg (a path as go build takes it,
// relative to the test's directory) into a temporary directory and
// returns the binary's path, named name.
func BuildBinary(t testing.TB, pkg, name string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// StartProcess runs bin with args in dir, its standard output and error
// going to the returned buffer. When the test ends the process is killed
// if it still runs, and its output is logged under label if the test
// failed.
func StartProcess(t testing.TB, label, bin, dir string, args ...string) (*exec.Cmd, *SyncBuffer) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	logs := &SyncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", label, logs.String())
		}
	})
	return cmd, logs
}
