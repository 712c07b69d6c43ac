package supervisor

import "go.opentelemetry.io/otel/trace"

// SetTracerProvider sets the tracer provider handed to objects in their
// Env (nil turns tracing off). Call it before Start: objects built before
// keep what they had.
func (s *Supervisor) SetTracerProvider(tp trace.TracerProvider) {
	s.mu.Lock()
	s.cfg.TracerProvider = tp
	s.mu.Unlock()
}
