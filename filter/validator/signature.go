package validator

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gatewright/gatewright/protocols/httpprot"
)

// Wire formats of the signing scheme.
const (
	sigTimeFormat   = "20060102T150405Z"
	sigDateFormat   = "20060102"
	unsignedPayload = "UNSIGNED-PAYLOAD"
	// maxSignedBody bounds a streamed body read to be hashed.
	maxSignedBody = 64 << 20
)

var (
	errNoSignature       = errors.New("the request is not signed")
	errSignatureMismatch = errors.New("signature does not match")
	errSignatureExpired  = errors.New("signature expired")
	errUnknownAccessKey  = errors.New("unknown access key ID")
)

// signatureCheck verifies request signatures.
type signatureCheck struct {
	lit         Literal
	secrets     map[string]string
	ttl         time.Duration
	excludeBody bool
}

func newSignatureCheck(s *SignatureSpec) *signatureCheck {
	return &signatureCheck{lit: *s.literal(), secrets: s.AccessKeys, ttl: s.TTL.D(), excludeBody: s.ExcludeBody}
}

// signed is what a signed request claims.
type signed struct {
	keyID         string
	scope         string   // date/scopes.../suffix
	scopes        []string // the elements between the date and the suffix
	date          string   // yyyymmdd of the scope
	at            time.Time
	signedHeaders string
	signature     []byte
	presigned     bool
	expires       time.Duration
	query         url.Values
}

// check verifies the signature of req, given in the Authorization
// header or, for a presigned URL, in the query.
func (c *signatureCheck) check(req *httpprot.Request) error {
	query, err := url.ParseQuery(string(req.URI().QueryString()))
	if err != nil {
		return fmt.Errorf("malformed query: %v", err)
	}
	s := signed{query: query}
	if auth := req.Header.Peek("Authorization"); len(auth) > 0 {
		err = c.fromHeader(&s, string(auth), string(req.Header.Peek(c.lit.Date)))
	} else {
		err = c.fromQuery(&s)
	}
	if err != nil {
		return err
	}
	age := time.Since(s.at)
	if c.ttl > 0 && (age > c.ttl || age < -c.ttl) {
		return errSignatureExpired
	}
	if s.presigned && age > s.expires {
		return errSignatureExpired
	}
	secret, ok := c.secrets[s.keyID]
	if !ok {
		return errUnknownAccessKey
	}
	bodyHash, err := c.bodyHash(req)
	if err != nil {
		return err
	}
	want := c.sign(secret, &s, c.canonicalRequest(req, &s, bodyHash))
	if !hmac.Equal(want, s.signature) {
		return errSignatureMismatch
	}
	return nil
}

// fromHeader reads "<algorithm> Credential=<id>/<date>/<scopes>/<suffix>,
// SignedHeaders=<names>, Signature=<hex>" and the date header.
func (c *signatureCheck) fromHeader(s *signed, auth, date string) error {
	bad := fmt.Errorf("malformed Authorization header: want %q with Credential, SignedHeaders and Signature", c.lit.AlgorithmValue)
	alg, rest, ok := strings.Cut(auth, " ")
	if !ok || alg != c.lit.AlgorithmValue {
		return bad
	}
	parts := strings.Split(rest, ",")
	if len(parts) != 3 {
		return bad
	}
	cred, ok1 := strings.CutPrefix(strings.TrimSpace(parts[0]), "Credential=")
	names, ok2 := strings.CutPrefix(strings.TrimSpace(parts[1]), "SignedHeaders=")
	sig, ok3 := strings.CutPrefix(strings.TrimSpace(parts[2]), "Signature=")
	if !ok1 || !ok2 || !ok3 {
		return bad
	}
	if err := c.readCredential(s, cred); err != nil {
		return err
	}
	s.signedHeaders = names
	return c.readTimeAndSignature(s, date, sig)
}

// fromQuery reads a presigned URL's parameters.
func (c *signatureCheck) fromQuery(s *signed) error {
	q := s.query
	alg := q.Get(c.lit.AlgorithmName)
	if alg == "" {
		return errNoSignature
	}
	if alg != c.lit.AlgorithmValue {
		return fmt.Errorf("query parameter %s: unsupported algorithm", c.lit.AlgorithmName)
	}
	if err := c.readCredential(s, q.Get(c.lit.Credential)); err != nil {
		return err
	}
	secs, err := strconv.ParseUint(q.Get(c.lit.Expires), 10, 32)
	if err != nil {
		return fmt.Errorf("query parameter %s: want the lifetime in seconds", c.lit.Expires)
	}
	s.presigned, s.expires = true, time.Duration(secs)*time.Second
	s.signedHeaders = q.Get(c.lit.SignedHeaders)
	return c.readTimeAndSignature(s, q.Get(c.lit.Date), q.Get(c.lit.Signature))
}

// readCredential splits "<id>/<date>/<scope>.../<suffix>".
func (c *signatureCheck) readCredential(s *signed, cred string) error {
	parts := strings.Split(cred, "/")
	if len(parts) < 3 || parts[0] == "" {
		return errors.New("malformed credential: want <access key ID>/<date>/.../" + c.lit.ScopeSuffix)
	}
	if parts[len(parts)-1] != c.lit.ScopeSuffix {
		return errors.New("credential scope does not end with " + c.lit.ScopeSuffix)
	}
	s.keyID, s.date = parts[0], parts[1]
	s.scopes = parts[2 : len(parts)-1]
	s.scope = cred[len(parts[0])+1:]
	return nil
}

