// Package certextractor provides the CertExtractor filter: it copies a
// field of the client's TLS certificate into a request header, so that an
// upstream behind the gateway learns who the client is.
//
//	{name: client-cn, kind: CertExtractor, certIndex: 0, target: subject, field: CommonName, headerKey: X-Client-CN}
//
// The certificate is taken from the chain the client presented on the
// request's TLS connection (an HTTPServer with https and caCertBase64
// asks for one): certIndex 0 is the client's own certificate, 1 the next
// one, and negative values count from the end (-1 is the last). As in
// Easegress, an index beyond the chain wraps around it. target picks the
// certificate's subject or issuer name, and field one of its attributes:
// Country, Organization, OrganizationalUnit, Locality, Province,
// StreetAddress, PostalCode, SerialNumber or CommonName. Each non-empty
// value is added to the request header headerKey, one header value each.
//
// Whatever the client itself sent in headerKey is removed first, also
// when the connection carries no certificate (plain HTTP, or TLS without
// a client certificate): otherwise a client could claim any identity by
// sending the header. This differs from Easegress, which appends to the
// client's values; give two CertExtractors different header keys.
//
// The filter never fails and declares no result.
package certextractor
