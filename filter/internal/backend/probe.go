package backend

import "time"

// ProbeLoop runs round at once and then every interval until stop is
// closed, and closes done when it returns. Run it in its own goroutine.
func ProbeLoop(interval time.Duration, stop <-chan struct{}, done chan<- struct{}, round func()) {
	defer close(done)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		round()
		select {
		case <-stop:
			return
		case <-ticker.C:
		}
	}
}
