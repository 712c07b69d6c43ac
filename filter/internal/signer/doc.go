// Package signer is the one implementation of Easegress's request
// signing scheme (its Signer), which the Validator's signature check
// verifies and the RequestAdaptor's sign field applies. It is AWS
// Signature Version 4 with configurable wire names: with AWS4Literal and
// scopes [region, service] it is SigV4 itself.
//
// A signature is computed in four steps, all shared by Signer and
// Verifier:
//
//  1. The canonical request: the method; the path as sent, URI-encoded
//     (every byte but letters, digits, '-', '.', '_', '~' and '/'), so a
//     '%' of the path is encoded again, except for S3 (EncodePathOnce);
//     the query, each name and value decoded and URI-encoded again (a
//     space as %20), sorted by name then value, without the scheme's own
//     parameters; the signed headers, lower-case "name:value" lines
//     sorted by name, values trimmed with runs of spaces made one and a
//     repeated header's values joined with ','; the signed header names
//     joined with ';'; and the hex SHA-256 of the body (or
//     UNSIGNED-PAYLOAD with excludeBody).
//  2. The string to sign: algorithmValue, the signing time
//     (yyyymmddThhmmssZ), the credential scope
//     (date/scopes.../scopeSuffix) and the hex SHA-256 of the canonical
//     request, one per line.
//  3. The signing key: HMAC-SHA256 keyed with signingKeyPrefix+secret
//     over the date, then each scope element, then scopeSuffix, each
//     step keyed with the previous result.
//  4. The signature: the hex HMAC-SHA256 of the string to sign under the
//     signing key, sent as
//     "<algorithmValue> Credential=<key ID>/<scope>, SignedHeaders=<names>, Signature=<hex>"
//     in Authorization, with the signing time in the date header.
//
// A Signer signs host and every header of the request except
// Authorization, User-Agent, ignoredHeaders and the headers that change
// on the way to the upstream (hop-by-hop headers, Content-Length,
// X-Forwarded-For/-Proto/-Host, traceparent); it sets the content hash
// header (contentSha256) to the body hash, so that it is signed too. It
// caches the signing key of the current date: a signature costs one
// HMAC, and no allocation in steady state. A Verifier takes the signed
// header list from the request, checks ttl and a presigned URL's
// lifetime, and also accepts a query signed with spaces written '+', as
// Easegress's signer writes them.
package signer
