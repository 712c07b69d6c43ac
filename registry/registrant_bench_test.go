package registry_test

import (
	"strconv"
	"testing"

	"github.com/gatewright/gatewright/registry"
)

// BenchmarkRegister measures a registration, which now walks the stack to
// record the registering package (init-time cost, not per request).
func BenchmarkRegister(b *testing.B) {
	names := make([]string, b.N)
	for i := range names {
		names[i] = "K" + strconv.Itoa(i)
	}
	r := registry.New()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.Register(registry.FilterClass, kind{name: names[i], def: newLimit})
	}
}
