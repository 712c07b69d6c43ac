package cluster

import (
	"bytes"
	"context"
	"log"
	"log/slog"
)

// gossipLogWriter turns memberlist's log lines ("[WARN] memberlist: ...")
// into slog records at their level, dropping those below min.
type gossipLogWriter struct {
	logger *slog.Logger
	min    slog.Leveler
	quiet  func() bool // true: log at debug level (the store is closing)
}

// newGossipLogger returns the *log.Logger memberlist writes to.
func newGossipLogger(logger *slog.Logger, min slog.Leveler, quiet func() bool) *log.Logger {
	return log.New(&gossipLogWriter{logger: logger.With("component", "gossip"), min: min, quiet: quiet}, "", 0)
}

// Write logs one line.
func (w *gossipLogWriter) Write(p []byte) (int, error) {
	line := bytes.TrimSpace(p)
	level := slog.LevelInfo
	for prefix, l := range map[string]slog.Level{"[DEBUG]": slog.LevelDebug, "[INFO]": slog.LevelInfo, "[WARN]": slog.LevelWarn, "[ERR]": slog.LevelError, "[ERROR]": slog.LevelError} {
		if bytes.HasPrefix(line, []byte(prefix)) {
			level = l
			line = bytes.TrimSpace(line[len(prefix):])
			break
		}
	}
	if w.quiet() {
		level = min(level, slog.LevelDebug)
	}
	if level >= w.min.Level() && w.logger.Enabled(context.Background(), level) {
		w.logger.Log(context.Background(), level, string(line))
	}
	return len(p), nil
}
