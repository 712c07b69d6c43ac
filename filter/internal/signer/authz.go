package signer

import "strings"

// The Authorization header of a signed request:
//
//	<algorithm> Credential=<key ID>/<scope>, SignedHeaders=<names>, Signature=<hex>
const (
	authorization   = "Authorization"
	credentialKey   = "Credential="
	signedHeaderKey = "SignedHeaders="
	signatureKey    = "Signature="
)

// appendAuthorization appends the Authorization value of a signature.
func appendAuthorization(dst []byte, algorithm, keyID string, scope, names, sig []byte) []byte {
	dst = append(dst, algorithm...)
	dst = append(dst, ' ')
	dst = append(dst, credentialKey...)
	dst = append(dst, keyID...)
	dst = append(dst, '/')
	dst = append(dst, scope...)
	dst = append(dst, ", "...)
	dst = append(dst, signedHeaderKey...)
	dst = append(dst, names...)
	dst = append(dst, ", "...)
	dst = append(dst, signatureKey...)
	return appendHex(dst, sig)
}

// parseAuthorization splits an Authorization value of algorithm into the
// credential, the signed header names and the hex signature. Spaces
// around the three parts are allowed.
func parseAuthorization(auth, algorithm string) (cred, names, sig string, ok bool) {
	alg, rest, found := strings.Cut(auth, " ")
	if !found || alg != algorithm {
		return "", "", "", false
	}
	parts := strings.Split(rest, ",")
	if len(parts) != 3 {
		return "", "", "", false
	}
	cred, ok1 := strings.CutPrefix(strings.TrimSpace(parts[0]), credentialKey)
	names, ok2 := strings.CutPrefix(strings.TrimSpace(parts[1]), signedHeaderKey)
	sig, ok3 := strings.CutPrefix(strings.TrimSpace(parts[2]), signatureKey)
	return cred, names, sig, ok1 && ok2 && ok3
}
