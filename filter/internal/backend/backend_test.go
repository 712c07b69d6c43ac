package backend

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatewright/gatewright/registry"
)

func TestParseURL(t *testing.T) {
	ws := []Scheme{{Name: "ws"}, {Name: "wss", TLS: true}, {Name: "http"}, {Name: "https", TLS: true}}
	u, err := ParseURL("wss://[::1]:8443", "ws(s)://host[:port]", ws...)
	if err != nil || !u.TLS || u.Host != "[::1]:8443" || u.Hostname != "::1" || u.Port != 8443 {
		t.Fatalf("got %+v, %v", u, err)
	}
	if u, err := ParseURL("http://example.com/", "http(s)://host[:port]", ws[2:]...); err != nil || u.TLS || u.Port != 80 {
		t.Fatalf("got %+v, %v", u, err)
	}
	for raw, want := range map[string]string{
		"ftp://a":          `"ftp://a": scheme must be ws, wss, http or https`,
		"ws://u@a":         "user info is not allowed",
		"ws://a/p":         "must be ws(s)://host[:port] without path",
		"ws://:80":         "host is missing",
		"ws://a:0":         "port must be 1-65535",
		"ws://a:":          "empty port",
		"ws://a b\x00":     "is not a URL",
		"wss://a:99999999": "port must be 1-65535",
	} {
		if _, err := ParseURL(raw, "ws(s)://host[:port]", ws...); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", raw, err, want)
		}
	}
	if _, err := ParseURL("ws://a", "http(s)://host[:port]", ws[2:]...); err == nil || !strings.HasSuffix(err.Error(), "scheme must be http or https") {
		t.Errorf("http only: %v", err)
	}
}

type srv struct {
	url    string
	weight int
	tags   []string
}

func fields(s *srv) (string, int) { return s.url, s.weight }

func parse(u string) error {
	if u == "bad" {
		return errors.New("bad URL")
	}
	return nil
}

func TestCheckServers(t *testing.T) {
	for _, tc := range []struct {
		servers []*srv
		path    string
	}{
		{nil, "servers"},
		{[]*srv{{url: "a"}, nil}, "servers[1]"},
		{[]*srv{{url: "a"}, {url: "bad"}}, "servers[1].url"},
		{[]*srv{{url: "a", weight: 1}, {url: "b"}}, "servers"},
	} {
		err := CheckServers(tc.servers, fields, parse)
		var fe registry.FieldError
		if !errors.As(err, &fe) || fe.Path != tc.path {
			t.Errorf("%v: %v, want an error at %s", tc.servers, err, tc.path)
		}
	}
	if err := CheckServers([]*srv{{url: "a", weight: 1}, {url: "b", weight: 2}}, fields, parse); err != nil {
		t.Error(err)
	}
}

func TestTagged(t *testing.T) {
	all := []*srv{{url: "a", tags: []string{"x"}}, {url: "b", tags: []string{"y", "z"}}, {url: "c"}}
	tags := func(s *srv) []string { return s.tags }
	if got := Tagged(all, tags, nil); len(got) != 3 {
		t.Errorf("no tags: %d servers", len(got))
	}
	if got := Tagged(all, tags, []string{"z", "x"}); len(got) != 2 || got[0].url != "a" || got[1].url != "b" {
		t.Errorf("tags x, z: %v", got)
	}
}

func TestCheckPools(t *testing.T) {
	type pool struct{ main, bad bool }
	isMain := func(p *pool) bool { return p.main }
	validate := func(p *pool) error {
		if p.bad {
			return registry.FieldError{Path: "servers", Reason: "bad"}
		}
		return nil
	}
	for _, tc := range []struct {
		pools []*pool
		path  string
	}{
		{[]*pool{{main: true}, nil}, "pools[1]"},
		{[]*pool{{main: true}, {bad: true}}, "pools[1].servers"},
		{[]*pool{{}}, "pools"},
		{[]*pool{{main: true}, {main: true}}, "pools"},
	} {
		err := CheckPools(tc.pools, isMain, validate)
		var fe registry.FieldError
		if !errors.As(err, &fe) || fe.Path != tc.path {
			t.Errorf("%v: %v, want an error at %s", tc.pools, err, tc.path)
		}
	}
	if err := CheckPools([]*pool{{}, {main: true}}, isMain, validate); err != nil {
		t.Error(err)
	}
}

func TestReplyChecks(t *testing.T) {
	ranges := [][2]int{{101, 101}, {200, 299}}
	if CheckStatus(101, ranges) != nil || CheckStatus(204, ranges) != nil {
		t.Error("a status in range failed")
	}
	if err := CheckStatus(302, ranges); err == nil || err.Error() != "status 302 is not in [[101 101] [200 299]]" {
		t.Errorf("302: %v", err)
	}
	exact, err := NewHeaderCheck("X-A", "yes", false)
	if err != nil || exact.Check("yes") != nil {
		t.Fatalf("exact: %v", err)
	}
	if err := exact.Check("no"); err == nil || err.Error() != `header X-A is "no", want "yes"` {
		t.Errorf("exact mismatch: %v", err)
	}
	re, err := NewHeaderCheck("X-B", "^v[0-9]$", true)
	if err != nil || re.Check("v1") != nil {
		t.Fatalf("regexp: %v", err)
	}
	if err := re.Check("v10"); err == nil || err.Error() != `header X-B "v10" does not match "^v[0-9]$"` {
		t.Errorf("regexp mismatch: %v", err)
	}
	if _, err := NewHeaderCheck("X-C", "(", true); err == nil {
		t.Error("a bad regular expression compiled")
	}
}

func TestHashBytes(t *testing.T) {
	// FNV-1a test vectors.
	if HashBytes(nil) != 2166136261 || HashBytes([]byte("a")) != 0xe40c292c {
		t.Errorf("HashBytes: %#x %#x", HashBytes(nil), HashBytes([]byte("a")))
	}
}

func TestProbeHistory(t *testing.T) {
	var h ProbeHistory
	var healthy atomic.Bool
	healthy.Store(true)
	at := time.Unix(100, 0)
	boom := errors.New("boom")
	h.Record(boom, at, 2, 2, &healthy)
	if !healthy.Load() {
		t.Fatal("down after one failure of two")
	}
	h.Record(boom, at.Add(time.Second), 2, 2, &healthy)
	if healthy.Load() {
		t.Fatal("up after two failures")
	}
	if fails, probes, last, lastErr := h.Snapshot(); fails != 2 || probes != 2 || !last.Equal(at.Add(time.Second)) || lastErr != "boom" {
		t.Fatalf("snapshot %d %d %v %q", fails, probes, last, lastErr)
	}
	h.Record(nil, at, 2, 2, &healthy)
	if healthy.Load() {
		t.Fatal("up after one pass of two")
	}
	h.Record(nil, at, 2, 2, &healthy)
	if !healthy.Load() {
		t.Fatal("down after two passes")
	}
	if fails, probes, _, lastErr := h.Snapshot(); fails != 0 || probes != 4 || lastErr != "" {
		t.Fatalf("snapshot %d %d %q", fails, probes, lastErr)
	}
}

func TestProbeLoop(t *testing.T) {
	stop, done := make(chan struct{}), make(chan struct{})
	rounds := make(chan struct{}, 16)
	go ProbeLoop(time.Millisecond, stop, done, func() { rounds <- struct{}{} })
	<-rounds
	<-rounds
	close(stop)
	<-done
}
