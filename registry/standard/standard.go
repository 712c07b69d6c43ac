// Package standard registers every built-in kind into registry.Default. A
// full gateway build blank-imports it:
//
//	import _ "github.com/gatewright/gatewright/registry/standard"
//
// A build that wants fewer kinds imports the kinds' own packages instead.
package standard

import (
	// Object kinds.
	_ "github.com/gatewright/gatewright/gateway/globalfilter"
	_ "github.com/gatewright/gatewright/gateway/httpserver"
	_ "github.com/gatewright/gatewright/pipeline"

	// Filter kinds.
	_ "github.com/gatewright/gatewright/filter/certextractor"
	_ "github.com/gatewright/gatewright/filter/compression"
	_ "github.com/gatewright/gatewright/filter/corsadaptor"
	_ "github.com/gatewright/gatewright/filter/fallback"
	_ "github.com/gatewright/gatewright/filter/fileserver"
	_ "github.com/gatewright/gatewright/filter/headerlookup"
	_ "github.com/gatewright/gatewright/filter/headertojson"
	_ "github.com/gatewright/gatewright/filter/ipfilter"
	_ "github.com/gatewright/gatewright/filter/mock"
	_ "github.com/gatewright/gatewright/filter/proxy"
	_ "github.com/gatewright/gatewright/filter/ratelimiter"
	_ "github.com/gatewright/gatewright/filter/redirector"
	_ "github.com/gatewright/gatewright/filter/remotefilter"
	_ "github.com/gatewright/gatewright/filter/requestadaptor"
	_ "github.com/gatewright/gatewright/filter/responseadaptor"
	_ "github.com/gatewright/gatewright/filter/validator"
	_ "github.com/gatewright/gatewright/filter/websocketproxy"

	// Resilience policy kinds.
	_ "github.com/gatewright/gatewright/filter/policy/circuitbreaker"
	_ "github.com/gatewright/gatewright/filter/policy/retry"
)
