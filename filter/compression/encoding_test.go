package compression

import "testing"

func TestNegotiate(t *testing.T) {
	both, err := New(DefaultOptions()) // br preferred, then gzip
	if err != nil {
		t.Fatal(err)
	}
	gzipFirst := DefaultOptions()
	gzipFirst.Encodings = []Encoding{Gzip, Brotli}
	gz, err := New(gzipFirst)
	if err != nil {
		t.Fatal(err)
	}
	onlyGzip := DefaultOptions()
	onlyGzip.Encodings = []Encoding{Gzip}
	og, err := New(onlyGzip)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		c      *Compressor
		header string
		want   Encoding
	}{
		{both, "gzip, deflate, br", Brotli},
		{gz, "gzip, deflate, br", Gzip},
		{both, "gzip", Gzip},
		{both, "br", Brotli},
		{both, "deflate", Identity},
		{both, "", Identity},
		{both, "identity", Identity},
		{both, "gzip;q=1.0, br;q=0.5", Gzip},
		{both, "gzip;q=0.2, br;q=0.8", Brotli},
		{gz, "gzip;q=0.8, br;q=0.8", Gzip},
		{both, "br;q=0, gzip", Gzip},
		{both, "br;q=0, gzip;q=0", Identity},
		{both, "*", Brotli},
		{both, "*;q=0.5, gzip;q=0.7", Gzip},
		{both, "*;q=0", Identity},
		{both, "*;q=0, br", Brotli},
		{both, "x-gzip", Gzip},
		{both, "GZIP", Gzip},
		{both, " gzip ; q=0.5 , br ; Q=0.4", Gzip},
		{both, "br;q=bogus, gzip;q=0.1", Gzip},
		{both, "br;q=1.5, gzip;q=0.1", Gzip}, // 1.5 is not a qvalue: 0
		{both, "br;q=0.0001, gzip;q=0.001", Gzip},
		{both, "br;level=5", Brotli},
		{og, "br", Identity},
		{og, "br, gzip;q=0.1", Gzip},
	} {
		if got := tc.c.Negotiate([]byte(tc.header)); got != tc.want {
			t.Errorf("%v: Accept-Encoding %q chose %v, want %v", tc.c, tc.header, got, tc.want)
		}
	}
	absent := DefaultOptions()
	absent.AcceptAbsent = true
	aa, _ := New(absent)
	if aa.Negotiate(nil) != Gzip || both.Negotiate(nil) != Identity {
		t.Error("AcceptAbsent must make a missing header accept gzip, and only then")
	}
	brOnly := absent
	brOnly.Encodings = []Encoding{Brotli}
	bo, _ := New(brOnly)
	if bo.Negotiate(nil) != Identity {
		t.Error("AcceptAbsent gives gzip only when gzip is offered")
	}
}

func TestQValue(t *testing.T) {
	for in, want := range map[string]int{"1": 1000, "1.0": 1000, "1.000": 1000, "0": 0, "0.5": 500, "0.25": 250, "0.125": 125,
		"0.1234": 0, "2": 0, "": 0, ".5": 0, "0,5": 0, "1.5": 0, "1.": 1000} {
		if got := qValue([]byte(in)); got != want {
			t.Errorf("qValue(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestParseEncoding(t *testing.T) {
	if e, err := ParseEncoding("br"); err != nil || e != Brotli || e.String() != "br" {
		t.Fatal(e, err)
	}
	if e, err := ParseEncoding("gzip"); err != nil || e != Gzip || e.String() != "gzip" {
		t.Fatal(e, err)
	}
	if _, err := ParseEncoding("deflate"); err == nil {
		t.Fatal("deflate is not offered")
	}
	if Identity.String() != "identity" {
		t.Fatal(Identity.String())
	}
}

func TestNegotiateAllocs(t *testing.T) {
	c, _ := New(DefaultOptions())
	h := []byte("gzip;q=0.8, deflate, br;q=0.9, *;q=0.1")
	if n := testing.AllocsPerRun(100, func() { c.Negotiate(h) }); n != 0 {
		t.Fatalf("%v allocs", n)
	}
}
