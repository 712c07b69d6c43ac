package supervisor

import (
	"sort"
	"strings"

	"github.com/gatewright/gatewright/registry"
)

// applyRevision applies the events of one store revision together: deletes
// first, traffic gates before the pipelines they route to, then creates and
// updates, pipelines before the traffic gates that route to them, so that
// a batch written together never serves a moment with only half of it.
// The revision counts as applied once all of them are.
func (s *Supervisor) applyRevision(events []Event) {
	if len(events) == 0 {
		return
	}
	type step struct {
		name  string
		ev    Event
		spec  *Spec
		err   error
		order int
	}
	steps := make([]step, len(events))
	for i, ev := range events {
		st := step{name: strings.TrimPrefix(ev.Key, s.cfg.Prefix), ev: ev}
		if ev.Deleted {
			st.order = -1 - int(s.runningCategory(st.name))
		} else {
			st.spec, st.err = s.parseStored(ev.Key, ev.Value, ev.Revision)
			st.order = int(s.specCategory(st.spec))
		}
		steps[i] = st
	}
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].order < steps[j].order })
	for _, st := range steps {
		if st.ev.Deleted {
			s.applyDelete(st.name)
		} else {
			s.applySpec(st.name, st.spec, st.err, st.ev.Revision)
		}
	}
	s.setApplied(events[len(events)-1].Revision)
}

// runningCategory returns the category of the running object name, or the
// last category when there is none.
func (s *Supervisor) runningCategory(name string) Category {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[name]; ok && e.kind != nil {
		return e.kind.Category
	}
	return TrafficGate
}

// specCategory returns the category of spec's kind; specs that cannot be
// placed (unparsable, unknown kind) come after every category, where their
// error is recorded.
func (s *Supervisor) specCategory(spec *Spec) Category {
	if spec == nil {
		return TrafficGate + 1
	}
	ent, err := s.reg.Lookup(registry.ObjectClass, spec.Kind)
	if err != nil {
		return TrafficGate + 1
	}
	kind, ok := ent.Kind.(*Kind)
	if !ok {
		return TrafficGate + 1
	}
	return kind.Category
}
