package validator

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
	signing "github.com/gatewright/gatewright/filter/internal/signer"
)

// awsLiteral makes the scheme AWS Signature Version 4.
var awsLiteral = map[string]any{
	"scopeSuffix": "aws4_request", "algorithmName": "X-Amz-Algorithm", "algorithmValue": "AWS4-HMAC-SHA256",
	"signedHeaders": "X-Amz-SignedHeaders", "signature": "X-Amz-Signature", "date": "X-Amz-Date",
	"expires": "X-Amz-Expires", "credential": "X-Amz-Credential", "contentSha256": "X-Amz-Content-Sha256",
	"signingKeyPrefix": "AWS4",
}

// TestSignatureAWSTestSuite checks requests of the AWS Signature Version 4
// test suite (get-vanilla, post-vanilla, get-vanilla-query-order-key-case)
// with the signatures AWS publishes for them.
func TestSignatureAWSTestSuite(t *testing.T) {
	f := filtertest.New(t, Kind, specJSON(t, map[string]any{"signature": map[string]any{
		"literal":    awsLiteral,
		"accessKeys": map[string]string{"AKIDEXAMPLE": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
	}}))
	const cred = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature="
	for _, tc := range []struct{ name, method, uri, sig string }{
		{"get-vanilla", "GET", "/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{"post-vanilla", "POST", "/", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
		{"get-vanilla-query-order-key-case", "GET", "/?Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
	} {
		check := func(method, uri, sig, date string) string {
			r, _, _ := runMethod(t, f, method, "https://example.amazonaws.com"+uri, "X-Amz-Date", date, "Authorization", cred+sig)
			return r
		}
		if r := check(tc.method, tc.uri, tc.sig, "20150830T123600Z"); r != "" {
			t.Errorf("%s: result %q, want the published signature accepted", tc.name, r)
		}
		bad := []byte(tc.sig)
		bad[10] ^= 1
		if r := check(tc.method, tc.uri, string(bad), "20150830T123600Z"); r != ResultInvalid {
			t.Errorf("%s with a flipped signature bit: result %q", tc.name, r)
		}
		if r := check(tc.method, tc.uri, tc.sig, "20150830T123601Z"); r != ResultInvalid {
			t.Errorf("%s one second later: result %q", tc.name, r)
		}
		if r := check(tc.method, tc.uri+"#", tc.sig, "20150830T123600Z"); r != "" {
			t.Errorf("%s with an empty fragment: result %q", tc.name, r)
		}
	}
	if r, _, _ := runMethod(t, f, "PUT", "https://example.amazonaws.com/", "X-Amz-Date", "20150830T123600Z",
		"Authorization", cred+"5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"); r != ResultInvalid {
		t.Errorf("get-vanilla's signature on a PUT: result %q", r)
	}
}

// testSigner signs net/http requests the way a client of the scheme
// does. It is written apart from the filter's code, from the scheme's
// description, so that the two check each other.
type testSigner struct {
	id, secret string
	lit        Literal
}

func (s *testSigner) sign(t *testing.T, r *http.Request, body []byte, at time.Time, excludeBody bool, scopes ...string) {
	t.Helper()
	date := at.UTC().Format("20060102")
	stamp := at.UTC().Format("20060102T150405Z")
	r.Header.Set(s.lit.Date, stamp)
	scope := strings.Join(append(append([]string{date}, scopes...), s.lit.ScopeSuffix), "/")
	signedNames := []string{"host"}
	for name := range r.Header {
		if name != "Authorization" && name != "User-Agent" {
			signedNames = append(signedNames, strings.ToLower(name))
		}
	}
	sort.Strings(signedNames)
	signed := strings.Join(signedNames, ";")
	sig := s.signature(r, body, stamp, scope, signed, excludeBody, r.URL.Query())
	r.Header.Set("Authorization", s.lit.AlgorithmValue+" Credential="+s.id+"/"+scope+", SignedHeaders="+signed+", Signature="+sig)
}

func (s *testSigner) presign(t *testing.T, r *http.Request, at time.Time, expires time.Duration) {
	t.Helper()
	date := at.UTC().Format("20060102")
	stamp := at.UTC().Format("20060102T150405Z")
	scope := date + "/" + s.lit.ScopeSuffix
	q := r.URL.Query()
	q.Set(s.lit.AlgorithmName, s.lit.AlgorithmValue)
	q.Set(s.lit.Credential, s.id+"/"+scope)
	q.Set(s.lit.Date, stamp)
	q.Set(s.lit.Expires, strconv.Itoa(int(expires/time.Second)))
	q.Set(s.lit.SignedHeaders, "host")
	sig := s.signature(r, nil, stamp, scope, "host", false, q)
	q.Set(s.lit.Signature, sig)
	r.URL.RawQuery = q.Encode()
}

func (s *testSigner) signature(r *http.Request, body []byte, stamp, scope, signed string, excludeBody bool, q url.Values) string {
	hexSHA := func(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }
	mac := func(k []byte, d string) []byte { m := hmac.New(sha256.New, k); m.Write([]byte(d)); return m.Sum(nil) }
	var canon strings.Builder
	canon.WriteString(r.Method + "\n")
	for _, c := range []byte(r.URL.EscapedPath()) {
		if c == '/' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			canon.WriteByte(c)
		} else {
			canon.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
		}
	}
	canon.WriteString("\n")
	cq := url.Values{}
	for k, v := range q {
		if k != s.lit.Signature {
			cq[k] = append([]string(nil), v...)
			sort.Strings(cq[k])
		}
	}
	canon.WriteString(cq.Encode() + "\n")
	for _, name := range strings.Split(signed, ";") {
		v := r.Host
		if name != "host" {
			v = strings.Join(r.Header.Values(name), ",")
		}
		canon.WriteString(name + ":" + strings.Join(strings.Fields(v), " ") + "\n")
	}
	canon.WriteString("\n" + signed + "\n")
	if excludeBody {
		canon.WriteString("UNSIGNED-PAYLOAD")
	} else {
		canon.WriteString(hexSHA(body))
	}
	toSign := s.lit.AlgorithmValue + "\n" + stamp + "\n" + scope + "\n" + hexSHA([]byte(canon.String()))
	key := []byte(s.lit.SigningKeyPrefix + s.secret)
	for _, part := range strings.Split(scope, "/") {
		key = mac(key, part)
	}
	return hex.EncodeToString(mac(key, toSign))
}

func TestSignatureOverServer(t *testing.T) {
	f := filtertest.New(t, Kind, specJSON(t, map[string]any{"signature": map[string]any{
		"accessKeys": map[string]string{"client-1": "s3cr3t", "client-2": "other"},
		"ttl":        "5m",
	}}))
	srv := serve(t, f)
	signer := &testSigner{id: "client-1", secret: "s3cr3t", lit: signing.DefaultLiteral()}
	c := &http.Client{Timeout: filtertest.Timeout}
	do := func(r *http.Request) int {
		t.Helper()
		resp, err := c.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	newReq := func(method, path string, body []byte) *http.Request {
		r, err := http.NewRequest(method, "http://"+srv.Addr+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Tenant", "  acme   corp ")
		return r
	}
	body := []byte(`{"order": 42}`)
	now := time.Now()

	r := newReq("POST", "/orders/42?b=2&a=1&a=0&sp=x%20y", body)
	signer.sign(t, r, body, now, false, "eu-west", "orders")
	if st := do(r); st != 200 {
		t.Fatalf("a signed request: status %d", st)
	}

	for name, tamper := range map[string]func(r *http.Request) (*http.Request, []byte){
		"body":          func(r *http.Request) (*http.Request, []byte) { return r, []byte(`{"order": 43}`) },
		"query":         func(r *http.Request) (*http.Request, []byte) { r.URL.RawQuery += "&c=3"; return r, body },
		"signed header": func(r *http.Request) (*http.Request, []byte) { r.Header.Set("X-Tenant", "evil"); return r, body },
		"path":          func(r *http.Request) (*http.Request, []byte) { r.URL.Path = "/orders/43"; return r, body },
		"method": func(r *http.Request) (*http.Request, []byte) {
			r2 := newReq("PUT", "/orders/42?b=2&a=1&a=0&sp=x%20y", body)
			r2.Header = r.Header
			return r2, body
		},
	} {
		r := newReq("POST", "/orders/42?b=2&a=1&a=0&sp=x%20y", body)
		signer.sign(t, r, body, now, false, "eu-west", "orders")
		r, b := tamper(r)
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		if st := do(r); st != 401 {
			t.Errorf("tampered %s: status %d, want 401", name, st)
		}
	}

	// An unsigned header may be added; Authorization and User-Agent are
	// never signed.
	r = newReq("GET", "/x", nil)
	signer.sign(t, r, nil, now, false)
	r.Header.Set("X-Added-Later", "1")
	r.Header.Set("User-Agent", "changed")
	if st := do(r); st != 200 {
		t.Errorf("unsigned extra header: status %d", st)
	}

	wrongSecret := &testSigner{id: "client-1", secret: "guess", lit: signing.DefaultLiteral()}
	unknown := &testSigner{id: "client-9", secret: "s3cr3t", lit: signing.DefaultLiteral()}
	for name, tc := range map[string]struct {
		s  *testSigner
		at time.Time
	}{
		"wrong secret":   {wrongSecret, now},
		"unknown key ID": {unknown, now},
		"too old":        {signer, now.Add(-10 * time.Minute)},
		"in the future":  {signer, now.Add(10 * time.Minute)},
	} {
		r := newReq("GET", "/x", nil)
		tc.s.sign(t, r, nil, tc.at, false)
		if st := do(r); st != 401 {
			t.Errorf("%s: status %d, want 401", name, st)
		}
	}
	if st := do(newReq("GET", "/x", nil)); st != 401 {
		t.Errorf("unsigned request: status %d", st)
	}

	// Presigned URLs.
	r = newReq("GET", "/download?file=a.txt", nil)
	r.Header = http.Header{}
	signer.presign(t, r, now.Add(-time.Minute), 5*time.Minute)
	if st := do(r); st != 200 {
		t.Errorf("presigned URL: status %d", st)
	}
	r = newReq("GET", "/download?file=a.txt", nil)
	r.Header = http.Header{}
	signer.presign(t, r, now.Add(-2*time.Minute), time.Minute)
	if st := do(r); st != 401 {
		t.Errorf("expired presigned URL: status %d", st)
	}
}

func TestSignatureExcludeBody(t *testing.T) {
	f := filtertest.New(t, Kind, specJSON(t, map[string]any{"signature": map[string]any{
		"accessKeys": map[string]string{"k": "s"}, "excludeBody": true,
	}}))
	srv := serve(t, f)
	signer := &testSigner{id: "k", secret: "s", lit: signing.DefaultLiteral()}
	r, _ := http.NewRequest("POST", "http://"+srv.Addr+"/upload", strings.NewReader("any body at all"))
	signer.sign(t, r, nil, time.Now(), true)
	resp, err := (&http.Client{Timeout: filtertest.Timeout}).Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
}
