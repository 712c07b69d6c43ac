package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gatewright/gatewright/cluster"
	"github.com/gatewright/gatewright/gateway"
	"github.com/gatewright/gatewright/internal/testkit"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// fastStore shortens the raft and gossip timings for tests on loopback.
func fastStore(c *cluster.Config) {
	c.HeartbeatTimeout = 600 * time.Millisecond
	c.ElectionTimeout = 600 * time.Millisecond
	c.LeaderLeaseTimeout = 500 * time.Millisecond
	c.CommitTimeout = 5 * time.Millisecond
	c.ReconcileInterval = 200 * time.Millisecond
	c.RejoinInterval = 500 * time.Millisecond
	c.Gossip = cluster.GossipTuning{ProbeInterval: 250 * time.Millisecond, ProbeTimeout: 200 * time.Millisecond, GossipInterval: 50 * time.Millisecond, PushPullInterval: 2 * time.Second, SuspicionMult: 4}
}

// freeAddrOn returns ip:port with a port that was free for TCP and UDP on
// ip a moment ago.
func freeAddrOn(t testing.TB, ip string) string {
	t.Helper()
	for range 20 {
		ln, err := net.Listen("tcp", ip+":0")
		if err != nil {
			t.Skipf("cannot listen on %s: %v", ip, err)
		}
		addr := ln.Addr().String()
		pc, err := net.ListenPacket("udp", addr)
		_ = ln.Close()
		if err == nil {
			_ = pc.Close()
			return addr
		}
	}
	t.Fatalf("no free TCP+UDP port on %s", ip)
	return ""
}

// gatewayCluster starts n gateways on 127.0.0.1, 127.0.0.2, ... that
// bootstrap one cluster together; each binds its traffic gates on its own
// IP, so they share one HTTPServer port.
func gatewayCluster(t testing.TB, n int, reg *registry.Registry) []*gateway.Gateway {
	t.Helper()
	ips := make([]string, n)
	gossip := make([]string, n)
	for i := range n {
		ips[i] = fmt.Sprintf("127.0.0.%d", i+1)
		gossip[i] = freeAddrOn(t, ips[i])
	}
	gws := make([]*gateway.Gateway, n)
	for i := range n {
		var join []string
		for j := range n {
			if j != i {
				join = append(join, gossip[j])
			}
		}
		g, err := gateway.New(
			gateway.WithName(fmt.Sprintf("gw%d", i+1)),
			gateway.WithDataDir(t.TempDir()),
			gateway.WithRegistry(reg),
			gateway.WithAPIAddr("off"),
			gateway.WithTrafficIP(ips[i]),
			gateway.WithClusterAddr(freeAddrOn(t, ips[i])),
			gateway.WithGossipAddr(gossip[i]),
			gateway.WithJoin(join...),
			gateway.WithBootstrapExpect(n),
			gateway.WithStoreConfig(fastStore),
		)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = g.Close() })
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		err = g.Start(ctx)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		gws[i] = g
	}
	pollUntil(t, "the gateways to form one cluster", func() bool {
		for _, g := range gws {
			voters := 0
			for _, m := range g.Members() {
				if m.Raft == cluster.Voter && m.State == cluster.MemberAlive {
					voters++
				}
			}
			if id, _ := g.Store().Leader(); id == "" || voters != n || g.Store().ClusterID() == "" {
				return false
			}
		}
		return true
	})
	return gws
}

// pollUntil polls cond for up to 30 seconds.
func pollUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

const clusterDemo = `
kind: HTTPServer
name: edge
port: %d
rules: [{paths: [{pathPrefix: /, backend: hello}]}]
---
kind: Pipeline
name: hello
filters: [{name: answer, kind: Mock, rules: [{code: 200, body: %q}]}]
`

// TestClusterServesAnObjectWrittenOnAFollower applies objects on a
// follower gateway: the write goes to the leader, and every node's data
// plane serves it on its own traffic IP; an update applied on another node
// reaches every data plane too.
func TestClusterServesAnObjectWrittenOnAFollower(t *testing.T) {
	gws := gatewayCluster(t, 3, registry.Default)
	var follower *gateway.Gateway
	for _, g := range gws {
		if !g.Store().IsLeader() {
			follower = g
			break
		}
	}
	port := testkit.FreePort(t)
	if _, err := follower.Apply(ctx(t), []byte(fmt.Sprintf(clusterDemo, port, "hello from the cluster"))); err != nil {
		t.Fatalf("Apply on a follower: %v", err)
	}
	c := &http.Client{Timeout: 2 * time.Second}
	serves := func(ip, want string) func() bool {
		return func() bool {
			resp, err := c.Get(fmt.Sprintf("http://%s:%d/", ip, port))
			if err != nil {
				return false
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode == 200 && string(b) == want
		}
	}
	for i := range gws {
		ip := fmt.Sprintf("127.0.0.%d", i+1)
		pollUntil(t, "gw"+fmt.Sprint(i+1)+" to serve the object", serves(ip, "hello from the cluster"))
	}
	if _, err := gws[2].Apply(ctx(t), []byte(fmt.Sprintf(clusterDemo, port, "updated"))); err != nil {
		t.Fatalf("update on gw3: %v", err)
	}
	for i := range gws {
		pollUntil(t, "the update on every node", serves(fmt.Sprintf("127.0.0.%d", i+1), "updated"))
	}

	// Updates in quick succession from every node in turn: each one reads
	// what the leader has, so none fails on a lagging replica.
	for i := range 9 {
		body := fmt.Sprintf("round %d", i)
		if _, err := gws[i%3].Apply(ctx(t), []byte(fmt.Sprintf(clusterDemo, port, body))); err != nil {
			t.Fatalf("update %d on gw%d: %v", i, i%3+1, err)
		}
	}
	for i := range gws {
		pollUntil(t, "the last update on every node", serves(fmt.Sprintf("127.0.0.%d", i+1), "round 8"))
	}

	// Every member lists the others, and the cluster-wide status comes
	// from each member through the store's RPC.
	for _, g := range gws {
		if got := len(g.Members()); got != 3 {
			t.Fatalf("%d members listed", got)
		}
	}
	statuses := gws[0].ClusterStatus(ctx(t))
	if len(statuses) != 3 {
		t.Fatalf("status of %d members", len(statuses))
	}
	for _, ns := range statuses {
		var objs []supervisor.ObjectStatus
		if err := json.Unmarshal(ns.Status, &objs); err != nil || ns.Error != "" || len(objs) != 2 || !objs[0].Running {
			t.Fatalf("status of %s: %s %s (%v)", ns.Member, ns.Status, ns.Error, err)
		}
	}
}
