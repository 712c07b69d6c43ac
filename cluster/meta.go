package cluster

import (
	"encoding/json"
	"fmt"
)

// nodeMeta is what a node publishes about itself in memberlist's node
// metadata (at most memberlist.MetaMaxSize = 512 bytes of JSON).
type nodeMeta struct {
	// ClusterAddr is the raft and RPC address.
	ClusterAddr string `json:"c"`
	// APIAddr is the admin API address.
	APIAddr string `json:"a,omitempty"`
	// Roles are the node's roles.
	Roles []string `json:"r,omitempty"`
	// Version is the node's software version.
	Version string `json:"v,omitempty"`
	// Expect is the node's Config.BootstrapExpect.
	Expect int `json:"e,omitempty"`
	// ClusterID is the ID of the cluster whose state the node holds, empty
	// for a node that has never been part of one.
	ClusterID string `json:"id,omitempty"`
	// Leaving marks a node that is leaving the cluster cleanly. memberlist
	// does not tell a leave from a failure, so the node says so first.
	Leaving bool `json:"l,omitempty"`
}

// encode returns the metadata, or an error if it exceeds limit bytes.
func (m nodeMeta) encode(limit int) ([]byte, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if len(b) > limit {
		return nil, fmt.Errorf("%w: node metadata is %d bytes, more than the %d gossip allows (shorten the roles or addresses)", ErrInvalid, len(b), limit)
	}
	return b, nil
}

// decodeMeta parses another node's metadata.
func decodeMeta(b []byte) (nodeMeta, error) {
	var m nodeMeta
	if len(b) == 0 {
		return m, fmt.Errorf("no metadata")
	}
	err := json.Unmarshal(b, &m)
	return m, err
}
