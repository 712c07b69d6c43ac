package headerlookup

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

// faultyReader serves fixed items and fails on demand. Lookups are tested
// against a real gateway and its store (e2e_test.go); this double injects
// read failures, which a healthy store does not produce, and feeds the
// allocation test and the benchmark.
type faultyReader struct {
	items map[string][]byte
	fail  atomic.Bool
	lists atomic.Int64
}

var errStoreDown = errors.New("store unavailable")

func (r *faultyReader) Get(_ context.Context, key string) ([]byte, bool, error) {
	if r.fail.Load() {
		return nil, false, errStoreDown
	}
	v, ok := r.items[key]
	return v, ok, nil
}

func (r *faultyReader) List(_ context.Context, prefix string) (map[string][]byte, error) {
	r.lists.Add(1)
	if r.fail.Load() {
		return nil, errStoreDown
	}
	out := map[string][]byte{}
	for k, v := range r.items {
		if strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	return out, nil
}

// newFilter builds and initialises a HeaderLookup on store.
func newFilter(t testing.TB, fields string, store filter.DataReader) (*HeaderLookup, error) {
	t.Helper()
	body, err := filtertest.Decode(Kind, fields)
	if err != nil {
		t.Fatal(err)
	}
	f := Kind.New(&filter.Spec{Name: "f", Kind: Kind, Pipeline: "p", Body: body,
		Env: &filter.Env{Logger: slog.New(slog.DiscardHandler), Store: store}}).(*HeaderLookup)
	if err := f.Init(); err != nil {
		return f, err
	}
	t.Cleanup(func() { _ = f.Close() })
	return f, nil
}

const lookupSpec = `{"headerKey": "X-Tenant", "etcdPrefix": "tenants", "pathRegExp": "^/(v[0-9]+)/",
	"headerSetters": [{"etcdKey": "plan", "headerKey": "X-Plan"}], "refreshInterval": "100ms"}`

func lookup(f *HeaderLookup, path, tenant string) string {
	req := &fasthttp.Request{}
	req.SetRequestURI(path)
	if tenant != "" {
		req.Header.Set("X-Tenant", tenant)
	}
	req.Header.Set("X-Plan", "forged")
	ctx := filtertest.Detached(req)
	defer ctx.Finish()
	f.Handle(ctx)
	return string(req.Header.Peek("X-Plan"))
}

func TestInitNeedsStore(t *testing.T) {
	if _, err := newFilter(t, lookupSpec, nil); err == nil || !strings.Contains(err.Error(), "needs the cluster store") {
		t.Fatalf("no store: %v", err)
	}
	down := &faultyReader{}
	down.fail.Store(true)
	if _, err := newFilter(t, lookupSpec, down); err == nil || !strings.Contains(err.Error(), "loading tenants/ from the store: store unavailable") {
		t.Fatalf("failing store: %v", err)
	}
}

func TestFailedReloadKeepsTable(t *testing.T) {
	store := &faultyReader{items: map[string][]byte{"tenants/acme": []byte("plan: gold")}}
	f, err := newFilter(t, lookupSpec, store)
	if err != nil {
		t.Fatal(err)
	}
	store.fail.Store(true)
	deadline := time.Now().Add(filtertest.Timeout)
	for f.Status().(Status).Error == "" {
		if time.Now().After(deadline) {
			t.Fatal("the failed reload was never reported")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := lookup(f, "/", "acme"); got != "gold" {
		t.Fatalf("after a failed reload: %q", got)
	}
	if st := f.Status().(Status); st.Items != 1 || !strings.Contains(st.Error, "store unavailable") {
		t.Fatalf("status %+v", st)
	}
	store.fail.Store(false)
	for f.Status().(Status).Error != "" {
		if time.Now().After(deadline) {
			t.Fatal("the error was not cleared by a good reload")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCloseStopsReload(t *testing.T) {
	store := &faultyReader{items: map[string][]byte{}}
	f, err := newFilter(t, lookupSpec, store)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	n := store.lists.Load()
	time.Sleep(300 * time.Millisecond) // three intervals
	if store.lists.Load() != n {
		t.Fatal("reloads went on after Close")
	}
	if err := f.Close(); err != nil {
		t.Fatal("a second Close must be harmless")
	}
}

func TestLookupAllocs(t *testing.T) {
	filtertest.SkipAllocsUnderRace(t)
	store := &faultyReader{items: map[string][]byte{"tenants/acme": []byte("plan: gold")}}
	f, err := newFilter(t, `{"headerKey": "X-Tenant", "etcdPrefix": "tenants", "headerSetters": [{"etcdKey": "plan", "headerKey": "X-Plan"}]}`, store)
	if err != nil {
		t.Fatal(err)
	}
	req := &fasthttp.Request{}
	req.SetRequestURI("/orders")
	req.Header.Set("X-Tenant", "acme")
	ctx := filter.NewContext()
	now := time.Now()
	once := func() {
		ctx.ResetDetached(req, nil, now)
		f.Handle(ctx)
		ctx.Finish()
	}
	once()
	if string(req.Header.Peek("X-Plan")) != "gold" {
		t.Fatal("no lookup")
	}
	if n := testing.AllocsPerRun(200, once); n != 0 {
		t.Errorf("a lookup allocates %v", n)
	}
}

func BenchmarkLookup(b *testing.B) {
	items := map[string][]byte{}
	for _, name := range []string{"acme", "beta", "gamma", "delta", "epsilon"} {
		items["tenants/"+name] = []byte("plan: gold\nquota: 100\n")
	}
	f, err := newFilter(b, `{"headerKey": "X-Tenant", "etcdPrefix": "tenants",
		"headerSetters": [{"etcdKey": "plan", "headerKey": "X-Plan"}, {"etcdKey": "quota", "headerKey": "X-Quota"}]}`, &faultyReader{items: items})
	if err != nil {
		b.Fatal(err)
	}
	req := &fasthttp.Request{}
	req.SetRequestURI("/orders")
	req.Header.Set("X-Tenant", "gamma")
	ctx := filter.NewContext()
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		ctx.ResetDetached(req, nil, now)
		f.Handle(ctx)
		ctx.Finish()
	}
}
