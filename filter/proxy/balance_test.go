package proxy

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/valyala/fasthttp"
)

func TestRoundRobinSpreadsEvenly(t *testing.T) {
	a, b := startUpstream(t, nil), startUpstream(t, nil)
	p := startProxy(t, `{"pools":[`+poolDoc("", a.url, b.url)+`]}`)
	counts := map[string]int{}
	for i := 0; i < 100; i++ {
		r := call(t, p, "10.0.0.1", nil)
		if r.result != "" || r.status != 200 {
			t.Fatalf("request %d: %+v", i, r)
		}
		counts[r.body]++
	}
	if counts[a.addr] != 50 || counts[b.addr] != 50 {
		t.Fatalf("round robin gave %v", counts)
	}
}

func TestWeightedRandomFollowsWeights(t *testing.T) {
	a, b := startUpstream(t, nil), startUpstream(t, nil)
	doc := fmt.Sprintf(`{"pools":[{"servers":[{"url":%q,"weight":3},{"url":%q,"weight":1}],"loadBalance":{"policy":"weightedRandom"}}]}`, a.url, b.url)
	p := startProxy(t, doc)
	const n = 2000
	heavy := 0
	for i := 0; i < n; i++ {
		if r := call(t, p, "10.0.0.1", nil); r.body == a.addr {
			heavy++
		}
	}
	// Expected 1500; the bounds are more than 8 standard deviations away.
	if share := float64(heavy) / n; share < 0.66 || share > 0.84 {
		t.Fatalf("weight 3 of 4 got %d of %d requests", heavy, n)
	}
}

func TestRandomUsesEveryServer(t *testing.T) {
	a, b := startUpstream(t, nil), startUpstream(t, nil)
	p := startProxy(t, `{"pools":[`+poolDoc(`"loadBalance":{"policy":"random"}`, a.url, b.url)+`]}`)
	seen := map[string]bool{}
	for i := 0; i < 200 && len(seen) < 2; i++ {
		seen[call(t, p, "10.0.0.1", nil).body] = true
	}
	if len(seen) != 2 {
		t.Fatalf("random used %v", seen)
	}
}

func TestHashPoliciesAreStable(t *testing.T) {
	ups := []*testUpstream{startUpstream(t, nil), startUpstream(t, nil), startUpstream(t, nil)}
	urls := []string{ups[0].url, ups[1].url, ups[2].url}
	t.Run("ipHash", func(t *testing.T) {
		p := startProxy(t, `{"pools":[`+poolDoc(`"loadBalance":{"policy":"ipHash"}`, urls...)+`]}`)
		seen := map[string]bool{}
		for i := 0; i < 30; i++ {
			ip := "10.1.0." + strconv.Itoa(i)
			first := call(t, p, ip, nil).body
			for j := 0; j < 5; j++ {
				if got := call(t, p, ip, nil).body; got != first {
					t.Fatalf("ip %s went to %s then %s", ip, first, got)
				}
			}
			seen[first] = true
		}
		if len(seen) < 2 {
			t.Fatalf("30 client IPs all hashed to %v", seen)
		}
	})
	t.Run("headerHash", func(t *testing.T) {
		p := startProxy(t, `{"pools":[`+poolDoc(`"loadBalance":{"policy":"headerHash","headerHashKey":"X-User"}`, urls...)+`]}`)
		seen := map[string]bool{}
		for i := 0; i < 30; i++ {
			user := func(r *fasthttp.Request) { r.Header.Set("X-User", "user-"+strconv.Itoa(i)) }
			first := call(t, p, "10.0.0.1", user).body
			for j := 0; j < 5; j++ {
				if got := call(t, p, "10.0.0."+strconv.Itoa(j), user).body; got != first {
					t.Fatalf("user %d went to %s then %s", i, first, got)
				}
			}
			seen[first] = true
		}
		if len(seen) < 2 {
			t.Fatalf("30 users all hashed to %v", seen)
		}
	})
}

func TestCandidatePoolByHeader(t *testing.T) {
	main, canary := startUpstream(t, nil), startUpstream(t, nil)
	doc := `{"pools":[` +
		poolDoc(`"filter":{"headers":{"X-Canary":{"exact":"1"}},"urls":[{"methods":["GET"],"url":{"prefix":"/api"}}]}`, canary.url) + `,` +
		poolDoc("", main.url) + `]}`
	p := startProxy(t, doc)
	cases := []struct {
		name   string
		method string
		path   string
		canary string
		want   string
	}{
		{"header and url", "GET", "/api/x", "1", canary.addr},
		{"no header", "GET", "/api/x", "", main.addr},
		{"other value", "GET", "/api/x", "2", main.addr},
		{"other path", "GET", "/web", "1", main.addr},
		{"other method", "POST", "/api/x", "1", main.addr},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := call(t, p, "10.0.0.1", func(r *fasthttp.Request) {
				r.Header.SetMethod(c.method)
				r.SetRequestURI(c.path)
				if c.canary != "" {
					r.Header.Set("X-Canary", c.canary)
				}
			})
			if r.body != c.want {
				t.Fatalf("went to %s, want %s", r.body, c.want)
			}
		})
	}
}

func TestCandidatePoolByPermil(t *testing.T) {
	main, canary := startUpstream(t, nil), startUpstream(t, nil)
	t.Run("ipHash", func(t *testing.T) {
		p := startProxy(t, `{"pools":[`+poolDoc(`"filter":{"policy":"ipHash","permil":500}`, canary.url)+`,`+poolDoc("", main.url)+`]}`)
		toCanary := 0
		for i := 0; i < 200; i++ {
			ip := "172.16." + strconv.Itoa(i/250) + "." + strconv.Itoa(i%250)
			first := call(t, p, ip, nil).body
			if again := call(t, p, ip, nil).body; again != first {
				t.Fatalf("ip %s moved from %s to %s", ip, first, again)
			}
			if first == canary.addr {
				toCanary++
			}
		}
		if toCanary < 60 || toCanary > 140 {
			t.Fatalf("permil 500 sent %d of 200 client IPs to the candidate", toCanary)
		}
	})
	t.Run("random all and none", func(t *testing.T) {
		all := startProxy(t, `{"pools":[`+poolDoc(`"filter":{"policy":"random","permil":1000}`, canary.url)+`,`+poolDoc("", main.url)+`]}`)
		for i := 0; i < 20; i++ {
			if r := call(t, all, "10.0.0.1", nil); r.body != canary.addr {
				t.Fatalf("permil 1000 went to %s", r.body)
			}
		}
	})
	t.Run("headerHash", func(t *testing.T) {
		p := startProxy(t, `{"pools":[`+poolDoc(`"filter":{"policy":"headerHash","headerHashKey":"X-Session","permil":300}`, canary.url)+`,`+poolDoc("", main.url)+`]}`)
		toCanary := 0
		for i := 0; i < 200; i++ {
			set := func(r *fasthttp.Request) { r.Header.Set("X-Session", "s"+strconv.Itoa(i)) }
			first := call(t, p, "10.0.0.1", set).body
			if again := call(t, p, "10.0.0.2", set).body; again != first {
				t.Fatalf("session %d moved", i)
			}
			if first == canary.addr {
				toCanary++
			}
		}
		if toCanary < 25 || toCanary > 100 {
			t.Fatalf("permil 300 sent %d of 200 sessions to the candidate", toCanary)
		}
	})
}
