package validator

import (
	"testing"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

func TestHeadersOverServer(t *testing.T) {
	f := filtertest.New(t, Kind, `{"headers": {
		"X-Tenant": {"regexp": "^t-[0-9]+$"},
		"X-Env": {"values": ["prod", "stage"]},
		"X-Mixed": {"values": ["exact"], "regexp": "^re-"}}}`)
	srv := serve(t, f)
	base := []string{"X-Tenant", "t-42", "X-Env", "prod", "X-Mixed", "exact"}
	with := func(kv ...string) []string {
		out := append([]string(nil), base...)
		for i := 0; i+1 < len(kv); i += 2 {
			for j := 0; j+1 < len(out); j += 2 {
				if out[j] == kv[i] {
					out[j+1] = kv[i+1]
				}
			}
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		headers []string
		want    int
	}{
		{"all good", base, 200},
		{"other listed value", with("X-Env", "stage"), 200},
		{"regexp branch of mixed", with("X-Mixed", "re-anything"), 200},
		{"regexp mismatch", with("X-Tenant", "tenant-42"), 400},
		{"unlisted value", with("X-Env", "dev"), 400},
		{"listed values are exact", with("X-Env", "Prod"), 400},
		{"missing header", []string{"X-Tenant", "t-1", "X-Env", "prod"}, 400},
		{"empty value", with("X-Env", ""), 400},
		{"a second, bad value", append(base, "X-Env", "dev"), 400},
		{"a second, good value", append(base, "X-Env", "stage"), 200},
	} {
		resp := send(t, srv, "GET", "/", nil, tc.headers...)
		if resp.StatusCode() != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode(), tc.want)
		}
	}
	st := f.Status().(Status)
	if st.Passed != 4 || len(st.Checks) != 1 || st.Checks[0].Check != "headers" || st.Checks[0].Rejected != 6 {
		t.Errorf("status %+v", st)
	}
}

func TestChecksRunInOrder(t *testing.T) {
	// headers runs before jwt: a request failing both gets headers' 400.
	key := signingKey(t, "HS256", "main")
	f := filtertest.New(t, Kind, specJSON(t, map[string]any{
		"headers": map[string]any{"X-Tenant": map[string]any{"values": []string{"a"}}},
		"jwt":     jwtFields(t, "HS256", key),
	}))
	if _, st, _ := run(t, f, "/"); st != 400 {
		t.Fatalf("failing both: status %d, want 400 from headers", st)
	}
	if _, st, _ := run(t, f, "/", "X-Tenant", "a"); st != 401 {
		t.Fatalf("failing jwt only: status %d, want 401", st)
	}
	token := sign(t, "HS256", claimsFor(3600e9), key, nil)
	if r, st, _ := run(t, f, "/", "X-Tenant", "a", "Authorization", "Bearer "+token); r != "" || st != 0 {
		t.Fatalf("passing both: result %q status %d", r, st)
	}
}
