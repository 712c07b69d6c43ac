package admin

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/goccy/go-yaml"
)

// LogLevel is the body of /logs/level.
type LogLevel struct {
	// Level is debug, info, warn or error.
	Level string `json:"level"`
	// Adjustable tells whether PUT can change it.
	Adjustable bool `json:"adjustable"`
}

// currentLevel returns the node's log level: the LevelVar's, or the
// lowest level the logger has enabled.
func (h *Handler) currentLevel() slog.Level {
	if h.cfg.LogLevel != nil {
		return h.cfg.LogLevel.Level()
	}
	for _, l := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn} {
		if h.log.Enabled(context.Background(), l) {
			return l
		}
	}
	return slog.LevelError
}

// getLogLevel answers GET /logs/level.
func (h *Handler) getLogLevel(w http.ResponseWriter, r *http.Request) {
	writeData(w, r, http.StatusOK, LogLevel{Level: strings.ToLower(h.currentLevel().String()), Adjustable: h.cfg.LogLevel != nil})
}

// setLogLevel answers PUT /logs/level with a body {level: debug}.
func (h *Handler) setLogLevel(w http.ResponseWriter, r *http.Request) {
	if h.cfg.LogLevel == nil {
		writeProblem(w, r, newProblem(ProblemNotSupported, "the log level of this node is fixed: it was started with a logger of its own and no level variable (gateway.WithLogLevel)"))
		return
	}
	body, p := readBody(r)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	var req LogLevel
	if err := yaml.Unmarshal(body, &req); err != nil {
		writeProblem(w, r, newProblem(ProblemBadRequest, "body: "+err.Error()))
		return
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(req.Level)); err != nil || req.Level == "" {
		writeProblem(w, r, newProblem(ProblemBadRequest, fmt.Sprintf("level %q: use debug, info, warn or error", req.Level)))
		return
	}
	old := h.cfg.LogLevel.Level()
	h.cfg.LogLevel.Set(level)
	h.log.Warn("log level changed through the admin API", "from", old.String(), "to", level.String(), "remote", r.RemoteAddr)
	writeData(w, r, http.StatusOK, LogLevel{Level: strings.ToLower(level.String()), Adjustable: true})
}
