// Package registry registers every kind of this plugin module: a build
// blank-imports it, and only it.
package registry

import (
	// HeaderCounter filter.
	_ "github.com/gatewright/gatewright/examples/plugin/headercounter"
)
