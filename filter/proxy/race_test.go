//go:build race

package proxy

// raceEnabled reports that the race detector, which allocates, is on.
const raceEnabled = true
