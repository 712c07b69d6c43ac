package supervisor_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/supervisor"
)

// refuseQuickly parses input and checks it is refused with an error
// containing want, within a second and without growing the heap by more
// than 256 MiB.
func refuseQuickly(t *testing.T, input, want string) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := supervisor.ParseDocuments([]byte(input))
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("accepted")
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not say %q", err, want)
	}
	if len(err.Error()) > 2000 {
		t.Fatalf("error is %d bytes long", len(err.Error()))
	}
	if took > 5*time.Second {
		t.Fatalf("took %v", took)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 1<<30 {
		t.Fatalf("allocated %d MiB", grown>>20)
	}
}

func TestParseDocumentsRefusesAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("kind: Pipeline\nname: lol\nlol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		refs := strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*lol%d, ", i-1), 10), ", ")
		fmt.Fprintf(&b, "lol%d: &lol%d [%s]\n", i, i, refs)
	}
	refuseQuickly(t, b.String(), "aliases expand the document beyond")
}

func TestParseDocumentsRefusesManyAliasesOfALargeValue(t *testing.T) {
	var b strings.Builder
	b.WriteString("kind: Pipeline\nname: big\nbig: &big \"" + strings.Repeat("x", 1<<20) + "\"\nrefs: [")
	b.WriteString(strings.Repeat("*big, ", 200))
	b.WriteString("]\n")
	refuseQuickly(t, b.String(), "aliases expand the document beyond")
}

func TestParseDocumentsRefusesDeepNesting(t *testing.T) {
	refuseQuickly(t, strings.Repeat("[", 1<<16), "nested deeper than 100 levels")
	refuseQuickly(t, "kind: A\nname: a\nx: "+strings.Repeat(`{"a": `, 1000)+"1"+strings.Repeat("}", 1000), "document 1 (from line 1): line 3: nested deeper than 100 levels")
	refuseQuickly(t, "kind: A\nname: a\nx:\n"+strings.Repeat("- ", 5000)+"x\n", "nested deeper than 100 levels")
}

func TestParseDocumentsRefusesOversizeInput(t *testing.T) {
	refuseQuickly(t, "kind: A\nname: a\nx: \""+strings.Repeat("y", supervisor.MaxInputBytes)+"\"\n", "more than the limit of")
}

func TestParseDocumentsAcceptsModestAliases(t *testing.T) {
	specs, err := supervisor.ParseDocuments([]byte("kind: A\nname: a\nbase: &b {x: 1}\nuse: *b\nmerged: {<<: *b, y: 2}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(specs[0].Fields); !strings.Contains(got, `"use":{"x":1}`) {
		t.Fatalf("fields %s", got)
	}
}
