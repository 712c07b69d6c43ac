package builder_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/builder"
)

func TestRunReturnsTheExitStatus(t *testing.T) {
	var out strings.Builder
	code, err := builder.Run(testCtx(t, time.Minute), "/bin/sh", []string{"-c", "read x; echo got $x; exit 3"}, strings.NewReader("hi\n"), &out, &out)
	if err != nil || code != 3 || out.String() != "got hi\n" {
		t.Fatalf("code %d, err %v, output %q", code, err, out.String())
	}
	if _, err := builder.Run(testCtx(t, time.Minute), "/no/such/binary", nil, nil, nil, nil); err == nil {
		t.Fatal("running a missing binary succeeded")
	}
}

// TestRunInterruptsOnCancel checks that the binary gets SIGINT (a gateway
// drains and exits cleanly) rather than being killed.
func TestRunInterruptsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan int, 1)
	go func() {
		code, _ := builder.Run(ctx, "/bin/sh", []string{"-c", `trap 'echo interrupted; exit 0' INT; echo ready; while :; do sleep 0.05; done`}, nil, &out, &out)
		done <- code
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "ready") {
		if time.Now().After(deadline) {
			t.Fatal("the binary did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 || !strings.Contains(out.String(), "interrupted") {
			t.Fatalf("code %d, output %q: want a clean exit after SIGINT", code, out.String())
		}
	case <-time.After(builder.StopGrace + 10*time.Second):
		t.Fatal("Run did not return after the interrupt")
	}
}
