package headerlookup

import (
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
)

// HeaderLookup declares no result: a jumpIf on any other key than ""
// is refused when the pipeline is loaded, and a pipeline without a store
// does not start.
func TestPipelineResults(t *testing.T) {
	const filter = `{"name": "l", "kind": "HeaderLookup", "headerKey": "X-T", "etcdPrefix": "t", "headerSetters": [{"etcdKey": "p", "headerKey": "X-P"}]}`
	if _, err := filtertest.NewPipeline(t, `{"flow": [{"filter": "l", "jumpIf": {"notFound": "END"}}], "filters": [`+filter+`]}`, Kind); err == nil ||
		!strings.Contains(err.Error(), `does not declare result "notFound"`) {
		t.Fatalf("an undeclared result must be refused: %v", err)
	}
	if _, err := filtertest.NewPipeline(t, `{"filters": [`+filter+`]}`, Kind); err == nil || !strings.Contains(err.Error(), "needs the cluster store") {
		t.Fatalf("a pipeline without a store: %v", err)
	}
}
