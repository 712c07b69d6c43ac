package headerlookup

import (
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestBuildTable(t *testing.T) {
	setters := []HeaderSetter{{EtcdKey: "plan", HeaderKey: "X-Plan"}, {EtcdKey: "quota", HeaderKey: "X-Quota"}, {EtcdKey: "tags", HeaderKey: "X-Tags"}}
	items := map[string][]byte{
		"tenants/acme":   []byte("plan: gold\nquota: 1000\ntags: [a, b]\n"),
		"tenants/beta":   []byte(`{"plan": "silver", "quota": 2.5, "other": true}`),
		"tenants/gamma":  []byte("plan: null\nother: x\n"),
		"tenants/delta":  []byte("plan: \"bad\\r\\nvalue\"\nquota: -3\n"),
		"tenants/broken": []byte("plan: [unclosed"),
		"tenants/ok-v2":  []byte("plan: true\n"),
		"tenants/a/b":    []byte("plan: nested key\n"),
		"tenants/scalar": []byte("just text"),
	}
	tbl, skipped := buildTable(items, "tenants/", setters)
	got := map[string]map[string]string{}
	for k, hs := range tbl {
		got[k] = map[string]string{}
		for _, h := range hs {
			got[k][string(h.name)] = string(h.value)
		}
	}
	want := map[string]map[string]string{
		"acme":  {"X-Plan": "gold", "X-Quota": "1000", "X-Tags": `["a","b"]`},
		"beta":  {"X-Plan": "silver", "X-Quota": "2.5"},
		"delta": {"X-Quota": "-3"},
		"ok-v2": {"X-Plan": "true"},
		"a/b":   {"X-Plan": "nested key"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("table %v\nwant %v", got, want)
	}
	sort.Strings(skipped)
	if len(skipped) != 3 || !strings.HasPrefix(skipped[0], "tenants/broken:") ||
		!strings.Contains(skipped[1], `tenants/delta: field "plan" holds CR, LF or NUL`) || !strings.HasPrefix(skipped[2], "tenants/scalar:") {
		t.Fatalf("skipped %q", skipped)
	}
}
