package gateway

import (
	"log/slog"

	"github.com/gatewright/gatewright/registry"
)

// Option configures a Gateway.
type Option func(*settings)

// settings is what the options set.
type settings struct {
	name      string
	dataDir   string
	registry  *registry.Registry
	logger    *slog.Logger
	trafficIP string
	raftAddr  string
	apiAddr   string
	objects   []byte
	// objectsFromConfig marks objects as a config file that may hold a
	// Node document besides the objects.
	objectsFromConfig bool
	// ops are the admin API, log level and tracing options (ops.go).
	ops opsSettings
	// cluster are the clustering options (clusteroptions.go).
	cluster clusterSettings
}

// WithName sets the node name (default "gatewright"); it is the raft server
// ID and must stay the same across restarts of one data directory.
func WithName(name string) Option { return func(s *settings) { s.name = name } }

// WithDataDir sets the data directory holding the store (required).
func WithDataDir(dir string) Option { return func(s *settings) { s.dataDir = dir } }

// WithRegistry sets the kind catalogue (default registry.Default). Several
// gateways with different registries can run in one process.
func WithRegistry(r *registry.Registry) Option { return func(s *settings) { s.registry = r } }

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.logger = l } }

// WithTrafficIP sets the address traffic gates bind ("" = all interfaces).
func WithTrafficIP(ip string) Option { return func(s *settings) { s.trafficIP = ip } }

// WithStoreAddr sets the raft transport address of the store (default a
// free port on 127.0.0.1); see WithClusterAddr.
func WithStoreAddr(addr string) Option { return func(s *settings) { s.raftAddr = addr } }

// WithObjects gives object documents (YAML or JSON, several YAML documents
// separated by ---) that Run creates or updates in the store before it
// starts the objects. They are validated first; if any is invalid Run
// fails and nothing is written.
func WithObjects(docs []byte) Option { return func(s *settings) { s.objects = docs } }

// withConfigObjects is WithObjects for a config file, whose Node document is
// skipped.
func withConfigObjects(docs []byte) Option {
	return func(s *settings) { s.objects, s.objectsFromConfig = docs, true }
}

// DefaultAPIAddr is where the admin API listens unless told otherwise.
const DefaultAPIAddr = "127.0.0.1:2381"

// WithAPIAddr sets the admin API's listen address (default DefaultAPIAddr;
// "off" disables the admin API).
func WithAPIAddr(addr string) Option { return func(s *settings) { s.apiAddr = addr } }
