package admin

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Handler is the admin API as an http.Handler.
type Handler struct {
	cfg  Config
	log  *slog.Logger
	mux  *http.ServeMux
	peer *http.Client
}

// methods maps HTTP methods to the handlers of one path.
type methods map[string]http.HandlerFunc

// New returns the admin API handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Backend == nil {
		return nil, errors.New("admin: Config.Backend is required")
	}
	if cfg.Registry == nil {
		return nil, errors.New("admin: Config.Registry is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.PeerScheme == "" {
		cfg.PeerScheme = "http"
	}
	h := &Handler{cfg: cfg, log: cfg.Logger, mux: http.NewServeMux(), peer: cfg.PeerClient}
	if h.peer == nil {
		h.peer = &http.Client{Timeout: 5 * time.Second}
	}
	h.routes()
	return h, nil
}

// routes registers every endpoint.
func (h *Handler) routes() {
	p := Prefix
	h.handle(p+"/objects", methods{http.MethodGet: h.listObjects, http.MethodPost: h.createObjects, http.MethodPut: h.applyObjects})
	h.handle(p+"/objects/{name}", methods{http.MethodGet: h.getObject, http.MethodPut: h.updateObject, http.MethodDelete: h.deleteObject})
	h.handle(p+"/object-kinds", methods{http.MethodGet: h.objectKinds})
	h.handle(p+"/object-api-resources", methods{http.MethodGet: h.apiResources})
	h.handle(p+"/kinds", methods{http.MethodGet: h.listKinds})
	h.handle(p+"/kinds/{name}", methods{http.MethodGet: h.getKind})
	h.handle(p+"/kinds/{name}/schema", methods{http.MethodGet: h.kindSchema})
	h.handle(p+"/status/objects", methods{http.MethodGet: h.clusterStatus})
	h.handle(p+"/status/objects/{name}", methods{http.MethodGet: h.objectStatus})
	h.handle(p+"/status/node/objects", methods{http.MethodGet: h.nodeStatus})
	h.handle(p+"/status/members", methods{http.MethodGet: h.members})
	h.handle(p+"/version", methods{http.MethodGet: h.version})
	h.handle(p+"/logs/level", methods{http.MethodGet: h.getLogLevel, http.MethodPut: h.setLogLevel})
	for _, base := range []string{p, ""} {
		h.handle(base+"/healthz", methods{http.MethodGet: h.healthz})
		h.handle(base+"/readyz", methods{http.MethodGet: h.readyz})
		h.handle(base+"/metrics", methods{http.MethodGet: h.metrics})
	}
	h.handle(p+"/debug/pprof/", methods{http.MethodGet: h.pprof, http.MethodPost: h.pprof})
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, newProblem(ProblemNotFound, fmt.Sprintf("no endpoint %s; the API lives under %s", r.URL.Path, Prefix)))
	})
}

// handle registers a path with its methods; HEAD follows GET, and other
// methods are answered 405 with the Allow header.
func (h *Handler) handle(pattern string, ms methods) {
	allowed := make([]string, 0, len(ms)+1)
	for m := range ms {
		allowed = append(allowed, m)
	}
	if _, ok := ms[http.MethodGet]; ok {
		allowed = append(allowed, http.MethodHead)
	}
	sort.Strings(allowed)
	allow := strings.Join(allowed, ", ")
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		m := r.Method
		if m == http.MethodHead {
			m = http.MethodGet
		}
		fn, ok := ms[m]
		if !ok {
			w.Header().Set("Allow", allow)
			writeProblem(w, r, newProblem(ProblemMethodNotAllowed, fmt.Sprintf("%s does not allow %s; allowed: %s", r.URL.Path, r.Method, allow)))
			return
		}
		fn(w, r)
	})
}

// ServeHTTP authenticates the request and dispatches it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.log.Error("admin API handler panicked", "panic", v, "method", r.Method, "path", r.URL.Path)
			writeProblem(w, r, newProblem(ProblemInternal, "the request failed inside the server; see the node's log"))
		}
	}()
	if p := h.authenticate(r); p != nil {
		if p.Type == ProblemUnauthorized {
			w.Header().Set("WWW-Authenticate", challenge)
		}
		h.log.Debug("admin API request refused", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr, "reason", p.Detail)
		writeProblem(w, r, p)
		return
	}
	h.log.Debug("admin API request", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
	h.mux.ServeHTTP(w, r)
}

// setRevision sets the store revision header.
func setRevision(w http.ResponseWriter, rev uint64) {
	w.Header().Set(HeaderConfigVersion, fmt.Sprint(rev))
}
