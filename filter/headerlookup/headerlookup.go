package headerlookup

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatewright/gatewright/filter"
)

// KindName is the HeaderLookup filter's kind name.
const KindName = "HeaderLookup"

// loadTimeout bounds one read of the items.
const loadTimeout = 10 * time.Second

// Kind is the HeaderLookup filter kind.
var Kind = &filter.Kind{
	Name:        KindName,
	Description: "HeaderLookup sets request headers from shared data items named by a request header.",
	DefaultSpec: newSpec,
	New:         newHeaderLookup,
}

func init() { filter.Register(Kind) }

// HeaderLookup is a running HeaderLookup filter.
type HeaderLookup struct {
	filter.Base
	spec   *Spec
	prefix string
	re     *regexp.Regexp
	err    error

	table atomic.Pointer[table]
	state atomic.Pointer[Status]

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

var _ filter.Filter = (*HeaderLookup)(nil)

// Status is what the admin API shows of a HeaderLookup.
type Status struct {
	// Items is how many items set headers.
	Items int `json:"items"`
	// Loaded is when the table was last loaded.
	Loaded time.Time `json:"loaded"`
	// Skipped lists the items left out of the last load and why.
	Skipped []string `json:"skipped,omitempty"`
	// Error is the error of the last reload, if it failed; the previous
	// table is kept then.
	Error string `json:"error,omitempty"`
}

func newHeaderLookup(spec *filter.Spec) filter.Filter {
	h := &HeaderLookup{Base: filter.NewBase(spec)}
	s, ok := spec.Body.(*Spec)
	if !ok {
		h.err = fmt.Errorf("headerlookup: spec body is %T, want *headerlookup.Spec", spec.Body)
		return h
	}
	if h.err = s.Validate(); h.err != nil {
		return h
	}
	h.spec, h.prefix = s, dataPrefix(s.EtcdPrefix)
	if s.PathRegExp != "" {
		h.re = regexp.MustCompile(s.PathRegExp)
	}
	return h
}

// Validate reports a spec the filter could not be built from.
func (h *HeaderLookup) Validate() error { return h.err }

// Init loads the items and starts reloading them in the background. It
// fails when there is no store or the store cannot be read.
func (h *HeaderLookup) Init() error {
	if h.err != nil {
		return h.err
	}
	store := h.store()
	if store == nil {
		return errors.New("HeaderLookup needs the cluster store, and this pipeline runs without one")
	}
	if err := h.load(store); err != nil {
		return fmt.Errorf("loading %s from the store: %w", h.prefix, err)
	}
	h.stop, h.done = make(chan struct{}), make(chan struct{})
	go h.refresh(store)
	return nil
}

// Inherit is Init: the items are loaded afresh, so a changed prefix or
// setters take effect at once.
func (h *HeaderLookup) Inherit(filter.Filter) error { return h.Init() }

// Close stops the background reload.
func (h *HeaderLookup) Close() error {
	h.closeOnce.Do(func() {
		if h.stop != nil {
			close(h.stop)
			<-h.done
		}
	})
	return nil
}

// Status reports the table and the last reload.
func (h *HeaderLookup) Status() any {
	if st := h.state.Load(); st != nil {
		return *st
	}
	return Status{}
}

func (h *HeaderLookup) store() filter.DataReader {
	if env := h.Spec().Env; env != nil {
		return env.Store
	}
	return nil
}

// load reads every item and swaps in the new table.
func (h *HeaderLookup) load(store filter.DataReader) error {
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	defer cancel()
	items, err := store.List(ctx, h.prefix)
	if err != nil {
		return err
	}
	t, skipped := buildTable(items, h.prefix, h.spec.HeaderSetters)
	h.table.Store(&t)
	h.state.Store(&Status{Items: len(t), Loaded: time.Now(), Skipped: skipped})
	if len(skipped) > 0 {
		h.Log().Warn("data items left out", "prefix", h.prefix, "items", strings.Join(skipped, "; "))
	}
	return nil
}

// refresh reloads the items every interval until Close.
func (h *HeaderLookup) refresh(store filter.DataReader) {
	defer close(h.done)
	tick := time.NewTicker(h.spec.RefreshInterval.D())
	defer tick.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-tick.C:
		}
		if err := h.load(store); err != nil {
			prev := h.Status().(Status)
			prev.Error = err.Error()
			h.state.Store(&prev)
			h.Log().Warn("reloading data items failed; keeping the previous ones", "prefix", h.prefix, "error", err)
		}
	}
}

// maxKey bounds the lookup key built on the stack.
const maxKey = 256

// Handle sets the headers of the item named by the request; it always
// returns "".
func (h *HeaderLookup) Handle(ctx *filter.Context) string {
	req := ctx.Request()
	if !req.Valid() {
		return ""
	}
	value := req.Header.Peek(h.spec.HeaderKey)
	t := h.table.Load()
	if len(value) == 0 || t == nil {
		return ""
	}
	var buf [maxKey]byte
	key := value
	if h.re != nil {
		if m := h.re.FindSubmatchIndex(req.URI().Path()); len(m) >= 4 {
			path := req.URI().Path()
			key = append(append(append(buf[:0], value...), '-'), groupOf(path, m)...)
		}
	}
	headers, ok := (*t)[string(key)]
	if !ok {
		return ""
	}
	for i := range headers {
		req.Header.SetBytesKV(headers[i].name, headers[i].value)
	}
	return ""
}

// groupOf returns the first group of a FindSubmatchIndex result; empty
// when the group did not take part in the match.
func groupOf(s []byte, m []int) []byte {
	if m[2] < 0 {
		return nil
	}
	return s[m[2]:m[3]]
}
