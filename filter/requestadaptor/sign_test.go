package requestadaptor

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/gatewright/gatewright/pipeline"
	"github.com/gatewright/gatewright/registry"
	"github.com/valyala/fasthttp"
)

// The credentials and time of AWS's S3 Signature Version 4 examples
// ("Signature Calculations for the Authorization Header: Transferring
// Payload in a Single Chunk", section "Examples: Signature Calculations").
const (
	s3Sign = `"sign": {"apiProvider": "aws4", "scopes": ["us-east-1", "s3"],
		"accessKeyId": "AKIAIOSFODNN7EXAMPLE", "accessKeySecret": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}`
	s3Credential = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
)

// runAt adapts a request to http://gateway.local<uri> prepared by setup,
// with the filter's clock stopped at at.
func runAt(t *testing.T, spec, uri string, at time.Time, setup func(req *fasthttp.Request)) (string, *fasthttp.Request) {
	t.Helper()
	f := filtertest.New(t, Kind, spec)
	f.(*RequestAdaptor).now = func() time.Time { return at }
	req := &fasthttp.Request{}
	req.SetRequestURI("http://gateway.local" + uri)
	if setup != nil {
		setup(req)
	}
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	return f.Handle(ctx), req
}

// TestSignAWS4KnownAnswer turns requests sent to the gateway into AWS's
// S3 example requests (the host set by the adaptor) and expects exactly
// the Authorization headers AWS publishes for them.
func TestSignAWS4KnownAnswer(t *testing.T) {
	at := time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)
	spec := `{"host": "examplebucket.s3.amazonaws.com", ` + s3Sign + `}`
	for _, tc := range []struct {
		name, method, uri, body, want string
		headers                       [][2]string
	}{
		{name: "GET Object", method: "GET", uri: "/test.txt", headers: [][2]string{{"Range", "bytes=0-9"}},
			want: "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"},
		{name: "PUT Object", method: "PUT", uri: "/test$file.text", body: "Welcome to Amazon S3.",
			headers: [][2]string{{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"X-Amz-Storage-Class", "REDUCED_REDUNDANCY"}},
			want:    "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"},
		{name: "GET Bucket Lifecycle", method: "GET", uri: "/?lifecycle",
			want: "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"},
		{name: "GET Bucket (List Objects)", method: "GET", uri: "/?max-keys=2&prefix=J",
			want: "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"},
	} {
		result, req := runAt(t, spec, tc.uri, at, func(req *fasthttp.Request) {
			req.Header.SetMethod(tc.method)
			for _, h := range tc.headers {
				req.Header.Set(h[0], h[1])
			}
			req.Header.Set("User-Agent", "client/1.0") // never signed
			if tc.body != "" {
				req.SetBodyString(tc.body)
			}
		})
		if result != "" {
			t.Fatalf("%s: result %q", tc.name, result)
		}
		if got := string(req.Header.Peek("Authorization")); got != s3Credential+tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, s3Credential+tc.want)
		}
		if got := string(req.Header.Peek("X-Amz-Date")); got != "20130524T000000Z" {
			t.Errorf("%s: X-Amz-Date %q", tc.name, got)
		}
		if got := req.Header.Peek("X-Amz-Content-Sha256"); len(got) != 64 {
			t.Errorf("%s: X-Amz-Content-Sha256 %q", tc.name, got)
		}
	}
}

// TestSignAfterEdits checks that the signature covers the request as
// edited and compressed: signing comes last.
func TestSignAfterEdits(t *testing.T) {
	at := time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC)
	spec := `{"method": "PUT", "path": {"addPrefix": "/v2"}, "header": {"set": {"X-Api-Version": "2"}}, "compress": "gzip",
		"sign": {"accessKeyId": "client-1", "accessKeySecret": "s3cr3t", "scopes": ["eu-west", "orders"]}}`
	result, req := runAt(t, spec, "/orders?id=7", at, func(req *fasthttp.Request) {
		req.SetBodyString(strings.Repeat("order line\n", 20))
	})
	if result != "" {
		t.Fatalf("result %q", result)
	}
	want := "HMAC-SHA256 Credential=client-1/20240229/eu-west/orders/request, " +
		"SignedHeaders=content-encoding;host;x-api-version;x-content-sha256;x-date, Signature="
	if got := string(req.Header.Peek("Authorization")); !strings.HasPrefix(got, want) {
		t.Fatalf("Authorization %q, want prefix %q", got, want)
	}
	if string(req.Header.Peek("X-Date")) != "20240229T235959Z" || string(req.Header.ContentEncoding()) != "gzip" ||
		string(req.Header.Method()) != "PUT" || string(req.URI().Path()) != "/v2/orders" {
		t.Fatalf("request %s", req.Header.String())
	}
}

