package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"time"

	"github.com/gatewright/gatewright/supervisor"
)

// NodeKind is the kind of the config-file document that holds node
// settings instead of an object.
const NodeKind = "Node"

// NodeConfig is the node section of a config file:
//
//	kind: Node
//	name: gw-1
//	dataDir: /var/lib/gatewright/gw-1
//	trafficIP: 127.0.0.1
//	clusterAddr: 10.0.0.1:7001      # raft and the store's RPC
//	gossipAddr: 10.0.0.1:7946       # memberlist, TCP and UDP
//	join: [10.0.0.2:7946, 10.0.0.3:7946]
//	apiAddr: 127.0.0.1:2381
//
// Command-line flags override it.
type NodeConfig struct {
	// Name is the node name.
	Name string `json:"name"`
	// DataDir is the data directory.
	DataDir string `json:"dataDir,omitempty"`
	// TrafficIP is the address traffic gates bind.
	TrafficIP string `json:"trafficIP,omitempty"`
	// StoreAddr is the former name of ClusterAddr.
	StoreAddr string `json:"storeAddr,omitempty"`
	// ClusterAddr is the raft and store RPC address (see WithClusterAddr).
	ClusterAddr string `json:"clusterAddr,omitempty"`
	// GossipAddr is the memberlist address (see WithGossipAddr).
	GossipAddr string `json:"gossipAddr,omitempty"`
	// AdvertiseIP is the IP other nodes reach this one at (see
	// WithAdvertiseIP).
	AdvertiseIP string `json:"advertiseIP,omitempty"`
	// Join lists gossip addresses of members to join (see WithJoin).
	Join []string `json:"join,omitempty"`
	// BootstrapExpect is the number of nodes that bootstrap a new cluster
	// together (see WithBootstrapExpect).
	BootstrapExpect int `json:"bootstrapExpect,omitempty"`
	// MaxVoters is how many members vote in raft (see WithMaxVoters).
	MaxVoters int `json:"maxVoters,omitempty"`
	// DeadNodeGrace is how long a member may be dead before it is removed
	// from raft, as a Go duration such as 1m (see WithDeadNodeGrace).
	DeadNodeGrace string `json:"deadNodeGrace,omitempty"`
	// Roles are extra roles the node announces (see WithRoles).
	Roles []string `json:"roles,omitempty"`
	// APIAddr is the admin API's listen address.
	APIAddr string `json:"apiAddr,omitempty"`
	// Admin holds the admin API's credentials and TLS (see WithAdmin).
	Admin *AdminConfig `json:"admin,omitempty"`
	// Tracing turns tracing on (see WithTracing).
	Tracing *TracingConfig `json:"tracing,omitempty"`
}

// nodeFields names the fields of a Node document, for error messages.
const nodeFields = "dataDir, trafficIP, clusterAddr, gossipAddr, advertiseIP, join, bootstrapExpect, maxVoters, deadNodeGrace, roles, apiAddr, admin, tracing"

// Options returns the gateway options of the node settings, or an error
// naming the field that is wrong.
func (n NodeConfig) Options() ([]Option, error) {
	opts := []Option{WithName(n.Name), WithDataDir(n.DataDir), WithTrafficIP(n.TrafficIP), WithAPIAddr(n.APIAddr)}
	addr := n.ClusterAddr
	switch {
	case addr == "":
		addr = n.StoreAddr
	case n.StoreAddr != "" && n.StoreAddr != addr:
		return nil, fmt.Errorf("clusterAddr %q and its former name storeAddr %q differ", addr, n.StoreAddr)
	}
	for field, a := range map[string]string{"clusterAddr": addr, "gossipAddr": n.GossipAddr} {
		if a == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(a); err != nil {
			return nil, fmt.Errorf("%s: %v", field, err)
		}
	}
	opts = append(opts, WithClusterAddr(addr), WithGossipAddr(n.GossipAddr))
	if n.AdvertiseIP != "" {
		if net.ParseIP(n.AdvertiseIP) == nil {
			return nil, fmt.Errorf("advertiseIP: %q is not an IP address", n.AdvertiseIP)
		}
		opts = append(opts, WithAdvertiseIP(n.AdvertiseIP))
	}
	for i, j := range n.Join {
		if _, _, err := net.SplitHostPort(j); err != nil {
			return nil, fmt.Errorf("join[%d]: %v", i, err)
		}
	}
	opts = append(opts, WithJoin(n.Join...))
	if n.BootstrapExpect < 0 {
		return nil, fmt.Errorf("bootstrapExpect: %d must not be negative", n.BootstrapExpect)
	}
	if n.MaxVoters < 0 {
		return nil, fmt.Errorf("maxVoters: %d must not be negative", n.MaxVoters)
	}
	opts = append(opts, WithBootstrapExpect(n.BootstrapExpect), WithMaxVoters(n.MaxVoters), WithRoles(n.Roles...))
	if n.DeadNodeGrace != "" {
		d, err := time.ParseDuration(n.DeadNodeGrace)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("deadNodeGrace: %q is not a positive duration such as 1m", n.DeadNodeGrace)
		}
		opts = append(opts, WithDeadNodeGrace(d))
	}
	if n.Admin != nil {
		opts = append(opts, WithAdmin(*n.Admin))
	}
	if n.Tracing != nil {
		opts = append(opts, WithTracing(*n.Tracing))
	}
	return opts, nil
}

// ConfigFile is a parsed config file: optional node settings and object
// documents.
type ConfigFile struct {
	// Node holds the Node document's settings; nil if there is none.
	Node *NodeConfig
	// Objects are the object documents, in file order.
	Objects []*supervisor.Spec
}

// ParseConfigFile reads a config file: YAML documents, at most one of kind
// Node, the others objects.
func ParseConfigFile(data []byte) (*ConfigFile, error) {
	specs, err := supervisor.ParseDocuments(data)
	if err != nil {
		return nil, err
	}
	cf := &ConfigFile{}
	for _, s := range specs {
		if s.Kind != NodeKind {
			cf.Objects = append(cf.Objects, s)
			continue
		}
		if cf.Node != nil {
			return nil, fmt.Errorf("%s: only one %s document is allowed", s.Ref(), NodeKind)
		}
		n := &NodeConfig{Name: s.Name}
		dec := json.NewDecoder(bytes.NewReader(s.Fields))
		dec.DisallowUnknownFields()
		if err := dec.Decode(n); err != nil {
			return nil, fmt.Errorf("%s: %v (fields: %s)", s.Ref(), err, nodeFields)
		}
		cf.Node = n
	}
	return cf, nil
}
