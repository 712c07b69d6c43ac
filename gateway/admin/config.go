package admin

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
	"github.com/prometheus/client_golang/prometheus"
)

// Prefix is the path prefix of the API.
const Prefix = "/apis/v2"

// Config is what the admin API serves and how it is protected.
type Config struct {
	// Node is this node's name.
	Node string
	// Version is the build version shown by /version and /status/members.
	Version string
	// Backend is the node the API operates (required).
	Backend Backend
	// Registry is the kind catalogue (required).
	Registry *registry.Registry
	// Members lists the cluster members; nil means this node alone.
	Members MemberLister
	// Metrics is gathered by /metrics; nil serves no metrics (404).
	Metrics prometheus.Gatherer
	// LogLevel is the level of the node's logs, changed by PUT
	// /logs/level; nil makes the level read-only (Logger probes it).
	LogLevel *slog.LevelVar
	// Logger receives the API's own logs; slog.Default() if nil.
	Logger *slog.Logger
	// Auth is the credentials the API accepts.
	Auth Auth
	// PeerClient sends the requests to other members' admin APIs for
	// cluster-wide status; a client with a 5s timeout if nil.
	PeerClient *http.Client
	// PeerScheme is the scheme of other members' admin APIs: "http" or
	// "https" (default: "https" when this API serves TLS).
	PeerScheme string
}

// Auth is the credentials the API accepts. When it holds none, only
// clients on loopback addresses are served.
type Auth struct {
	// Tokens are accepted bearer tokens (Authorization: Bearer TOKEN).
	Tokens []string `json:"tokens,omitempty"`
	// Users maps basic auth user names to their passwords.
	Users map[string]string `json:"users,omitempty"`
	// ClientCerts accepts clients presenting a certificate that the
	// listener's client CA verifies (see TLS.ClientCAFile).
	ClientCerts bool `json:"-"`
}

// empty reports whether no credential is configured.
func (a Auth) empty() bool { return len(a.Tokens) == 0 && len(a.Users) == 0 && !a.ClientCerts }

// TLS configures the listener's TLS.
type TLS struct {
	// CertFile and KeyFile are the server certificate and key (PEM).
	CertFile string `json:"certFile,omitempty"`
	KeyFile  string `json:"keyFile,omitempty"`
	// ClientCAFile, when set, requires clients to present a certificate
	// this CA (PEM) verifies.
	ClientCAFile string `json:"clientCAFile,omitempty"`
}

// enabled reports whether TLS is configured.
func (t TLS) enabled() bool { return t.CertFile != "" || t.KeyFile != "" }

// Backend is the node the admin API operates: its store of object
// documents, its supervisor and its readiness. Errors should be marked with
// the package's sentinel errors (Mark) so that they get the right status.
type Backend interface {
	// Objects returns the stored objects sorted by name and the store
	// revision they were read at.
	Objects(ctx context.Context) ([]Object, uint64, error)
	// Object returns one stored object and the store revision, or an
	// error marked ErrNotFound.
	Object(ctx context.Context, name string) (Object, uint64, error)
	// Write validates the specs completely and stores them atomically
	// under cond: all or nothing.
	Write(ctx context.Context, specs []*supervisor.Spec, cond Condition) (WriteResult, error)
	// Delete deletes the named object under cond.
	Delete(ctx context.Context, name string, cond Condition) (uint64, error)
	// Status returns the status of this node's objects, sorted by name.
	Status() []supervisor.ObjectStatus
	// Revision returns the store revision of this node.
	Revision() uint64
	// Ready returns nil when the node serves its configuration.
	Ready(ctx context.Context) error
}

// Object is a stored object document.
type Object struct {
	// Spec is the parsed document; Spec.Revision is the store revision
	// that last changed it.
	Spec *supervisor.Spec
}

// Mode says what a write may do.
type Mode int

const (
	// ModeApply creates or updates.
	ModeApply Mode = iota
	// ModeCreate only creates: an existing object is an error.
	ModeCreate
	// ModeUpdate only updates: a missing object is an error.
	ModeUpdate
)

// Condition is the precondition of a write.
type Condition struct {
	// Mode says whether objects must exist.
	Mode Mode
	// BasedOn, when not 0, is the store revision the edit was based on:
	// an object changed after it makes the write stale.
	BasedOn uint64
}

// Check applies the condition to one object: exists tells whether it is
// stored, revision the store revision that last changed it. The error is
// marked ErrExists, ErrNotFound or ErrStale.
func (c Condition) Check(ref string, exists bool, revision uint64) error {
	switch {
	case c.Mode == ModeCreate && exists:
		return Errorf(ErrExists, "%s already exists (changed at revision %d); use update or apply", ref, revision)
	case c.Mode == ModeUpdate && !exists:
		return Errorf(ErrNotFound, "%s does not exist; use create or apply", ref)
	case c.BasedOn > 0 && exists && revision > c.BasedOn:
		return Errorf(ErrStale, "%s changed at revision %d, after revision %d this edit is based on; get it again and redo the edit", ref, revision, c.BasedOn)
	}
	return nil
}

// WriteResult reports a write.
type WriteResult struct {
	// Revision is the store revision after the write (the current one if
	// nothing changed).
	Revision uint64 `json:"revision"`
	// Objects lists what happened to each object, in document order.
	Objects []WrittenObject `json:"objects"`
}

// Actions reported for written objects.
const (
	ActionCreated    = "created"
	ActionConfigured = "configured"
	ActionUnchanged  = "unchanged"
	ActionDeleted    = "deleted"
)

// WrittenObject is one object of a write.
type WrittenObject struct {
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Action string `json:"action"`
}

// Member is one node of the cluster.
type Member struct {
	// Name is the node name.
	Name string `json:"name"`
	// Roles are the node's roles in the cluster (e.g. voter, leader).
	Roles []string `json:"roles,omitempty"`
	// APIAddr is the address of its admin API ("" if it has none).
	APIAddr string `json:"apiAddr,omitempty"`
	// RaftAddr is its store's raft address.
	RaftAddr string `json:"raftAddr,omitempty"`
	// Version is its build version.
	Version string `json:"version,omitempty"`
	// State is its state as this node sees it (alive, suspect, dead, ...).
	State string `json:"state,omitempty"`
	// Self marks the node answering.
	Self bool `json:"self,omitempty"`
	// Since is when this node saw the member enter its state, if known.
	Since *time.Time `json:"since,omitempty"`
}

// MemberLister lists the cluster members; the gateway implements it.
type MemberLister interface {
	// Members returns every known member, this node included.
	Members() []Member
}
