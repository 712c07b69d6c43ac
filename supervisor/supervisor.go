package supervisor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gatewright/gatewright/registry"
	"go.opentelemetry.io/otel/trace"
)

// DefaultPrefix is the store prefix under which object documents live.
const DefaultPrefix = "objects/"

// Config configures a Supervisor.
type Config struct {
	// Registry is the kind catalogue; registry.Default if nil.
	Registry *registry.Registry
	// Store holds the object documents.
	Store Store
	// Prefix is the object key prefix; DefaultPrefix if empty.
	Prefix string
	// Logger receives the supervisor's and the objects' logs.
	Logger *slog.Logger
	// TrafficIP is handed to objects in their Env.
	TrafficIP string
	// Data is handed to objects in their Env.
	Data DataReader
	// TracerProvider is handed to objects in their Env; nil: no tracing.
	TracerProvider trace.TracerProvider
}

// Supervisor runs the objects stored under a prefix of a Store.
type Supervisor struct {
	cfg Config
	reg *registry.Registry
	log *slog.Logger

	mu      sync.Mutex
	entries map[string]*entry
	refs    RefTable
	applied uint64
	changed chan struct{} // closed and replaced whenever applied moves

	cancel context.CancelFunc
	done   chan struct{}
}

// entry is the supervisor's record of one named object.
type entry struct {
	obj      Object
	kind     *Kind
	spec     *Spec
	revision uint64 // revision of the running generation
	err      error  // last failed update, cleared by a successful one
	errRev   uint64 // revision of the failed update
}

// New returns a supervisor; Start runs it.
func New(cfg Config) *Supervisor {
	if cfg.Registry == nil {
		cfg.Registry = registry.Default
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Supervisor{
		cfg:     cfg,
		reg:     cfg.Registry,
		log:     cfg.Logger,
		entries: map[string]*entry{},
		changed: make(chan struct{}),
	}
}

// Registry returns the supervisor's kind catalogue.
func (s *Supervisor) Registry() *registry.Registry { return s.reg }

// Ref returns the stable reference for the object called name.
func (s *Supervisor) Ref(name string) *Ref { return s.refs.Ref(name) }

// Object returns the running object called name.
func (s *Supervisor) Object(name string) (Object, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[name]
	if !ok || e.obj == nil {
		return nil, false
	}
	return e.obj, true
}

// Decode looks the spec's kind up and decodes its fields into Body. The
// error names the object: HTTPServer "edge": rules[0].paths[0].path: ...
func (s *Supervisor) Decode(spec *Spec) (*Kind, error) {
	ent, err := s.reg.Lookup(registry.ObjectClass, spec.Kind)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", spec.Ref(), err)
	}
	kind, ok := ent.Kind.(*Kind)
	if !ok {
		return nil, fmt.Errorf("%s: kind %q is not an object kind (%T)", spec.Ref(), spec.Kind, ent.Kind)
	}
	body, err := ent.DecodeSpec(spec.Fields)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", spec.Ref(), err)
	}
	spec.Body = body
	return kind, nil
}

// Build decodes the spec and creates its object without starting it. It is
// also the full validation of a spec: nothing is started or changed.
func (s *Supervisor) Build(spec *Spec) (Object, *Kind, error) {
	kind, err := s.Decode(spec)
	if err != nil {
		return nil, nil, err
	}
	env := &Env{
		Registry:  s.reg,
		Logger:    s.log.With("object", spec.Name, "kind", spec.Kind),
		Refs:      s,
		TrafficIP: s.cfg.TrafficIP,
		Data:      s.cfg.Data,
		Statuses:  s,

		TracerProvider: s.cfg.TracerProvider,
	}
	obj, err := kind.New(spec, env)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", spec.Ref(), err)
	}
	return obj, kind, nil
}

// Validate checks a spec completely without starting anything.
func (s *Supervisor) Validate(spec *Spec) error {
	_, _, err := s.Build(spec)
	return err
}

