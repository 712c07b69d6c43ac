package headerlookup

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/goccy/go-yaml"
)

// table maps an item key (relative to the group) to the headers it sets.
// A table is immutable once built.
type table map[string][]header

// header is one request header to set.
type header struct {
	name, value []byte
}

// buildTable turns the listed items (keys relative to the data prefix)
// into a table. Items that do not parse are left out and reported in
// skipped.
func buildTable(items map[string][]byte, prefix string, setters []HeaderSetter) (t table, skipped []string) {
	t = make(table, len(items))
	for key, raw := range items {
		name := strings.TrimPrefix(key, prefix)
		fields := map[string]any{}
		if err := yaml.Unmarshal(raw, &fields); err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: %v", key, err))
			continue
		}
		var hs []header
		for _, s := range setters {
			v, ok := fieldText(fields[s.EtcdKey])
			if !ok {
				continue
			}
			if !adapt.ValidHeaderValue(v) {
				skipped = append(skipped, key+": field "+strconv.Quote(s.EtcdKey)+" holds CR, LF or NUL")
				continue
			}
			hs = append(hs, header{name: []byte(s.HeaderKey), value: []byte(v)})
		}
		if len(hs) > 0 {
			t[name] = hs
		}
	}
	return t, skipped
}

// fieldText renders a field value as header text; ok is false for a
// missing or null field.
func fieldText(v any) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "", false
	case string:
		return v, true
	case bool, int, int64, uint64, float64:
		return fmt.Sprint(v), true
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v), true
	}
	return string(b), true
}
