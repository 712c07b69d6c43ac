package cluster

import (
	"strconv"
)

// Stats are figures about this node's replica and its raft state.
type Stats struct {
	// Node is this node's name.
	Node string `json:"node"`
	// State is the raft state: Leader, Follower, Candidate or Shutdown.
	State string `json:"state"`
	// Leader is the name of the leader this node knows, empty if none.
	Leader string `json:"leader,omitempty"`
	// Term is the current raft term.
	Term uint64 `json:"term"`
	// LastLogIndex is the index of the last raft log entry.
	LastLogIndex uint64 `json:"lastLogIndex"`
	// CommitIndex is the index of the last committed entry this node knows.
	CommitIndex uint64 `json:"commitIndex"`
	// AppliedIndex is the index of the last entry applied.
	AppliedIndex uint64 `json:"appliedIndex"`
	// LastSnapshotIndex is the log index of the latest snapshot.
	LastSnapshotIndex uint64 `json:"lastSnapshotIndex"`
	// Revision is the store revision of the replica.
	Revision uint64 `json:"revision"`
	// SnapshotsInstalled counts the snapshots installed since the start,
	// sent by a leader because the log this node needed was compacted.
	SnapshotsInstalled uint64 `json:"snapshotsInstalled"`
	// ClusterID is the ID of the cluster, empty until the leader names it.
	ClusterID string `json:"clusterID,omitempty"`
}

// Stats returns figures about this node's replica and raft state.
func (s *Store) Stats() Stats {
	leader, _ := s.Leader()
	st := Stats{
		Node:               s.cfg.NodeName,
		State:              s.raft.State().String(),
		Leader:             leader,
		Term:               s.raft.CurrentTerm(),
		LastLogIndex:       s.raft.LastIndex(),
		CommitIndex:        s.raft.CommitIndex(),
		AppliedIndex:       s.raft.AppliedIndex(),
		Revision:           s.fsm.revision(),
		SnapshotsInstalled: s.fsm.restoreCount() - s.restoresAtStart,
		ClusterID:          s.clusterIDNow(),
	}
	if v, err := strconv.ParseUint(s.raft.Stats()["last_snapshot_index"], 10, 64); err == nil {
		st.LastSnapshotIndex = v
	}
	return st
}