// Start loads every stored object, starts them in category order and then
// follows the store. Objects that fail to start are reported in Status; the
// others run. Start returns once the initial objects run.
func (s *Supervisor) Start(ctx context.Context) error {
	entries, rev, err := s.cfg.Store.List(ctx, s.cfg.Prefix)
	if err != nil {
		return fmt.Errorf("supervisor: listing %q: %w", s.cfg.Prefix, err)
	}
	type pending struct {
		key   string
		rev   uint64
		spec  *Spec
		obj   Object
		kind  *Kind
		err   error
		order Category
	}
	var all []pending
	for _, e := range entries {
		p := pending{key: e.Key, rev: e.Revision, order: TrafficGate + 1}
		p.spec, p.err = s.parseStored(e.Key, e.Value, e.Revision)
		if p.err == nil {
			p.obj, p.kind, p.err = s.Build(p.spec)
		}
		if p.err == nil {
			p.order = p.kind.Category
		}
		all = append(all, p)
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].order != all[j].order {
			return all[i].order < all[j].order
		}
		return all[i].key < all[j].key
	})
	for _, p := range all {
		name := strings.TrimPrefix(p.key, s.cfg.Prefix)
		if p.err == nil {
			if err := p.obj.Init(); err != nil {
				p.err = fmt.Errorf("%s: init: %w", p.spec.Ref(), err)
				closeQuietly(p.obj, s.log)
			}
		}
		s.mu.Lock()
		if p.err != nil {
			s.log.Error("object not started", "object", name, "error", p.err)
			s.entries[name] = &entry{err: p.err, errRev: p.rev}
		} else {
			s.entries[name] = &entry{obj: p.obj, kind: p.kind, spec: p.spec, revision: p.rev}
			s.refs.Set(name, p.obj)
		}
		s.mu.Unlock()
	}
	s.setApplied(rev)

	wctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.done = make(chan struct{})
	go s.follow(wctx, rev)
	return nil
}

// parseStored reads a stored document and checks it belongs to its key.
func (s *Supervisor) parseStored(key string, value []byte, rev uint64) (*Spec, error) {
	name := strings.TrimPrefix(key, s.cfg.Prefix)
	spec, err := ParseDocument(value)
	if err != nil {
		return nil, fmt.Errorf("object %q: %w", name, err)
	}
	if spec.Name != name {
		return nil, fmt.Errorf("object %q: stored document is named %q", name, spec.Name)
	}
	spec.Revision = rev
	return spec, nil
}

// follow applies store changes until ctx ends, re-listing when a watch
// breaks.
func (s *Supervisor) follow(ctx context.Context, rev uint64) {
	defer close(s.done)
	for ctx.Err() == nil {
		w, err := s.cfg.Store.Watch(ctx, s.cfg.Prefix, rev)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.Warn("watch failed; listing again", "error", err)
			rev = s.resync(ctx)
			continue
		}
		var batch []Event
		for ev := range w.Events() {
			batch = append(batch, ev)
			if ev.MoreInRevision {
				continue
			}
			s.applyRevision(batch)
			rev = ev.Revision
			batch = batch[:0]
		}
		err = w.Err()
		w.Close()
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("watch ended; listing again", "error", err)
		rev = s.resync(ctx)
	}
}

// resync lists the prefix and applies every difference from what runs.
func (s *Supervisor) resync(ctx context.Context) uint64 {
	for ctx.Err() == nil {
		entries, rev, err := s.cfg.Store.List(ctx, s.cfg.Prefix)
		if err != nil {
			s.log.Error("listing objects failed", "error", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			continue
		}
		listed := map[string]bool{}
		for _, e := range entries {
			name := strings.TrimPrefix(e.Key, s.cfg.Prefix)
			listed[name] = true
			s.mu.Lock()
			cur, ok := s.entries[name]
			same := ok && (cur.revision == e.Revision || cur.errRev == e.Revision)
			s.mu.Unlock()
			if !same {
				s.applyPut(e.Key, e.Value, e.Revision)
			}
		}
		s.mu.Lock()
		var gone []string
		for name := range s.entries {
			if !listed[name] {
				gone = append(gone, name)
			}
		}
		s.mu.Unlock()
		for _, name := range gone {
			s.applyDelete(name)
		}
		s.setApplied(rev)
		return rev
	}
	return 0
}

// applyPut builds the new generation of one object and swaps it in, or
// records why it could not.
func (s *Supervisor) applyPut(key string, value []byte, rev uint64) {
	spec, err := s.parseStored(key, value, rev)
	s.applySpec(strings.TrimPrefix(key, s.cfg.Prefix), spec, err, rev)
}

// applySpec builds the new generation of one object from its parsed spec
// (or records parseErr) and swaps it in, or records why it could not.
func (s *Supervisor) applySpec(name string, spec *Spec, parseErr error, rev uint64) {
	s.mu.Lock()
	cur := s.entries[name]
	s.mu.Unlock()

	fail := func(err error) {
		s.log.Error("object update refused; previous generation keeps serving", "object", name, "revision", rev, "error", err)
		s.mu.Lock()
		defer s.mu.Unlock()
		if e, ok := s.entries[name]; ok {
			e.err, e.errRev = err, rev
		} else {
			s.entries[name] = &entry{err: err, errRev: rev}
		}
	}
	if parseErr != nil {
		fail(parseErr)
		return
	}
	obj, kind, err := s.Build(spec)
	if err != nil {
		fail(err)
		return
	}
	inherit := cur != nil && cur.obj != nil && cur.kind == kind
	if inherit {
		err = obj.Inherit(cur.obj)
	} else {
		err = obj.Init()
	}
	if err != nil {
		closeQuietly(obj, s.log)
		fail(fmt.Errorf("%s: %w", spec.Ref(), err))
		return
	}
	s.mu.Lock()
	s.entries[name] = &entry{obj: obj, kind: kind, spec: spec, revision: rev}
	s.refs.Set(name, obj)
	s.mu.Unlock()
	if cur != nil && cur.obj != nil {
		closeQuietly(cur.obj, s.log)
	}
	s.log.Info("object applied", "object", name, "kind", spec.Kind, "revision", rev, "inherited", inherit)
}

func (s *Supervisor) applyDelete(name string) {
	s.mu.Lock()
	cur, ok := s.entries[name]
	delete(s.entries, name)
	s.refs.Set(name, nil)
	s.mu.Unlock()
	if ok && cur.obj != nil {
		closeQuietly(cur.obj, s.log)
		s.log.Info("object deleted", "object", name)
	}
}

func closeQuietly(o Object, log *slog.Logger) {
	if err := o.Close(); err != nil {
		log.Warn("closing object", "object", o.Spec().Name, "error", err)
	}
}

func (s *Supervisor) setApplied(rev uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rev > s.applied {
		s.applied = rev
		close(s.changed)
		s.changed = make(chan struct{})
	}
}

// Applied returns the store revision up to which changes have been applied.
func (s *Supervisor) Applied() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.applied
}

