package cluster

import (
	"encoding/json"
	"fmt"
	"time"
)

// cmdType is the kind of a raft log entry written by the store.
type cmdType uint8

const (
	// cmdTxn applies a batch of puts and deletes atomically.
	cmdTxn cmdType = iota + 1
	// cmdGrant creates a lease; its ID is the raft index of the entry.
	cmdGrant
	// cmdRevoke deletes a lease and the keys attached to it.
	cmdRevoke
	// cmdClusterID names the cluster, once: the leader proposes a random ID
	// when the state has none.
	cmdClusterID
)

// command is the payload of a raft log entry. It is encoded as JSON, which
// keeps the log readable and tolerant of added fields.
type command struct {
	Type  cmdType       `json:"t"`
	Ops   []opRecord    `json:"ops,omitempty"`
	TTL   time.Duration `json:"ttl,omitempty"`
	Lease LeaseID       `json:"lease,omitempty"`
	// ClusterID is the ID of a cmdClusterID.
	ClusterID string `json:"cluster,omitempty"`
}

// opRecord is the log form of an Op.
type opRecord struct {
	Type   OpType  `json:"t"`
	Key    string  `json:"k"`
	Value  []byte  `json:"v,omitempty"`
	Lease  LeaseID `json:"l,omitempty"`
	Expect *uint64 `json:"e,omitempty"`
}

// encodeCommand returns the log entry payload of c.
func encodeCommand(c *command) ([]byte, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("cluster: encode command: %w", err)
	}
	return b, nil
}

// decodeCommand parses a log entry payload.
func decodeCommand(b []byte) (*command, error) {
	var c command
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("cluster: decode command: %w", err)
	}
	return &c, nil
}

// txnCommand converts ops into a cmdTxn command, validating them.
func txnCommand(ops []Op) (*command, error) {
	recs := make([]opRecord, len(ops))
	for i, op := range ops {
		recs[i] = opRecord{Type: op.Type, Key: op.Key, Lease: op.Lease, Expect: op.ExpectModRevision}
		if op.Type == OpPut {
			recs[i].Value = op.Value
		}
	}
	if err := validateOps(recs); err != nil {
		return nil, err
	}
	return &command{Type: cmdTxn, Ops: recs}, nil
}
