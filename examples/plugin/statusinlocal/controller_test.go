package statusinlocal_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/examples/plugin/statusinlocal"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

func TestSpecErrors(t *testing.T) {
	reg := registry.New()
	reg.Register(registry.ObjectClass, statusinlocal.Kind)
	e, err := reg.Lookup(registry.ObjectClass, statusinlocal.KindName)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, in, wantErr string
		wantInterval      time.Duration
	}{
		{name: "defaults", in: `{"path": "/tmp/s.json"}`, wantInterval: statusinlocal.DefaultInterval},
		{name: "interval", in: `{"path": "/tmp/s.json", "interval": "250ms"}`, wantInterval: 250 * time.Millisecond},
		{name: "no path", in: `{}`, wantErr: `required field "path" is missing`},
		{name: "empty path", in: `{"path": ""}`, wantErr: "path"},
		{name: "short interval", in: `{"path": "s.json", "interval": "10ms"}`, wantErr: "interval: must be at least 100ms"},
		{name: "bare number", in: `{"path": "s.json", "interval": 5}`, wantErr: "interval"},
		{name: "unknown field", in: `{"path": "s.json", "every": "1s"}`, wantErr: `unknown field "every"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := e.DecodeSpec([]byte(c.in))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want it to mention %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := v.(*statusinlocal.Spec).Interval.D(); got != c.wantInterval {
				t.Fatalf("interval %v, want %v", got, c.wantInterval)
			}
		})
	}
}

// build creates a controller with a real supervisor (without a store) as
// its status reader.
func build(t *testing.T, doc string) supervisor.Object {
	t.Helper()
	reg := registry.New()
	reg.Register(registry.ObjectClass, statusinlocal.Kind)
	sup := supervisor.New(supervisor.Config{Registry: reg})
	spec, err := supervisor.ParseDocument([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	obj, _, err := sup.Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

func TestInitFailsOnAPathItCannotWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing-dir", "status.json")
	obj := build(t, "kind: StatusInLocalController\nname: s\npath: "+path+"\n")
	err := obj.Init()
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Init: %v, want an error naming %s", err, path)
	}
	if err := obj.Close(); err != nil {
		t.Fatalf("Close after a failed Init: %v", err)
	}
}

func TestWritesEveryIntervalAndStopsOnClose(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "status.json")
	obj := build(t, "kind: StatusInLocalController\nname: s\ninterval: 100ms\npath: "+path+"\n")
	if err := obj.Init(); err != nil {
		t.Fatal(err)
	}
	first := readFile(t, path)
	deadline := time.Now().Add(20 * time.Second)
	for obj.Status().(statusinlocal.Status).Writes < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("status %+v: the file was not rewritten", obj.Status())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if later := readFile(t, path); !later.Time.After(first.Time) {
		t.Fatalf("snapshot time did not move: %v then %v", first.Time, later.Time)
	}
	next := build(t, "kind: StatusInLocalController\nname: s\ninterval: 1h\npath: "+path+"\n")
	if err := next.Inherit(obj); err != nil {
		t.Fatal(err)
	}
	if err := obj.Close(); err != nil {
		t.Fatal(err)
	}
	st := next.Status().(statusinlocal.Status)
	if st.Writes < 4 || st.Error != "" || st.Path != path {
		t.Fatalf("after Inherit: %+v, want the writes carried over plus one", st)
	}
	if err := next.Close(); err != nil {
		t.Fatal(err)
	}
	// Nothing writes any more: no temporary files are left behind either.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "status.json" {
		t.Fatalf("directory holds %v, want only status.json", entries)
	}
}

func readFile(t *testing.T, path string) statusinlocal.File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f statusinlocal.File
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, data)
	}
	return f
}
