// Package requestadaptor provides the RequestAdaptor filter: it edits the
// request of the current namespace in place.
//
//	{name: to-v2, kind: RequestAdaptor, host: api.internal, path: {trimPrefix: /public}, header: {del: [Cookie], set: {X-Api-Version: "2"}}}
//
// The edits run in this order: method, path (one rewrite of
// pathadaptor.Spec: replace, addPrefix, trimPrefix or regexpReplace, the
// first non-empty one), header (del, then set, then add), body (replaces
// the body and drops Content-Encoding), host (header and URI), then
// compress or decompress (gzip only). compress leaves a body that already
// has a Content-Encoding alone; decompress acts only on a gzip body.
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
// (undeclared, as in Easegress: unless the flow handles it, it ends the
// pipeline).
//
// # Results
//
// "compressFailed" when the body cannot be read to be compressed (a
// failing body stream, or one past adapt.MaxBodySize); "decompressFailed"
// when a gzip body is not valid gzip or inflates past adapt.MaxBodySize.
//
// The sign field of Easegress (request signing) is not implemented: a
// spec that has it is refused as an unknown field.
//
// # Cost
//
// Without a template the filter prepares every name and value as []byte
// when it is created: method, host, header edits and replace/prefix path
// rewrites do not allocate per request. Bodies are copied into the
// request's pooled buffer; compression allocates the new body.
package requestadaptor
