// Package standard registers every built-in kind into registry.Default. A
// full gateway build blank-imports it:
//
//	import _ "github.com/gatewright/gatewright/registry/standard"
//
// A build that wants fewer kinds imports the kinds' own packages instead.
package standard

import (
	// Object kinds.
	_ "github.com/gatewright/gatewright/gateway/httpserver"
	_ "github.com/gatewright/gatewright/pipeline"

	// Filter kinds.
	_ "github.com/gatewright/gatewright/filter/mock"
	_ "github.com/gatewright/gatewright/filter/proxy"
	_ "github.com/gatewright/gatewright/filter/requestadaptor"
	_ "github.com/gatewright/gatewright/filter/responseadaptor"
)
