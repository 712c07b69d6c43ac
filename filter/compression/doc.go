// Package compression compresses HTTP response bodies with gzip or brotli,
// chosen by the client's Accept-Encoding, and provides the Compression
// filter.
//
//	{name: squeeze, kind: Compression, minLength: 1024, contentTypes: ["text/*", "application/json"]}
//
// # The filter
//
// Placed after the filter that produces the response (a Proxy, say), the
// Compression filter compresses the response of the current namespace
// when all of these hold:
//
//   - the request's Accept-Encoding accepts one of encodings (br and gzip
//     by default); q-values are honoured, "*" counts, q=0 refuses, and
//     among equally weighted codings the order of encodings wins;
//   - the response has no Content-Encoding yet (nothing is compressed
//     twice), no Cache-Control: no-transform, a status with a body other
//     than 206, and a Content-Type matching contentTypes (media types,
//     one '*' wildcard each; "*" alone matches any type, including none);
//   - the body is in memory and at least minLength bytes long (1024 by
//     default); a streamed body (past the Proxy's serverMaxBodySize, or of
//     unknown length) is passed on as it is, since its bytes can only be
//     read once, by the writer that sends it;
//   - the request is not a HEAD request.
//
// A compressed response gets Content-Encoding, a new Content-Length, a
// weak ETag (W/ added to a strong one) and no Accept-Ranges. Every response
// that passes the content checks, compressed or not, gets
// Vary: Accept-Encoding so that caches keep the variants apart. A body
// that would not get smaller is left uncompressed. The filter declares no
// result.
//
// # The Compressor
//
// Compressor does the work and is meant to be shared: a Proxy can build
// one from Options for its own compression option and call Compress on
// each reply it buffers, or NewReader to compress a reply it streams
// before installing the stream. Writers and output buffers are pooled per
// Compressor: compressing a buffered body allocates nothing once the pools
// are warm.
package compression
