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
	if end := bytes.IndexByte(line, ']'); len(line) > 0 && line[0] == '[' && end > 0 {
		switch string(line[1:end]) {
		case "DEBUG":
			level = slog.LevelDebug
		case "WARN":
			level = slog.LevelWarn
		case "ERR", "ERROR":
			level = slog.LevelError
		}
		line = bytes.TrimSpace(line[end+1:])
	}
	if w.quiet() {
		level = min(level, slog.LevelDebug)
	}
	if level >= w.min.Level() && w.logger.Enabled(context.Background(), level) {
		w.logger.Log(context.Background(), level, string(line))
	}
	return len(p), nil
}
