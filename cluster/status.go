package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"sync"

	"github.com/gatewright/gatewright/cluster/internal/rpcmsg"
)

// NodeStatus is one member's answer to [Store.GatherStatus].
type NodeStatus struct {
	// Member is the node's name.
	Member string `json:"member"`
	// Status is what the node's Config.LocalStatus returned.
	Status json.RawMessage `json:"status,omitempty"`
	// Error is why the node did not answer.
	Error string `json:"error,omitempty"`
}

// errNoLocalStatus is returned by nodes without Config.LocalStatus.
var errNoLocalStatus = errors.New("cluster: the node serves no status")

// GatherStatus asks every member that is alive (or suspect) in the gossip,
// and this node, for its runtime status (Config.LocalStatus) through the
// store's RPC, concurrently, and returns the answers sorted by member name.
// A member that does not answer before ctx ends gets an Error. Status is
// gathered on request only; it never goes through raft.
func (s *Store) GatherStatus(ctx context.Context) []NodeStatus {
	var targets []Member
	for _, m := range s.Members() {
		if m.Self || (m.State == MemberAlive || m.State == MemberSuspect) && m.RaftAddr != "" {
			targets = append(targets, m)
		}
	}
	out := make([]NodeStatus, len(targets))
	var wg sync.WaitGroup
	for i, m := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = s.memberStatus(ctx, m)
		}()
	}
	wg.Wait()
	return out
}

// memberStatus asks one member for its status.
func (s *Store) memberStatus(ctx context.Context, m Member) NodeStatus {
	ns := NodeStatus{Member: m.Name}
	var st json.RawMessage
	var err error
	if m.Self {
		st, err = s.localStatus(ctx)
	} else {
		var reply rpcmsg.StatusReply
		if err = s.fwd.call(ctx, m.RaftAddr, rpcmsg.Service+".Status", &rpcmsg.StatusArgs{Timeout: remaining(ctx)}, &reply); err == nil {
			st, err = reply.Status, fromWire(reply.Err)
		}
	}
	if err != nil {
		ns.Error = err.Error()
		return ns
	}
	ns.Status = st
	return ns
}

// localStatus returns this node's status.
func (s *Store) localStatus(ctx context.Context) (json.RawMessage, error) {
	if s.cfg.LocalStatus == nil {
		return nil, errNoLocalStatus
	}
	return s.cfg.LocalStatus(ctx)
}
