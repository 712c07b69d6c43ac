package admin_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/gateway/admin"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// members is a fixed member list.
type members []admin.Member

func (m members) Members() []admin.Member { return m }

// statusBackend is fakeBackend with a status of its own.
type statusBackend struct{ fakeBackend }

func (statusBackend) Status() []supervisor.ObjectStatus {
	return []supervisor.ObjectStatus{{Name: "shared", Kind: "Pipeline", Category: "Pipeline", Running: true, Revision: 7}}
}

func TestClusterStatusGathersEveryMember(t *testing.T) {
	b := authNode(t)
	if r := do(t, "PUT", b.base+admin.Prefix+"/objects", fmt.Sprintf(mockPipeline, "shared")+"---\n"+fmt.Sprintf(mockPipeline, "only-b"), "Authorization", "Bearer "+goodToken); r.code != 200 {
		t.Fatalf("apply on b: %d %s", r.code, r.body)
	}
	dead := freePort(t)
	h, err := admin.New(admin.Config{
		Node:     "front",
		Registry: registry.Default,
		Backend:  statusBackend{},
		Auth:     admin.Auth{Tokens: []string{goodToken}},
		Logger:   slog.New(slog.DiscardHandler),
		Members: members{
			{Name: "front", Self: true},
			{Name: "b", APIAddr: strings.TrimPrefix(b.base, "http://")},
			{Name: "gone", APIAddr: fmt.Sprintf("127.0.0.1:%d", dead)},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(h)
	defer front.Close()

	r := do(t, "GET", front.URL+admin.Prefix+"/status/objects", "", "Authorization", "Bearer "+goodToken)
	var cs admin.ClusterStatus
	if err := json.Unmarshal([]byte(r.body), &cs); err != nil || r.code != 200 {
		t.Fatalf("%d %v %s", r.code, err, r.body)
	}
	byName := map[string]admin.ObjectStatus{}
	for _, o := range cs.Objects {
		byName[o.Name] = o
	}
	if s := byName["shared"]; len(s.Nodes) != 2 || !s.Nodes["front"].Running || !s.Nodes["b"].Running {
		t.Fatalf("shared: %+v", s)
	}
	if s := byName["only-b"]; len(s.Nodes) != 1 || s.Kind != "Pipeline" {
		t.Fatalf("only-b: %+v", s)
	}
	mem := map[string]admin.MemberStatus{}
	for _, m := range cs.Members {
		mem[m.Name] = m
	}
	if mem["front"].Error != "" || mem["b"].Error != "" || mem["b"].Revision == 0 || !strings.Contains(mem["gone"].Error, `member "gone"`) {
		t.Fatalf("members: %+v", cs.Members)
	}
	// One object across the cluster.
	r = do(t, "GET", front.URL+admin.Prefix+"/status/objects/only-b", "", "Authorization", "Bearer "+goodToken)
	if r.code != 200 || !strings.Contains(r.body, `"b": {`) {
		t.Fatalf("only-b: %d %s", r.code, r.body)
	}
	// The peer is asked with the caller's credentials: without them the
	// front refuses, with wrong ones the peer would refuse.
	members := do(t, "GET", front.URL+admin.Prefix+"/status/members", "", "Authorization", "Bearer "+goodToken)
	if !strings.Contains(members.body, `"name": "gone"`) {
		t.Fatalf("members: %s", members.body)
	}
}

func TestMembersOfASingleNode(t *testing.T) {
	n := startNode(t)
	r := do(t, "GET", n.base+admin.Prefix+"/status/members", "")
	var ms []admin.Member
	if err := json.Unmarshal([]byte(r.body), &ms); err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || !ms[0].Self || ms[0].APIAddr != n.g.APIAddr() || ms[0].RaftAddr == "" || ms[0].Version == "" {
		t.Fatalf("members: %+v", ms)
	}
	leader := false
	for _, role := range ms[0].Roles {
		leader = leader || role == "leader"
	}
	if !leader {
		t.Fatalf("the single node is not the leader: %+v", ms[0])
	}
}

func TestLogLevelChangesAtRunTime(t *testing.T) {
	n := startNode(t)
	url := n.base + admin.Prefix + "/logs/level"
	if r := do(t, "GET", url, ""); !strings.Contains(r.body, `"level": "warn"`) || !strings.Contains(r.body, `"adjustable": true`) {
		t.Fatalf("initial level: %s", r.body)
	}
	if r := do(t, "PUT", url, "level: debug\n"); r.code != 200 {
		t.Fatalf("set: %d %s", r.code, r.body)
	}
	if n.log.Level() != slog.LevelDebug {
		t.Fatalf("level var is %v", n.log.Level())
	}
	if r := do(t, "GET", url, "", "Accept", "application/yaml"); !strings.Contains(r.body, "level: debug") {
		t.Fatalf("level after set: %s", r.body)
	}
	// Without a level variable the level is read-only.
	h, err := admin.New(admin.Config{Registry: registry.Default, Backend: fakeBackend{}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	if r := do(t, "PUT", srv.URL+admin.Prefix+"/logs/level", `{"level":"debug"}`); r.code != 501 || !strings.Contains(r.body, "not-supported") {
		t.Fatalf("fixed level: %d %s", r.code, r.body)
	}
}
