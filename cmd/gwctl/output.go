package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gatewright/gatewright/gateway/admin"
	"github.com/goccy/go-yaml"
)

// orderedDoc is an object document as the API sent it (metadata first).
type orderedDoc struct {
	raw       json.RawMessage
	kind      string
	name      string
	createdAt string
}

// parseDoc reads the metadata of a document.
func parseDoc(raw json.RawMessage) (orderedDoc, error) {
	var meta struct {
		Kind      string `json:"kind"`
		Name      string `json:"name"`
		CreatedAt string `json:"createdAt"`
	}
	if err := json.Unmarshal(raw, &meta); err != nil {
		return orderedDoc{}, fmt.Errorf("decoding a document: %w", err)
	}
	return orderedDoc{raw: raw, kind: meta.Kind, name: meta.Name, createdAt: meta.CreatedAt}, nil
}

// fetchObjects lists the documents of a kind ("" = all).
func fetchObjects(c *client, kind string) ([]orderedDoc, error) {
	path := objectsPath
	if kind != "" {
		path += "?kind=" + url.QueryEscape(kind)
	}
	var raws []json.RawMessage
	if _, err := c.getJSON(path, &raws); err != nil {
		return nil, err
	}
	out := make([]orderedDoc, 0, len(raws))
	for _, r := range raws {
		d, err := parseDoc(r)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// fetchObject gets one document and the config revision it was read at;
// kind, if set, must be the object's.
func fetchObject(c *client, name, kind string) (orderedDoc, uint64, error) {
	var raw json.RawMessage
	r, err := c.getJSON(objectsPath+"/"+url.PathEscape(name), &raw)
	if err != nil {
		return orderedDoc{}, 0, err
	}
	d, err := parseDoc(raw)
	if err != nil {
		return d, 0, err
	}
	if kind != "" && !strings.EqualFold(d.kind, kind) {
		return d, 0, fmt.Errorf("object %q is a %s, not a %s", name, d.kind, kind)
	}
	return d, r.revision, nil
}

// resolveKind turns what the user typed (HTTPServer, httpserver,
// httpservers, hs; objects or all for every kind) into a kind name.
func resolveKind(c *client, arg string) (string, error) {
	switch strings.ToLower(arg) {
	case "objects", "object", "all":
		return "", nil
	}
	var res []admin.APIResource
	if _, err := c.getJSON(admin.Prefix+"/object-api-resources", &res); err != nil {
		return "", err
	}
	var known []string
	for _, r := range res {
		if strings.EqualFold(r.Kind, arg) || strings.EqualFold(r.Name, arg) {
			return r.Kind, nil
		}
		for _, al := range r.Aliases {
			if strings.EqualFold(al, arg) {
				return r.Kind, nil
			}
		}
		known = append(known, r.Name)
	}
	return "", usageError{fmt.Errorf("no object kind %q (kinds: %s, or objects for all)", arg, strings.Join(known, ", "))}
}

// checkOutput validates -o.
func checkOutput(o string) error {
	switch o {
	case "table", "yaml", "json":
		return nil
	}
	return usageError{fmt.Errorf("-o %q: use table, yaml or json", o)}
}

// printDocuments prints documents as a table, YAML (documents separated
// by ---, ready to apply) or JSON (one object, or a list).
func (a *app) printDocuments(docs []orderedDoc, output string, single bool) error {
	switch output {
	case "yaml":
		for i, d := range docs {
			y, err := yaml.JSONToYAML(d.raw)
			if err != nil {
				return err
			}
			if i > 0 {
				fmt.Fprintln(a.stdout, "---")
			}
			a.stdout.Write(y)
		}
		return nil
	case "json":
		var buf bytes.Buffer
		if single && len(docs) == 1 {
			if err := json.Indent(&buf, docs[0].raw, "", "  "); err != nil {
				return err
			}
		} else {
			raws := make([]json.RawMessage, len(docs))
			for i, d := range docs {
				raws[i] = d.raw
			}
			b, err := json.MarshalIndent(raws, "", "  ")
			if err != nil {
				return err
			}
			buf.Write(b)
		}
		buf.WriteByte('\n')
		_, err := a.stdout.Write(buf.Bytes())
		return err
	}
	if len(docs) == 0 {
		fmt.Fprintln(a.stdout, "No objects.")
		return nil
	}
	tw := newTable(a.stdout, "NAME\tKIND\tAGE")
	for _, d := range docs {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", d.name, d.kind, age(d.createdAt))
	}
	return tw.Flush()
}

// age formats the time since an RFC 3339 timestamp like kubectl does.
func age(createdAt string) string {
	t, err := time.Parse(time.RFC3339, createdAt)
	if err != nil {
		return "-"
	}
	d := time.Since(t)
	switch {
	case d < 2*time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < 2*time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// printIndentedYAML prints a JSON value as YAML indented by two spaces.
func (a *app) printIndentedYAML(js []byte) error {
	y, err := yaml.JSONToYAML(js)
	if err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimRight(string(y), "\n"), "\n") {
		fmt.Fprintln(a.stdout, "  "+line)
	}
	return nil
}

// printValue prints a JSON answer as YAML or JSON.
func (a *app) printValue(js []byte, output string) error {
	if output == "json" {
		var buf bytes.Buffer
		if err := json.Indent(&buf, js, "", "  "); err != nil {
			return err
		}
		buf.WriteByte('\n')
		_, err := a.stdout.Write(buf.Bytes())
		return err
	}
	y, err := yaml.JSONToYAML(js)
	if err != nil {
		return err
	}
	_, err = a.stdout.Write(y)
	return err
}