// readTimeAndSignature reads the signing time, which must fall on the
// credential's date, and the hex signature.
func (c *signatureCheck) readTimeAndSignature(s *signed, date, sig string) error {
	t, err := time.ParseInLocation(sigTimeFormat, date, time.UTC)
	if err != nil {
		return fmt.Errorf("%s: want the signing time as %s", c.lit.Date, sigTimeFormat)
	}
	if t.Format(sigDateFormat) != s.date {
		return errors.New("the signing time is not on the credential's date")
	}
	s.at = t
	if s.signature, err = hex.DecodeString(sig); err != nil || len(s.signature) != sha256.Size {
		return errors.New("malformed signature: want 64 hex digits")
	}
	return nil
}

// bodyHash returns the hex SHA-256 of the body, or UNSIGNED-PAYLOAD when
// the body is not signed. A streamed body is read into memory (up to
// 64 MiB) and stays available to the filters after.
func (c *signatureCheck) bodyHash(req *httpprot.Request) (string, error) {
	if c.excludeBody {
		return unsignedPayload, nil
	}
	var body []byte
	if req.IsBodyStream() {
		var err error
		if body, err = readBodyStream(req.Request, maxSignedBody); err != nil {
			return "", err
		}
	} else {
		body = req.Body()
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:]), nil
}

// canonicalRequest builds the canonical form of the request: method,
// URI, query, signed headers, their names and the body hash, one per
// line.
func (c *signatureCheck) canonicalRequest(req *httpprot.Request, s *signed, bodyHash string) []byte {
	var b bytes.Buffer
	b.Write(req.Header.Method())
	b.WriteByte('\n')
	writeCanonicalURI(&b, req.URI().PathOriginal())
	b.WriteByte('\n')
	b.WriteString(c.canonicalQuery(s))
	b.WriteByte('\n')
	for _, name := range strings.Split(s.signedHeaders, ";") {
		b.WriteString(name)
		b.WriteByte(':')
		if name == "host" {
			b.WriteString(canonicalHost(req))
		} else {
			for i, v := range req.Header.PeekAll(name) {
				if i > 0 {
					b.WriteByte(',')
				}
				writeCanonicalValue(&b, v)
			}
		}
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(s.signedHeaders)
	b.WriteByte('\n')
	b.WriteString(bodyHash)
	return b.Bytes()
}

// canonicalQuery encodes the query sorted by name and value, without the
// signature, and with the presigning parameters only for a presigned URL.
func (c *signatureCheck) canonicalQuery(s *signed) string {
	q := s.query
	q.Del(c.lit.Signature)
	if !s.presigned {
		for _, name := range []string{c.lit.AlgorithmName, c.lit.Credential, c.lit.Date, c.lit.Expires, c.lit.SignedHeaders} {
			q.Del(name)
		}
	}
	for _, v := range q {
		sort.Strings(v)
	}
	return q.Encode()
}

// sign computes the signature: the signing key is derived from the
// secret by HMAC over the date, each scope and the suffix, and signs the
// algorithm, the time, the scope and the hash of the canonical request.
func (c *signatureCheck) sign(secret string, s *signed, canonical []byte) []byte {
	key := hmacSum([]byte(c.lit.SigningKeyPrefix+secret), []byte(s.date))
	for _, sc := range s.scopes {
		key = hmacSum(key, []byte(sc))
	}
	key = hmacSum(key, []byte(c.lit.ScopeSuffix))
	sum := sha256.Sum256(canonical)
	toSign := c.lit.AlgorithmValue + "\n" + s.at.Format(sigTimeFormat) + "\n" + s.scope + "\n" + hex.EncodeToString(sum[:])
	return hmacSum(key, []byte(toSign))
}

func hmacSum(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}

// writeCanonicalURI writes the path as sent, "/" when empty, with every
// byte but letters, digits, '-', '.', '_', '~' and '/' percent-encoded
// (so a '%' of the sent path is encoded again, as AWS does).
func writeCanonicalURI(b *bytes.Buffer, path []byte) {
	if len(path) == 0 {
		b.WriteByte('/')
		return
	}
	const hexDigits = "0123456789ABCDEF"
	for _, ch := range path {
		if unreserved(ch) || ch == '/' {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[ch>>4])
		b.WriteByte(hexDigits[ch&0xf])
	}
}

func unreserved(ch byte) bool {
	return ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '.' || ch == '_' || ch == '~'
}

// writeCanonicalValue writes a header value without leading and trailing
// spaces and with runs of spaces made one.
func writeCanonicalValue(b *bytes.Buffer, v []byte) {
	v = bytes.Trim(v, " ")
	space := false
	for _, ch := range v {
		if ch == ' ' {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteByte(ch)
	}
}

// canonicalHost returns the Host header without the scheme's default
// port.
func canonicalHost(req *httpprot.Request) string {
	host := string(req.Header.Host())
	if host == "" {
		host = string(req.URI().Host())
	}
	colon, bracket := strings.LastIndexByte(host, ':'), strings.LastIndexByte(host, ']')
	if colon > bracket {
		port := host[colon+1:]
		scheme := string(req.URI().Scheme())
		if port == "" || (port == "80" && scheme == "http") || (port == "443" && scheme == "https") {
			host = host[:colon]
		}
	}
	return host
}
