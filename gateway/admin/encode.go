package admin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
)

// Content types of the API.
const (
	ContentTypeJSON   = "application/json"
	ContentTypeYAML   = "application/yaml"
	ContentTypeSchema = "application/schema+json"
)

// HeaderConfigVersion carries the store revision on every response of
// the object, status and kind families.
const HeaderConfigVersion = "X-Config-Version"

// maxBody caps request bodies.
const maxBody = 8 << 20

// wantsYAML tells from the Accept header whether the client prefers YAML
// to JSON: the first of the two (by quality, then order) wins; neither
// means JSON.
func wantsYAML(r *http.Request) bool {
	best, bestQ := "", -1.0
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		kind := ""
		switch mt {
		case ContentTypeJSON, "application/*", "*/*":
			kind = "json"
		case ContentTypeYAML, "application/x-yaml", "text/yaml", "text/x-yaml", "text/vnd.yaml":
			kind = "yaml"
		}
		if kind != "" && q > 0 && q > bestQ {
			best, bestQ = kind, q
		}
	}
	return best == "yaml"
}

// encodeJSON writes v as indented JSON without HTML escaping (so the
// redaction marker reads as it is).
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeData sends v as JSON, or YAML if the client prefers it.
func writeData(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := encodeJSON(v)
	if err != nil {
		writeProblem(w, r, newProblem(ProblemInternal, "encoding the response: "+err.Error()))
		return
	}
	ct := ContentTypeJSON
	if wantsYAML(r) {
		y, err := yaml.JSONToYAML(b)
		if err != nil {
			writeProblem(w, r, newProblem(ProblemInternal, "encoding the response as YAML: "+err.Error()))
			return
		}
		b, ct = y, ContentTypeYAML
	}
	writeRaw(w, status, ct, b)
}

// writeRaw sends a body of a content type.
func writeRaw(w http.ResponseWriter, status int, contentType string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// readBody reads a request body of YAML or JSON documents.
func readBody(r *http.Request) ([]byte, *Problem) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil {
			return nil, newProblem(ProblemUnsupportedMedia, fmt.Sprintf("Content-Type %q: %v", ct, err))
		}
		switch mt {
		case ContentTypeJSON, ContentTypeYAML, "application/x-yaml", "text/yaml", "text/x-yaml", "text/vnd.yaml", "text/plain":
		default:
			return nil, newProblem(ProblemUnsupportedMedia, fmt.Sprintf("Content-Type %q: send application/yaml or application/json", ct))
		}
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, newProblem(ProblemBadRequest, "reading the body: "+err.Error())
	}
	if len(b) > maxBody {
		return nil, newProblem(ProblemTooLarge, fmt.Sprintf("the body exceeds %d bytes", maxBody))
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, newProblem(ProblemBadRequest, "the body is empty: send YAML or JSON documents")
	}
	return b, nil
}

// metaOrder is the order of the metadata keys at the head of a document.
var metaOrder = [...]string{"kind", "name", "version", "labels", "createdAt"}

// orderedDocument writes a decoded document as JSON with its metadata
// keys first and the kind's fields after them, sorted.
func orderedDocument(doc map[string]any) (json.RawMessage, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	first := true
	write := func(k string, v any) error {
		if !first {
			buf.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return err
		}
		buf.Truncate(buf.Len() - 1) // the encoder's newline
		return nil
	}
	for _, k := range metaOrder {
		if v, ok := doc[k]; ok {
			if err := write(k, v); err != nil {
				return nil, err
			}
		}
	}
	rest := make([]string, 0, len(doc))
	for k := range doc {
		if !isMetaKey(k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		if err := write(k, doc[k]); err != nil {
			return nil, err
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

func isMetaKey(k string) bool {
	for _, m := range metaOrder {
		if m == k {
			return true
		}
	}
	return false
}
