package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"

	"github.com/gatewright/gatewright/supervisor"
)

// NodeStatus is the status of one node's objects, as served by
// /status/node/objects.
type NodeStatus struct {
	// Node is the node's name.
	Node string `json:"node"`
	// Revision is the node's store revision.
	Revision uint64 `json:"revision"`
	// Objects are the node's objects, sorted by name.
	Objects []supervisor.ObjectStatus `json:"objects"`
}

// ObjectStatus is one object across the cluster.
type ObjectStatus struct {
	Name     string `json:"name"`
	Kind     string `json:"kind,omitempty"`
	Category string `json:"category,omitempty"`
	// Nodes maps a node name to the object's status there.
	Nodes map[string]NodeObjectStatus `json:"nodes"`
}

// NodeObjectStatus is an object's status on one node.
type NodeObjectStatus struct {
	Running       bool   `json:"running"`
	Revision      uint64 `json:"revision,omitempty"`
	Status        any    `json:"status,omitempty"`
	Error         string `json:"error,omitempty"`
	ErrorRevision uint64 `json:"errorRevision,omitempty"`
}

// MemberStatus tells whether a member's status could be read.
type MemberStatus struct {
	Name     string `json:"name"`
	Revision uint64 `json:"revision,omitempty"`
	Error    string `json:"error,omitempty"`
}

// ClusterStatus is the answer of /status/objects.
type ClusterStatus struct {
	Objects []ObjectStatus `json:"objects"`
	Members []MemberStatus `json:"members"`
}

// nodeStatus answers GET /status/node/objects: this node only.
func (h *Handler) nodeStatus(w http.ResponseWriter, r *http.Request) {
	st, err := h.localStatus(r.Context())
	if err != nil {
		writeProblem(w, r, problemFor(err))
		return
	}
	setRevision(w, st.Revision)
	writeData(w, r, http.StatusOK, st)
}

// clusterStatus answers GET /status/objects: every object on every node.
func (h *Handler) clusterStatus(w http.ResponseWriter, r *http.Request) {
	cs, err := h.gather(r)
	if err != nil {
		writeProblem(w, r, problemFor(err))
		return
	}
	setRevision(w, h.cfg.Backend.Revision())
	writeData(w, r, http.StatusOK, cs)
}

// objectStatus answers GET /status/objects/{name}.
func (h *Handler) objectStatus(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	cs, err := h.gather(r)
	if err != nil {
		writeProblem(w, r, problemFor(err))
		return
	}
	for _, o := range cs.Objects {
		if o.Name == name {
			setRevision(w, h.cfg.Backend.Revision())
			writeData(w, r, http.StatusOK, o)
			return
		}
	}
	writeProblem(w, r, newProblem(ProblemNotFound, fmt.Sprintf("object %q has no status on any node", name)))
}

// localStatus reads this node's statuses, secrets scrubbed.
func (h *Handler) localStatus(ctx context.Context) (*NodeStatus, error) {
	st := &NodeStatus{Node: h.cfg.Node, Revision: h.cfg.Backend.Revision(), Objects: h.cfg.Backend.Status()}
	if st.Objects == nil {
		st.Objects = []supervisor.ObjectStatus{}
	}
	sc := h.newScrubber(ctx)
	for i := range st.Objects {
		o := &st.Objects[i]
		o.Error = sc.text(o.Error)
		if o.Status == nil {
			continue
		}
		v, err := sc.value(o.Status)
		if err != nil {
			return nil, fmt.Errorf("status of %q: %w", o.Name, err)
		}
		o.Status = v
	}
	return st, nil
}

// gather reads the status of every member: this node directly, the others
// through their admin APIs with the request's credentials.
func (h *Handler) gather(r *http.Request) (*ClusterStatus, error) {
	local, err := h.localStatus(r.Context())
	if err != nil {
		return nil, err
	}
	var peers []Member
	if h.cfg.Members != nil {
		for _, m := range h.cfg.Members.Members() {
			if !m.Self && m.Name != h.cfg.Node {
				peers = append(peers, m)
			}
		}
	}
	results := make([]*NodeStatus, len(peers))
	errs := make([]error, len(peers))
	var wg sync.WaitGroup
	for i, m := range peers {
		wg.Go(func() { results[i], errs[i] = h.peerStatus(r, m) })
	}
	wg.Wait()
	cs := &ClusterStatus{Objects: []ObjectStatus{}}
	byName := map[string]*ObjectStatus{}
	add := func(ns *NodeStatus) {
		for _, o := range ns.Objects {
			e := byName[o.Name]
			if e == nil {
				e = &ObjectStatus{Name: o.Name, Nodes: map[string]NodeObjectStatus{}}
				byName[o.Name] = e
			}
			if e.Kind == "" {
				e.Kind, e.Category = o.Kind, o.Category
			}
			e.Nodes[ns.Node] = NodeObjectStatus{Running: o.Running, Revision: o.Revision, Status: o.Status, Error: o.Error, ErrorRevision: o.ErrorRevision}
		}
	}
	add(local)
	cs.Members = append(cs.Members, MemberStatus{Name: local.Node, Revision: local.Revision})
	for i, m := range peers {
		if errs[i] != nil {
			cs.Members = append(cs.Members, MemberStatus{Name: m.Name, Error: errs[i].Error()})
			continue
		}
		results[i].Node = m.Name
		add(results[i])
		cs.Members = append(cs.Members, MemberStatus{Name: m.Name, Revision: results[i].Revision})
	}
	for _, e := range byName {
		cs.Objects = append(cs.Objects, *e)
	}
	sort.Slice(cs.Objects, func(i, j int) bool { return cs.Objects[i].Name < cs.Objects[j].Name })
	return cs, nil
}

// peerStatus asks a member's admin API for its node status.
func (h *Handler) peerStatus(r *http.Request, m Member) (*NodeStatus, error) {
	if m.APIAddr == "" {
		return nil, fmt.Errorf("member %q has no admin API address", m.Name)
	}
	url := h.cfg.PeerScheme + "://" + m.APIAddr + Prefix + "/status/node/objects"
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", ContentTypeJSON)
	if a := r.Header.Get("Authorization"); a != "" {
		req.Header.Set("Authorization", a)
	}
	resp, err := h.peer.Do(req)
	if err != nil {
		return nil, fmt.Errorf("member %q: %w", m.Name, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("member %q: reading its status: %w", m.Name, err)
	}
	if resp.StatusCode != http.StatusOK {
		var p Problem
		if json.Unmarshal(b, &p) == nil && p.Detail != "" {
			return nil, fmt.Errorf("member %q answered %d: %s", m.Name, resp.StatusCode, p.Detail)
		}
		return nil, fmt.Errorf("member %q answered %d", m.Name, resp.StatusCode)
	}
	var ns NodeStatus
	if err := json.Unmarshal(b, &ns); err != nil {
		return nil, fmt.Errorf("member %q: decoding its status: %w", m.Name, err)
	}
	return &ns, nil
}

// members answers GET /status/members.
func (h *Handler) members(w http.ResponseWriter, r *http.Request) {
	var ms []Member
	if h.cfg.Members != nil {
		ms = h.cfg.Members.Members()
	}
	if len(ms) == 0 {
		ms = []Member{{Name: h.cfg.Node, Version: h.cfg.Version, State: "alive", Self: true}}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
	setRevision(w, h.cfg.Backend.Revision())
	writeData(w, r, http.StatusOK, ms)
}
