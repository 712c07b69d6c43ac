package cluster

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"
)

// testConfig returns a Config with short raft timeouts for a node in dir.
func testConfig(dir string) Config {
	return Config{
		DataDir:            dir,
		NodeName:           "n1",
		Bootstrap:          true,
		Logger:             slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		StartTimeout:       5 * time.Second,
		HeartbeatTimeout:   100 * time.Millisecond,
		ElectionTimeout:    100 * time.Millisecond,
		LeaderLeaseTimeout: 50 * time.Millisecond,
		CommitTimeout:      5 * time.Millisecond,
		LeaseCheckInterval: 20 * time.Millisecond,
	}
}

// openStore opens a store with cfg and closes it when the test ends.
func openStore(t *testing.T, cfg Config) *Store {
	t.Helper()
	s, err := Open(cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// newStore opens a fresh single-node store in a temporary directory.
func newStore(t *testing.T, modify ...func(*Config)) *Store {
	t.Helper()
	cfg := testConfig(t.TempDir())
	for _, m := range modify {
		m(&cfg)
	}
	return openStore(t, cfg)
}

// testCtx returns a context that ends after a generous deadline.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// mustPut puts a key and returns the revision.
func mustPut(t *testing.T, s *Store, key, value string) uint64 {
	t.Helper()
	rev, err := s.Put(testCtx(t), key, []byte(value))
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	return rev
}

// mustGet returns the value of a key.
func mustGet(t *testing.T, s *Store, key string) *KV {
	t.Helper()
	kv, err := s.Get(testCtx(t), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return kv
}

// receive reads n events from w, failing after a deadline.
func receive(t *testing.T, w *Watcher, n int) []Event {
	t.Helper()
	out := make([]Event, 0, n)
	timeout := time.After(5 * time.Second)
	for len(out) < n {
		select {
		case ev, ok := <-w.Events():
			if !ok {
				t.Fatalf("watcher closed after %d of %d events: %v", len(out), n, w.Err())
			}
			out = append(out, ev)
		case <-timeout:
			t.Fatalf("received %d of %d events before the deadline", len(out), n)
		}
	}
	return out
}

// drainClosed reads w until its channel closes and returns what it read.
func drainClosed(t *testing.T, w *Watcher) []Event {
	t.Helper()
	var out []Event
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-w.Events():
			if !ok {
				return out
			}
			out = append(out, ev)
		case <-timeout:
			t.Fatalf("watcher not closed before the deadline")
		}
	}
}

// eventString is a compact form of an event for comparisons.
func eventString(ev Event) string {
	if ev.Type == EventDelete {
		return "delete " + ev.KV.Key
	}
	return "put " + ev.KV.Key + "=" + string(ev.KV.Value)
}
