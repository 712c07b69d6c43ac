// Package gatewright is an embeddable SDK for building custom API gateways.
//
// A gateway built with gatewright is a small main package that imports the
// kinds it wants (filters such as Proxy or Mock, objects such as HTTPServer)
// and hands control to the gateway package:
//
//	package main
//
//	import (
//		"github.com/gatewright/gatewright/gateway"
//		_ "github.com/gatewright/gatewright/registry/standard"
//	)
//
//	func main() { gateway.Main() }
//
// The packages, from the bottom up:
//
//   - registry: the catalogue of kinds with their JSON Schemas. Kinds
//     register into a Registry value; registry.Default collects init-time
//     registrations made by blank imports.
//   - protocols and protocols/httpprot: request and response types; HTTP is
//     carried by github.com/valyala/fasthttp.
//   - filter: the Filter contract, filter kinds and the per-request Context;
//     one sub-package per built-in filter.
//   - pipeline: the Pipeline object that runs a flow of filters with jumpIf.
//   - supervisor: the Object contract and the Supervisor that turns stored
//     specs into running objects, applying each change as a delta.
//   - cluster: the configuration store replicated with hashicorp/raft.
//   - gateway: wires store, supervisor and traffic gates into a node; Main
//     runs a ready binary.
//
// Specs are YAML or JSON documents with kind and name beside the kind's own
// fields, in the vocabulary of Easegress v2, so existing Easegress HTTP
// configuration loads unchanged. Decoding is strict: unknown fields are
// errors that name the object and the field path.
//
// Requests are traced with OpenTelemetry: by the node (the Node document's
// tracing, or gateway.WithTracerProvider), or by an HTTPServer with a
// tracing block of its own (its exporter, sampler, resource and W3C or B3
// headers), which then replaces the node's for that server.
package gatewright
