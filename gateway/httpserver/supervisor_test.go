package httpserver

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatewright/gatewright/supervisor"
)

// memStore is an in-memory supervisor.Store.
type memStore struct {
	mu       sync.Mutex
	rev      uint64
	data     map[string]supervisor.Entry
	watchers map[*memWatch]struct{}
}

func newMemStore() *memStore {
	return &memStore{data: map[string]supervisor.Entry{}, watchers: map[*memWatch]struct{}{}}
}

func (m *memStore) put(key, value string) uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rev++
	m.data[key] = supervisor.Entry{Key: key, Value: []byte(value), Revision: m.rev}
	for w := range m.watchers {
		w.ch <- supervisor.Event{Key: key, Value: []byte(value), Revision: m.rev}
	}
	return m.rev
}

func (m *memStore) List(_ context.Context, prefix string) ([]supervisor.Entry, uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []supervisor.Entry
	for k, e := range m.data {
		if strings.HasPrefix(k, prefix) {
			out = append(out, e)
		}
	}
	return out, m.rev, nil
}

func (m *memStore) Watch(ctx context.Context, _ string, _ uint64) (supervisor.Watch, error) {
	w := &memWatch{ch: make(chan supervisor.Event, 64)}
	m.mu.Lock()
	m.watchers[w] = struct{}{}
	m.mu.Unlock()
	stop := func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if _, ok := m.watchers[w]; ok {
			delete(m.watchers, w)
			close(w.ch)
		}
	}
	w.stop = stop
	go func() { <-ctx.Done(); stop() }()
	return w, nil
}

type memWatch struct {
	ch   chan supervisor.Event
	stop func()
}

func (w *memWatch) Events() <-chan supervisor.Event { return w.ch }
func (w *memWatch) Err() error                      { return nil }
func (w *memWatch) Close()                          { w.stop() }

// TestUnderTheSupervisor runs HTTPServer and Pipeline objects the way a
// gateway does: from stored documents, updated in place.
func TestUnderTheSupervisor(t *testing.T) {
	h := newHarness(t)
	store := newMemStore()
	port := freePort(t)
	store.put("objects/a", "kind: Pipeline\nname: a\nfilters: [{name: echo, kind: Echo}]\n")
	store.put("objects/edge", serverDoc("edge", port, "rules: [{paths: [{backend: a}]}]\n"))
	sup := supervisor.New(supervisor.Config{
		Registry:  h.reg,
		Store:     store,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		TrafficIP: "127.0.0.1",
	})
	if err := sup.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer sup.Close()
	url := fmt.Sprintf("http://127.0.0.1:%d/x", port)
	c := newClient(t)
	if r := do(t, c, "GET", url, nil, nil); r.status != 200 || !strings.HasPrefix(r.body, "pipeline=a ") {
		t.Fatalf("%+v", r)
	}
	wait := func(rev uint64) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := sup.WaitApplied(ctx, rev); err != nil {
			t.Fatal(err)
		}
	}

	// A route to a pipeline that does not exist yet answers 503 until the
	// pipeline is stored; the keep-alive connection is kept throughout.
	wait(store.put("objects/edge", serverDoc("edge", port, "rules: [{paths: [{backend: b}]}]\n")))
	if r := do(t, c, "GET", url, nil, nil); r.status != 503 || !r.reused {
		t.Fatalf("%+v", r)
	}
	wait(store.put("objects/b", "kind: Pipeline\nname: b\nfilters: [{name: echo, kind: Echo}]\n"))
	if r := do(t, c, "GET", url, nil, nil); r.status != 200 || !strings.HasPrefix(r.body, "pipeline=b ") || !r.reused {
		t.Fatalf("%+v", r)
	}
	// Updating the pipeline swaps the generation the route reaches.
	wait(store.put("objects/b", "kind: Pipeline\nname: b\nfilters: [{name: echo2, kind: Echo}]\n"))
	if r := do(t, c, "GET", url, nil, nil); r.status != 200 || !r.reused {
		t.Fatalf("%+v", r)
	}

	// A refused update leaves the running generation serving and reports
	// the field.
	wait(store.put("objects/edge", serverDoc("edge", port, "rules: [{paths: [{pathRegexp: '(', backend: a}]}]\n")))
	err := sup.ObjectError("edge")
	if err == nil || !strings.Contains(err.Error(), "rules[0].paths[0].pathRegexp: invalid regexp") {
		t.Fatalf("object error %v", err)
	}
	if r := do(t, c, "GET", url, nil, nil); r.status != 200 || !strings.HasPrefix(r.body, "pipeline=b ") || !r.reused {
		t.Fatalf("%+v", r)
	}
	for _, st := range sup.Status() {
		if st.Name == "edge" {
			s := st.Status.(Status)
			if !s.Listening || s.AcceptedConnections != 1 {
				t.Fatalf("status %+v", s)
			}
		}
	}
}
