package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"

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
//
// Command-line flags override it.
type NodeConfig struct {
	// Name is the node name.
	Name string `json:"name"`
	// DataDir is the data directory.
	DataDir string `json:"dataDir,omitempty"`
	// TrafficIP is the address traffic gates bind.
	TrafficIP string `json:"trafficIP,omitempty"`
	// StoreAddr is the raft transport address of the store.
	StoreAddr string `json:"storeAddr,omitempty"`
	// APIAddr is the admin API's listen address.
	APIAddr string `json:"apiAddr,omitempty"`
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
			return nil, fmt.Errorf("%s: %v (fields: dataDir, trafficIP, storeAddr, apiAddr)", s.Ref(), err)
		}
		cf.Node = n
	}
	return cf, nil
}
