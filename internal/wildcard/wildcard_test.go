package wildcard

import "testing"

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "anything", true},
		{"*", "", true},
		{"https://a.example", "https://a.example", true},
		{"https://a.example", "HTTPS://A.Example", true},
		{"https://a.example", "https://a.example.evil", false},
		{"https://*.shop.example", "https://eu.shop.example", true},
		{"https://*.shop.example", "https://x.y.shop.example", true},
		{"https://*.shop.example", "https://shop.example", false},
		{"https://*.shop.example", "http://eu.shop.example", false},
		{"https://*.shop.example", "https://eu.shop.example.evil", false},
		{"text/*", "text/html", true},
		{"text/*", "Text/Plain", true},
		{"text/*", "text", false},
		{"application/*+json", "application/problem+json", true},
		{"application/*+json", "application/+json", true},
		{"application/*+json", "application/json", false},
		{"ab*ba", "aba", false},
		{"", "", true},
		{"", "x", false},
	} {
		p, err := Compile(tc.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Match([]byte(tc.s)); got != tc.want {
			t.Errorf("%q matching %q = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func TestCompileList(t *testing.T) {
	l, _, err := CompileList([]string{"text/*", "application/json"})
	if err != nil || !l.Match([]byte("application/JSON")) || l.Match([]byte("image/png")) || l.MatchAll() {
		t.Fatalf("list %v err %v", l, err)
	}
	if _, i, err := CompileList([]string{"a", "*b*"}); err != ErrTwoStars || i != 1 {
		t.Fatalf("two stars: index %d err %v", i, err)
	}
	l, _, _ = CompileList([]string{"x", "*"})
	if !l.MatchAll() || !l.Match([]byte("y")) {
		t.Fatal("* must match all")
	}
}

func TestMatchAllocs(t *testing.T) {
	p, _ := Compile("https://*.shop.example")
	s := []byte("https://eu.shop.example")
	if n := testing.AllocsPerRun(100, func() { p.Match(s) }); n != 0 {
		t.Fatalf("%v allocs", n)
	}
}
