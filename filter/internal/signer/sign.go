package signer

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// Signer signs requests with one access key, in their Authorization
// header. It is safe for concurrent use.
type Signer struct {
	scheme
	keyID       string
	secret      string
	scopes      []string
	ignored     []string // lower case
	excludeBody bool
	decodePath  bool

	day     atomic.Pointer[signingDay] // the key of the last date signed on
	scratch scratchPool
}

// SignerOptions are a Signer's settings besides its spec.
type SignerOptions struct {
	// Literal holds the wire names (the spec's, or a provider's).
	Literal Literal
	// Scopes are the credential scope's elements between the date and
	// the suffix, such as region and service for AWS.
	Scopes []string
	// EncodePathOnce decodes the path before encoding it into the
	// canonical URI, as S3 expects, instead of encoding it again.
	EncodePathOnce bool
}

// NewSigner returns a Signer for a spec that passed ValidateSigning.
func NewSigner(spec *SignerSpec, opt SignerOptions) *Signer {
	return &Signer{
		scheme:      newScheme(opt.Literal),
		keyID:       spec.AccessKeyID,
		secret:      spec.AccessKeySecret,
		scopes:      append([]string(nil), opt.Scopes...),
		ignored:     lowerNames(spec.IgnoredHeaders),
		excludeBody: spec.ExcludeBody,
		decodePath:  opt.EncodePathOnce,
	}
}

// Sign signs req as of now. It sets the date header to the signing time
// and the content hash header to the body hash (UNSIGNED-PAYLOAD with
// excludeBody), then signs the method, the URI, the query, host and every
// other header (see unsigned for the exceptions, and ignoredHeaders) and
// the body hash, and sets Authorization. A streamed body is read into
// memory to be hashed. It fails, leaving Authorization as it was, when the
// body cannot be read or the query holds a malformed escape.
func (s *Signer) Sign(req *fasthttp.Request, now time.Time) error {
	sc := s.scratch.get()
	defer s.scratch.put(sc)
	var err error
	if sc.hash, err = appendBodyHash(sc.hash[:0], req, s.excludeBody); err != nil {
		return err
	}
	sc.stamp = appendStamp(sc.stamp[:0], now)
	req.Header.SetBytesV(s.lit.ContentSHA256, sc.hash)
	req.Header.SetBytesV(s.lit.Date, sc.stamp)
	if sc.canon, _, err = sc.appendRequestHead(sc.canon[:0], req, s.headerDrop, false, s.decodePath); err != nil {
		return fmt.Errorf("malformed query: %v", err)
	}
	sc.collectHeaders(req, s.ignored)
	var names []byte
	sc.canon, names = sc.appendCollectedHeaders(sc.canon)
	sc.canon = appendRequestTail(sc.canon, names, sc.hash)
	day := s.signingDay(sc.stamp[:dateLen])
	sc.out = appendStringToSign(sc.out[:0], s.lit.AlgorithmValue, sc.stamp, day.scope, sc.canon)
	sc.sum = day.appendSignature(sc.sum[:0], sc.out)
	sc.out = appendAuthorization(sc.out[:0], s.lit.AlgorithmValue, s.keyID, day.scope, names, sc.sum)
	req.Header.SetBytesV(authorization, sc.out)
	return nil
}

// signingDay returns the signing key of date, deriving it on the first
// signature of the day.
func (s *Signer) signingDay(date []byte) *signingDay {
	if d := s.day.Load(); d != nil && string(d.date[:]) == string(date) {
		return d
	}
	d := newSigningDay(s, date)
	s.day.Store(d)
	return d
}
