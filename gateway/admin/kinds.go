package admin

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// KindInfo describes a registered kind.
type KindInfo struct {
	Name        string `json:"name"`
	Class       string `json:"class"`
	Description string `json:"description"`
	// Category is an object kind's category.
	Category string `json:"category,omitempty"`
	// Results are a filter kind's declared results.
	Results []string `json:"results,omitempty"`
	// SecretFields are the paths of the spec's secret fields.
	SecretFields []string `json:"secretFields,omitempty"`
	// Schema is the JSON Schema of the kind's own fields.
	Schema json.RawMessage `json:"schema,omitempty"`
}

// APIResource names an object kind for clients such as gwctl.
type APIResource struct {
	Kind     string   `json:"kind"`
	Name     string   `json:"name"`
	Aliases  []string `json:"aliases"`
	Category string   `json:"category,omitempty"`
}

// classes in listing order.
func classes() []registry.Class {
	return []registry.Class{registry.ObjectClass, registry.FilterClass, registry.PolicyClass}
}

// parseClass reads ?class=.
func parseClass(s string) (registry.Class, bool, *Problem) {
	if s == "" {
		return 0, false, nil
	}
	for _, c := range classes() {
		if strings.EqualFold(c.String(), s) {
			return c, true, nil
		}
	}
	return 0, false, newProblem(ProblemBadRequest, fmt.Sprintf("class %q: use object, filter or policy", s))
}

// kindInfo describes an entry; withSchema adds its schema.
func kindInfo(e *registry.Entry, withSchema bool) (KindInfo, error) {
	ki := KindInfo{
		Name:         e.Kind.KindName(),
		Class:        e.Class.String(),
		Description:  e.Kind.KindDescription(),
		Results:      e.Results(),
		SecretFields: e.SecretPaths(),
	}
	if ok, is := e.Kind.(*supervisor.Kind); is {
		ki.Category = ok.Category.String()
	}
	if withSchema {
		s, err := e.Schema()
		if err != nil {
			return ki, err
		}
		ki.Schema = s.JSON()
	}
	return ki, nil
}

// listKinds answers GET /kinds[?class=C][&schema=false].
func (h *Handler) listKinds(w http.ResponseWriter, r *http.Request) {
	class, only, p := parseClass(r.URL.Query().Get("class"))
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	withSchema := r.URL.Query().Get("schema") != "false"
	out := []KindInfo{}
	for _, c := range classes() {
		if only && c != class {
			continue
		}
		for _, e := range h.cfg.Registry.Entries(c) {
			ki, err := kindInfo(e, withSchema)
			if err != nil {
				writeProblem(w, r, problemFor(err))
				return
			}
			out = append(out, ki)
		}
	}
	setRevision(w, h.cfg.Backend.Revision())
	writeData(w, r, http.StatusOK, out)
}

// lookupKind finds a kind by name (case-insensitive), objects first.
func (h *Handler) lookupKind(r *http.Request) (*registry.Entry, *Problem) {
	class, only, p := parseClass(r.URL.Query().Get("class"))
	if p != nil {
		return nil, p
	}
	name := r.PathValue("name")
	var known []string
	for _, c := range classes() {
		if only && c != class {
			continue
		}
		for _, e := range h.cfg.Registry.Entries(c) {
			if strings.EqualFold(e.Kind.KindName(), name) {
				return e, nil
			}
			known = append(known, e.Kind.KindName())
		}
	}
	return nil, newProblem(ProblemNotFound, fmt.Sprintf("no kind %q (known: %s)", name, strings.Join(known, ", ")))
}

// getKind answers GET /kinds/{name}.
func (h *Handler) getKind(w http.ResponseWriter, r *http.Request) {
	e, p := h.lookupKind(r)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	ki, err := kindInfo(e, true)
	if err != nil {
		writeProblem(w, r, problemFor(err))
		return
	}
	setRevision(w, h.cfg.Backend.Revision())
	writeData(w, r, http.StatusOK, ki)
}

// kindSchema answers GET /kinds/{name}/schema: the JSON Schema of a whole
// document of the kind (metadata included), for editors and CI.
func (h *Handler) kindSchema(w http.ResponseWriter, r *http.Request) {
	e, p := h.lookupKind(r)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	b, err := DocumentSchema(e)
	if err != nil {
		writeProblem(w, r, problemFor(err))
		return
	}
	writeRaw(w, http.StatusOK, ContentTypeSchema, b)
}

// DocumentSchema returns the JSON Schema of a whole document of a kind:
// the kind's own fields plus kind and name (and, for objects, version,
// labels and createdAt).
func DocumentSchema(e *registry.Entry) ([]byte, error) {
	s, err := e.Schema()
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(s.JSON(), &doc); err != nil {
		return nil, err
	}
	props, _ := doc["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
		doc["properties"] = props
	}
	props["kind"] = map[string]any{"const": e.Kind.KindName(), "description": "the kind"}
	props["name"] = map[string]any{"type": "string", "pattern": `^[\p{L}0-9\-_.~]{1,253}$`, "description": "unique name"}
	if e.Class == registry.ObjectClass {
		props["version"] = map[string]any{"type": "string", "description": "informational"}
		props["labels"] = map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}
		props["createdAt"] = map[string]any{"type": "string", "description": "set by the system (RFC 3339)"}
	}
	req, _ := doc["required"].([]any)
	doc["required"] = append([]any{"kind", "name"}, req...)
	if d := e.Kind.KindDescription(); d != "" {
		doc["description"] = d
	}
	return encodeJSON(doc)
}

// objectKinds answers GET /object-kinds: the object kind names.
func (h *Handler) objectKinds(w http.ResponseWriter, r *http.Request) {
	names := h.cfg.Registry.Names(registry.ObjectClass)
	if names == nil {
		names = []string{}
	}
	setRevision(w, h.cfg.Backend.Revision())
	writeData(w, r, http.StatusOK, names)
}

// apiResources answers GET /object-api-resources: each object kind with
// the lower-case names clients accept for it.
func (h *Handler) apiResources(w http.ResponseWriter, r *http.Request) {
	out := []APIResource{}
	for _, e := range h.cfg.Registry.Entries(registry.ObjectClass) {
		name := strings.ToLower(e.Kind.KindName())
		res := APIResource{Kind: e.Kind.KindName(), Name: name, Aliases: []string{name + "s"}}
		if ok, is := e.Kind.(*supervisor.Kind); is {
			res.Category = ok.Category.String()
		}
		if short := initials(e.Kind.KindName()); len(short) > 1 && short != name {
			res.Aliases = append(res.Aliases, short)
		}
		out = append(out, res)
	}
	setRevision(w, h.cfg.Backend.Revision())
	writeData(w, r, http.StatusOK, out)
}

// initials returns the lower-case initials of a kind name's words, a run
// of capitals counting as one word: HTTPServer -> "hs", GlobalFilter ->
// "gf".
func initials(name string) string {
	var b strings.Builder
	prevUpper := false
	for i, c := range name {
		upper := c >= 'A' && c <= 'Z'
		nextLower := i+1 < len(name) && name[i+1] >= 'a' && name[i+1] <= 'z'
		if upper && (!prevUpper || nextLower) {
			b.WriteRune(c + 'a' - 'A')
		}
		prevUpper = upper
	}
	return b.String()
}
