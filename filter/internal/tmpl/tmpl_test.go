package tmpl

import (
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/valyala/fasthttp"
)

type out struct {
	A string            `json:"a"`
	B map[string]string `json:"b"`
	N int               `json:"n"`
}

func render(t *testing.T, text string, data any) (out, error) {
	t.Helper()
	tp, err := Parse("t", text, "", "")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var o out
	err = tp.Render(data, &o)
	return o, err
}

func TestRenderDecodes(t *testing.T) {
	o, err := render(t, "a: {{ .x | quote }}\nb: {k: v}\nn: 3\n", map[string]any{"x": "he said \"hi\"\nbye"})
	if err != nil {
		t.Fatal(err)
	}
	if o.A != "he said \"hi\"\nbye" || o.B["k"] != "v" || o.N != 3 {
		t.Fatalf("got %+v", o)
	}
	// JSON is YAML too.
	if o, err = render(t, `{"a": "j"}`, nil); err != nil || o.A != "j" {
		t.Fatalf("json output: %+v, %v", o, err)
	}
	// An empty document leaves the output alone.
	if o, err = render(t, "{{/* nothing */}}", nil); err != nil || o.A != "" {
		t.Fatalf("empty output: %+v, %v", o, err)
	}
}

func TestRenderErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"a: x\nunknown: 1\n", "unknown field"},
		{"a: [1, 2]\n", "cannot unmarshal"},
		{"- a\n- b\n", "must be a mapping"},
		{"a: {{ b64dec \"!!\" }}", "executing template"},
		{"a: \"unterminated\n", "not valid YAML"},
	} {
		if _, err := render(t, tc.text, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want it to contain %q", tc.text, err, tc.want)
		}
	}
	if _, err := Parse("t", "{{ .a ", "", ""); err == nil {
		t.Error("Parse accepted an unclosed action")
	}
}

func TestDelims(t *testing.T) {
	tp, err := Parse("t", "a: [[ .x | quote ]]\n", "[[", "]]")
	if err != nil {
		t.Fatal(err)
	}
	var o out
	if err := tp.Render(map[string]any{"x": "{{ y }}"}, &o); err != nil {
		t.Fatal(err)
	}
	if o.A != "{{ y }}" {
		t.Fatalf("A = %q", o.A)
	}
}

func TestFuncs(t *testing.T) {
	data := map[string]any{"s": " Hello World ", "e": "", "m": map[string]int{"x": 1}}
	for _, tc := range []struct{ expr, want string }{
		{`{{ .e | default "dflt" }}`, "dflt"},
		{`{{ .s | default "dflt" }}`, " Hello World "},
		{`{{ .missing | default "dflt" }}`, "dflt"},
		{`{{ .s | trim | upper }}`, "HELLO WORLD"},
		{`{{ .s | lower }}`, " hello world "},
		{`{{ .s | trim | trimPrefix "Hello " }}`, "World"},
		{`{{ .s | trim | trimSuffix " World" }}`, "Hello"},
		{`{{ .s | replace "o" "0" }}`, " Hell0 W0rld "},
		{`{{ .s | contains "World" }}`, "true"},
		{`{{ .s | trim | hasPrefix "Hello" }}`, "true"},
		{`{{ .s | trim | hasSuffix "Hello" }}`, "false"},
		{`{{ .m | toJson }}`, `{"x":1}`},
		{`{{ "a<b" | quote }}`, `"a<b"`},
		{`{{ 42 | quote }}`, `"42"`},
		{`{{ "hi" | b64enc }}`, "aGk="},
		{`{{ "aGk=" | b64dec }}`, "hi"},
	} {
		tp, err := Parse("t", tc.expr, "", "")
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		var b strings.Builder
		if err := tp.t.Execute(&b, data); err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if b.String() != tc.want {
			t.Errorf("%s = %q, want %q", tc.expr, b.String(), tc.want)
		}
	}
}

func TestNewData(t *testing.T) {
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI("http://api.example/v1/items?id=7&x=y")
	req.Header.SetMethod("POST")
	req.Header.Add("X-Id", "a")
	req.Header.Add("X-Id", "b")
	req.SetBodyString(`{"name":"box"}`)
	ctx := filter.NewContext()
	ctx.ResetDetached(req, []byte("10.0.0.1"), time.Now())
	defer ctx.Finish()
	resp := ctx.NewResponse()
	resp.SetStatusCode(201)
	resp.Header.Set("X-Up", "1")
	resp.SetBodyString(`{"ok":true}`)

	text := `{{ $r := .requests.DEFAULT }}
a: {{ printf "%s %s %s %s %s %s %s %s" $r.Method $r.Scheme $r.Host $r.Path $r.Query ($r.URL.Query.Get "id") ($r.Header.Get "X-Id") $r.RealIP | quote }}
b:
  ids: {{ index (.request.Header.Values "X-Id") 1 | quote }}
  name: {{ (.request.JSONBody).name | quote }}
  status: {{ .responses.DEFAULT.StatusCode | quote }}
  up: {{ .response.Header.Get "X-Up" | quote }}
  ok: {{ (.response.JSONBody).ok | quote }}
  ns: {{ .namespace }}
  region: {{ .data.PIPELINE.region | quote }}
  body: {{ .request.Body | quote }}
`
	tp, err := Parse("t", text, "", "")
	if err != nil {
		t.Fatal(err)
	}
	var o out
	if err := tp.Render(NewData(ctx, map[string]any{"region": "eu"}), &o); err != nil {
		t.Fatal(err)
	}
	if want := "POST http api.example /v1/items id=7&x=y 7 a 10.0.0.1"; o.A != want {
		t.Errorf("a = %q, want %q", o.A, want)
	}
	want := map[string]string{"ids": "b", "name": "box", "status": "201", "up": "1", "ok": "true",
		"ns": "DEFAULT", "region": "eu", "body": `{"name":"box"}`}
	for k, v := range want {
		if o.B[k] != v {
			t.Errorf("b.%s = %q, want %q", k, o.B[k], v)
		}
	}
}

func TestNewDataOtherNamespace(t *testing.T) {
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI("/x")
	ctx := filter.NewContext()
	ctx.ResetDetached(req, nil, time.Now())
	defer ctx.Finish()
	ctx.NewResponse().SetStatusCode(202)
	ctx.UseNamespace("side")
	d := NewData(ctx, nil)
	if d["namespace"] != "side" {
		t.Errorf("namespace = %v", d["namespace"])
	}
	if r := d["request"].(*Request); r != nil {
		t.Errorf("request in a fresh namespace = %+v, want nil", r)
	}
	if r := d["response"].(*Response); r != nil {
		t.Errorf("response in a fresh namespace = %+v, want nil", r)
	}
	def, ok := d["responses"].(map[string]any)[filter.DefaultNamespace].(*Response)
	if !ok || def.StatusCode != 202 {
		t.Errorf("responses.DEFAULT = %+v", def)
	}
	if p := d["data"].(map[string]any)["PIPELINE"].(map[string]any); p == nil {
		t.Error("data.PIPELINE must be an empty map")
	}
}
