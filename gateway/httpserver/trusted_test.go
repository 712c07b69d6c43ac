package httpserver

import (
	"fmt"
	"strings"
	"testing"
)

// TestTrustedProxiesDecideWhoTheClientIs runs one server per
// trustedProxies setting and checks which address its IP filters judged:
// without the setting every X-Forwarded-For is believed (Easegress
// behaviour); with it, only one sent by a listed proxy, read from the
// right.
func TestTrustedProxiesDecideWhoTheClientIs(t *testing.T) {
	h := newHarness(t)
	h.pipeline("app", "")
	c := newClient(t)
	serve := func(fields string) string {
		port := freePort(t)
		h.server(serverDoc(fmt.Sprintf("s%d", port), port, fields+`
ipFilter: {blockIPs: [203.0.113.0/24]}
rules:
- paths:
  - {pathPrefix: /members, ipFilter: {allowIPs: [192.0.2.0/24]}, backend: app}
  - {pathPrefix: /open, backend: app}
`))
		return fmt.Sprintf("http://127.0.0.1:%d", port)
	}
	easegress := serve("")
	trustLoopback := serve("trustedProxies: [127.0.0.1, 10.0.0.0/8]")
	trustOthers := serve("trustedProxies: [10.0.0.0/8]")

	for _, tc := range []struct {
		name, base, path, xff string
		status                int
	}{
		{"no setting: the header decides", easegress, "/open", "203.0.113.5", 403},
		{"no setting: a forged header opens the allow list", easegress, "/members", "192.0.2.7", 200},
		{"trusted peer: its client is blocked", trustLoopback, "/open", "203.0.113.5", 403},
		{"trusted peer: proxies are skipped from the right", trustLoopback, "/open", "203.0.113.5, 10.1.1.1", 403},
		{"trusted peer: a forged first entry does not count", trustLoopback, "/open", "203.0.113.5, 198.51.100.9", 200},
		{"trusted peer: allowed client", trustLoopback, "/members", "192.0.2.7", 200},
		{"untrusted peer: header ignored, not blocked", trustOthers, "/open", "203.0.113.5", 200},
		{"untrusted peer: forged header does not open the allow list", trustOthers, "/members", "192.0.2.7", 403},
	} {
		r := do(t, c, "GET", tc.base+tc.path, nil, map[string]string{"X-Forwarded-For": tc.xff})
		if r.status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, r.status, tc.status)
		}
	}
}

func TestTrustedProxiesSpecErrorsNameTheEntry(t *testing.T) {
	h := newHarness(t)
	_, err := h.build(serverDoc("bad", 8080, "trustedProxies: [10.0.0.0/8, not-an-ip]\n"))
	if err == nil || !strings.Contains(err.Error(), "trustedProxies[1]") {
		t.Fatalf("error %v: want it to name trustedProxies[1]", err)
	}
}
