package adapt

import (
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

func TestHeaderSpecValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec HeaderSpec
		want string
	}{
		{"ok", HeaderSpec{Del: []string{"Cookie"}, Set: map[string]string{"X-A": "1"}, Add: map[string]string{"X-B": "2"}}, ""},
		{"bad del", HeaderSpec{Del: []string{"Ok", "Bad Name"}}, "del[1]: "},
		{"empty set name", HeaderSpec{Set: map[string]string{"": "1"}}, "set: "},
		{"bad set value", HeaderSpec{Set: map[string]string{"X-A": "1\r\nX-Evil: 1"}}, "set.X-A: header value"},
		{"bad add name", HeaderSpec{Add: map[string]string{"X:A": "1"}}, "add: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.spec.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("Validate = %v, want prefix %q", err, tc.want)
			}
		})
	}
}

func TestHeaderApplyRequestOrder(t *testing.T) {
	spec := &HeaderSpec{
		Del: []string{"X-Gone", "X-Both"},
		Set: map[string]string{"X-Both": "set", "X-New": "n"},
		Add: map[string]string{"X-Both": "added", "X-Multi": "2"},
	}
	h := spec.Compile()
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI("http://old.example/p")
	req.Header.Set("X-Gone", "1")
	req.Header.Add("X-Both", "old1")
	req.Header.Add("X-Both", "old2")
	req.Header.Set("X-Multi", "1")
	h.ApplyRequest(req)

	if v := req.Header.Peek("X-Gone"); v != nil {
		t.Errorf("X-Gone = %q, want deleted", v)
	}
	if got := joinAll(req.Header.PeekAll("X-Both")); got != "set,added" {
		t.Errorf("X-Both = %q, want del then set then add: set,added", got)
	}
	if got := joinAll(req.Header.PeekAll("X-Multi")); got != "1,2" {
		t.Errorf("X-Multi = %q, want 1,2", got)
	}
	if got := string(req.Header.Peek("X-New")); got != "n" {
		t.Errorf("X-New = %q", got)
	}
	if h.IsEmpty() || !(&HeaderSpec{}).Compile().IsEmpty() || !(*HeaderSpec)(nil).IsEmpty() {
		t.Error("IsEmpty is wrong")
	}
}

func TestHeaderApplyRequestHost(t *testing.T) {
	for _, spec := range []*HeaderSpec{
		{Set: map[string]string{"host": "new.example"}},
		{Add: map[string]string{"Host": "new.example"}},
	} {
		req := fasthttp.AcquireRequest()
		req.SetRequestURI("http://old.example/p")
		spec.Compile().ApplyRequest(req)
		if got := string(req.Host()); got != "new.example" {
			t.Errorf("%+v: URI host = %q, want new.example", spec, got)
		}
		if got := string(req.Header.Host()); got != "new.example" {
			t.Errorf("%+v: Host header = %q, want new.example", spec, got)
		}
		fasthttp.ReleaseRequest(req)
	}
}

func TestHeaderApplyResponse(t *testing.T) {
	h := (&HeaderSpec{
		Del: []string{"X-Powered-By"},
		Set: map[string]string{"Server": "gatewright", "Content-Type": "application/json"},
		Add: map[string]string{"Vary": "Origin"},
	}).Compile()
	var resp fasthttp.Response
	resp.Header.Set("X-Powered-By", "php")
	resp.Header.Set("Vary", "Accept")
	h.ApplyResponse(&resp.Header)
	if resp.Header.Peek("X-Powered-By") != nil {
		t.Error("X-Powered-By not deleted")
	}
	if got := string(resp.Header.Peek("Server")); got != "gatewright" {
		t.Errorf("Server = %q", got)
	}
	if got := string(resp.Header.ContentType()); got != "application/json" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := joinAll(resp.Header.PeekAll("Vary")); got != "Accept,Origin" {
		t.Errorf("Vary = %q", got)
	}
}

func TestHeaderApplyAllocs(t *testing.T) {
	filtertest.SkipAllocsUnderRace(t)
	h := (&HeaderSpec{
		Del: []string{"Cookie", "X-Internal"},
		Set: map[string]string{"X-Api-Version": "2", "X-Gateway": "gatewright"},
		Add: map[string]string{"Via": "1.1 gatewright"},
	}).Compile()
	var tmpl, req fasthttp.Request
	tmpl.SetRequestURI("http://svc.example/orders?id=1")
	tmpl.Header.Set("Cookie", "a=b")
	tmpl.Header.Set("X-Internal", "1")
	tmpl.Header.Set("Via", "1.0 edge")
	run := func() {
		tmpl.Header.CopyTo(&req.Header)
		h.ApplyRequest(&req)
	}
	run()
	if n := testing.AllocsPerRun(100, run); n != 0 {
		t.Errorf("ApplyRequest allocates %v per call, want 0", n)
	}
	var resp fasthttp.Response
	if n := testing.AllocsPerRun(100, func() {
		resp.Header.Reset()
		h.ApplyResponse(&resp.Header)
	}); n != 0 {
		t.Errorf("ApplyResponse allocates %v per call, want 0", n)
	}
}

func joinAll(vs [][]byte) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ",")
}
