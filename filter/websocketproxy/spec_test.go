package websocketproxy

import (
	"encoding/json"
	"log/slog"
	"reflect"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
	"github.com/valyala/fasthttp"
)

const fullSpec = `{"pools": [
	{"filter": {"headers": {"X-Canary": {"exact": "yes"}}}, "servers": [{"url": "wss://ws.example:9443"}]},
	{"servers": [{"url": "ws://127.0.0.1:9001", "weight": 3, "tags": ["a"]}, {"url": "http://127.0.0.1:9002", "weight": 1, "tags": ["a"]}],
	 "serverTags": ["a"], "loadBalance": {"policy": "weightedRandom"},
	 "clientMaxMsgSize": -1, "serverMaxMsgSize": 65536, "insecureSkipVerify": true, "originPatterns": ["*.shop.example"],
	 "healthCheck": {"interval": "5s", "timeout": "1s", "fails": 2, "passes": 2,
	   "http": {"uri": "/ready", "method": "HEAD", "headers": {"X-Probe": "1"}, "match": {"statusCodes": [[200, 299]]}},
	   "ws": {"port": 9100, "uri": "/ws-ready", "headers": {"Host": "probe.local"}, "match": {"statusCodes": [[101, 101]], "headers": [{"name": "X-Ok", "value": "1"}]}}}}
]}`

func TestSpecRoundTrip(t *testing.T) {
	body, err := filtertest.Decode(Kind, fullSpec)
	if err != nil {
		t.Fatal(err)
	}
	s := body.(*Spec)
	p := s.Pools[1]
	if len(s.Pools) != 2 || p.ClientMaxMsgSize != -1 || p.ServerMaxMsgSize != 65536 || !p.InsecureSkipVerify ||
		p.HealthCheck.WS.Port != 9100 || p.HealthCheck.HTTP.Method != "HEAD" || p.LoadBalance.Policy != "weightedRandom" {
		t.Fatalf("decoded %+v", s)
	}
	js, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	again, err := filtertest.Decode(Kind, string(js))
	if err != nil {
		t.Fatalf("re-decoding %s: %v", js, err)
	}
	if !reflect.DeepEqual(s, again) {
		t.Fatalf("round trip changed the spec:\n%s", js)
	}
}

func TestSpecInvalid(t *testing.T) {
	filtertest.RunInvalid(t, filtertest.Decoder(Kind), []filtertest.InvalidSpec{
		{"no pools", `{}`, `required field "pools" is missing`},
		{"two main pools", `{"pools": [{"servers": [{"url": "ws://a"}]}, {"servers": [{"url": "ws://b"}]}]}`, `pools: exactly one pool without filter`},
		{"no servers", `{"pools": [{}]}`, `pools[0].servers: at least one server`},
		{"bad scheme", `{"pools": [{"servers": [{"url": "ftp://a"}]}]}`, `pools[0].servers[0].url: "ftp://a": scheme must be ws, wss, http or https`},
		{"path in url", `{"pools": [{"servers": [{"url": "ws://a/chat"}]}]}`, `pools[0].servers[0].url`},
		{"some weights", `{"pools": [{"servers": [{"url": "ws://a", "weight": 2}, {"url": "ws://b"}]}]}`, `pools[0].servers: weights must be given to all servers or to none`},
		{"sticky without app cookie", `{"pools": [{"servers": [{"url": "ws://a"}], "loadBalance": {"stickySession": {"mode": "CookieConsistentHash"}}}]}`, `pools[0].loadBalance.stickySession.appCookieName: required by mode CookieConsistentHash`},
		{"limit below -1", `{"pools": [{"servers": [{"url": "ws://a"}], "clientMaxMsgSize": -2}]}`, `pools[0].clientMaxMsgSize`},
		{"bad origin pattern", `{"pools": [{"servers": [{"url": "ws://a"}], "originPatterns": ["[a-"]}]}`, `pools[0].originPatterns[0]: "[a-" is not a valid host pattern`},
		{"health check without probe", `{"pools": [{"servers": [{"url": "ws://a"}], "healthCheck": {"interval": "1s"}}]}`, `pools[0].healthCheck: give an http probe, a ws probe or both`},
		{"ws probe uri", `{"pools": [{"servers": [{"url": "ws://a"}], "healthCheck": {"ws": {"uri": "ready"}}}]}`, `pools[0].healthCheck.ws.uri: must start with /`},
		{"ws probe body match", `{"pools": [{"servers": [{"url": "ws://a"}], "healthCheck": {"ws": {"match": {"body": {"value": "x"}}}}}]}`, `pools[0].healthCheck.ws.match.body`},
		{"http probe method", `{"pools": [{"servers": [{"url": "ws://a"}], "healthCheck": {"http": {"method": "get"}}}]}`, `pools[0].healthCheck.http.method`},
		{"http probe auth", `{"pools": [{"servers": [{"url": "ws://a"}], "healthCheck": {"http": {"username": "u"}}}]}`, `pools[0].healthCheck.http.username`},
		{"header hash key", `{"pools": [{"servers": [{"url": "ws://a"}], "loadBalance": {"policy": "headerHash"}}]}`, `pools[0].loadBalance.headerHashKey: required`},
		{"candidate filter", `{"pools": [{"servers": [{"url": "ws://a"}]}, {"filter": {"policy": "random"}, "servers": [{"url": "ws://b"}]}]}`, `pools[1].filter.permil`},
		{"unknown field", `{"pools": [{"servers": [{"url": "ws://a"}], "maxMsgSize": 1}]}`, `pools[0]: unknown field "maxMsgSize"`},
	})
}

