package adapt

import (
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

func TestPathApply(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec PathSpec
		in   string
		want string // path and query after the rewrite
	}{
		{"replace", PathSpec{Replace: "/new"}, "/old/x?q=1", "/new?q=1"},
		{"add prefix", PathSpec{AddPrefix: "/v2"}, "/orders?q=1", "/v2/orders?q=1"},
		{"trim prefix", PathSpec{TrimPrefix: "/public"}, "/public/orders", "/orders"},
		{"trim prefix absent", PathSpec{TrimPrefix: "/public"}, "/private/orders", "/private/orders"},
		{"trim whole path", PathSpec{TrimPrefix: "/public"}, "/public", "/"},
		{"regexp", PathSpec{RegexpReplace: &RegexpReplace{Regexp: `^/users/(\d+)$`, Replace: "/u/$1/profile"}}, "/users/42", "/u/42/profile"},
		{"regexp no match", PathSpec{RegexpReplace: &RegexpReplace{Regexp: `^/users/(\d+)$`, Replace: "/x"}}, "/users/me", "/users/me"},
		{"first non-empty wins", PathSpec{AddPrefix: "/a", TrimPrefix: "/b", RegexpReplace: &RegexpReplace{Regexp: "."}}, "/b/c", "/a/b/c"},
		{"trim before regexp", PathSpec{TrimPrefix: "/b", RegexpReplace: &RegexpReplace{Regexp: "c", Replace: "d"}}, "/b/c", "/c"},
		{"decoded path", PathSpec{AddPrefix: "/v2"}, "/a%20b", "/v2/a%20b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.spec.Compile()
			if err != nil {
				t.Fatal(err)
			}
			var u fasthttp.URI
			u.Parse([]byte("svc.example"), []byte(tc.in))
			p.Apply(&u)
			if got := string(u.RequestURI()); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPathSpecValidate(t *testing.T) {
	for _, tc := range []struct {
		spec PathSpec
		want string
	}{
		{PathSpec{AddPrefix: "v2"}, "addPrefix: must start with /"},
		{PathSpec{TrimPrefix: "x"}, "trimPrefix: must start with /"},
		{PathSpec{RegexpReplace: &RegexpReplace{}}, "regexpReplace.regexp: required"},
		{PathSpec{RegexpReplace: &RegexpReplace{Regexp: "("}}, "regexpReplace.regexp: invalid regular expression"},
	} {
		err := tc.spec.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%+v: Validate = %v, want prefix %q", tc.spec, err, tc.want)
		}
		if _, err := tc.spec.Compile(); err == nil {
			t.Errorf("%+v: Compile succeeded", tc.spec)
		}
	}
	if p, err := (&PathSpec{}).Compile(); p != nil || err != nil {
		t.Errorf("empty spec: got %v, %v; want nil, nil", p, err)
	}
}

func TestPathApplyAllocs(t *testing.T) {
	filtertest.SkipAllocsUnderRace(t)
	for _, spec := range []PathSpec{{Replace: "/new"}, {AddPrefix: "/v2"}, {TrimPrefix: "/api"}} {
		p, _ := spec.Compile()
		var u fasthttp.URI
		run := func() {
			u.SetPath("/api/orders/1")
			p.Apply(&u)
		}
		run()
		if n := testing.AllocsPerRun(100, run); n != 0 {
			t.Errorf("%+v: Apply allocates %v per call, want 0", spec, n)
		}
	}
}

// FuzzPathApply checks that no rewrite panics and that every rewritten
// path is absolute.
func FuzzPathApply(f *testing.F) {
	f.Add("/api/orders/1?x=y", "/api", `^/api/(\d+)`, "/v/$1")
	f.Add("/%2e%2e/x", "/", `.*`, "")
	f.Fuzz(func(t *testing.T, uri, prefix, re, repl string) {
		specs := []PathSpec{{Replace: "/" + prefix}, {AddPrefix: "/" + prefix}, {TrimPrefix: "/" + prefix}}
		if rr := (&PathSpec{RegexpReplace: &RegexpReplace{Regexp: re, Replace: repl}}); rr.Validate() == nil {
			specs = append(specs, *rr)
		}
		for _, spec := range specs {
			p, err := spec.Compile()
			if err != nil {
				continue
			}
			var u fasthttp.URI
			u.Parse(nil, []byte(uri))
			p.Apply(&u)
			if got := u.Path(); len(got) == 0 || got[0] != '/' {
				t.Fatalf("%+v on %q: path %q is not absolute", spec, uri, got)
			}
		}
	})
}
