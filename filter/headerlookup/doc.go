// Package headerlookup provides the HeaderLookup filter: it sets request
// headers from items of the cluster's shared data, chosen by the value of
// a request header.
//
//	{name: tenant-info, kind: HeaderLookup, headerKey: X-Tenant, etcdPrefix: tenants, headerSetters: [{etcdKey: plan, headerKey: X-Plan}]}
//
// # Data
//
// Easegress keeps such data in etcd under a prefix; gatewright keeps it in
// its replicated store under the data prefix ("data/"). etcdPrefix names
// the group of items, a custom-data kind: with etcdPrefix "tenants" (or
// "/tenants/"), the item for header value "acme" is the store key
// "data/tenants/acme". Its value is a YAML or JSON object; each
// headerSetter copies the field etcdKey into the request header
// headerKey. Strings are copied as they are, numbers and booleans as
// written, other values as JSON; a field that is missing or null sets
// nothing, and a value holding CR, LF or NUL is skipped.
//
//	gwctl data put tenants/acme '{plan: gold, quota: 1000}'   # or g.Store().Put(ctx, "data/tenants/acme", ...)
//
// With pathRegExp, the first capture group of the expression, matched
// against the request path, is appended to the header value with a dash:
// header "acme" and path "/v2/orders" with pathRegExp "^/(v[0-9]+)/" look
// up the item "acme-v2".
//
// A request without the header, or whose item does not exist, goes on
// unchanged. The filter declares no result.
//
// # Cache
//
// The request path never reads the store: the filter loads every item of
// its prefix when it starts (failing to start if the store cannot be
// read) and reloads them every refreshInterval (5s by default; a
// gatewright addition to the Easegress fields) in the background,
// swapping in the new table at once. A failed reload keeps the previous
// table and is reported in the filter's status. Changes to the data show
// within one refresh interval.
//
// A lookup allocates nothing unless pathRegExp is set.
package headerlookup
