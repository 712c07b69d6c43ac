package httpserver

// startTracing gives a starting generation the tracer provider of its own
// tracing spec, if it has one, and makes its snapshot (not yet published)
// trace with it. The provider is prev's when prev (nil for Init) owns one
// built from an identical spec, so an update that changes only routes
// keeps it; prev then no longer owns it. Otherwise a new one is built.
// undo reverses this if the start fails later: an adopted provider goes
// back to prev, a new one is shut down.
func (s *Server) startTracing(prev *Server) (undo func(), err error) {
	t := s.body.Tracing
	if t == nil {
		return func() {}, nil
	}
	var st *serverTracing
	if prev != nil {
		prev.mu.Lock()
		if prev.tracing.sameSpec(t) {
			st, prev.tracing = prev.tracing, nil
		}
		prev.mu.Unlock()
	}
	adopted := st != nil
	if !adopted {
		if st, err = newServerTracing(t); err != nil {
			return nil, err
		}
	}
	s.snap.ops.useTracing(st)
	s.mu.Lock()
	s.tracing = st
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.tracing = nil
		s.mu.Unlock()
		if adopted {
			prev.mu.Lock()
			prev.tracing = st
			prev.mu.Unlock()
			return
		}
		if err := st.shutdown(); err != nil {
			s.log.Warn("tracing of a server that failed to start", "error", err)
		}
	}, nil
}
