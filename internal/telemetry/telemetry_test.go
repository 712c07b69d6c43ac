package telemetry

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func TestTraceparentRoundTrip(t *testing.T) {
	in := "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	sc, ok := ParseTraceparent([]byte(in))
	if !ok || !sc.IsSampled() || !sc.IsRemote() || sc.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Fatalf("parsed %v %v", sc, ok)
	}
	if out := string(AppendTraceparent(nil, sc)); out != in {
		t.Fatalf("formatted %s", out)
	}
	for _, bad := range []string{
		"", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
		"00-00000000000000000000000000000000-00f067aa0ba902b7-01", // zero trace id
		"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper case
		"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
	} {
		if _, ok := ParseTraceparent([]byte(bad)); ok {
			t.Errorf("accepted %q", bad)
		}
	}
	// A later version may append fields.
	if _, ok := ParseTraceparent([]byte("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-x")); !ok {
		t.Error("future version refused")
	}
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() {
		sc, _ := ParseTraceparent([]byte(in))
		buf = AppendTraceparent(buf[:0], sc)
	}); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}

func TestHistogram(t *testing.T) {
	var h, old Histogram
	h.Observe(300 * time.Microsecond)
	h.Observe(20 * time.Millisecond)
	old.Observe(time.Minute)
	h.Merge(&old)
	desc := prometheus.NewDesc("x_seconds", "x", []string{"l"}, nil)
	var m dto.Metric
	if err := h.Metric(desc, "v").Write(&m); err != nil {
		t.Fatal(err)
	}
	hist := m.GetHistogram()
	if hist.GetSampleCount() != 3 || hist.GetSampleSum() < 60 || hist.GetSampleSum() > 60.1 {
		t.Fatalf("count %d sum %v", hist.GetSampleCount(), hist.GetSampleSum())
	}
	for _, b := range hist.GetBucket() {
		switch b.GetUpperBound() {
		case 0.0005:
			if b.GetCumulativeCount() != 1 {
				t.Errorf("le 0.0005: %d", b.GetCumulativeCount())
			}
		case 0.025:
			if b.GetCumulativeCount() != 2 {
				t.Errorf("le 0.025: %d", b.GetCumulativeCount())
			}
		case 30:
			if b.GetCumulativeCount() != 2 {
				t.Errorf("le 30: %d", b.GetCumulativeCount())
			}
		}
	}
	if n := testing.AllocsPerRun(100, func() { h.Observe(time.Millisecond) }); n != 0 {
		t.Fatalf("Observe allocates %v", n)
	}
}
