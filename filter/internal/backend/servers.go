package backend

import (
	"fmt"
	"strconv"

	"github.com/gatewright/gatewright/registry"
)

// CheckServers checks a pool's server list: at least one server, none
// nil, every URL accepted by parse, and weights given to all servers or to
// none. fields returns a server's URL and weight. Errors carry field paths
// relative to the pool ("servers", "servers[i].url").
func CheckServers[S any](servers []*S, fields func(*S) (url string, weight int), parse func(url string) error) error {
	if len(servers) == 0 {
		return fieldError("servers", "at least one server is required")
	}
	weighted := 0
	for i, srv := range servers {
		path := "servers[" + strconv.Itoa(i) + "]"
		if srv == nil {
			return fieldError(path, "must be an object")
		}
		u, weight := fields(srv)
		if err := parse(u); err != nil {
			return fieldError(path+".url", "%v", err)
		}
		if weight > 0 {
			weighted++
		}
	}
	if weighted != 0 && weighted != len(servers) {
		return fieldError("servers", "weights must be given to all servers or to none (%d of %d have one)", weighted, len(servers))
	}
	return nil
}

// Tagged returns the servers that have any of the wanted tags, or all of
// them when wanted is empty. tags returns a server's tags.
func Tagged[S any](servers []*S, tags func(*S) []string, wanted []string) []*S {
	if len(wanted) == 0 {
		return servers
	}
	var out []*S
	for _, s := range servers {
		if hasAnyTag(tags(s), wanted) {
			out = append(out, s)
		}
	}
	return out
}

func hasAnyTag(tags, wanted []string) bool {
	for _, t := range tags {
		for _, w := range wanted {
			if t == w {
				return true
			}
		}
	}
	return false
}

// fieldError returns a registry.FieldError at path.
func fieldError(path, format string, args ...any) error {
	return registry.FieldError{Path: path, Reason: fmt.Sprintf(format, args...)}
}
