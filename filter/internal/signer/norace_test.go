//go:build !race

package signer

// raceEnabled reports whether the race detector is on.
const raceEnabled = false
