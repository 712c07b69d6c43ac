package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// readManifests reads the documents of -f arguments: files, directories
// (their .yaml, .yml and .json files, sorted, not recursive) or "-" for
// standard input; they are joined into one YAML stream.
func (a *app) readManifests(paths []string) ([]byte, error) {
	if len(paths) == 0 {
		return nil, usageError{fmt.Errorf("give the documents with -f FILE, -f DIR or -f -")}
	}
	var out bytes.Buffer
	add := func(b []byte) {
		if out.Len() > 0 {
			out.WriteString("\n---\n")
		}
		out.Write(b)
	}
	for _, p := range paths {
		if p == "-" {
			b, err := io.ReadAll(a.stdin)
			if err != nil {
				return nil, fmt.Errorf("reading standard input: %w", err)
			}
			add(b)
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			add(b)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, err
		}
		var names []string
		for _, e := range entries {
			ext := strings.ToLower(filepath.Ext(e.Name()))
			if !e.IsDir() && (ext == ".yaml" || ext == ".yml" || ext == ".json") {
				names = append(names, e.Name())
			}
		}
		sort.Strings(names)
		if len(names) == 0 {
			return nil, fmt.Errorf("directory %s holds no .yaml, .yml or .json file", p)
		}
		for _, n := range names {
			b, err := os.ReadFile(filepath.Join(p, n))
			if err != nil {
				return nil, err
			}
			add(b)
		}
	}
	if len(bytes.TrimSpace(out.Bytes())) == 0 {
		return nil, fmt.Errorf("no documents in %s", strings.Join(paths, ", "))
	}
	return out.Bytes(), nil
}
