package cluster

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestHclogAdapterFiltersAndNames(t *testing.T) {
	var buf bytes.Buffer
	base := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	l := newHclog(base, "raft", slog.LevelWarn)
	l.Info("quiet")
	l.Debug("quiet")
	if l.IsInfo() || !l.IsWarn() {
		t.Fatal("level guards do not follow the minimum level")
	}
	l.Named("net").With("peer", "p1").Warn("loud", "k", 1)
	out := buf.String()
	if strings.Contains(out, "quiet") {
		t.Fatalf("records below the minimum passed: %s", out)
	}
	for _, want := range []string{"level=WARN", "msg=loud", "component=raft.net", "peer=p1", "k=1"} {
		if !strings.Contains(out, want) {
			t.Fatalf("output %q lacks %q", out, want)
		}
	}
	if strings.Count(out, "component=") != 1 {
		t.Fatalf("component repeated: %s", out)
	}
}

func TestFirstElectionIsNotAWarning(t *testing.T) {
	var buf bytes.Buffer
	base := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	l := newHclog(base, "raft", slog.LevelInfo)
	l.Warn("heartbeat timeout reached, starting election", "last-leader-addr", "", "last-leader-id", "")
	l.Warn("heartbeat timeout reached, starting election", "last-leader-addr", "127.0.0.1:7000", "last-leader-id", "n1")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "level=INFO") || !strings.Contains(lines[1], "level=WARN") {
		t.Fatalf("want the first election at INFO and a lost leader at WARN, got:\n%s", buf.String())
	}
}
