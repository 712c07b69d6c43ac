package proxy

import (
	"strconv"
	"testing"

	"github.com/valyala/fasthttp"
)

// lbCookie returns the value of the named cookie a reply sets, or "".
func lbCookie(r reply, name string) string {
	c := fasthttp.AcquireCookie()
	defer fasthttp.ReleaseCookie(c)
	c.SetKey(name)
	if !r.header.Cookie(c) {
		return ""
	}
	return string(c.Value())
}

func TestStickyDurationBased(t *testing.T) {
	a, b := startUpstream(t, nil), startUpstream(t, nil)
	p := startProxy(t, `{"pools":[`+poolDoc(`"loadBalance":{"stickySession":{"mode":"DurationBased","lbCookieExpire":"30m"}}`, a.url, b.url)+`]}`)
	first := call(t, p, "10.0.0.1", nil)
	id := lbCookie(first, DefaultLBCookieName)
	if id == "" || id == a.url || id == b.url {
		t.Fatalf("first reply sets %s=%q; headers %s", DefaultLBCookieName, id, first.header.Header())
	}
	for i := range 6 {
		r := call(t, p, "10.0.0.1", func(req *fasthttp.Request) { req.Header.SetCookie(DefaultLBCookieName, id) })
		if r.body != first.body {
			t.Fatalf("request %d with the cookie went to %s, not %s", i, r.body, first.body)
		}
		if lbCookie(r, DefaultLBCookieName) != id {
			t.Fatalf("request %d: cookie not renewed", i)
		}
	}
	// Without the cookie: round robin; with a stale value: round robin.
	seen := map[string]bool{}
	for range 4 {
		seen[call(t, p, "10.0.0.1", func(req *fasthttp.Request) { req.Header.SetCookie(DefaultLBCookieName, "0123") }).body] = true
	}
	if len(seen) != 2 {
		t.Fatalf("requests without a valid cookie reached %v", seen)
	}
}

func TestStickyApplicationBased(t *testing.T) {
	withSession := startUpstream(t, func(ctx *fasthttp.RequestCtx) {
		c := fasthttp.AcquireCookie()
		c.SetKey("JSESSIONID")
		c.SetValue("s1")
		ctx.Response.Header.SetCookie(c)
		fasthttp.ReleaseCookie(c)
		ctx.SetBodyString("session")
	})
	plain := startUpstream(t, func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString("plain") })
	p := startProxy(t, `{"pools":[`+poolDoc(`"loadBalance":{"stickySession":{"mode":"ApplicationBased","appCookieName":"JSESSIONID","lbCookieName":"LB"}}`, withSession.url, plain.url)+`]}`)
	var sticky string
	for range 2 {
		r := call(t, p, "10.0.0.1", nil)
		switch r.body {
		case "session":
			sticky = lbCookie(r, "LB")
			if sticky == "" {
				t.Fatal("a reply setting the application cookie got no LB cookie")
			}
		case "plain":
			if lbCookie(r, "LB") != "" {
				t.Fatal("a reply without the application cookie got an LB cookie")
			}
		}
	}
	for range 4 {
		if r := call(t, p, "10.0.0.1", func(req *fasthttp.Request) { req.Header.SetCookie("LB", sticky) }); r.body != "session" {
			t.Fatalf("sticky request reached %q", r.body)
		}
	}
}

func TestStickyCookieConsistentHash(t *testing.T) {
	ups := []*testUpstream{startUpstream(t, nil), startUpstream(t, nil), startUpstream(t, nil)}
	urls := []string{ups[0].url, ups[1].url, ups[2].url}
	spec := `"loadBalance":{"stickySession":{"mode":"CookieConsistentHash","appCookieName":"uid"}}`
	p := startProxy(t, `{"pools":[`+poolDoc(spec, urls...)+`]}`)
	placed := map[string]string{}
	spread := map[string]int{}
	for i := range 60 {
		uid := "user-" + strconv.Itoa(i)
		r := call(t, p, "10.0.0.1", func(req *fasthttp.Request) { req.Header.SetCookie("uid", uid) })
		placed[uid] = r.body
		spread[r.body]++
		if again := call(t, p, "10.0.0.1", func(req *fasthttp.Request) { req.Header.SetCookie("uid", uid) }); again.body != r.body {
			t.Fatalf("%s moved from %s to %s", uid, r.body, again.body)
		}
	}
	if len(spread) != 3 {
		t.Fatalf("60 users spread over %v", spread)
	}
	// Removing a server moves only its users.
	fewer := startProxy(t, `{"pools":[`+poolDoc(spec, urls[0], urls[1])+`]}`)
	for uid, was := range placed {
		now := call(t, fewer, "10.0.0.1", func(req *fasthttp.Request) { req.Header.SetCookie("uid", uid) }).body
		if was != ups[2].addr && now != was {
			t.Fatalf("%s moved from %s to %s though its server stayed", uid, was, now)
		}
	}
}

func TestCookieHashPolicy(t *testing.T) {
	a, b := startUpstream(t, nil), startUpstream(t, nil)
	p := startProxy(t, `{"pools":[`+poolDoc(`"loadBalance":{"policy":"cookieHash"}`, a.url, b.url)+`]}`)
	spread := map[string]int{}
	for i := range 20 {
		cookie := "sid=" + strconv.Itoa(i)
		first := call(t, p, "10.0.0.1", func(req *fasthttp.Request) { req.Header.Set("Cookie", cookie) }).body
		for range 3 {
			if again := call(t, p, "10.0.0.1", func(req *fasthttp.Request) { req.Header.Set("Cookie", cookie) }).body; again != first {
				t.Fatalf("cookie %s went to %s then %s", cookie, first, again)
			}
		}
		spread[first]++
	}
	if len(spread) != 2 {
		t.Fatalf("20 cookies spread over %v", spread)
	}
}