// WaitApplied blocks until every change up to rev has been applied (or
// refused), or ctx ends.
func (s *Supervisor) WaitApplied(ctx context.Context, rev uint64) error {
	for {
		s.mu.Lock()
		if s.applied >= rev {
			s.mu.Unlock()
			return nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("waiting for revision %d (applied %d): %w", rev, s.Applied(), ctx.Err())
		}
	}
}

// ObjectStatus is the runtime view of one object.
type ObjectStatus struct {
	Name     string `json:"name"`
	Kind     string `json:"kind,omitempty"`
	Category string `json:"category,omitempty"`
	// Revision is the store revision of the running generation.
	Revision uint64 `json:"revision,omitempty"`
	// Running is false when no generation could be started.
	Running bool `json:"running"`
	// Status is the object's own status.
	Status any `json:"status,omitempty"`
	// Error is the last refused update, if the newest stored spec is not
	// the one running.
	Error string `json:"error,omitempty"`
	// ErrorRevision is the revision of the refused update.
	ErrorRevision uint64 `json:"errorRevision,omitempty"`
}

// Status returns the status of every object, sorted by name.
func (s *Supervisor) Status() []ObjectStatus {
	s.mu.Lock()
	names := make([]string, 0, len(s.entries))
	snap := make(map[string]entry, len(s.entries))
	for n, e := range s.entries {
		names = append(names, n)
		snap[n] = *e
	}
	s.mu.Unlock()
	sort.Strings(names)
	out := make([]ObjectStatus, 0, len(names))
	for _, n := range names {
		e := snap[n]
		st := ObjectStatus{Name: n, Revision: e.revision, Running: e.obj != nil}
		if e.kind != nil {
			st.Kind, st.Category = e.kind.Name, e.kind.Category.String()
		}
		if e.obj != nil {
			st.Status = e.obj.Status()
		}
		if e.err != nil && e.errRev > e.revision {
			st.Error, st.ErrorRevision = e.err.Error(), e.errRev
		}
		out = append(out, st)
	}
	return out
}

// ObjectError returns the refused update of name newer than its running
// generation, if any.
func (s *Supervisor) ObjectError(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[name]
	if !ok || e.err == nil || e.errRev <= e.revision {
		return nil
	}
	return e.err
}

// Close stops following the store and closes every object, traffic gates
// first and system controllers last.
func (s *Supervisor) Close() error {
	if s.cancel != nil {
		s.cancel()
		<-s.done
	}
	s.mu.Lock()
	type named struct {
		name string
		e    *entry
	}
	var all []named
	for n, e := range s.entries {
		if e.obj != nil {
			all = append(all, named{n, e})
		}
	}
	s.entries = map[string]*entry{}
	s.refs.ClearAll()
	s.mu.Unlock()
	sort.Slice(all, func(i, j int) bool {
		if all[i].e.kind.Category != all[j].e.kind.Category {
			return all[i].e.kind.Category > all[j].e.kind.Category
		}
		return all[i].name < all[j].name
	})
	var errs []error
	for _, n := range all {
		if err := n.e.obj.Close(); err != nil {
			errs = append(errs, fmt.Errorf("closing %q: %w", n.name, err))
		}
	}
	return errors.Join(errs...)
}
