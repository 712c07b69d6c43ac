package tmpl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
	"text/template"

	"github.com/goccy/go-yaml"
)

// Template is a parsed adaptor template; safe for concurrent use.
type Template struct {
	t    *template.Template
	bufs sync.Pool // *bytes.Buffer for the rendered text
}

// Parse parses text with the given delimiters ("" means "{{" and "}}")
// and the helper functions.
func Parse(name, text, leftDelim, rightDelim string) (*Template, error) {
	t, err := template.New(name).Delims(leftDelim, rightDelim).Funcs(funcs()).Parse(text)
	if err != nil {
		return nil, err
	}
	return &Template{t: t}, nil
}

// Render executes the template on data and decodes the YAML document it
// yields into out (a pointer to a struct with json tags). Decoding is
// strict: an unknown key is an error. An empty document leaves out as it
// is.
func (t *Template) Render(data any, out any) error {
	buf, _ := t.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	defer t.bufs.Put(buf)
	if err := t.t.Execute(buf, data); err != nil {
		return fmt.Errorf("executing template: %w", err)
	}
	return DecodeYAML(buf.Bytes(), out)
}

// DecodeYAML decodes a YAML (or JSON) document into out strictly, through
// JSON so that out's json tags and JSON unmarshalers apply.
func DecodeYAML(doc []byte, out any) error {
	var v any
	if err := yaml.Unmarshal(doc, &v); err != nil {
		return fmt.Errorf("template output is not valid YAML: %w", err)
	}
	if v == nil {
		return nil
	}
	if _, ok := v.(map[string]any); !ok {
		return fmt.Errorf("template output must be a mapping, got %T", v)
	}
	js, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("template output: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("template output: %w", err)
	}
	return nil
}
