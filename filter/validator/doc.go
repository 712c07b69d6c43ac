// Package validator provides the Validator filter: it rejects requests
// that fail a check.
//
//	{name: gate, kind: Validator, jwt: {algorithm: HS256, secret: "73757065722d736563726574", cookieName: session}}
//
// The configured checks run in the order headers, jwt, signature, oauth2,
// basicAuth; the first that fails writes a response with its status (400
// for headers, 401 for the others, basicAuth adding a WWW-Authenticate
// challenge), tags the request with the check and the reason, and returns
// the result "invalid". At least one check must be configured.
//
//   - headers: each named header must be present and each of its values
//     listed in values or matching regexp.
//   - jwt: a token from the cookie cookieName, else from
//     "Authorization: Bearer", signed with exactly the configured
//     algorithm (HS256/384/512, RS256/384/512, ES256/384/512, EdDSA) by
//     the configured key: secret (hex) for HS, publicKey (hex of a PEM
//     public key) or a JWKS URL for the others. Every other algorithm,
//     "none" included, is refused before a key is looked at, which rules
//     out algorithm confusion. exp and nbf are checked when present;
//     issuer, audiences, requireExp and leeway are gatewright extensions.
//     JWKS keys are fetched at Init, kept in memory, fetched again in the
//     background past cacheTTL, and fetched on demand (at most one fetch
//     at a time, at most one every min(cacheTTL, 10s)) when a token names
//     an unknown kid.
//   - signature: Easegress's HMAC-SHA256 request signature, in the style
//     of AWS Signature Version 4, from the Authorization header or a
//     presigned URL's query, verified with accessKeys. The scheme has one
//     implementation, package filter/internal/signer, which the
//     RequestAdaptor's sign uses to sign: what it signs verifies here.
//   - oauth2: a bearer token checked by RFC 7662 introspection or as an
//     HMAC-signed JWT; X-Authenticated-Userid and X-Authenticated-Scope are
//     replaced with its subject and scope.
//   - basicAuth: users from an htpasswd file (FILE) or from the cluster
//     store's data (ETCD, Easegress's name), held in memory and read again
//     every refreshInterval by a goroutine; X-AUTH-USER is set to the
//     user. Hashes: bcrypt, SHA-crypt, MD5-crypt, {SHA}, {SSHA}. A
//     password that matched is remembered, as an HMAC under a random key,
//     until the users change, so the slow hash is not paid per request.
//     LDAP mode binds to an LDAP server as uid=<user>,<baseDN> (the
//     user name escaped, an empty password refused without a bind) over
//     LDAPS or StartTLS, verifying the certificate unless insecure. A
//     successful bind is remembered for cacheTTL under an HMAC of user
//     and password; at most maxConnections binds are in flight, over
//     pooled connections, and a verification that is not cached takes
//     at most timeout, waiting for a connection included.
//
// The request path never reads a file or the store and, apart from token
// introspection (one call per request, or per token and cacheTTL when
// tokenIntrospect.cacheTTL is set), a JWKS fetch for an unknown key
// and an LDAP bind for credentials not in the cache, makes no network
// call. A passing headers check and a cached LDAP verification allocate
// nothing; JWT verification allocates what the golang-jwt parser needs
// (about 60 allocations for an HS256 token).
//
// Secrets (jwt.secret, signature.accessKeys and accessKeySecret, the
// oauth2 client secret, basic credentials and JWT secret, basicAuth's
// LDAP client key) are tagged secret:"true" and never appear in the
// filter's status.
package validator
