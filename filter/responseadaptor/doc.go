// Package responseadaptor provides the ResponseAdaptor filter: it edits
// the response of the current namespace.
//
//	{name: brand, kind: ResponseAdaptor, header: {set: {Server: gatewright}, del: [X-Powered-By]}}
//
// The edits run in this order: header (del, then set, then add), body
// (replaces the body and drops Content-Encoding, which no longer
// describes it), then compress or decompress (gzip only). compress leaves
// a body that already has a Content-Encoding alone; decompress acts only
// on a gzip body.
//
// # Template
//
// template is a Go text/template (delimiters leftDelim / rightDelim,
// "{{" and "}}" by default) that yields a YAML document with the keys
// header (shaped as the header field) and body. Each key the template
// yields wins over the static field of the same name; keys it leaves out
// fall back to the static fields. The template sees this data (package
// filter/internal/tmpl documents it in full):
//
//	.namespace               current namespace name
//	.response                current response: .StatusCode .Header
//	                         (.Header.Get "X") .Body (string), and .JSONBody
//	.request                 current namespace's request (.Method .Path
//	                         .Query .Header .Body ...), or nil
//	.responses.<namespace>   Easegress style (.responses.DEFAULT.StatusCode);
//	                         the current namespace's and DEFAULT's
//	.requests.<namespace>    the current namespace's request
//	.data.PIPELINE.<key>     pipeline data (empty until filters receive it)
//
// A template that fails to execute or yields an invalid document makes
// the filter return "buildErr" (declared here; Easegress returns it
// undeclared).
//
// # Results
//
// "responseNotFound" when the namespace has no response yet;
// "compressFailed" when the body cannot be read to be compressed (a
// failing body stream, or one past adapt.MaxBodySize);
// "decompressFailed" when a gzip body is not valid gzip or inflates past
// adapt.MaxBodySize.
//
// # Cost
//
// Without a template, header edits are prepared as []byte when the filter
// is created and do not allocate per request; a static body is copied
// into the response's pooled buffer; compression allocates the new body.
package responseadaptor
