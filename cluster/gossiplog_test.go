package cluster

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestGossipLogLevels(t *testing.T) {
	var out bytes.Buffer
	base := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	quiet := false
	l := newGossipLogger(base, slog.LevelInfo, func() bool { return quiet })
	l.Print("[DEBUG] memberlist: dropped below the minimum")
	l.Print("[WARN] memberlist: Refuting a suspect message")
	l.Print("[ERR] memberlist: Failed to send")
	quiet = true
	l.Print("[ERR] memberlist: while closing")
	got := out.String()
	for _, want := range []string{`level=WARN msg="memberlist: Refuting a suspect message" component=gossip`, `level=ERROR msg="memberlist: Failed to send"`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "dropped below") || strings.Contains(got, "while closing") {
		t.Errorf("records below the minimum or while closing were logged:\n%s", got)
	}
}
