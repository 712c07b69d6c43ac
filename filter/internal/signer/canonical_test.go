package signer

import (
	"testing"
	"time"
)

func TestCanonicalPath(t *testing.T) {
	for _, tc := range []struct{ path, twice, once string }{
		{"", "/", "/"},
		{"/test$file.text", "/test%24file.text", "/test%24file.text"},
		{"/a%20b/c", "/a%2520b/c", "/a%20b/c"},
		{"/%7Efoo", "/%257Efoo", "/~foo"},
		{"/%zz", "/%25zz", "/%25zz"},
		{"/\xe1\x88\xb4", "/%E1%88%B4", "/%E1%88%B4"},
		{"/a-b_c.d~e/", "/a-b_c.d~e/", "/a-b_c.d~e/"},
	} {
		if got := string(appendCanonicalPath(nil, []byte(tc.path), false)); got != tc.twice {
			t.Errorf("%q encoded again: %q, want %q", tc.path, got, tc.twice)
		}
		if got := string(appendCanonicalPath(nil, []byte(tc.path), true)); got != tc.once {
			t.Errorf("%q encoded once: %q, want %q", tc.path, got, tc.once)
		}
	}
}

func TestCanonicalQuery(t *testing.T) {
	drop := newScheme(DefaultLiteral()).headerDrop
	for _, tc := range []struct {
		raw, want string
		plus      bool
	}{
		{"", "", false},
		{"b=2&a=1&a=0", "a=0&a=1&b=2", false},
		{"lifecycle", "lifecycle=", false},
		{"sp=x%20y&p=a+b&e=%2B", "e=%2B&p=a%20b&sp=x%20y", false},
		{"sp=x%20y&p=a+b&e=%2B", "e=%2B&p=a+b&sp=x+y", true},
		{"&&=v&k", "=v&k=", false},
		{"X-Signature=s&X-Date=d&X-Algorithm=a&X-Credential=c&X-Expires=1&X-SignedHeaders=h&q=1", "q=1", false},
		// sorted by the encoded names, as AWS sorts: "%7F" before "~"
		{"~=1&%7F=2", "%7F=2&~=1", false},
		{"semi=a;b&star=*&utf=%C3%A9", "semi=a%3Bb&star=%2A&utf=%C3%A9", false},
	} {
		var sc scratch
		got, _, err := sc.appendCanonicalQuery(nil, []byte(tc.raw), drop, tc.plus)
		if err != nil || string(got) != tc.want {
			t.Errorf("%q (plus %v): %q, %v; want %q", tc.raw, tc.plus, got, err, tc.want)
		}
	}
	var sc scratch
	if _, _, err := sc.appendCanonicalQuery(nil, []byte("a=%4"), drop, false); err == nil {
		t.Error("a truncated escape is accepted")
	}
}

func TestCanonicalValue(t *testing.T) {
	for in, want := range map[string]string{"  a   b  c ": "a b c", "x": "x", "": "", "\"a  b\"": "\"a b\""} {
		if got := string(appendCanonicalValue(nil, []byte(in))); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestStamp(t *testing.T) {
	at := time.Date(2009, 11, 10, 23, 4, 5, 999, time.FixedZone("x", -3600))
	if got := string(appendStamp(nil, at)); got != "20091111T000405Z" {
		t.Fatalf("%s", got)
	}
}
