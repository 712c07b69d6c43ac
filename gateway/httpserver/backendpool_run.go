package httpserver

import (
	"errors"
	"fmt"
)

// startInline starts the backends of a starting generation. Each inherits
// from a backend of prev (those of the generation being replaced; nil for
// Init) chosen by matchInline, keeping its connection pools and health
// states, or starts afresh. On failure the backends started so far are
// closed, prev's keep serving, and the error names the path.
func startInline(next, prev []*inlineBackend) error {
	olds := matchInline(next, prev)
	for i, b := range next {
		var err error
		if old := olds[i]; old != nil {
			err = b.pipe.Inherit(old.pipe)
		} else {
			err = b.pipe.Init()
		}
		if err != nil {
			_ = closeInline(next[:i])
			return poolErrors(b.where, err)
		}
	}
	return nil
}

// matchInline pairs each backend of next with at most one backend of
// prev to inherit from, trying in turn: the same pool on the same route
// (host and path matchers), the same pool anywhere (routes added or
// removed before it), the same route (the pool changed: the Proxy keeps
// what it can of unchanged servers), the same place in the spec.
// Unpaired backends start afresh.
func matchInline(next, prev []*inlineBackend) []*inlineBackend {
	olds := make([]*inlineBackend, len(next))
	if len(prev) == 0 {
		return olds
	}
	used := make(map[*inlineBackend]bool, len(prev))
	take := func(i int, o *inlineBackend) {
		if olds[i] == nil && !used[o] {
			olds[i], used[o] = o, true
		}
	}
	for _, keyOf := range [...]func(b *inlineBackend) string{
		func(b *inlineBackend) string { return b.key + "\x00" + b.route },
		func(b *inlineBackend) string { return b.key },
		func(b *inlineBackend) string { return b.route },
		func(b *inlineBackend) string { return b.where },
	} {
		candidates := make(map[string][]*inlineBackend, len(prev))
		for _, o := range prev {
			if !used[o] {
				k := keyOf(o)
				candidates[k] = append(candidates[k], o)
			}
		}
		for i, n := range next {
			for _, o := range candidates[keyOf(n)] {
				take(i, o)
			}
		}
	}
	return olds
}

// closeInline closes backends: each stops taking requests, waits for its
// in-flight ones (bounded) and closes its Proxy, which releases what no
// successor took over.
func closeInline(list []*inlineBackend) error {
	var errs []error
	for _, b := range list {
		if err := b.pipe.Close(); err != nil {
			errs = append(errs, fmt.Errorf("%s.backendPool: %w", b.where, err))
		}
	}
	return errors.Join(errs...)
}

// BackendPoolStatus is the status of a path's inline pool.
type BackendPoolStatus struct {
	// Path is the path's place in the spec: rules[i].paths[j].
	Path string `json:"path"`
	// Proxy is the status of the pool's Proxy filter: its pool with the
	// servers, their health, requests and open connections.
	Proxy any `json:"proxy,omitempty"`
}

// inlineStatus returns the status of every inline pool of a generation.
func inlineStatus(list []*inlineBackend) []BackendPoolStatus {
	if len(list) == 0 {
		return nil
	}
	out := make([]BackendPoolStatus, 0, len(list))
	for _, b := range list {
		st := BackendPoolStatus{Path: b.where}
		if f, ok := b.pipe.Filter(inlineFilterName); ok {
			st.Proxy = f.Status()
		}
		out = append(out, st)
	}
	return out
}
