package gateway

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/gatewright/gatewright/cluster"
	"github.com/gatewright/gatewright/gateway/admin"
	"github.com/gatewright/gatewright/supervisor"
)

// adminCloseGrace bounds how long Close waits for admin requests.
const adminCloseGrace = 5 * time.Second

// AdminConfig is the admin API section of the node configuration: the
// credentials it accepts and its TLS. Without credentials the admin API
// only serves loopback clients and must bind a loopback address.
type AdminConfig struct {
	// Tokens are accepted bearer tokens.
	Tokens []string `json:"tokens,omitempty"`
	// Users maps basic auth user names to passwords.
	Users map[string]string `json:"users,omitempty"`
	// CertFile and KeyFile serve the API over TLS.
	CertFile string `json:"certFile,omitempty"`
	KeyFile  string `json:"keyFile,omitempty"`
	// ClientCAFile requires client certificates verified by this CA.
	ClientCAFile string `json:"clientCAFile,omitempty"`
}

// WithAdmin sets the admin API's credentials and TLS.
func WithAdmin(c AdminConfig) Option { return func(s *settings) { s.ops.admin = c } }

// APIAddr returns the address the admin API is bound to, or "" when it is
// off or not started.
func (g *Gateway) APIAddr() string {
	if g.ops.api == nil {
		return ""
	}
	return g.ops.api.Addr().String()
}

// AdminURL returns the base URL of the admin API (http:// or https://),
// or "" when it is off or not started.
func (g *Gateway) AdminURL() string {
	if g.ops.api == nil {
		return ""
	}
	return g.ops.api.URL()
}

// startAdmin binds the admin API unless it is off.
func (g *Gateway) startAdmin() error {
	addr := g.cfg.apiAddr
	if addr == "" {
		addr = DefaultAPIAddr
	}
	if strings.EqualFold(addr, "off") {
		return nil
	}
	ac := g.cfg.ops.admin
	srv, err := admin.Listen(addr, admin.TLS{CertFile: ac.CertFile, KeyFile: ac.KeyFile, ClientCAFile: ac.ClientCAFile}, admin.Config{
		Node:     g.cfg.name,
		Version:  Version(),
		Backend:  adminBackend{g},
		Registry: g.cfg.registry,
		Members:  clusterMembers{g},
		Metrics:  g.ops.metrics,
		LogLevel: g.cfg.ops.logLevel,
		Logger:   g.log.With("component", "admin"),
		Auth:     admin.Auth{Tokens: ac.Tokens, Users: ac.Users},
	})
	if err != nil {
		return err
	}
	g.ops.api = srv
	return nil
}

// stopAdmin closes the admin API.
func (g *Gateway) stopAdmin() error {
	if g.ops.api == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), adminCloseGrace)
	defer cancel()
	return g.ops.api.Close(ctx)
}

// clusterMembers presents the gateway's members (Gateway.Members) to the
// admin API.
type clusterMembers struct{ g *Gateway }

// Members implements admin.MemberLister.
func (m clusterMembers) Members() []admin.Member {
	var out []admin.Member
	for _, cm := range m.g.Members() {
		am := admin.Member{
			Name:     cm.Name,
			Roles:    append([]string(nil), cm.Roles...),
			APIAddr:  cm.APIAddr,
			RaftAddr: cm.RaftAddr,
			Version:  cm.Version,
			State:    string(cm.State),
			Self:     cm.Self,
		}
		if cm.Raft != "" {
			am.Roles = append(am.Roles, string(cm.Raft))
		}
		if cm.Leader {
			am.Roles = append(am.Roles, "leader")
		}
		if !cm.Since.IsZero() {
			since := cm.Since
			am.Since = &since
		}
		if cm.Self {
			// The bound address: the configured one may be a :0 port.
			am.APIAddr = m.g.APIAddr()
			if am.Version == "" {
				am.Version = Version()
			}
		}
		out = append(out, am)
	}
	if len(out) == 0 {
		out = append(out, admin.Member{Name: m.g.cfg.name, APIAddr: m.g.APIAddr(), RaftAddr: m.g.store.Addr(), Version: Version(), State: "alive", Self: true})
	}
	return out
}

// adminBackend is the gateway as the admin API's Backend.
type adminBackend struct{ g *Gateway }

// Objects implements admin.Backend.
func (b adminBackend) Objects(ctx context.Context) ([]admin.Object, uint64, error) {
	kvs, rev, err := b.g.store.List(ctx, cluster.ObjectPrefix)
	if err != nil {
		return nil, 0, storeError(err)
	}
	out := make([]admin.Object, 0, len(kvs))
	for _, kv := range kvs {
		spec, err := supervisor.ParseDocument(kv.Value)
		if err != nil {
			return nil, 0, fmt.Errorf("stored object %q: %w", strings.TrimPrefix(kv.Key, cluster.ObjectPrefix), err)
		}
		spec.Revision = kv.ModRevision
		out = append(out, admin.Object{Spec: spec})
	}
	return out, rev, nil
}

