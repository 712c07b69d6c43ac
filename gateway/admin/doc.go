// Package admin is the admin REST API of a gatewright node: an
// http.Handler (New) and its own listener (Listen), separate from the
// traffic gates.
//
// Paths follow Easegress v2's admin API where it has an equivalent, under
// the prefix /apis/v2:
//
//	GET    /objects[?kind=K]        list stored objects
//	POST   /objects                 create (every document must be new)
//	PUT    /objects                 apply: create or update, all or nothing
//	GET    /objects/{name}          one object
//	PUT    /objects/{name}          update (replace) an existing object
//	DELETE /objects/{name}          delete
//	GET    /object-kinds            names of the object kinds
//	GET    /object-api-resources    object kinds with their names for clients
//	GET    /kinds[?class=C]         every kind: description, results, schema
//	GET    /kinds/{name}            one kind
//	GET    /kinds/{name}/schema     the JSON Schema of a whole document
//	GET    /status/objects          object status, every node
//	GET    /status/objects/{name}   one object's status, every node
//	GET    /status/node/objects     object status of this node only
//	GET    /status/members          cluster members
//	GET    /healthz, /readyz        liveness and readiness
//	GET    /version                 build version
//	GET    /metrics                 Prometheus metrics
//	GET    /logs/level, PUT         the log level, changeable at run time
//	GET    /debug/pprof/...         Go profiles
//
// /healthz, /readyz and /metrics are also served at the root.
//
// Responses are JSON, or YAML when the request accepts application/yaml
// (and not JSON first); every error is application/problem+json with a
// stable type (see ProblemType), the status and a detail naming the object
// and field. Writes return the store revision in the X-Config-Version
// header; a write may send If-Match with the revision its edit was based
// on (from X-Config-Version or an object's ETag) and is refused with 409
// stale-revision when an object it touches changed after it.
//
// Secrets never leave the API: every secret field of a document (spec
// fields tagged `secret:"true"`, see registry.RedactedMarker) is replaced
// by "<redacted>" in listings, and any secret value is scrubbed from
// statuses. A document written back with "<redacted>" in a secret field
// keeps the stored secret, so get, edit and apply round-trip; a marker in a
// field that has no stored value is refused.
//
// Every endpoint requires the configured credentials (bearer tokens, basic
// auth users or client certificates). Without any, the API only answers
// clients on loopback addresses, and Listen refuses a non-loopback address
// unless Insecure is set.
package admin
