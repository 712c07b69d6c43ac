package standard_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/internal/testkit"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// FuzzBuildObjects loads arbitrary documents and validates every object
// the way the admin API and gwctl apply do (Supervisor.Validate: decode,
// then build the object without starting it: the HTTPServer's routing
// compile, the Pipeline's flow compile with every filter kind). It checks
// that nothing panics, that an error names the object, and that an object
// that validates validates again from the JSON form the store keeps.
func FuzzBuildObjects(f *testing.F) {
	for _, s := range testkit.ConfigSeeds(f) {
		f.Add([]byte(s))
	}
	sup := supervisor.New(supervisor.Config{
		Registry: registry.Default,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		specs, err := supervisor.ParseDocuments(data)
		if err != nil {
			return
		}
		for _, s := range specs {
			err := sup.Validate(s)
			if err != nil {
				if !strings.HasPrefix(err.Error(), s.Ref()+": ") || len(err.Error()) == len(s.Ref())+2 {
					t.Fatalf("error does not name the object %s: %q", s.Ref(), err)
				}
				continue
			}
			doc, err := s.Document()
			if err != nil {
				t.Fatalf("%s: %v", s.Ref(), err)
			}
			back, err := supervisor.ParseDocument(doc)
			if err != nil {
				t.Fatalf("%s: stored form does not parse: %v\n%s", s.Ref(), err, doc)
			}
			if err := sup.Validate(back); err != nil {
				t.Fatalf("%s: valid, but its stored form is not: %v\n%s", s.Ref(), err, doc)
			}
		}
	})
}