// Object implements admin.Backend.
func (b adminBackend) Object(ctx context.Context, name string) (admin.Object, uint64, error) {
	rev := b.g.store.Revision()
	kv, err := b.g.store.Get(ctx, cluster.ObjectKey(name))
	if errors.Is(err, cluster.ErrNotFound) {
		return admin.Object{}, rev, admin.Errorf(admin.ErrNotFound, "object %q not found", name)
	}
	if err != nil {
		return admin.Object{}, rev, storeError(err)
	}
	spec, err := supervisor.ParseDocument(kv.Value)
	if err != nil {
		return admin.Object{}, rev, fmt.Errorf("stored object %q: %w", name, err)
	}
	spec.Revision = kv.ModRevision
	return admin.Object{Spec: spec}, max(rev, kv.ModRevision), nil
}

// Write implements admin.Backend through the gateway's validated,
// atomic apply.
func (b adminBackend) Write(ctx context.Context, specs []*supervisor.Spec, cond admin.Condition) (admin.WriteResult, error) {
	// before holds the revision of each object that existed.
	before := map[string]uint64{}
	refs := map[string]string{}
	for _, s := range specs {
		refs[s.Name] = s.Ref()
	}
	check := func(name string, cur *cluster.KV) error {
		if cur == nil {
			return cond.Check(refs[name], false, 0)
		}
		before[name] = cur.ModRevision
		return cond.Check(refs[name], true, cur.ModRevision)
	}
	rev, err := b.g.applySpecs(ctx, specs, check)
	res := admin.WriteResult{Revision: rev}
	var invalid invalidObjects
	switch {
	case errors.As(err, &invalid):
		return res, admin.Mark(err, admin.ErrInvalid)
	case err != nil && rev > 0:
		return res, admin.Mark(err, admin.ErrNotRunning)
	case err != nil:
		return res, storeError(err)
	}
	for _, s := range specs {
		action := admin.ActionCreated
		if prev, ok := before[s.Name]; ok {
			action = admin.ActionUnchanged
			if kv, err := b.g.store.Get(ctx, cluster.ObjectKey(s.Name)); err == nil && kv.ModRevision != prev {
				action = admin.ActionConfigured
			}
		}
		res.Objects = append(res.Objects, admin.WrittenObject{Kind: s.Kind, Name: s.Name, Action: action})
	}
	return res, nil
}

// Delete implements admin.Backend: a compare-and-delete of the object's
// current revision, then it waits for the supervisor to close it.
func (b adminBackend) Delete(ctx context.Context, name string, cond admin.Condition) (uint64, error) {
	key := cluster.ObjectKey(name)
	cur, err := b.g.store.Get(ctx, key)
	if errors.Is(err, cluster.ErrNotFound) {
		return 0, admin.Errorf(admin.ErrNotFound, "object %q not found", name)
	}
	if err != nil {
		return 0, storeError(err)
	}
	if err := cond.Check(fmt.Sprintf("object %q", name), true, cur.ModRevision); err != nil {
		return 0, err
	}
	rev, err := b.g.store.CompareAndDelete(ctx, key, cur.ModRevision)
	if err != nil {
		return 0, storeError(err)
	}
	return rev, b.g.waitApplied(ctx, rev)
}

// Status implements admin.Backend.
func (b adminBackend) Status() []supervisor.ObjectStatus { return b.g.sup.Status() }

// Revision implements admin.Backend.
func (b adminBackend) Revision() uint64 { return b.g.store.Revision() }

// Ready implements admin.Backend: the objects were started and the store
// has a leader.
func (b adminBackend) Ready(ctx context.Context) error {
	select {
	case <-b.g.started:
	default:
		return errors.New("the objects are not started yet")
	}
	if id, _ := b.g.store.Leader(); id == "" {
		return errors.New("the store has no raft leader")
	}
	return nil
}

// storeError marks store errors for the admin API.
func storeError(err error) error {
	switch {
	case errors.Is(err, cluster.ErrConflict):
		return admin.Mark(fmt.Errorf("%w; the object changed concurrently, try again", err), admin.ErrStale)
	case errors.Is(err, cluster.ErrNotFound):
		return admin.Mark(err, admin.ErrNotFound)
	case errors.Is(err, cluster.ErrNotLeader), errors.Is(err, cluster.ErrClosed), errors.Is(err, cluster.ErrLeadershipLost),
		errors.Is(err, context.DeadlineExceeded), isNetError(err):
		return admin.Mark(err, admin.ErrUnavailable)
	}
	return err
}

func isNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}

// invalidObjects marks the validation failure of an apply.
type invalidObjects struct{ err error }

func (e invalidObjects) Error() string { return e.err.Error() }
func (e invalidObjects) Unwrap() error { return e.err }
