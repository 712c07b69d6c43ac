package supervisor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
)

// Spec is one object document: the metadata every object has and the kind's
// own fields, decoded into Body.
type Spec struct {
	// Kind is the object's kind, e.g. "HTTPServer".
	Kind string
	// Name is the object's unique name.
	Name string
	// Version is informational (Easegress writes easegress.megaease.com/v2).
	Version string
	// Labels are free-form key/value pairs.
	Labels map[string]string
	// CreatedAt is set by the system when the object is first stored.
	CreatedAt string

	// Fields is the JSON object of the kind's own fields (no metadata).
	Fields json.RawMessage
	// Body is the decoded kind spec (the kind's DefaultSpec pointer, filled
	// from Fields); nil until Decode.
	Body any
	// Revision is the store revision the spec was read at; 0 if not stored.
	Revision uint64
}

// metaKeys are the document keys that are not the kind's own fields.
var metaKeys = [...]string{"kind", "name", "version", "labels", "createdAt"}

// namePattern is the rule for object, filter and policy names.
var namePattern = regexp.MustCompile(`^[\p{L}0-9\-_.~]{1,253}$`)

// CheckName returns an error when name is not a valid object, filter or
// policy name.
func CheckName(name string) error {
	if name == "" {
		return errors.New("name is required")
	}
	if !namePattern.MatchString(name) {
		return fmt.Errorf("name %q is invalid: use 1 to 253 letters, digits, '-', '_', '.' or '~'", name)
	}
	return nil
}

// Document returns the whole document as JSON: metadata and kind fields in
// one object, the form the store holds.
func (s *Spec) Document() ([]byte, error) {
	m := map[string]any{}
	if len(s.Fields) > 0 {
		// Numbers stay as written: a float64 would round large integers.
		dec := json.NewDecoder(bytes.NewReader(s.Fields))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("%s: %w", s.Ref(), err)
		}
	}
	m["kind"] = s.Kind
	m["name"] = s.Name
	if s.Version != "" {
		m["version"] = s.Version
	}
	if len(s.Labels) > 0 {
		m["labels"] = s.Labels
	}
	if s.CreatedAt != "" {
		m["createdAt"] = s.CreatedAt
	}
	return json.Marshal(m)
}

// Ref names the spec in error messages: Kind "name".
func (s *Spec) Ref() string {
	if s.Kind == "" {
		return fmt.Sprintf("object %q", s.Name)
	}
	return fmt.Sprintf("%s %q", s.Kind, s.Name)
}

// ParseDocuments reads one or more YAML documents (separated by ---) or a
// JSON document, and returns one Spec per non-empty document. A document
// without kind or name is an error that gives its position in the input.
// Input beyond MaxInputBytes, nesting beyond MaxNestingDepth and aliases
// expanding beyond MaxExpandedSize are refused (see limits.go).
// Nothing is decoded against a kind yet: see Supervisor.Decode.
func ParseDocuments(data []byte) ([]*Spec, error) {
	if len(data) > MaxInputBytes {
		return nil, fmt.Errorf("input is %d bytes, more than the limit of %d", len(data), MaxInputBytes)
	}
	var specs []*Spec
	seen := map[string]int{}
	for i, chunk := range splitDocuments(data) {
		n := i + 1
		if err := checkDocument(chunk.text); err != nil {
			return nil, fmt.Errorf("document %d (from line %d): %w", n, chunk.line, err)
		}
		var doc any
		if err := yaml.Unmarshal(chunk.text, &doc); err != nil {
			return nil, fmt.Errorf("document %d (from line %d): %w", n, chunk.line, shortError(err))
		}
		if doc == nil {
			continue
		}
		m, ok := doc.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("document %d (from line %d): expected a mapping with kind and name, got %T", n, chunk.line, doc)
		}
		s, err := SpecFromMap(m)
		if err != nil {
			return nil, fmt.Errorf("document %d (from line %d): %w", n, chunk.line, err)
		}
		if prev, dup := seen[s.Name]; dup {
			return nil, fmt.Errorf("document %d (from line %d): name %q already used by document %d", n, chunk.line, s.Name, prev)
		}
		seen[s.Name] = n
		specs = append(specs, s)
	}
	return specs, nil
}

// docChunk is the text of one YAML document and the line it starts on.
type docChunk struct {
	text []byte
	line int
}

// splitDocuments cuts a YAML stream at its document markers ("---" and
// "..." at the start of a line). Markers cannot occur inside scalars, so a
// line scan is exact; it also works around YAML decoders that stop at the
// first empty document.
func splitDocuments(data []byte) []docChunk {
	var out []docChunk
	start, startLine := 0, 1
	line := 1
	for pos := 0; pos < len(data); {
		end := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if end >= 0 {
			next = pos + end + 1
		}
		l := bytes.TrimRight(data[pos:next], "\r\n")
		if isDocumentMarker(l) {
			out = append(out, docChunk{text: data[start:pos], line: startLine})
			rest := bytes.TrimLeft(l[3:], " \t")
			if len(rest) > 0 && l[0] == '-' {
				// "--- {kind: A, ...}": the document starts on the marker line.
				start, startLine = pos+3, line
			} else {
				start, startLine = next, line+1
			}
		}
		pos = next
		line++
	}
	out = append(out, docChunk{text: data[start:], line: startLine})
	return out
}

func isDocumentMarker(l []byte) bool {
	if len(l) < 3 || !(bytes.HasPrefix(l, []byte("---")) || bytes.HasPrefix(l, []byte("..."))) {
		return false
	}
	return len(l) == 3 || l[3] == ' ' || l[3] == '\t'
}

// ParseDocument reads exactly one document (YAML or JSON).
func ParseDocument(data []byte) (*Spec, error) {
	specs, err := ParseDocuments(data)
	if err != nil {
		return nil, err
	}
	if len(specs) != 1 {
		return nil, fmt.Errorf("expected one document, got %d", len(specs))
	}
	return specs[0], nil
}

// SpecFromMap splits a decoded document into metadata and kind fields.
func SpecFromMap(m map[string]any) (*Spec, error) {
	s := &Spec{}
	var err error
	if s.Kind, err = metaString(m, "kind", true); err != nil {
		return nil, err
	}
	if s.Name, err = metaString(m, "name", true); err != nil {
		return nil, err
	}
	if err := CheckName(s.Name); err != nil {
		return nil, fmt.Errorf("%s %q: %w", s.Kind, s.Name, err)
	}
	if s.Version, err = metaString(m, "version", false); err != nil {
		return nil, err
	}
	if s.CreatedAt, err = metaString(m, "createdAt", false); err != nil {
		return nil, err
	}
	if l, ok := m["labels"]; ok && l != nil {
		lm, ok := l.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: labels: expected a map of strings", s.Ref())
		}
		s.Labels = make(map[string]string, len(lm))
		for k, v := range lm {
			vs, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("%s: labels.%s: expected a string, got %v", s.Ref(), k, v)
			}
			s.Labels[k] = vs
		}
	}
	fields := make(map[string]any, len(m))
	for k, v := range m {
		fields[k] = v
	}
	for _, k := range metaKeys {
		delete(fields, k)
	}
	b, err := json.Marshal(fields)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Ref(), err)
	}
	s.Fields = b
	return s, nil
}

func metaString(m map[string]any, key string, required bool) (string, error) {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			return "", fmt.Errorf("%s is required (document keys: %s)", key, strings.Join(sortedKeys(m), ", "))
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s: expected a string, got %v", key, v)
	}
	return s, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
