package cluster

import (
	"time"
)

// MemberState is a member's health as the node asked sees it.
type MemberState string

const (
	// MemberAlive is a member that answers the gossip's probes.
	MemberAlive MemberState = "alive"
	// MemberSuspect is a member the gossip still counts alive, but whose
	// direct probes from this node have gone unanswered for more than two
	// probe rounds: it may be failing.
	MemberSuspect MemberState = "suspect"
	// MemberDead is a member the gossip declared failed. The leader removes
	// it from the raft configuration after Config.DeadNodeGrace.
	MemberDead MemberState = "dead"
	// MemberLeft is a member that left the cluster cleanly.
	MemberLeft MemberState = "left"
	// MemberUnknown is a server of the raft configuration that the gossip
	// has not (yet) heard of, for example right after a restart.
	MemberUnknown MemberState = "unknown"
)

// Suffrage is a member's part in raft.
type Suffrage string

const (
	// Voter is a member that votes and counts for the quorum.
	Voter Suffrage = "voter"
	// Nonvoter is a member that replicates everything but does not vote.
	Nonvoter Suffrage = "nonvoter"
	// NotInRaft is a member outside the raft configuration: not added yet,
	// or removed.
	NotInRaft Suffrage = ""
)

// Member describes one node of the cluster as the node asked sees it.
type Member struct {
	// Name is the node name, also its raft server ID.
	Name string `json:"name"`
	// Roles are the roles the node announces (for a gateway: "traffic",
	// and "admin" when its admin API is on).
	Roles []string `json:"roles,omitempty"`
	// APIAddr is the node's admin API address, empty if it has none.
	APIAddr string `json:"apiAddr,omitempty"`
	// RaftAddr is the node's cluster address: raft and the store's RPC.
	RaftAddr string `json:"raftAddr"`
	// GossipAddr is the node's memberlist address, empty for a node that
	// does not gossip.
	GossipAddr string `json:"gossipAddr,omitempty"`
	// Version is the node's software version.
	Version string `json:"version,omitempty"`
	// State is the node's health.
	State MemberState `json:"state"`
	// Since is when this node saw State begin.
	Since time.Time `json:"since"`
	// Raft is the node's suffrage in the raft configuration.
	Raft Suffrage `json:"raft,omitempty"`
	// Leader marks the raft leader.
	Leader bool `json:"leader,omitempty"`
	// Self marks the node asked.
	Self bool `json:"self,omitempty"`
}
