package clustertest

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gatewright/gatewright/cluster"
)

// pollInterval is how often the waits look again.
const pollInterval = 10 * time.Millisecond

// WaitFor polls cond until it holds, failing the test with what when
// Options.Timeout passes.
func (c *Cluster) WaitFor(what string, cond func() bool) {
	c.tb.Helper()
	deadline := time.Now().Add(c.opts.Timeout)
	for !cond() {
		if time.Now().After(deadline) {
			c.tb.Fatalf("clustertest: timed out after %v waiting for %s", c.opts.Timeout, what)
		}
		time.Sleep(pollInterval)
	}
}

// Context returns a context that ends after Options.Timeout or with the
// test.
func (c *Cluster) Context() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.Timeout)
	c.tb.Cleanup(cancel)
	return ctx
}

// Leader waits until one of the running nodes leads and returns it.
func (c *Cluster) Leader() *Node {
	c.tb.Helper()
	return c.LeaderOf(c.Running()...)
}

// LeaderOf waits until one of nodes leads, and every running node among
// them knows it, and returns it. Use it for the majority side of a
// partition.
func (c *Cluster) LeaderOf(nodes ...*Node) *Node {
	c.tb.Helper()
	var leader *Node
	c.WaitFor(fmt.Sprintf("a leader among %v", nodes), func() bool {
		leader = nil
		for _, n := range nodes {
			if s := n.Store(); s != nil && s.IsLeader() {
				leader = n
			}
		}
		if leader == nil {
			return false
		}
		for _, n := range nodes {
			if s := n.Store(); s != nil {
				if id, _ := s.Leader(); id != leader.Name {
					return false
				}
			}
		}
		return true
	})
	return leader
}

// WaitFormed waits until the cluster has formed: a leader that every
// running node knows, every node of the harness in the raft configuration
// with min(nodes, MaxVoters) voters, and the cluster ID known everywhere.
func (c *Cluster) WaitFormed() {
	c.tb.Helper()
	nodes := c.Nodes()
	c.WaitServers(len(nodes), min(len(nodes), c.opts.MaxVoters))
	c.Leader()
	c.WaitFor("every node to know the cluster ID", func() bool {
		id := ""
		for _, n := range c.Running() {
			got := n.Store().ClusterID()
			if got == "" || id != "" && got != id {
				return false
			}
			id = got
		}
		return true
	})
}

// WaitServers waits until the leader's raft configuration has servers
// servers, voters of them voters.
func (c *Cluster) WaitServers(servers, voters int) {
	c.tb.Helper()
	c.WaitFor(fmt.Sprintf("%d raft servers, %d voters", servers, voters), func() bool {
		for _, n := range c.Running() {
			s := n.Store()
			if !s.IsLeader() {
				continue
			}
			var all, v int
			for _, m := range s.Members() {
				switch m.Raft {
				case cluster.Voter:
					all, v = all+1, v+1
				case cluster.Nonvoter:
					all++
				}
			}
			return all == servers && v == voters
		}
		return false
	})
}

// WaitMember waits until node observer sees member in state.
func (c *Cluster) WaitMember(observer, member *Node, state cluster.MemberState) cluster.Member {
	c.tb.Helper()
	var got cluster.Member
	c.WaitFor(fmt.Sprintf("%s to see %s %s", observer, member, state), func() bool {
		s := observer.Store()
		if s == nil {
			return false
		}
		for _, m := range s.Members() {
			if m.Name == member.Name {
				got = m
				return m.State == state
			}
		}
		return false
	})
	return got
}

// WaitConverged waits until every running node has applied the same
// revision and holds the same keys with the same values and revisions,
// and returns that revision.
func (c *Cluster) WaitConverged() uint64 {
	c.tb.Helper()
	var rev uint64
	var diff string
	deadline := time.Now().Add(c.opts.Timeout)
	for {
		rev, diff = c.compare()
		if diff == "" {
			return rev
		}
		if time.Now().After(deadline) {
			c.tb.Fatalf("clustertest: nodes did not converge within %v: %s", c.opts.Timeout, diff)
		}
		time.Sleep(pollInterval)
	}
}

// compare returns the common revision of the running nodes, or what
// differs.
func (c *Cluster) compare() (uint64, string) {
	ctx := context.Background()
	var first *Node
	var firstKVs []cluster.KV
	var firstRev uint64
	for _, n := range c.Running() {
		s := n.Store()
		kvs, rev, err := s.List(ctx, "")
		if err != nil {
			return 0, fmt.Sprintf("%s: %v", n, err)
		}
		if first == nil {
			first, firstKVs, firstRev = n, kvs, rev
			continue
		}
		if rev != firstRev {
			return 0, fmt.Sprintf("%s is at revision %d, %s at %d", first, firstRev, n, rev)
		}
		if d := diffKVs(firstKVs, kvs); d != "" {
			return 0, fmt.Sprintf("%s and %s differ at revision %d: %s", first, n, rev, d)
		}
	}
	return firstRev, ""
}

// diffKVs describes the first difference of two sorted listings.
func diffKVs(a, b []cluster.KV) string {
	var out []string
	for i := 0; i < len(a) || i < len(b); i++ {
		switch {
		case i >= len(a):
			out = append(out, "extra "+b[i].Key)
		case i >= len(b):
			out = append(out, "missing "+a[i].Key)
		case a[i].Key != b[i].Key || !bytes.Equal(a[i].Value, b[i].Value) || a[i].ModRevision != b[i].ModRevision || a[i].CreateRevision != b[i].CreateRevision || a[i].Lease != b[i].Lease:
			out = append(out, fmt.Sprintf("%s@%d vs %s@%d", a[i].Key, a[i].ModRevision, b[i].Key, b[i].ModRevision))
		}
		if len(out) > 0 {
			break
		}
	}
	return strings.Join(out, ", ")
}
