package cluster

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/hashicorp/raft"
)

// snapshotVersion is the version of the snapshot format written by
// fsmSnapshot.Persist.
const snapshotVersion = 1

// The snapshot format is a stream of JSON values: one snapshotHeader, then
// snapshotHeader.Keys snapshotKV values sorted by key.
type snapshotHeader struct {
	Version   int             `json:"version"`
	Revision  uint64          `json:"revision"`
	ClusterID string          `json:"clusterID,omitempty"`
	Leases    []snapshotLease `json:"leases"`
	Keys      int             `json:"keys"`
}

type snapshotLease struct {
	ID  LeaseID       `json:"id"`
	TTL time.Duration `json:"ttl"`
}

type snapshotKV struct {
	Key    string  `json:"k"`
	Value  []byte  `json:"v,omitempty"`
	Create uint64  `json:"c"`
	Mod    uint64  `json:"m"`
	Lease  LeaseID `json:"l,omitempty"`
}

// fsmSnapshot is a point-in-time copy of the state, written out by raft.
type fsmSnapshot struct {
	rev       uint64
	clusterID string
	kvs       map[string]record
	leases    map[LeaseID]time.Duration
}

var _ raft.FSMSnapshot = (*fsmSnapshot)(nil)

// Persist writes the snapshot to sink and closes it, or cancels it on error.
func (s *fsmSnapshot) Persist(sink raft.SnapshotSink) error {
	if err := s.write(sink); err != nil {
		_ = sink.Cancel()
		return fmt.Errorf("cluster: write snapshot: %w", err)
	}
	return sink.Close()
}

func (s *fsmSnapshot) write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	h := snapshotHeader{Version: snapshotVersion, Revision: s.rev, ClusterID: s.clusterID, Keys: len(s.kvs), Leases: make([]snapshotLease, 0, len(s.leases))}
	for id, ttl := range s.leases {
		h.Leases = append(h.Leases, snapshotLease{ID: id, TTL: ttl})
	}
	slices.SortFunc(h.Leases, func(a, b snapshotLease) int { return cmp.Compare(a.ID, b.ID) })
	if err := enc.Encode(h); err != nil {
		return err
	}
	keys := make([]string, 0, len(s.kvs))
	for k := range s.kvs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		r := s.kvs[k]
		if err := enc.Encode(snapshotKV{Key: k, Value: r.value, Create: r.create, Mod: r.mod, Lease: r.lease}); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// Release is a no-op: the snapshot holds no resources.
func (s *fsmSnapshot) Release() {}

// readSnapshot decodes a snapshot written by Persist into a new state.
func readSnapshot(r io.Reader) (*state, error) {
	dec := json.NewDecoder(bufio.NewReader(r))
	var h snapshotHeader
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("cluster: read snapshot header: %w", err)
	}
	if h.Version != snapshotVersion {
		return nil, fmt.Errorf("cluster: snapshot version %d not supported", h.Version)
	}
	st := newState()
	st.rev = h.Revision
	st.clusterID = h.ClusterID
	for _, l := range h.Leases {
		if err := st.grant(l.ID, l.TTL); err != nil {
			return nil, fmt.Errorf("cluster: read snapshot: %w", err)
		}
	}
	for i := 0; i < h.Keys; i++ {
		var kv snapshotKV
		if err := dec.Decode(&kv); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("cluster: read snapshot key %d of %d: %w", i+1, h.Keys, err)
		}
		if kv.Lease != NoLease {
			l, ok := st.leases[kv.Lease]
			if !ok {
				return nil, fmt.Errorf("cluster: read snapshot: key %q has unknown lease %d", kv.Key, kv.Lease)
			}
			l.keys[kv.Key] = struct{}{}
		}
		st.kvs[kv.Key] = record{value: kv.Value, create: kv.Create, mod: kv.Mod, lease: kv.Lease}
	}
	return st, nil
}
