package cluster

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"
)

func TestClusterConfigErrors(t *testing.T) {
	cases := map[string]struct {
		modify func(*Config)
		want   string
	}{
		"expect with bootstrap": {func(c *Config) { c.Bootstrap, c.BootstrapExpect = true, 3 }, "Bootstrap and Config.BootstrapExpect exclude each other"},
		"negative expect":       {func(c *Config) { c.BootstrapExpect = -1 }, "BootstrapExpect -1 must not be negative"},
		"negative voters":       {func(c *Config) { c.MaxVoters = -2 }, "MaxVoters -2 must not be negative"},
		"bad join":              {func(c *Config) { c.Join = []string{"127.0.0.1"} }, `Config.Join[0] "127.0.0.1"`},
		"unspecified bind":      {func(c *Config) { c.BindAddr = "0.0.0.0:0" }, "cannot be reached by other nodes"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := testConfig(t.TempDir())
			tc.modify(&cfg)
			s, err := Open(cfg)
			if err == nil {
				_ = s.Close()
				t.Fatal("Open accepted the configuration")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

func TestClusterConfigDefaults(t *testing.T) {
	cfg, err := Config{DataDir: "d", Join: []string{"127.0.0.1:7946"}, BindAddr: "127.0.0.2:7001"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.GossipAddr != "127.0.0.2:0" || cfg.MaxVoters != 3 || cfg.DeadNodeGrace != time.Minute || cfg.Gossip.ProbeInterval != time.Second {
		t.Fatalf("defaults: gossip %q voters %d grace %v probe %v", cfg.GossipAddr, cfg.MaxVoters, cfg.DeadNodeGrace, cfg.Gossip.ProbeInterval)
	}
	standalone, err := Config{DataDir: "d"}.withDefaults()
	if err != nil || standalone.gossipEnabled() {
		t.Fatalf("a node without join, expect or gossip address gossips: %v", err)
	}
}

func TestNodeMetaLimit(t *testing.T) {
	m := nodeMeta{ClusterAddr: "127.0.0.1:7001", Roles: []string{strings.Repeat("r", memberlist.MetaMaxSize)}}
	if _, err := m.encode(memberlist.MetaMaxSize); !errors.Is(err, ErrInvalid) {
		t.Fatalf("oversized metadata: %v", err)
	}
	b, err := nodeMeta{ClusterAddr: "127.0.0.1:7001", APIAddr: "127.0.0.1:2381", Roles: []string{"traffic"}, Version: "v1", Expect: 3, ClusterID: "abc", Leaving: true}.encode(memberlist.MetaMaxSize)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeMeta(b)
	if err != nil || got.ClusterAddr != "127.0.0.1:7001" || got.Expect != 3 || !got.Leaving || got.Roles[0] != "traffic" {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
}

func TestMuxDropsUnknownProtocols(t *testing.T) {
	s := newStore(t)
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("GET / HTTP/1.1\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := c.Read(make([]byte, 1)); err == nil || n != 0 {
		t.Fatalf("a connection of unknown protocol was not closed: %d bytes, %v", n, err)
	}
	// The store still works.
	mustPut(t, s, "k", "v")
}
