package admin

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics answers GET /metrics in the Prometheus text format (or
// OpenMetrics when the scraper asks for it).
func (h *Handler) metrics(w http.ResponseWriter, r *http.Request) {
	if h.cfg.Metrics == nil {
		writeProblem(w, r, newProblem(ProblemNotFound, "this node serves no metrics"))
		return
	}
	promhttp.HandlerFor(h.cfg.Metrics, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError,
		ErrorLog:      promLogger{h},
	}).ServeHTTP(w, r)
}

// promLogger sends the errors of a scrape to the API's logger.
type promLogger struct{ h *Handler }

// Println implements promhttp.Logger.
func (l promLogger) Println(v ...any) { l.h.log.Warn("gathering metrics", "error", v) }
