package headerlookup

import (
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

func TestSpecRoundTrip(t *testing.T) {
	s := filtertest.RoundTrip(t, filtertest.Decoder(Kind), `{"headerKey": "X-Tenant", "etcdPrefix": "/tenants/", "pathRegExp": "^/(v[0-9]+)/",
		"headerSetters": [{"etcdKey": "plan", "headerKey": "X-Plan"}, {"etcdKey": "quota", "headerKey": "X-Quota"}], "refreshInterval": "250ms"}`).(*Spec)
	if s.HeaderKey != "X-Tenant" || s.EtcdPrefix != "/tenants/" || s.PathRegExp != "^/(v[0-9]+)/" || len(s.HeaderSetters) != 2 ||
		s.HeaderSetters[1] != (HeaderSetter{EtcdKey: "quota", HeaderKey: "X-Quota"}) || s.RefreshInterval.D() != 250*time.Millisecond {
		t.Fatalf("decoded %+v", s)
	}
	def, err := filtertest.Decode(Kind, `{"headerKey": "X-Tenant", "etcdPrefix": "tenants", "headerSetters": [{"etcdKey": "plan", "headerKey": "X-Plan"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if d := def.(*Spec); d.RefreshInterval.D() != DefaultRefreshInterval {
		t.Fatalf("default refresh interval %v", d.RefreshInterval)
	}
	for in, want := range map[string]string{"tenants": "tenants/", "/tenants/": "tenants/", "a/b": "a/b/", "//a//": "a/"} {
		if got := dataPrefix(in); got != want {
			t.Errorf("dataPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSpecInvalid(t *testing.T) {
	const setters = `"headerSetters": [{"etcdKey": "plan", "headerKey": "X-Plan"}]`
	filtertest.RunInvalid(t, filtertest.Decoder(Kind), []filtertest.InvalidSpec{
		{"missing header", `{"etcdPrefix": "t", ` + setters + `}`, `required field "headerKey" is missing`},
		{"missing prefix", `{"headerKey": "X-T", ` + setters + `}`, `required field "etcdPrefix" is missing`},
		{"missing setters", `{"headerKey": "X-T", "etcdPrefix": "t"}`, `required field "headerSetters" is missing`},
		{"no setter", `{"headerKey": "X-T", "etcdPrefix": "t", "headerSetters": []}`, `headerSetters`},
		{"setter without key", `{"headerKey": "X-T", "etcdPrefix": "t", "headerSetters": [{"headerKey": "X-P"}]}`, `headerSetters[0]: required field "etcdKey" is missing`},
		{"bad setter header", `{"headerKey": "X-T", "etcdPrefix": "t", "headerSetters": [{"etcdKey": "p", "headerKey": "X P"}]}`, `headerSetters[0].headerKey: "X P" is not a valid header name`},
		{"bad header", `{"headerKey": "X:T", "etcdPrefix": "t", ` + setters + `}`, `headerKey: "X:T" is not a valid header name`},
		{"slashes only", `{"headerKey": "X-T", "etcdPrefix": "//", ` + setters + `}`, `etcdPrefix: must name a group`},
		{"bad regexp", `{"headerKey": "X-T", "etcdPrefix": "t", "pathRegExp": "(", ` + setters + `}`, `pathRegExp: invalid regular expression`},
		{"refresh too short", `{"headerKey": "X-T", "etcdPrefix": "t", "refreshInterval": "10ms", ` + setters + `}`, `refreshInterval: must be at least 100ms`},
		{"refresh not a duration", `{"headerKey": "X-T", "etcdPrefix": "t", "refreshInterval": 5, ` + setters + `}`, `refreshInterval`},
		{"unknown field", `{"headerKey": "X-T", "etcdPrefix": "t", "cacheSize": 5, ` + setters + `}`, `unknown field "cacheSize"`},
	})
}