func TestClientErrorReachableByJumpIf(t *testing.T) {
	up := startEcho(t, "a")
	reg := registry.New()
	reg.Register(registry.ObjectClass, pipeline.Kind)
	reg.Register(registry.FilterClass, Kind)
	reg.Register(registry.FilterClass, filtertest.MarkerKind)
	ent, _ := reg.Lookup(registry.ObjectClass, pipeline.KindName)
	body, err := ent.DecodeSpec([]byte(`{
		"flow": [{"filter": "ws", "jumpIf": {"clientError": "bad", "internalError": "bad"}}, {"filter": "END"}, {"filter": "bad"}],
		"filters": [{"name": "ws", "kind": "WebSocketProxy", "pools": [{"servers": [{"url": "` + up.url + `"}]}]}, {"name": "bad", "kind": "Marker"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := pipeline.Kind.New(&supervisor.Spec{Kind: pipeline.KindName, Name: "p", Body: body}, &supervisor.Env{Registry: reg, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := obj.Init(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = obj.Close() })
	p := obj.(*pipeline.Pipeline)
	s := filtertest.Serve(t, func(ctx *filter.Context) { p.Handle(ctx) })
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI("/")
	var resp fasthttp.Response
	if err := s.Do(req, &resp); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != 400 || string(resp.Header.Peek("X-Marker")) != "bad" {
		t.Fatalf("plain GET: %d X-Marker=%q", resp.StatusCode(), resp.Header.Peek("X-Marker"))
	}
	// serverError is declared too (Easegress returns it undeclared).
	declared := mustDecode(t, ent, `{"flow": [{"filter": "ws", "jumpIf": {"serverError": "END"}}], "filters": [{"name": "ws", "kind": "WebSocketProxy", "pools": [{"servers": [{"url": "ws://a"}]}]}]}`)
	if _, err = pipeline.Kind.New(&supervisor.Spec{Kind: pipeline.KindName, Name: "p", Body: declared}, &supervisor.Env{Registry: reg}); err != nil {
		t.Fatalf("jumpIf on serverError: %v", err)
	}
}

func mustDecode(t *testing.T, ent *registry.Entry, fields string) any {
	t.Helper()
	body, err := ent.DecodeSpec([]byte(fields))
	if err != nil {
		t.Fatal(err)
	}
	return body
}
