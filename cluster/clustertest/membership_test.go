package clustertest_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gatewright/gatewright/cluster"
	"github.com/gatewright/gatewright/cluster/clustertest"
)

// TestMembersCarryMetadata checks what every node lists about the others:
// name, roles, admin API address, raft address, version, state, suffrage.
func TestMembersCarryMetadata(t *testing.T) {
	c := clustertest.New(t, 3, clustertest.Options{
		Configure: func(i int, cfg *cluster.Config) {
			cfg.Roles = []string{"traffic", "admin"}
			cfg.APIAddr = "127.0.0.1:238" + string(rune('1'+i))
			cfg.Version = "v1.2.3"
		},
	})
	leader := c.Leader()
	for _, observer := range c.Running() {
		members := observer.Store().Members()
		if len(members) != 3 {
			t.Fatalf("%s lists %d members: %+v", observer, len(members), members)
		}
		for i, m := range members {
			n := c.Node(i)
			want := cluster.Member{
				Name: n.Name, Roles: []string{"traffic", "admin"}, APIAddr: "127.0.0.1:238" + string(rune('1'+i)),
				RaftAddr: n.ClusterAddr, GossipAddr: n.GossipAddr, Version: "v1.2.3", State: cluster.MemberAlive,
				Raft: cluster.Voter, Leader: n == leader, Self: n == observer,
			}
			m.Since = time.Time{}
			if m.Name != want.Name || !slices.Equal(m.Roles, want.Roles) || m.APIAddr != want.APIAddr || m.RaftAddr != want.RaftAddr ||
				m.GossipAddr != want.GossipAddr || m.Version != want.Version || m.State != want.State || m.Raft != want.Raft ||
				m.Leader != want.Leader || m.Self != want.Self {
				t.Fatalf("%s lists\n%+v\nwant\n%+v", observer, m, want)
			}
		}
	}
}

// TestJoinAddsVotersThenNonvoters starts one node, lets three more join it
// through the gossip with at most three voters, and restarts one of them:
// joining again changes nothing.
func TestJoinAddsVotersThenNonvoters(t *testing.T) {
	c := clustertest.New(t, 1, clustertest.Options{Bootstrap: clustertest.BootstrapFirst})
	for range 3 {
		c.AddNode(nil)
	}
	c.WaitServers(4, 3)
	c.WaitConverged()
	var nonvoter *clustertest.Node
	for _, m := range c.Leader().Store().Members() {
		if m.Raft == cluster.Nonvoter {
			nonvoter = c.NodeNamed(m.Name)
		}
	}
	if nonvoter == nil {
		t.Fatal("no non-voter listed")
	}
	// A non-voter replicates and forwards writes.
	ctx := c.Context()
	mustPut(t, nonvoter.Store(), "objects/from-nonvoter", []byte("x"))
	c.WaitConverged()
	c.Kill(nonvoter)
	c.Restart(nonvoter)
	c.WaitServers(4, 3)
	if _, err := nonvoter.Store().Get(ctx, "objects/from-nonvoter", cluster.Linearizable()); err != nil {
		t.Fatal(err)
	}
}

// TestDeadVoterIsReplaced kills a voter of a four-node cluster with three
// voters: the others see it dead, the leader removes it after the grace
// period and promotes the non-voter.
func TestDeadVoterIsReplaced(t *testing.T) {
	c := clustertest.New(t, 4, clustertest.Options{DeadNodeGrace: time.Second})
	leader := c.Leader()
	var victim *clustertest.Node
	for _, m := range leader.Store().Members() {
		if m.Raft == cluster.Voter && !m.Leader {
			victim = c.NodeNamed(m.Name)
			break
		}
	}
	c.Kill(victim)
	c.WaitMember(leader, victim, cluster.MemberDead)
	c.WaitServers(3, 3)
	for _, m := range leader.Store().Members() {
		if m.Name == victim.Name && m.Raft != cluster.NotInRaft {
			t.Fatalf("dead %s still in raft: %+v", victim, m)
		}
	}
	mustPut(t, leader.Store(), "objects/after", []byte("x"))
	// Back again, it is added as a non-voter: the voters are complete.
	c.Restart(victim)
	t.Logf("restarted %s", victim)
	c.WaitServers(4, 3)
	c.WaitConverged()
}

// TestLeaderLeavesCleanly stops the leader cleanly: it hands over the
// leadership, leaves the raft configuration, and the others list it as
// left at once.
func TestLeaderLeavesCleanly(t *testing.T) {
	c := clustertest.New(t, 3, clustertest.Options{})
	old := c.Leader()
	rest := c.Followers()
	c.Stop(old)
	leader := c.LeaderOf(rest...)
	c.WaitServers(2, 2)
	m := c.WaitMember(leader, old, cluster.MemberLeft)
	if m.Raft != cluster.NotInRaft {
		t.Fatalf("left node still in raft: %+v", m)
	}
	mustPut(t, rest[0].Store(), "objects/after-leave", []byte("x"))
	// Started again it is a member again.
	c.Restart(old)
	c.WaitServers(3, 3)
	c.WaitConverged()
}

// TestSeparateClustersDoNotMerge lets a node of another cluster gossip with
// this one: the leader refuses to add it.
func TestSeparateClustersDoNotMerge(t *testing.T) {
	a := clustertest.New(t, 3, clustertest.Options{})
	b := clustertest.New(t, 1, clustertest.Options{Bootstrap: clustertest.BootstrapFirst, NamePrefix: "other"})
	other := b.Node(0)
	mustPut(t, other.Store(), "objects/mine", []byte("x"))
	// Make b's node gossip with a: a joins its gossip address.
	extra := a.AddNode(func(cfg *cluster.Config) { cfg.Join = append(cfg.Join, other.GossipAddr) })
	a.WaitServers(4, 3)
	a.WaitMember(a.Leader(), other, cluster.MemberAlive)
	for _, m := range a.Leader().Store().Members() {
		if m.Name == other.Name && m.Raft != cluster.NotInRaft {
			t.Fatalf("node of another cluster added: %+v", m)
		}
	}
	if _, err := other.Store().Get(b.Context(), "objects/mine"); err != nil || !other.Store().IsLeader() {
		t.Fatalf("the other cluster was disturbed: %v, leader %v", err, other.Store().IsLeader())
	}
	_ = extra
}

// TestGatherStatus asks every member for its runtime status through the
// store's RPC.
func TestGatherStatus(t *testing.T) {
	c := clustertest.New(t, 3, clustertest.Options{
		Configure: func(i int, cfg *cluster.Config) {
			name := cfg.NodeName
			cfg.LocalStatus = func(context.Context) (json.RawMessage, error) {
				if name == "n2" {
					return nil, errors.New("status broken")
				}
				return json.Marshal(map[string]string{"node": name})
			}
		},
	})
	got := c.Node(1).Store().GatherStatus(c.Context())
	if len(got) != 3 {
		t.Fatalf("gathered %d statuses: %+v", len(got), got)
	}
	for i, ns := range got[:2] {
		if ns.Member != c.Node(i).Name || string(ns.Status) != `{"node":"`+ns.Member+`"}` || ns.Error != "" {
			t.Fatalf("status %d: %+v", i, ns)
		}
	}
	if got[2].Member != "n2" || got[2].Error != "status broken" {
		t.Fatalf("failing node's status: %+v", got[2])
	}
}
