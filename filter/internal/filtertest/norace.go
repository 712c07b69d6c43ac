//go:build !race

package filtertest

// RaceEnabled reports whether the race detector is on. It makes
// sync.Pool drop items at random, so allocation counts are not
// meaningful then: allocation assertions skip themselves.
const RaceEnabled = false
