package signer

// scheme is a Literal prepared for the request path.
type scheme struct {
	lit Literal
	// headerDrop lists the scheme's query parameters, URI-encoded: a
	// request signed in its Authorization header leaves them out of its
	// canonical query.
	headerDrop []string
	// presignDrop lists the signature parameter, URI-encoded: a presigned
	// URL leaves only it out of its canonical query.
	presignDrop []string
}

func newScheme(l Literal) scheme {
	enc := func(s string) string {
		var b []byte
		for i := 0; i < len(s); i++ {
			b = appendEscaped(b, s[i])
		}
		return string(b)
	}
	return scheme{
		lit: l,
		headerDrop: []string{enc(l.Signature), enc(l.AlgorithmName), enc(l.Credential), enc(l.Date),
			enc(l.Expires), enc(l.SignedHeaders)},
		presignDrop: []string{enc(l.Signature)},
	}
}