// TestSignFailed checks the result of an unreadable body.
func TestSignFailed(t *testing.T) {
	result, req := runAt(t, `{"sign": {"accessKeyId": "k", "accessKeySecret": "s"}}`, "/", time.Now(), func(req *fasthttp.Request) {
		req.Header.SetMethod("POST")
		req.SetBodyStream(brokenStream{}, -1)
	})
	if result != ResultSignFailed || req.Header.Peek("Authorization") != nil {
		t.Fatalf("result %q, Authorization %q", result, req.Header.Peek("Authorization"))
	}
	// With excludeBody the body is not read: signing succeeds.
	result, _ = runAt(t, `{"sign": {"accessKeyId": "k", "accessKeySecret": "s", "excludeBody": true}}`, "/", time.Now(), func(req *fasthttp.Request) {
		req.SetBodyStream(brokenStream{}, -1)
	})
	if result != "" {
		t.Fatalf("excludeBody: result %q", result)
	}
}

// TestPipelineJumpOnSignFailed routes signFailed with jumpIf: the result
// is declared.
func TestPipelineJumpOnSignFailed(t *testing.T) {
	p, err := newPipeline(t, `{
		"flow": [{"filter": "sign", "jumpIf": {"signFailed": "bad"}}, {"filter": "ok"}, {"filter": "END"}, {"filter": "bad"}],
		"filters": [{"name": "sign", "kind": "RequestAdaptor", "sign": {"accessKeyId": "k", "accessKeySecret": "s"}},
			{"name": "ok", "kind": "Marker"}, {"name": "bad", "kind": "Marker"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	for marker, setup := range map[string]func(req *fasthttp.Request){
		"ok":  func(req *fasthttp.Request) { req.SetBodyString("fine") },
		"bad": func(req *fasthttp.Request) { req.SetBodyStream(brokenStream{}, -1) },
	} {
		req := &fasthttp.Request{}
		req.SetRequestURI("/")
		req.Header.SetMethod("POST")
		setup(req)
		ctx := filtertest.Detached(req)
		p.Handle(ctx)
		if resp := ctx.Response(); resp == nil || string(resp.Header.Peek("X-Marker")) != marker {
			t.Errorf("want marker %q, response %v", marker, resp)
		}
		ctx.Finish()
	}
}

// TestSignSecretIsRedacted checks that accessKeySecret (and accessKeys)
// are secret: listed as such, redacted from documents the admin API
// shows, and absent from the status.
func TestSignSecretIsRedacted(t *testing.T) {
	reg := filtertest.PipelineRegistry(Kind)
	e, err := reg.Lookup(registry.FilterClass, KindName)
	if err != nil {
		t.Fatal(err)
	}
	paths := " " + strings.Join(e.SecretPaths(), " ") + " "
	for _, want := range []string{"sign.accessKeySecret", "sign.accessKeys"} {
		if !strings.Contains(paths, " "+want+" ") {
			t.Errorf("%s is not a secret path (have%s)", want, paths)
		}
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(`{"kind": "Pipeline", "name": "p", "filters": [{"name": "s", "kind": "RequestAdaptor",
		"sign": {"accessKeyId": "AKID", "accessKeySecret": "very-secret", "accessKeys": {"AKID": "also-secret"}}}]}`), &doc); err != nil {
		t.Fatal(err)
	}
	reg.RedactSecrets(registry.ObjectClass, pipeline.KindName, doc)
	sign := doc["filters"].([]any)[0].(map[string]any)["sign"].(map[string]any)
	if sign["accessKeySecret"] != registry.RedactedMarker || sign["accessKeys"].(map[string]any)["AKID"] != registry.RedactedMarker ||
		sign["accessKeyId"] != "AKID" {
		t.Fatalf("redacted sign %v", sign)
	}
	f := filtertest.New(t, Kind, `{"sign": {"accessKeyId": "AKID", "accessKeySecret": "very-secret"}}`)
	if js, _ := json.Marshal(f.Status()); strings.Contains(string(js), "very-secret") {
		t.Fatalf("status %s", js)
	}
}
