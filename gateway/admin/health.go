package admin

import (
	"context"
	"net/http"
	"runtime"
	"time"
)

// Health is the answer of /healthz and /readyz.
type Health struct {
	Status string `json:"status"`
	Node   string `json:"node"`
}

// VersionInfo is the answer of /version.
type VersionInfo struct {
	Node      string `json:"node"`
	Version   string `json:"version"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// readyTimeout bounds the readiness check.
const readyTimeout = 2 * time.Second

// healthz answers GET /healthz: the process serves.
func (h *Handler) healthz(w http.ResponseWriter, r *http.Request) {
	writeData(w, r, http.StatusOK, Health{Status: "ok", Node: h.cfg.Node})
}

// readyz answers GET /readyz: the node serves its configuration.
func (h *Handler) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := h.cfg.Backend.Ready(ctx); err != nil {
		writeProblem(w, r, newProblem(ProblemUnavailable, "not ready: "+err.Error()))
		return
	}
	writeData(w, r, http.StatusOK, Health{Status: "ready", Node: h.cfg.Node})
}

// version answers GET /version.
func (h *Handler) version(w http.ResponseWriter, r *http.Request) {
	writeData(w, r, http.StatusOK, VersionInfo{
		Node:      h.cfg.Node,
		Version:   h.cfg.Version,
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	})
}
