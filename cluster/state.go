package cluster

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"
)

// record is the stored form of a key. Records are never modified in place:
// a write replaces the record, so a copy of the map is a consistent snapshot.
type record struct {
	value  []byte
	create uint64
	mod    uint64
	lease  LeaseID
}

// lease is the replicated part of a lease: its TTL and the keys attached to
// it. Deadlines are not replicated; the leader keeps them (see lessor).
type lease struct {
	ttl  time.Duration
	keys map[string]struct{}
}

// state is the replicated state machine's data: the keys, the leases and the
// store revision. It is not safe for concurrent use; fsm guards it.
type state struct {
	rev       uint64
	clusterID string
	kvs       map[string]record
	leases    map[LeaseID]*lease
}

func newState() *state {
	return &state{kvs: make(map[string]record), leases: make(map[LeaseID]*lease)}
}

// kv returns the public form of the record of key, with a copy of its value.
func (r record) kv(key string) KV {
	return KV{Key: key, Value: bytes.Clone(r.value), CreateRevision: r.create, ModRevision: r.mod, Lease: r.lease}
}

// get returns the key or ErrNotFound.
func (s *state) get(key string) (KV, error) {
	r, ok := s.kvs[key]
	if !ok {
		return KV{}, fmt.Errorf("%w: key %q", ErrNotFound, key)
	}
	return r.kv(key), nil
}

// list returns the keys under prefix, sorted.
func (s *state) list(prefix string) []KV {
	out := make([]KV, 0)
	for k, r := range s.kvs {
		if strings.HasPrefix(k, prefix) {
			out = append(out, r.kv(k))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// check verifies the preconditions of a batch against the current state.
func (s *state) check(ops []opRecord) error {
	if err := validateOps(ops); err != nil {
		return err
	}
	for _, op := range ops {
		cur, exists := s.kvs[op.Key]
		if op.Expect != nil {
			var curRev uint64
			if exists {
				curRev = cur.mod
			}
			if *op.Expect != curRev {
				return &ConflictError{Key: op.Key, Expected: *op.Expect, Current: curRev}
			}
		}
		switch op.Type {
		case OpDelete:
			if !exists {
				return fmt.Errorf("%w: key %q", ErrNotFound, op.Key)
			}
		case OpPut:
			if op.Lease != NoLease {
				if _, ok := s.leases[op.Lease]; !ok {
					return fmt.Errorf("%w: %d (key %q)", ErrLeaseNotFound, op.Lease, op.Key)
				}
			}
		}
	}
	return nil
}

// txn applies a batch all-or-nothing. On success the store revision grows
// by one and the events of the batch are returned.
func (s *state) txn(ops []opRecord) (uint64, []Event, error) {
	if err := s.check(ops); err != nil {
		return s.rev, nil, err
	}
	if len(ops) == 0 {
		return s.rev, nil, nil
	}
	s.rev++
	events := make([]Event, 0, len(ops))
	for _, op := range ops {
		switch op.Type {
		case OpPut:
			events = append(events, s.put(op.Key, op.Value, op.Lease))
		case OpDelete:
			events = append(events, s.del(op.Key))
		}
	}
	return s.rev, events, nil
}

// put writes key at the current revision.
func (s *state) put(key string, value []byte, id LeaseID) Event {
	r := record{value: value, create: s.rev, mod: s.rev, lease: id}
	if old, ok := s.kvs[key]; ok {
		r.create = old.create
		s.detach(key, old.lease)
	}
	if id != NoLease {
		s.leases[id].keys[key] = struct{}{}
	}
	s.kvs[key] = r
	return Event{Type: EventPut, KV: r.kv(key), Revision: s.rev}
}

// del deletes an existing key at the current revision.
func (s *state) del(key string) Event {
	s.detach(key, s.kvs[key].lease)
	delete(s.kvs, key)
	return Event{Type: EventDelete, KV: KV{Key: key, ModRevision: s.rev}, Revision: s.rev}
}

// detach removes key from the key set of lease id.
func (s *state) detach(key string, id LeaseID) {
	if l, ok := s.leases[id]; ok {
		delete(l.keys, key)
	}
}

// grant creates lease id.
func (s *state) grant(id LeaseID, ttl time.Duration) error {
	if id == NoLease || ttl <= 0 {
		return fmt.Errorf("%w: lease %d with TTL %v", ErrInvalid, id, ttl)
	}
	if _, ok := s.leases[id]; ok {
		return fmt.Errorf("%w: lease %d exists", ErrInvalid, id)
	}
	s.leases[id] = &lease{ttl: ttl, keys: make(map[string]struct{})}
	return nil
}

// revoke deletes lease id and its keys. Deleting keys is a write: the store
// revision grows by one and the delete events are returned.
func (s *state) revoke(id LeaseID) (uint64, []Event, error) {
	l, ok := s.leases[id]
	if !ok {
		return s.rev, nil, fmt.Errorf("%w: %d", ErrLeaseNotFound, id)
	}
	delete(s.leases, id)
	if len(l.keys) == 0 {
		return s.rev, nil, nil
	}
	keys := make([]string, 0, len(l.keys))
	for k := range l.keys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s.rev++
	events := make([]Event, 0, len(keys))
	for _, k := range keys {
		delete(s.kvs, k)
		events = append(events, Event{Type: EventDelete, KV: KV{Key: k, ModRevision: s.rev}, Revision: s.rev})
	}
	return s.rev, events, nil
}

// setClusterID names the cluster; a name cannot change.
func (s *state) setClusterID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty cluster ID", ErrInvalid)
	case s.clusterID != "" && s.clusterID != id:
		return fmt.Errorf("%w: the cluster is already named %q", ErrInvalid, s.clusterID)
	}
	s.clusterID = id
	return nil
}

// leaseTTLs returns the TTL of every lease.
func (s *state) leaseTTLs() map[LeaseID]time.Duration {
	out := make(map[LeaseID]time.Duration, len(s.leases))
	for id, l := range s.leases {
		out[id] = l.ttl
	}
	return out
}
