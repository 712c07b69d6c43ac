// Package requestadaptor provides the RequestAdaptor filter: it edits the
// request of the current namespace in place, then may sign it.
//
//	{name: to-v2, kind: RequestAdaptor, host: api.internal, path: {trimPrefix: /public}, header: {del: [Cookie], set: {X-Api-Version: "2"}}}
//
// The edits run in this order: method, path (one rewrite of
// pathadaptor.Spec: replace, addPrefix, trimPrefix or regexpReplace, the
// first non-empty one), header (del, then set, then add), body (replaces
// the body and drops Content-Encoding), host (header and URI), then
// compress or decompress (gzip only), then sign. compress leaves a body
// that already has a Content-Encoding alone; decompress acts only on a
// gzip body.
//
// # Template
//
// template is a Go text/template (delimiters leftDelim / rightDelim,
// "{{" and "}}" by default) that yields a YAML document with the keys
// method, path, header, body and host, shaped as the static fields. Each
// key the template yields wins over the static field of the same name;
// the keys it leaves out fall back to the static fields. The template
// sees this data (package filter/internal/tmpl documents it in full):
//
//	.namespace               current namespace name
//	.request                 current request: .Method .Scheme .Host .Path
//	                         .Query (raw) .URL .Header (.Header.Get "X")
//	                         .Body (string) .RealIP, and .JSONBody
//	.response                current namespace's response (.StatusCode
//	                         .Header .Body), or nil
//	.requests.<namespace>    the request, Easegress style (.requests.DEFAULT.Path)
//	.responses.<namespace>   responses of the current namespace and DEFAULT
//	.data.PIPELINE.<key>     pipeline data (empty until filters receive it)
//
// Helpers: default, upper, lower, trim, trimPrefix, trimSuffix, replace,
// contains, hasPrefix, hasSuffix, quote, toJson, b64enc, b64dec (sprig
// names; sprig itself is not bundled). A template that fails to execute
// or yields an invalid document makes the filter return "buildErr"
// (Easegress returns it undeclared; here it is declared, so that jumpIf
// can route it).
//
// # Signing
//
// sign is Easegress's Signer (accessKeyId and accessKeySecret, which are
// required; literal, excludeBody, ignoredHeaders; ttl, accessKeys and
// headerHoisting are accepted and unused) with apiProvider and scopes:
//
//	sign: {apiProvider: aws4, scopes: [us-east-1, s3], accessKeyId: AKID, accessKeySecret: SECRET}
//
// The request, as edited, is signed with the one implementation of the
// scheme that the Validator's signature check verifies (package
// filter/internal/signer documents the canonical request): the date
// header and the content hash header (the body's SHA-256, or
// UNSIGNED-PAYLOAD with excludeBody) are set, then Authorization, over
// the method, path, query, body hash, host and the other headers but
// Authorization, User-Agent, ignoredHeaders and the headers that change
// on the way to the upstream (hop-by-hop ones, Content-Length,
// X-Forwarded-*, traceparent). apiProvider aws4 makes it AWS Signature
// Version 4: AWS's wire names (X-Amz-Date, X-Amz-Content-Sha256,
// AWS4-HMAC-SHA256, aws4_request, the AWS4 key prefix), scopes
// [region, service], and for service s3 the path encoded once into the
// canonical URI. A literal other than AWS's is refused with aws4
// (Easegress replaces it silently). headerHoisting only matters to
// presigned URLs, which the filter does not make; Easegress's aws4 preset
// of it is therefore moot. Unlike Easegress's signer, a content hash
// header sent by the client is replaced, not trusted.
//
// # Results
//
// "compressFailed" when the body cannot be read to be compressed (a
// failing body stream, or one past adapt.MaxBodySize); "decompressFailed"
// when a gzip body is not valid gzip or inflates past adapt.MaxBodySize;
// "signFailed" when the request cannot be signed: its body stream fails
// or passes 64 MiB, or its query has a malformed escape. Easegress returns
// signFailed undeclared; here it is declared, so that jumpIf can route it.
//
// # Cost
//
// Without a template the filter prepares every name and value as []byte
// when it is created: method, host, header edits and replace/prefix path
// rewrites do not allocate per request. Bodies are copied into the
// request's pooled buffer; compression allocates the new body. Signing
// allocates nothing either: the signing key is derived once a day, and
// a signature costs two SHA-256 sums and one HMAC (see BenchmarkSign).
package requestadaptor
