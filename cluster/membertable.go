package cluster

import (
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/memberlist"
)

// memberTable is this node's record of the gossip membership, kept from
// memberlist's callbacks (memberlist's own node list may not be read while
// it changes). It also serves memberlist this node's metadata.
type memberTable struct {
	self         string
	logger       *slog.Logger
	probe        time.Duration
	probeTimeout time.Duration
	meta         atomic.Pointer[[]byte]
	changed      chan struct{} // gets a token on every change

	mu    sync.Mutex
	nodes map[string]*memberRecord
}

// memberRecord is what the table knows of one node.
type memberRecord struct {
	meta    nodeMeta
	metaOK  bool
	addr    string
	state   MemberState // alive, dead or left
	since   time.Time
	lastAck time.Time
}

var (
	_ memberlist.Delegate      = (*memberTable)(nil)
	_ memberlist.EventDelegate = (*memberTable)(nil)
	_ memberlist.PingDelegate  = (*memberTable)(nil)
)

func newMemberTable(self string, g GossipTuning, logger *slog.Logger) *memberTable {
	return &memberTable{
		self:         self,
		logger:       logger,
		probe:        g.ProbeInterval,
		probeTimeout: g.ProbeTimeout,
		changed:      make(chan struct{}, 1),
		nodes:        make(map[string]*memberRecord),
	}
}

// setMeta sets the metadata served to memberlist.
func (t *memberTable) setMeta(b []byte) { t.meta.Store(&b) }

// signal notes a change for whoever waits on t.changed.
func (t *memberTable) signal() {
	select {
	case t.changed <- struct{}{}:
	default:
	}
}

// record updates the record of n to state.
func (t *memberTable) record(n *memberlist.Node, state MemberState) {
	now := time.Now()
	meta, err := decodeMeta(n.Meta)
	t.mu.Lock()
	r, ok := t.nodes[n.Name]
	if !ok {
		r = &memberRecord{since: now, lastAck: now}
		t.nodes[n.Name] = r
	}
	if err == nil {
		r.meta, r.metaOK = meta, true
	}
	if state == MemberDead && r.metaOK && r.meta.Leaving {
		state = MemberLeft
	}
	changed := r.state != state
	if changed {
		r.state, r.since = state, now
		if state == MemberAlive {
			r.lastAck = now
		}
	}
	r.addr = n.Address()
	t.mu.Unlock()
	if changed && n.Name != t.self {
		switch state {
		case MemberDead:
			t.logger.Warn("cluster: member failed", "member", n.Name, "addr", n.Address())
		case MemberLeft:
			t.logger.Info("cluster: member left", "member", n.Name)
		default:
			t.logger.Info("cluster: member joined", "member", n.Name, "addr", n.Address())
		}
	}
	if err != nil && n.Name != t.self {
		t.logger.Warn("cluster: member with unreadable metadata", "member", n.Name, "err", err)
	}
	t.signal()
}

// NotifyJoin records a node that joined or came back.
func (t *memberTable) NotifyJoin(n *memberlist.Node) { t.record(n, MemberAlive) }

// NotifyUpdate records a node's new metadata.
func (t *memberTable) NotifyUpdate(n *memberlist.Node) { t.record(n, MemberAlive) }

// NotifyLeave records a node that failed, or left if it said it leaves
// (memberlist itself does not pass the difference on).
func (t *memberTable) NotifyLeave(n *memberlist.Node) { t.record(n, MemberDead) }

// AckPayload adds nothing to probe acks.
func (t *memberTable) AckPayload() []byte { return nil }

// NotifyPingComplete notes that a node answered a direct probe.
func (t *memberTable) NotifyPingComplete(n *memberlist.Node, _ time.Duration, _ []byte) {
	t.mu.Lock()
	if r, ok := t.nodes[n.Name]; ok {
		r.lastAck = time.Now()
	}
	t.mu.Unlock()
}

// NodeMeta returns this node's metadata.
func (t *memberTable) NodeMeta(limit int) []byte {
	if b := t.meta.Load(); b != nil && len(*b) <= limit {
		return *b
	}
	return nil
}

// NotifyMsg ignores user messages: the store sends none.
func (t *memberTable) NotifyMsg([]byte) {}

// GetBroadcasts has nothing to broadcast.
func (t *memberTable) GetBroadcasts(int, int) [][]byte { return nil }

// LocalState has no state to exchange.
func (t *memberTable) LocalState(bool) []byte { return nil }

// MergeRemoteState has no state to merge.
func (t *memberTable) MergeRemoteState([]byte, bool) {}

// gossipMember is a snapshot of one record.
type gossipMember struct {
	name   string
	meta   nodeMeta
	metaOK bool
	addr   string
	state  MemberState
	since  time.Time
}

// snapshot returns every record, sorted by name, with alive members that
// have not answered this node's probes for a while reported as suspect.
func (t *memberTable) snapshot(now time.Time) []gossipMember {
	t.mu.Lock()
	defer t.mu.Unlock()
	alive := 0
	for _, r := range t.nodes {
		if r.state == MemberAlive {
			alive++
		}
	}
	// memberlist probes one member per interval in turn: every other member
	// is probed once per (alive-1) intervals. Two missed rounds make a
	// suspect.
	rounds := time.Duration(max(1, alive-1))
	suspectAfter := 2*rounds*t.probe + t.probeTimeout
	out := make([]gossipMember, 0, len(t.nodes))
	for name, r := range t.nodes {
		m := gossipMember{name: name, meta: r.meta, metaOK: r.metaOK, addr: r.addr, state: r.state, since: r.since}
		if r.state == MemberAlive && name != t.self && now.Sub(r.lastAck) > suspectAfter {
			m.state, m.since = MemberSuspect, r.lastAck
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// forget drops the records of the named nodes.
func (t *memberTable) forget(names []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, n := range names {
		delete(t.nodes, n)
	}
}
