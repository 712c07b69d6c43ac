// Package adapt holds the spec types and their compiled forms that several
// built-in filters share:
//
//   - StringMatcher (exact, prefix, regex, empty) and HeaderMatch, a set of
//     header conditions built from a map of them (Mock rules, Proxy pool
//     filters);
//   - HeaderSpec, Easegress's httpheader.AdaptSpec: header edits applied
//     del, then set, then add;
//   - PathSpec, Easegress's pathadaptor.Spec: one path rewrite;
//   - gzip helpers that compress or decompress a request or response body
//     and keep Content-Encoding and Content-Length in step.
//
// Each spec type is decoded from a filter document by the registry and has
// a Validate method that the filter's own Validate calls (wrap its error
// with At to name the field path). Compile turns a valid spec into a value
// that works on fasthttp requests and responses without allocating: names
// and values are kept as []byte and regular expressions are compiled once.
// Compiled values are immutable and safe for concurrent use.
package adapt
