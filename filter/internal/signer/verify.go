package signer

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

var (
	errNoSignature       = errors.New("the request is not signed")
	errSignatureMismatch = errors.New("signature does not match")
	errSignatureExpired  = errors.New("signature expired")
	errUnknownAccessKey  = errors.New("unknown access key ID")
)

// Verifier verifies request signatures made with any of its access keys,
// given in the Authorization header or, for a presigned URL, in the
// query. It is safe for concurrent use.
type Verifier struct {
	scheme
	secrets     map[string]string
	ttl         time.Duration
	excludeBody bool
	scratch     scratchPool
}

// NewVerifier returns a Verifier for a spec that passed
// ValidateVerifying.
func NewVerifier(spec *SignerSpec) *Verifier {
	return &Verifier{scheme: newScheme(spec.LiteralOrDefault()), secrets: spec.AccessKeys, ttl: spec.TTL.D(), excludeBody: spec.ExcludeBody}
}

// signed is what a signed request claims.
type signed struct {
	keyID         string
	scope         string   // date/scopes.../suffix
	scopes        []string // the elements between the date and the suffix
	date          string   // yyyymmdd of the scope
	stamp         string   // the signing time as sent
	at            time.Time
	signedHeaders string
	signature     []byte
	presigned     bool
	expires       time.Duration
}

// Verify checks the signature of req as of now: its time (within ttl of
// now, and a presigned URL not expired), its access key, and the
// signature itself, computed over the request as the Signer does. A
// streamed body is read into memory to be hashed.
func (v *Verifier) Verify(req *fasthttp.Request, now time.Time) error {
	var s signed
	var err error
	if auth := req.Header.Peek(authorization); len(auth) > 0 {
		err = v.fromHeader(&s, string(auth), string(req.Header.Peek(v.lit.Date)))
	} else {
		err = v.fromQuery(&s, req.URI().QueryString())
	}
	if err != nil {
		return err
	}
	age := now.Sub(s.at)
	if v.ttl > 0 && (age > v.ttl || age < -v.ttl) {
		return errSignatureExpired
	}
	if s.presigned && age > s.expires {
		return errSignatureExpired
	}
	secret, ok := v.secrets[s.keyID]
	if !ok {
		return errUnknownAccessKey
	}
	sc := v.scratch.get()
	defer v.scratch.put(sc)
	if sc.hash, err = appendBodyHash(sc.hash[:0], req, v.excludeBody); err != nil {
		return err
	}
	key := deriveKey(v.lit.SigningKeyPrefix, secret, []byte(s.date), s.scopes, v.lit.ScopeSuffix)
	match, space, err := v.matches(sc, req, &s, key, false)
	if err != nil {
		return fmt.Errorf("malformed query: %v", err)
	}
	if !match && space {
		// Easegress's signer writes a space of the query as '+'.
		match, _, _ = v.matches(sc, req, &s, key, true)
	}
	if !match {
		return errSignatureMismatch
	}
	return nil
}

// matches computes the signature of req with key and compares it with
// the claimed one. It reports whether the query held a space.
func (v *Verifier) matches(sc *scratch, req *fasthttp.Request, s *signed, key []byte, plus bool) (bool, bool, error) {
	drop := v.headerDrop
	if s.presigned {
		drop = v.presignDrop
	}
	var space bool
	var err error
	if sc.canon, space, err = sc.appendRequestHead(sc.canon[:0], req, drop, plus, false); err != nil {
		return false, false, err
	}
	sc.canon = appendNamedHeaders(sc.canon, req, s.signedHeaders)
	sc.canon = appendRequestTail(sc.canon, s.signedHeaders, sc.hash)
	sc.out = appendStringToSign(sc.out[:0], v.lit.AlgorithmValue, []byte(s.stamp), []byte(s.scope), sc.canon)
	return hmac.Equal(hmacSum(key, sc.out), s.signature), space, nil
}

// fromHeader reads the Authorization header and the date header.
func (v *Verifier) fromHeader(s *signed, auth, date string) error {
	cred, names, sig, ok := parseAuthorization(auth, v.lit.AlgorithmValue)
	if !ok {
		return fmt.Errorf("malformed Authorization header: want %q with Credential, SignedHeaders and Signature", v.lit.AlgorithmValue)
	}
	if err := v.readCredential(s, cred); err != nil {
		return err
	}
	s.signedHeaders = names
	return v.readTimeAndSignature(s, date, sig)
}

// fromQuery reads a presigned URL's parameters.
func (v *Verifier) fromQuery(s *signed, raw []byte) error {
	get := func(name string) string { val, _ := queryValue(raw, name); return val }
	alg := get(v.lit.AlgorithmName)
	if alg == "" {
		return errNoSignature
	}
	if alg != v.lit.AlgorithmValue {
		return fmt.Errorf("query parameter %s: unsupported algorithm", v.lit.AlgorithmName)
	}
	if err := v.readCredential(s, get(v.lit.Credential)); err != nil {
		return err
	}
	secs, err := strconv.ParseUint(get(v.lit.Expires), 10, 32)
	if err != nil {
		return fmt.Errorf("query parameter %s: want the lifetime in seconds", v.lit.Expires)
	}
	s.presigned, s.expires = true, time.Duration(secs)*time.Second
	s.signedHeaders = get(v.lit.SignedHeaders)
	return v.readTimeAndSignature(s, get(v.lit.Date), get(v.lit.Signature))
}

// readCredential splits "<id>/<date>/<scope>.../<suffix>".
func (v *Verifier) readCredential(s *signed, cred string) error {
	parts := strings.Split(cred, "/")
	if len(parts) < 3 || parts[0] == "" {
		return errors.New("malformed credential: want <access key ID>/<date>/.../" + v.lit.ScopeSuffix)
	}
	if parts[len(parts)-1] != v.lit.ScopeSuffix {
		return errors.New("credential scope does not end with " + v.lit.ScopeSuffix)
	}
	s.keyID, s.date = parts[0], parts[1]
	s.scopes = parts[2 : len(parts)-1]
	s.scope = cred[len(parts[0])+1:]
	return nil
}

// readTimeAndSignature reads the signing time, which must fall on the
// credential's date, and the hex signature.
func (v *Verifier) readTimeAndSignature(s *signed, date, sig string) error {
	t, err := time.ParseInLocation(timeFormat, date, time.UTC)
	if err != nil {
		return fmt.Errorf("%s: want the signing time as %s", v.lit.Date, timeFormat)
	}
	if t.Format("20060102") != s.date {
		return errors.New("the signing time is not on the credential's date")
	}
	s.at, s.stamp = t, date
	if s.signature, err = hex.DecodeString(sig); err != nil || len(s.signature) != sha256.Size {
		return errors.New("malformed signature: want 64 hex digits")
	}
	return nil
}
