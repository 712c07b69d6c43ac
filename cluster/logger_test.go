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
