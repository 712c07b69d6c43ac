package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"

	"github.com/gatewright/gatewright/cluster"
)

// Members lists the nodes of the gateway's cluster as this node sees them,
// sorted by name, this node included (Self): name, roles ("traffic", and
// "admin" when the node's admin API is on), admin API address, raft
// address, gossip address, version, state (alive, suspect, dead, left, or
// unknown for a raft server the gossip has not heard of), raft suffrage
// (voter, nonvoter, or none) and the leader mark. It is this node's local
// view: it needs no leader and never goes through raft. A standalone node
// lists itself alone.
func (g *Gateway) Members() []cluster.Member { return g.store.Members() }

// ClusterStatus gathers the runtime status of every object on every
// member that is alive, through the store's node-to-node RPC, and returns
// one entry per member sorted by name; each Status is that member's
// []supervisor.ObjectStatus as JSON. A member that does not answer before
// ctx ends gets an Error. Nothing of it goes through raft.
func (g *Gateway) ClusterStatus(ctx context.Context) []cluster.NodeStatus {
	return g.store.GatherStatus(ctx)
}

// Leave takes the node out of its cluster cleanly before Close: a leader
// hands its leadership over, and the node leaves the raft configuration
// and the gossip (see cluster.Store.Leave). Main calls it on SIGTERM and
// SIGINT. A standalone node has nothing to leave.
func (g *Gateway) Leave(ctx context.Context) error { return g.store.Leave(ctx) }

// statusAnswer answers the other members' status requests with the
// status of this node's objects, once the gateway is built.
type statusAnswer struct{ g atomic.Pointer[Gateway] }

// status returns the status of every object of the node as JSON.
func (a *statusAnswer) status(context.Context) (json.RawMessage, error) {
	g := a.g.Load()
	if g == nil {
		return nil, errors.New("the node is starting")
	}
	return json.Marshal(g.sup.Status())
}
