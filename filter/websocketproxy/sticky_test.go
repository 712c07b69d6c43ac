package websocketproxy

import (
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"
)

// whoServes dials through g with the given cookies and returns the name
// of the server that answered and the cookies set by the handshake reply.
func whoServes(t *testing.T, g *gate, path string, cookies ...*http.Cookie) (string, []*http.Cookie) {
	t.Helper()
	h := http.Header{}
	for _, c := range cookies {
		h.Add("Cookie", c.String())
	}
	conn, resp, err := dial(t, g, path, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		t.Fatalf("dial %s: %v (result %s)", path, err, g.lastResult())
	}
	who := string(roundTrip(t, conn, websocket.MessageText, []byte("whoami")))
	_ = conn.Close(websocket.StatusNormalClosure, "")
	return who, resp.Cookies()
}

// cookieNamed returns the cookie of that name, or nil.
func cookieNamed(cs []*http.Cookie, name string) *http.Cookie {
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func stickyFilter(t *testing.T, sticky string, servers ...*echoServer) *gate {
	t.Helper()
	var urls []string
	for _, s := range servers {
		urls = append(urls, `{"url": "`+s.url+`"}`)
	}
	return serveFilter(t, newFilter(t, `{"pools": [{"servers": [`+strings.Join(urls, ",")+`],
		"loadBalance": {"policy": "roundRobin", "stickySession": `+sticky+`}}]}`))
}

func TestStickyDurationBasedKeepsTheClient(t *testing.T) {
	a, b := startEcho(t, "a"), startEcho(t, "b")
	g := stickyFilter(t, `{"mode": "DurationBased", "lbCookieName": "LB"}`, a, b)
	first, cookies := whoServes(t, g, "/")
	lb := cookieNamed(cookies, "LB")
	if lb == nil || lb.Value == "" || !lb.HttpOnly || lb.Expires.IsZero() {
		t.Fatalf("handshake reply cookies %v: want the LB cookie with an expiry", cookies)
	}
	// Round robin alone would alternate; the cookie keeps the server.
	for i := range 6 {
		if who, _ := whoServes(t, g, "/", lb); who != first {
			t.Fatalf("connection %d with the cookie served by %s, want %s", i, who, first)
		}
	}
	// Without the cookie the load balancer decides again.
	seen := map[string]bool{}
	for range 4 {
		who, _ := whoServes(t, g, "/")
		seen[who] = true
	}
	if !seen["a"] || !seen["b"] {
		t.Fatalf("connections without the cookie went to %v, want both servers", seen)
	}
}

func TestStickyCookieConsistentHash(t *testing.T) {
	a, b, c := startEcho(t, "a"), startEcho(t, "b"), startEcho(t, "c")
	g := stickyFilter(t, `{"mode": "CookieConsistentHash", "appCookieName": "user"}`, a, b, c)
	seen := map[string]bool{}
	for _, user := range []string{"ann", "bob", "cid", "dee", "eve", "fay", "gus", "hal"} {
		cookie := &http.Cookie{Name: "user", Value: user}
		first, _ := whoServes(t, g, "/", cookie)
		seen[first] = true
		for range 3 {
			if who, _ := whoServes(t, g, "/", cookie); who != first {
				t.Fatalf("user %s served by %s then %s", user, first, who)
			}
		}
	}
	if len(seen) < 2 {
		t.Fatalf("eight users all hashed to %v", seen)
	}
}

func TestStickyApplicationBasedFollowsTheAppCookie(t *testing.T) {
	a, b := startEcho(t, "a"), startEcho(t, "b")
	g := stickyFilter(t, `{"mode": "ApplicationBased", "appCookieName": "app"}`, a, b)
	// A handshake that does not start an application session gets no
	// load balancer cookie.
	if _, cookies := whoServes(t, g, "/"); cookieNamed(cookies, "EG_SESSION") != nil {
		t.Fatalf("cookies %v: no EG_SESSION expected without the app cookie", cookies)
	}
	first, cookies := whoServes(t, g, "/login")
	app, lb := cookieNamed(cookies, "app"), cookieNamed(cookies, "EG_SESSION")
	if app == nil || app.Value != first || lb == nil {
		t.Fatalf("login handshake served by %s set cookies %v: want the server's app cookie and EG_SESSION", first, cookies)
	}
	for i := range 4 {
		if who, _ := whoServes(t, g, "/", app, lb); who != first {
			t.Fatalf("connection %d of the session served by %s, want %s", i, who, first)
		}
	}
}
