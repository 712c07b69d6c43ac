// Package statusinlocal is the StatusInLocalController, the worked example
// of writing a gatewright object (after the business controller of
// Easegress's developer guide): every few seconds it writes the status of
// every object of the node, as JSON, to a local file.
//
//	kind: StatusInLocalController
//	name: status-file
//	path: /var/lib/gatewright/status.json
//	interval: 5s
package statusinlocal

import (
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/gatewright/gatewright/supervisor"
)

// KindName is the kind of the controller in documents.
const KindName = "StatusInLocalController"

// Kind is the StatusInLocalController object kind.
var Kind = &supervisor.Kind{
	Name:        KindName,
	Description: "Writes the status of every object to a local file every few seconds.",
	Category:    supervisor.BusinessController,
	DefaultSpec: func() any { return &Spec{Interval: durationOf(DefaultInterval)} },
	New:         newController,
}

func init() { supervisor.Register(Kind) }

// Controller is a running StatusInLocalController.
type Controller struct {
	spec     *supervisor.Spec
	cfg      *Spec
	statuses supervisor.StatusReader
	log      *slog.Logger

	stop chan struct{}
	done chan struct{}

	writes    atomic.Int64
	lastWrite atomic.Int64           // unix nanoseconds of the last good write
	lastErr   atomic.Pointer[string] // last failed write, nil after a good one
}

var _ supervisor.Object = (*Controller)(nil)

func newController(spec *supervisor.Spec, env *supervisor.Env) (supervisor.Object, error) {
	cfg, ok := spec.Body.(*Spec)
	if !ok {
		return nil, fmt.Errorf("spec body is %T, want *statusinlocal.Spec", spec.Body)
	}
	if env == nil || env.Statuses == nil {
		return nil, errors.New("needs the supervisor's status reader (Env.Statuses)")
	}
	return &Controller{spec: spec, cfg: cfg, statuses: env.Statuses, log: env.Log()}, nil
}

// Spec returns the spec the controller was created from.
func (c *Controller) Spec() *supervisor.Spec { return c.spec }

// Init writes the file once, so a path that cannot be written fails the
// start, then keeps writing it every interval.
func (c *Controller) Init() error {
	if err := c.write(); err != nil {
		return err
	}
	c.stop, c.done = make(chan struct{}), make(chan struct{})
	go c.loop()
	return nil
}

// Inherit carries the write count over and starts writing; the previous
// generation stops when the supervisor closes it.
func (c *Controller) Inherit(previous supervisor.Object) error {
	if prev, ok := previous.(*Controller); ok {
		c.writes.Store(prev.writes.Load())
	}
	return c.Init()
}

// loop writes the file every interval until Close.
func (c *Controller) loop() {
	defer close(c.done)
	t := time.NewTicker(c.cfg.Interval.D())
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			if err := c.write(); err != nil {
				c.log.Warn("writing the status file", "path", c.cfg.Path, "error", err)
			}
		}
	}
}

// Close stops writing. The file keeps the last snapshot.
func (c *Controller) Close() error {
	if c.stop == nil {
		return nil
	}
	close(c.stop)
	<-c.done
	c.stop = nil
	return nil
}

// Status is the controller's own status.
type Status struct {
	// Path is the file written.
	Path string `json:"path"`
	// Writes counts the good writes.
	Writes int64 `json:"writes"`
	// LastWrite is the time of the last good write.
	LastWrite time.Time `json:"lastWrite,omitzero"`
	// Error is the last write's error, if it failed.
	Error string `json:"error,omitempty"`
}

// Status reports the writes. It reads only atomics: the controller's own
// loop calls it through the supervisor.
func (c *Controller) Status() any {
	st := Status{Path: c.cfg.Path, Writes: c.writes.Load()}
	if ns := c.lastWrite.Load(); ns != 0 {
		st.LastWrite = time.Unix(0, ns).UTC()
	}
	if e := c.lastErr.Load(); e != nil {
		st.Error = *e
	}
	return st
}
