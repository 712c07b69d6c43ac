package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// minScrubLen is the shortest secret scrubbed inside longer text; shorter
// ones are scrubbed only where a whole value equals them.
const minScrubLen = 6

// redactedDocument returns a stored object as a decoded document with its
// secrets replaced by the marker.
func (h *Handler) redactedDocument(spec *supervisor.Spec) (map[string]any, error) {
	doc, err := documentMap(spec)
	if err != nil {
		return nil, err
	}
	h.cfg.Registry.RedactSecrets(registry.ObjectClass, spec.Kind, doc)
	return doc, nil
}

// documentMap decodes a spec into one document: metadata and fields.
func documentMap(spec *supervisor.Spec) (map[string]any, error) {
	b, err := spec.Document()
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", spec.Ref(), err)
	}
	return doc, nil
}

// restoreSecrets puts the stored secrets back into the secret fields of a
// written spec that hold the redaction marker. The error is marked
// ErrInvalid and names the object and field.
func (h *Handler) restoreSecrets(ctx context.Context, spec *supervisor.Spec) error {
	var fields map[string]any
	if len(spec.Fields) > 0 {
		if err := json.Unmarshal(spec.Fields, &fields); err != nil {
			return Errorf(ErrInvalid, "%s: %v", spec.Ref(), err)
		}
	}
	if !containsMarker(fields) {
		return nil
	}
	var stored map[string]any
	cur, _, err := h.cfg.Backend.Object(ctx, spec.Name)
	switch {
	case err == nil && cur.Spec.Kind == spec.Kind:
		if err := json.Unmarshal(cur.Spec.Fields, &stored); err != nil {
			return fmt.Errorf("%s: reading the stored document: %w", spec.Ref(), err)
		}
	case err != nil && !errors.Is(err, ErrNotFound):
		return err
	}
	if err := h.cfg.Registry.RestoreSecrets(registry.ObjectClass, spec.Kind, fields, stored); err != nil {
		return Mark(fmt.Errorf("%s: %w", spec.Ref(), err), ErrInvalid)
	}
	b, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	spec.Fields = b
	return nil
}

// containsMarker reports whether a decoded value holds the marker.
func containsMarker(v any) bool {
	switch t := v.(type) {
	case string:
		return t == registry.RedactedMarker
	case map[string]any:
		for _, el := range t {
			if containsMarker(el) {
				return true
			}
		}
	case []any:
		for _, el := range t {
			if containsMarker(el) {
				return true
			}
		}
	}
	return false
}

// scrubber removes known secret values from text and decoded values.
type scrubber struct {
	// secrets sorted longest first, so that a secret containing another
	// is replaced whole.
	secrets []string
}

// newScrubber collects the secrets of the stored objects and of extra
// specs (those of a request).
func (h *Handler) newScrubber(ctx context.Context, extra ...*supervisor.Spec) *scrubber {
	seen := map[string]bool{}
	add := func(spec *supervisor.Spec) {
		doc, err := documentMap(spec)
		if err != nil {
			return
		}
		for _, s := range h.cfg.Registry.SecretValues(registry.ObjectClass, spec.Kind, doc) {
			seen[s] = true
		}
	}
	if objs, _, err := h.cfg.Backend.Objects(ctx); err == nil {
		for _, o := range objs {
			add(o.Spec)
		}
	}
	for _, s := range extra {
		add(s)
	}
	sc := &scrubber{}
	for s := range seen {
		sc.secrets = append(sc.secrets, s)
	}
	sort.Slice(sc.secrets, func(i, j int) bool { return len(sc.secrets[i]) > len(sc.secrets[j]) })
	return sc
}

// text scrubs a string.
func (sc *scrubber) text(s string) string {
	for _, sec := range sc.secrets {
		if s == sec {
			return registry.RedactedMarker
		}
		if len(sec) >= minScrubLen && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, registry.RedactedMarker)
		}
	}
	return s
}

// value scrubs a value through its JSON form and returns the decoded,
// scrubbed result.
func (sc *scrubber) value(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		return nil, err
	}
	return sc.walk(generic), nil
}

func (sc *scrubber) walk(v any) any {
	switch t := v.(type) {
	case string:
		return sc.text(t)
	case map[string]any:
		for k, el := range t {
			t[k] = sc.walk(el)
		}
	case []any:
		for i, el := range t {
			t[i] = sc.walk(el)
		}
	}
	return v
}

// problem scrubs a problem's texts.
func (sc *scrubber) problem(p *Problem) *Problem {
	p.Detail = sc.text(p.Detail)
	for i := range p.Fields {
		p.Fields[i].Reason = sc.text(p.Fields[i].Reason)
	}
	return p
}
