// Package headertojson provides the HeaderToJSON filter: it copies
// request headers into fields of the JSON request body.
//
//	{name: h2j, kind: HeaderToJSON, headerMap: [{header: X-User-Id, json: userId}]}
//
// For each entry of headerMap whose header the request carries (with a
// non-empty first value), the field named json gets the header's value
// as a string. When none of the headers is present the request is left
// alone. Otherwise:
//
//   - an empty body becomes a JSON object of those fields (and the request
//     gets Content-Type: application/json if it had none);
//   - a JSON object gets the fields, replacing fields of the same name;
//   - a JSON array gets them in each of its elements, which must all be
//     objects.
//
// Anything else (invalid JSON, a scalar, an array holding a non-object)
// leaves the body untouched and returns "jsonEncodeDecodeErr". A streamed
// request body (a route with clientMaxBodySize -1) is not read: the filter
// returns "bodyReadErr". Numbers keep their exact text; the fields of the
// rewritten body come out in sorted order. Content-Length follows the new
// body.
//
// A request carrying none of the headers costs a header lookup per entry
// and allocates nothing; rewriting a body allocates for the JSON work.
package headertojson
