// Package redirector provides the Redirector filter: it answers with a
// 3xx redirect when a regular expression rewrite changes part of the
// request URL.
//
//	{name: legacy, kind: Redirector, match: "^/item/([0-9]+)$", matchPart: path, replacement: "/items/$1", statusCode: 308}
//
// matchPart picks what match is run against, as the request sent it
// (percent-encoded):
//
//   - uri (the default): path and query, "/item/7?color=red";
//   - path: the path alone; the query is kept and appended to the
//     rewritten path;
//   - full: the whole URL, "https://shop.example/item/7?color=red".
//
// Every match in the part is replaced with replacement, in which $1 or
// ${1} stand for capture groups and ${name} for named ones (Go's
// regexp.Expand; write ${1}x rather than $1x). When the result differs
// from the part, it becomes the Location of a reply with statusCode (301
// by default; 302, 303, 304, 307 and 308 are also allowed) and the filter
// returns "redirected", which ends the pipeline unless a jumpIf routes
// it. When nothing matches, or the rewrite changes nothing, the filter
// returns "" and the request goes on.
//
// A prefix redirect is a pattern anchored at the start:
// match "^/old/(.*)$", matchPart path, replacement "/new/$1" moves
// everything under /old/ and keeps the query.
//
// A request that does not match costs one regular expression match and
// allocates nothing; building a redirect allocates the new location.
package redirector
