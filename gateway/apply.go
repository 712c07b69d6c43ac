package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatewright/gatewright/cluster"
	"github.com/gatewright/gatewright/supervisor"
)

// Apply creates or updates the objects of docs (YAML or JSON documents)
// atomically: every document is parsed and fully validated first, and only
// if all are valid are they written, in one store transaction. Documents
// equal to what is stored are left alone. It returns the store revision of
// the write (or the current one if nothing changed) and waits until the
// local supervisor has applied it.
func (g *Gateway) Apply(ctx context.Context, docs []byte) (uint64, error) {
	specs, err := supervisor.ParseDocuments(docs)
	if err != nil {
		return 0, err
	}
	return g.ApplySpecs(ctx, specs)
}

// ApplySpecs is Apply for documents already parsed.
func (g *Gateway) ApplySpecs(ctx context.Context, specs []*supervisor.Spec) (uint64, error) {
	return g.applySpecs(ctx, specs, nil)
}

// applySpecs is ApplySpecs with a precondition: check, if not nil, sees
// each object's stored key (nil if there is none) before anything is
// written, and its error stops the write.
func (g *Gateway) applySpecs(ctx context.Context, specs []*supervisor.Spec, check func(name string, cur *cluster.KV) error) (uint64, error) {
	var errs []error
	for _, s := range specs {
		if err := g.sup.Validate(s); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return 0, invalidObjects{errors.Join(errs...)}
	}
	// Read what is stored as the leader has it: this node's replica may lag
	// behind a write just made on another node.
	if err := g.store.Sync(ctx); err != nil {
		return 0, err
	}
	var ops []cluster.Op
	for _, s := range specs {
		key := cluster.ObjectKey(s.Name)
		cur, err := g.store.Get(ctx, key)
		switch {
		case errors.Is(err, cluster.ErrNotFound):
			cur = nil
		case err != nil:
			return 0, err
		}
		if check != nil {
			if err := check(s.Name, cur); err != nil {
				return 0, err
			}
		}
		var expect uint64
		if cur != nil {
			expect = cur.ModRevision
			if s.CreatedAt == "" {
				if old, err := supervisor.ParseDocument(cur.Value); err == nil {
					s.CreatedAt = old.CreatedAt
				}
			}
		}
		if s.CreatedAt == "" {
			s.CreatedAt = time.Now().UTC().Format(time.RFC3339)
		}
		doc, err := s.Document()
		if err != nil {
			return 0, err
		}
		if cur != nil && bytes.Equal(cur.Value, doc) {
			continue
		}
		ops = append(ops, cluster.PutOp(key, doc).WithExpect(expect))
	}
	if len(ops) == 0 {
		return g.store.Revision(), nil
	}
	rev, err := g.store.Apply(ctx, ops)
	if err != nil {
		return 0, fmt.Errorf("storing objects: %w", err)
	}
	if err := g.waitApplied(ctx, rev); err != nil {
		return rev, err
	}
	var failed []error
	for _, s := range specs {
		if err := g.sup.ObjectError(s.Name); err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		return rev, fmt.Errorf("stored at revision %d, but not running: %w", rev, errors.Join(failed...))
	}
	return rev, nil
}

// Delete removes the named object from the store.
func (g *Gateway) Delete(ctx context.Context, name string) (uint64, error) {
	rev, err := g.store.Delete(ctx, cluster.ObjectKey(name))
	if err != nil {
		if errors.Is(err, cluster.ErrNotFound) {
			return 0, fmt.Errorf("object %q not found", name)
		}
		return 0, err
	}
	return rev, g.waitApplied(ctx, rev)
}

// waitApplied waits for the local supervisor when it is running.
func (g *Gateway) waitApplied(ctx context.Context, rev uint64) error {
	select {
	case <-g.started:
	default:
		return nil
	}
	return g.sup.WaitApplied(ctx, rev)
}

// configObjects parses the objects given at construction.
func (g *Gateway) configObjects() ([]*supervisor.Spec, error) {
	if g.cfg.objectsFromConfig {
		cf, err := ParseConfigFile(g.cfg.objects)
		if err != nil {
			return nil, err
		}
		return cf.Objects, nil
	}
	return supervisor.ParseDocuments(g.cfg.objects)
}
