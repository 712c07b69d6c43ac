package admin

import (
	"fmt"
	"net/http"
	"net/http/pprof"
	rpprof "runtime/pprof"
	"strconv"
	"strings"
)

// pprof answers /debug/pprof/...: the index, the Go profiles and the
// cmdline, profile, symbol and trace endpoints of net/http/pprof.
func (h *Handler) pprof(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, Prefix+"/debug/pprof/")
	for _, p := range []string{"seconds", "debug", "gc"} {
		if v := r.URL.Query().Get(p); v != "" {
			if n, err := strconv.Atoi(v); err != nil || n < 0 {
				writeProblem(w, r, newProblem(ProblemBadRequest, fmt.Sprintf("%s=%q: expected a non-negative integer", p, v)))
				return
			}
		}
	}
	switch name {
	case "":
		pprof.Index(w, r)
	case "cmdline":
		pprof.Cmdline(w, r)
	case "profile":
		pprof.Profile(w, r)
	case "symbol":
		pprof.Symbol(w, r)
	case "trace":
		pprof.Trace(w, r)
	default:
		if rpprof.Lookup(name) == nil {
			writeProblem(w, r, newProblem(ProblemNotFound, fmt.Sprintf("no profile %q; see %s/debug/pprof/", name, Prefix)))
			return
		}
		pprof.Handler(name).ServeHTTP(w, r)
	}
}
