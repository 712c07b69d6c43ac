package signer

import (
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// The examples of AWS's S3 documentation, "Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk (AWS
// Signature Version 4)", section "Examples: Signature Calculations", with
// the signatures AWS publishes for them.
const (
	s3KeyID  = "AKIAIOSFODNN7EXAMPLE"
	s3Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	s3Host   = "examplebucket.s3.amazonaws.com"
	s3Scope  = "20130524/us-east-1/s3/aws4_request"
)

// s3Time is the examples' signing time, 20130524T000000Z.
var s3Time = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

type s3Example struct {
	name, method, uri string
	headers           [][2]string
	body              string
	signedHeaders     string
	signature         string
}

func s3Examples() []s3Example {
	return []s3Example{
		{"GET Object", "GET", "/test.txt", [][2]string{{"Range", "bytes=0-9"}}, "",
			"host;range;x-amz-content-sha256;x-amz-date",
			"f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"},
		{"PUT Object", "PUT", "/test$file.text",
			[][2]string{{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
			"Welcome to Amazon S3.",
			"date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
			"98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"},
		{"GET Bucket Lifecycle", "GET", "/?lifecycle", nil, "",
			"host;x-amz-content-sha256;x-amz-date",
			"fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"},
		{"GET Bucket (List Objects)", "GET", "/?max-keys=2&prefix=J", nil, "",
			"host;x-amz-content-sha256;x-amz-date",
			"34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"},
	}
}

func (ex *s3Example) request() *fasthttp.Request {
	req := &fasthttp.Request{}
	req.Header.SetMethod(ex.method)
	req.SetRequestURI("https://" + s3Host + ex.uri)
	for _, h := range ex.headers {
		req.Header.Set(h[0], h[1])
	}
	if ex.body != "" {
		req.SetBodyString(ex.body)
	}
	return req
}

func s3Signer() *Signer {
	return NewSigner(&SignerSpec{AccessKeyID: s3KeyID, AccessKeySecret: s3Secret},
		SignerOptions{Literal: AWS4Literal(), Scopes: []string{"us-east-1", "s3"}, EncodePathOnce: true})
}

// TestSignS3Examples signs the requests of AWS's S3 examples and expects
// exactly the Authorization header AWS publishes, with X-Amz-Date and
// X-Amz-Content-Sha256 set.
func TestSignS3Examples(t *testing.T) {
	s := s3Signer()
	for _, ex := range s3Examples() {
		req := ex.request()
		if err := s.Sign(req, s3Time); err != nil {
			t.Fatalf("%s: %v", ex.name, err)
		}
		want := "AWS4-HMAC-SHA256 Credential=" + s3KeyID + "/" + s3Scope + ", SignedHeaders=" + ex.signedHeaders + ", Signature=" + ex.signature
		if got := string(req.Header.Peek("Authorization")); got != want {
			t.Errorf("%s:\n got %s\nwant %s", ex.name, got, want)
		}
		if got := string(req.Header.Peek("X-Amz-Date")); got != "20130524T000000Z" {
			t.Errorf("%s: X-Amz-Date %q", ex.name, got)
		}
		wantHash := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" // SHA-256 of nothing
		if ex.body != "" {
			wantHash = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072" // as AWS prints it
		}
		if got := string(req.Header.Peek("X-Amz-Content-Sha256")); got != wantHash {
			t.Errorf("%s: X-Amz-Content-Sha256 %q", ex.name, got)
		}
	}
}

// TestSignS3ExamplesAnotherDay checks that the cached signing key follows
// the date: a signature of the next day differs, and the examples' day
// signs as published again after it.
func TestSignS3ExamplesAnotherDay(t *testing.T) {
	s := s3Signer()
	ex := s3Examples()[0]
	sig := func(at time.Time) string {
		req := ex.request()
		if err := s.Sign(req, at); err != nil {
			t.Fatal(err)
		}
		auth := string(req.Header.Peek("Authorization"))
		return auth[strings.LastIndexByte(auth, '=')+1:]
	}
	next := sig(s3Time.Add(24 * time.Hour))
	if next == ex.signature {
		t.Fatal("the next day's signature is the examples' one")
	}
	if got := sig(s3Time); got != ex.signature {
		t.Fatalf("back on the examples' day: %s", got)
	}
	// A time in another zone signs as its UTC instant.
	if got := sig(s3Time.In(time.FixedZone("UTC+2", 2*3600))); got != ex.signature {
		t.Fatalf("the same instant in another zone: %s", got)
	}
}

// awsLiteralSpec returns a verifying spec with AWS's wire names.
func awsLiteralSpec(id, secret string) *SignerSpec {
	l := AWS4Literal()
	return &SignerSpec{Literal: &l, AccessKeys: map[string]string{id: secret}}
}

// TestVerifyAWSExamples verifies the requests of AWS's Signature Version 4
// test suite (get-vanilla, post-vanilla,
// get-vanilla-query-order-key-case, signed at 20150830T123600Z) and of
// the S3 examples, with the Authorization headers AWS publishes.
func TestVerifyAWSExamples(t *testing.T) {
	suite := NewVerifier(awsLiteralSpec("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))
	suiteTime := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	const cred = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature="
	for _, tc := range []struct{ name, method, uri, sig string }{
		{"get-vanilla", "GET", "/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{"post-vanilla", "POST", "/", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
		{"get-vanilla-query-order-key-case", "GET", "/?Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
	} {
		req := &fasthttp.Request{}
		req.Header.SetMethod(tc.method)
		req.SetRequestURI("https://example.amazonaws.com" + tc.uri)
		req.Header.Set("X-Amz-Date", "20150830T123600Z")
		req.Header.Set("Authorization", cred+tc.sig)
		if err := suite.Verify(req, suiteTime); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		req.Header.Set("X-Amz-Date", "20150830T123601Z")
		if err := suite.Verify(req, suiteTime); err != errSignatureMismatch {
			t.Errorf("%s one second later: %v", tc.name, err)
		}
	}

	s3 := NewVerifier(awsLiteralSpec(s3KeyID, s3Secret))
	for _, ex := range s3Examples() {
		req := ex.request()
		req.Header.Set("X-Amz-Date", "20130524T000000Z")
		req.Header.Set("X-Amz-Content-Sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
		if ex.body != "" {
			req.Header.Set("X-Amz-Content-Sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
		}
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+s3KeyID+"/"+s3Scope+",SignedHeaders="+ex.signedHeaders+",Signature="+ex.signature)
		if err := s3.Verify(req, s3Time); err != nil {
			t.Errorf("%s: %v", ex.name, err)
		}
	}
}
