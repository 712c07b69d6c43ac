// Package globalfilter provides the GlobalFilter object: a before flow
// and an after flow run around every pipeline of the HTTP servers that
// name it in their globalFilter field.
//
//	kind: GlobalFilter
//	name: common-auth
//	beforePipeline: {filters: [{name: key, kind: Validator, headers: {X-Api-Key: {regexp: "^k_"}}}]}
//	afterPipeline: {filters: [{name: stamp, kind: ResponseAdaptor, header: {set: {X-Edge: "1"}}}]}
//	fallthrough: {pipeline: true}
//
// beforePipeline and afterPipeline are pipeline bodies (flow, filters,
// resilience, data), compiled and validated like a Pipeline's; at least
// one is required. Per request the server runs, on one filter context:
//
//  1. the before flow; if it ended early (it reached END, explicitly or
//     by a jump, or stopped on a result no jumpIf handles) the request
//     ends there unless fallthrough.beforePipeline is true;
//  2. the routed pipeline; if it ended early the request ends there
//     unless fallthrough.pipeline is true;
//  3. the after flow.
//
// The response the flows leave in the DEFAULT namespace is sent, as for a
// pipeline alone. A server naming a GlobalFilter that does not exist (or
// an object of another kind) runs its pipelines alone, and picks the
// GlobalFilter up as soon as it is created: the name is resolved per
// request, so documents may be applied in any order.
//
// Updates keep filter state: a new generation hands each filter of its
// flows the filter of the same name and kind of the previous generation,
// like a Pipeline. Requests in flight finish on the generation they
// started on.
package globalfilter
