package cluster

import (
	"errors"
	"testing"

	"github.com/hashicorp/raft"
)

// TestReplicationIsNotPipelined: the raft transport refuses pipelined
// replication, whose hashicorp/raft implementation can wedge a follower's
// replication and Raft.Shutdown (see the transport settings in open.go).
func TestReplicationIsNotPipelined(t *testing.T) {
	s := newStore(t)
	_, err := s.transport.AppendEntriesPipeline("n2", "127.0.0.1:1")
	if !errors.Is(err, raft.ErrPipelineReplicationNotSupported) {
		t.Fatalf("AppendEntriesPipeline: %v, want ErrPipelineReplicationNotSupported", err)
	}
}
