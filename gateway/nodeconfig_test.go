package gateway

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestNodeDocumentClusterSettings(t *testing.T) {
	cf, err := ParseConfigFile([]byte(`
kind: Node
name: n2
dataDir: /tmp/n2
trafficIP: 127.0.0.2
clusterAddr: 127.0.0.2:7001
gossipAddr: 127.0.0.2:7946
advertiseIP: 10.0.0.2
join: [127.0.0.1:7946, 127.0.0.3:7946]
bootstrapExpect: 3
maxVoters: 5
deadNodeGrace: 30s
roles: [edge]
apiAddr: 127.0.0.2:2381
`))
	if err != nil {
		t.Fatal(err)
	}
	opts, err := cf.Node.Options()
	if err != nil {
		t.Fatal(err)
	}
	s := settings{}
	for _, o := range opts {
		o(&s)
	}
	s.logger = nil
	if s.name != "n2" || s.dataDir != "/tmp/n2" || s.trafficIP != "127.0.0.2" || s.raftAddr != "127.0.0.2:7001" ||
		s.cluster.gossipAddr != "127.0.0.2:7946" || s.cluster.advertiseIP != "10.0.0.2" || len(s.cluster.join) != 2 ||
		s.cluster.bootstrapExpect != 3 || s.cluster.maxVoters != 5 || s.cluster.deadNodeGrace != 30*time.Second ||
		s.cluster.roles[0] != "edge" || s.apiAddr != "127.0.0.2:2381" {
		t.Fatalf("settings from the Node document: %+v", s)
	}
}

func TestNodeDocumentErrorsNameTheField(t *testing.T) {
	cases := map[string]string{
		"deadNodeGrace: soon":      `deadNodeGrace: "soon" is not a positive duration`,
		"join: [nohost]":           "join[0]: address nohost: missing port in address",
		"clusterAddr: x":           "clusterAddr: address x: missing port in address",
		"bootstrapExpect: -1":      "bootstrapExpect: -1 must not be negative",
		"advertiseIP: example.com": `advertiseIP: "example.com" is not an IP address`,
		"storeAddr: 127.0.0.1:1\nclusterAddr: 127.0.0.1:2": "differ",
	}
	for field, want := range cases {
		cf, err := ParseConfigFile([]byte("kind: Node\nname: n1\n" + field + "\n"))
		if err == nil {
			_, err = cf.Node.Options()
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", field, err, want)
		}
	}
	_, err := ParseConfigFile([]byte("kind: Node\nname: n1\njoinn: [a:1]\n"))
	if err == nil || !strings.Contains(err.Error(), `unknown field "joinn"`) || !strings.Contains(err.Error(), "gossipAddr") {
		t.Fatalf("misspelt field: %v", err)
	}
}

func TestStoreConfigBootstrapsOnlyAlone(t *testing.T) {
	base := func(opts ...Option) settings {
		s := settings{name: "n1", dataDir: "d"}
		for _, o := range opts {
			o(&s)
		}
		return s
	}
	cases := []struct {
		name      string
		opts      []Option
		bootstrap bool
		roles     string
	}{
		{"standalone", nil, true, "traffic,admin"},
		{"first node", []Option{WithGossipAddr("127.0.0.1:7946")}, true, "traffic,admin"},
		{"joiner", []Option{WithJoin("127.0.0.1:7946")}, false, "traffic,admin"},
		{"expect", []Option{WithBootstrapExpect(3), WithAPIAddr("off"), WithRoles("edge")}, false, "traffic,edge"},
	}
	for _, c := range cases {
		s := base(c.opts...)
		s.logger = slog.New(slog.DiscardHandler)
		cfg, err := s.storeConfig()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if cfg.Bootstrap != c.bootstrap || strings.Join(cfg.Roles, ",") != c.roles || cfg.Version == "" {
			t.Fatalf("%s: bootstrap %v roles %v version %q", c.name, cfg.Bootstrap, cfg.Roles, cfg.Version)
		}
	}
	s := base(WithAdvertiseIP("10.0.0.1"), WithClusterAddr("0.0.0.0:7001"), WithGossipAddr("0.0.0.0:7946"))
	s.logger = slog.New(slog.DiscardHandler)
	cfg, err := s.storeConfig()
	if err != nil || cfg.AdvertiseAddr != "10.0.0.1:7001" || cfg.GossipAdvertiseAddr != "10.0.0.1:7946" {
		t.Fatalf("advertise: %q %q %v", cfg.AdvertiseAddr, cfg.GossipAdvertiseAddr, err)
	}
	s = base(WithAdvertiseIP("10.0.0.1"))
	s.logger = slog.New(slog.DiscardHandler)
	if _, err := s.storeConfig(); err == nil || !strings.Contains(err.Error(), "needs a fixed cluster port") {
		t.Fatalf("advertise without a fixed port: %v", err)
	}
}
