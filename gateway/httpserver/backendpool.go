package httpserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// inlineFilterName names the Proxy filter of an inline pool's pipeline
// (in metrics, spans and status).
const inlineFilterName = "backendPool"

// proxyKindName is the filter kind an inline pool is built with. The
// server finds it in its registry: gateway packages do not import
// filters.
const proxyKindName = "Proxy"

// inlineBackend is the pipeline built for a path's backendPool: one Proxy
// filter whose only pool is the path's. The server generation that built
// it owns it: it starts it with the generation, hands its connection
// pools and health states to the next generation (Inherit) and closes it
// when the generation is replaced or closed.
type inlineBackend struct {
	// where is the path's place in the spec, rules[i].paths[j].
	where string
	// key is the pool spec as canonical JSON: the next generation's
	// backend of an identical pool inherits from this one.
	key string
	// route is what the path matches (its rule's hosts and its path
	// matchers) as canonical JSON, to follow a path that moved.
	route string
	pipe  *pipeline.Pipeline
}

// routeIdentity is what tells a path across generations besides its
// place: the hosts of its rule and its path matchers.
type routeIdentity struct {
	Host       string   `json:"host,omitempty"`
	HostRegexp string   `json:"hostRegexp,omitempty"`
	Hosts      []Host   `json:"hosts,omitempty"`
	Path       string   `json:"path,omitempty"`
	PathPrefix string   `json:"pathPrefix,omitempty"`
	PathRegexp string   `json:"pathRegexp,omitempty"`
	Methods    []string `json:"methods,omitempty"`
}

// checkBackendPool refuses, without a registry, the pool fields that need
// a pipeline around the Proxy. The Proxy kind checks the rest when the
// server is built (buildInlineBackends).
func checkBackendPool(pool map[string]any, path string, fail func(path, format string, args ...any)) {
	if _, ok := pool["filter"]; ok {
		fail(path+".filter", "an inline pool takes every request of its path, so it has no filter; for candidate pools use backend and a pipeline with a Proxy")
	}
	for _, field := range [...]string{"retryPolicy", "circuitBreakerPolicy"} {
		if _, ok := pool[field]; ok {
			fail(path+"."+field, "resilience policies are declared in a pipeline's resilience list, and an inline pool has no pipeline; use backend and a pipeline with a Proxy")
		}
	}
}

// buildInlineBackends creates (without starting them) the pipelines of
// the paths with a backendPool and links each to its route. The pools are
// decoded by the Proxy kind of env's registry, so its schema, defaults
// and checks apply; errors name rules[i].paths[j].backendPool.<field>.
func buildInlineBackends(server string, s *Spec, snap *snapshot, env *supervisor.Env) error {
	var errs registry.FieldErrors
	for i := range s.Rules {
		ru := &s.Rules[i]
		for j := range ru.Paths {
			p := &ru.Paths[j]
			if p.BackendPool == nil {
				continue
			}
			r := &snap.router.rules[i].paths[j]
			b, err := newInlineBackend(server, r.where, p.BackendPool, env)
			if err != nil {
				errs = append(errs, poolErrors(r.where, err)...)
				continue
			}
			id, _ := json.Marshal(routeIdentity{ru.Host, ru.HostRegexp, ru.Hosts, p.Path, p.PathPrefix, p.PathRegexp, p.Methods})
			b.route = string(id)
			r.inline = b.pipe
			snap.inline = append(snap.inline, b)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// newInlineBackend builds the one-Proxy pipeline of a pool. The pipeline
// is named <server>/<where> in metrics and spans.
func newInlineBackend(server, where string, pool map[string]any, env *supervisor.Env) (*inlineBackend, error) {
	if env.Registry == nil {
		return nil, errors.New("the object environment has no registry to find the Proxy filter kind in")
	}
	if _, err := env.Registry.Lookup(registry.FilterClass, proxyKindName); err != nil {
		return nil, fmt.Errorf("needs the %s filter kind, which this gateway does not include", proxyKindName)
	}
	key, err := json.Marshal(pool)
	if err != nil {
		return nil, err
	}
	spec := &supervisor.Spec{
		Kind: pipeline.KindName,
		Name: server + "/" + where,
		Body: &pipeline.Spec{Filters: []map[string]any{{
			"name":  inlineFilterName,
			"kind":  proxyKindName,
			"pools": []any{pool},
		}}},
	}
	obj, err := pipeline.Kind.New(spec, &supervisor.Env{
		Registry:       env.Registry,
		Logger:         env.Log().With("backendPool", where),
		Data:           env.Data,
		TracerProvider: env.TracerProvider,
	})
	if err != nil {
		return nil, err
	}
	p, ok := obj.(*pipeline.Pipeline)
	if !ok {
		return nil, fmt.Errorf("the Pipeline kind built a %T", obj)
	}
	return &inlineBackend{where: where, key: string(key), pipe: p}, nil
}

// poolErrors turns an error of the Proxy built for the path at where into
// field errors at that path's backendPool: the Proxy names the pool
// pools[0].
func poolErrors(where string, err error) registry.FieldErrors {
	base := where + ".backendPool"
	var fes registry.FieldErrors
	if errors.As(err, &fes) {
		out := make(registry.FieldErrors, len(fes))
		for i, fe := range fes {
			out[i] = registry.FieldError{Path: poolPath(base, fe.Path), Reason: fe.Reason}
		}
		return out
	}
	var fe registry.FieldError
	if errors.As(err, &fe) {
		return registry.FieldErrors{{Path: poolPath(base, fe.Path), Reason: fe.Reason}}
	}
	return registry.FieldErrors{{Path: base, Reason: err.Error()}}
}

// poolPath maps a field path of the Proxy spec to the path below base:
// pools[0].servers[1].url gives base.servers[1].url.
func poolPath(base, path string) string {
	const pool = "pools[0]"
	switch {
	case path == "" || path == "pools":
		return base
	case strings.HasPrefix(path, pool):
		return base + path[len(pool):]
	}
	return base + "." + path
}
