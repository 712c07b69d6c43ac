package cluster

import (
	"errors"

	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
)

// clusterIDKey is the key of the cluster ID in raft's stable store. The ID
// is kept there besides the replicated state because a restarted node
// applies its log only once a leader tells it what is committed: until
// then (and for ever if it was removed meanwhile) its state would not
// tell which cluster it belongs to.
const clusterIDKey = "gatewright/cluster-id"

// loadClusterID reads the remembered cluster ID at start.
func (s *Store) loadClusterID() error {
	b, err := s.bolt.Get([]byte(clusterIDKey))
	if err != nil && !errors.Is(err, raftboltdb.ErrKeyNotFound) {
		return err
	}
	id := string(b)
	s.knownID.Store(&id)
	return nil
}

// clusterIDNow returns the cluster ID of the replicated state, or the
// remembered one while the state does not have it (yet).
func (s *Store) clusterIDNow() string {
	if id := s.fsm.clusterID(); id != "" {
		return id
	}
	if p := s.knownID.Load(); p != nil {
		return *p
	}
	return ""
}

// rememberClusterID stores the cluster ID the replicated state got; the
// state machine calls it.
func (s *Store) rememberClusterID(id string) {
	if p := s.knownID.Load(); p != nil && *p == id {
		return
	}
	if err := s.bolt.Set([]byte(clusterIDKey), []byte(id)); err != nil {
		s.logger.Error("cluster: remembering the cluster ID failed", "err", err)
		return
	}
	s.knownID.Store(&id)
}
