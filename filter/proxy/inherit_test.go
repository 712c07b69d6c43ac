package proxy

import (
	"strings"
	"testing"
	"time"
)

// serverOf returns the server with url in the first pool holding it.
func serverOf(t *testing.T, p *Proxy, url string) *server {
	t.Helper()
	for _, pl := range p.pools() {
		for _, s := range pl.servers {
			if s.spec.URL == url {
				return s
			}
		}
	}
	t.Fatalf("no server %s", url)
	return nil
}

func TestInheritKeepsConnectionPoolsAndHealth(t *testing.T) {
	a, b, c := startHealthUpstream(t), startHealthUpstream(t), startHealthUpstream(t)
	old := startProxy(t, `{"pools":[`+poolDoc(healthCheckDoc, a.url, b.url)+`]}`)
	waitFor(t, "first probes", 5*time.Second, func() bool { return a.probes.Load() > 0 })
	b.ok.Store(false)
	waitFor(t, "b marked down", 5*time.Second, func() bool { return !serverHealthy(old, b.url) })
	call(t, old, "10.0.0.1", nil) // opens a connection to a

	// The new generation keeps a and b and adds c.
	next := newFilter(t, `{"pools":[`+poolDoc(healthCheckDoc, a.url, b.url, c.url)+`]}`, nil)
	if err := next.Inherit(old); err != nil {
		t.Fatal(err)
	}
	defer next.Close()

	oldA, newA := serverOf(t, old, a.url), serverOf(t, next, a.url)
	if oldA.up.client != newA.up.client {
		t.Fatal("unchanged server a got a new HostClient")
	}
	if oldA.health != newA.health || serverHealthy(next, b.url) {
		t.Fatal("health state not taken over: b should still be down")
	}
	if newA.up.refs.Load() != 2 {
		t.Fatalf("a's connection pool has %d references, want 2", newA.up.refs.Load())
	}
	if !newA.health.ownedBy(next.gen) || newA.health.ownedBy(old.gen) {
		t.Fatal("the new generation does not run a's probes")
	}
	if serverOf(t, next, c.url).up.client == oldA.up.client {
		t.Fatal("new server shares a HostClient")
	}

	// The old generation keeps serving until closed, then its Close leaves
	// the new generation working.
	if r := call(t, old, "10.0.0.1", nil); r.result != "" {
		t.Fatalf("old generation after Inherit: %+v", r)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	if newA.up.refs.Load() != 1 {
		t.Fatalf("a's connection pool has %d references after the old Close, want 1", newA.up.refs.Load())
	}
	seen := map[string]bool{}
	for i := 0; i < 6; i++ {
		r := call(t, next, "10.0.0.1", nil)
		if r.result != "" {
			t.Fatalf("new generation after the old Close: %+v", r)
		}
		seen[r.body] = true
	}
	if !seen[a.addr] || !seen[c.addr] || seen[b.addr] {
		t.Fatalf("new generation served from %v", seen)
	}
	if newA.up.client.ConnsCount() == 0 {
		t.Fatal("a's connections were closed")
	}
	probes := a.probes.Load()
	waitFor(t, "probes by the new generation", 5*time.Second, func() bool { return a.probes.Load() > probes+2 })
	b.ok.Store(true)
	waitFor(t, "b marked up by the new generation", 5*time.Second, func() bool { return serverHealthy(next, b.url) })

	if err := next.Close(); err != nil {
		t.Fatal(err)
	}
	if newA.up.refs.Load() != 0 || newA.health.refs.Load() != 0 {
		t.Fatalf("references left after the last Close: %d, %d", newA.up.refs.Load(), newA.health.refs.Load())
	}
}

func TestInheritWithChangedSettings(t *testing.T) {
	a := startHealthUpstream(t)
	old := startProxy(t, `{"pools":[`+poolDoc(healthCheckDoc, a.url)+`]}`)
	a.ok.Store(false)
	waitFor(t, "a marked down", 5*time.Second, func() bool { return !serverHealthy(old, a.url) })

	// Another health check interval: same connection pool, a new health
	// state that starts from the previous health.
	doc := strings.Replace(healthCheckDoc, `"interval":"20ms"`, `"interval":"1h"`, 1)
	next := newFilter(t, `{"pools":[`+poolDoc(doc, a.url)+`]}`, nil)
	if err := next.Inherit(old); err != nil {
		t.Fatal(err)
	}
	defer next.Close()
	oldA, newA := serverOf(t, old, a.url), serverOf(t, next, a.url)
	if oldA.up != newA.up {
		t.Fatal("connection pool not kept when only the health check changed")
	}
	if oldA.health == newA.health || newA.healthy() {
		t.Fatal("changed health check should start a new state from the previous health (down)")
	}

	// Another body size cap: a new connection pool.
	third := newFilter(t, `{"pools":[`+poolDoc(doc, a.url)+`],"serverMaxBodySize":2048}`, nil)
	if err := third.Inherit(next); err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	if serverOf(t, third, a.url).up == newA.up {
		t.Fatal("connection pool kept although its settings changed")
	}
}

func TestFailedInheritLeavesPreviousIntact(t *testing.T) {
	a := startHealthUpstream(t)
	old := startProxy(t, `{"pools":[`+poolDoc(healthCheckDoc, a.url)+`]}`)
	s := serverOf(t, old, a.url)

	// Inherit refused: nothing taken.
	bad := newFilter(t, `{"pools":[`+poolDoc(`"retryPolicy":"missing"`, a.url)+`]}`, nil)
	if err := bad.Inherit(old); err == nil {
		t.Fatal("Inherit accepted a missing policy")
	}
	_ = bad.Close()

	// Inherit succeeded but the pipeline rolled the new generation back
	// (another filter failed): the previous one gets everything back.
	next := newFilter(t, `{"pools":[`+poolDoc(healthCheckDoc, a.url)+`]}`, nil)
	if err := next.Inherit(old); err != nil {
		t.Fatal(err)
	}
	if !s.health.ownedBy(next.gen) || s.up.refs.Load() != 2 {
		t.Fatal("the new generation did not take over")
	}
	_ = next.Close()
	if s.up.refs.Load() != 1 || !s.health.ownedBy(old.gen) {
		t.Fatalf("previous generation disturbed: refs %d", s.up.refs.Load())
	}
	probes := a.probes.Load()
	waitFor(t, "probes by the previous generation again", 5*time.Second, func() bool { return a.probes.Load() > probes+2 })
	if r := call(t, old, "10.0.0.1", nil); r.result != "" {
		t.Fatalf("previous generation: %+v", r)
	}
}
