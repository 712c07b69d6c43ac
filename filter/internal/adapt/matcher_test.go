package adapt

import (
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

func TestStringMatcherValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		sm   StringMatcher
		want string // substring of the error; "" = valid
	}{
		{"exact", StringMatcher{Exact: "a"}, ""},
		{"prefix", StringMatcher{Prefix: "a"}, ""},
		{"regex", StringMatcher{Regex: "^a+$"}, ""},
		{"empty", StringMatcher{Empty: true}, ""},
		{"all three", StringMatcher{Exact: "a", Prefix: "b", Regex: "c"}, ""},
		{"nothing", StringMatcher{}, "set at least one"},
		{"empty with exact", StringMatcher{Empty: true, Exact: "a"}, "empty cannot be combined"},
		{"empty with regex", StringMatcher{Empty: true, Regex: "a"}, "empty cannot be combined"},
		{"bad regex", StringMatcher{Regex: "a("}, "regex: invalid regular expression"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.sm.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate = %v, want error containing %q", err, tc.want)
			}
		})
	}
}

func TestMatcherMatch(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sm    StringMatcher
		value string
		want  bool
	}{
		{"exact hit", StringMatcher{Exact: "abc"}, "abc", true},
		{"exact miss", StringMatcher{Exact: "abc"}, "abcd", false},
		{"prefix hit", StringMatcher{Prefix: "ab"}, "abcd", true},
		{"prefix miss", StringMatcher{Prefix: "ab"}, "xab", false},
		{"regex unanchored", StringMatcher{Regex: "b+c"}, "abbcd", true},
		{"regex anchored miss", StringMatcher{Regex: "^b"}, "abc", false},
		{"or of patterns", StringMatcher{Exact: "zzz", Prefix: "q", Regex: "^a"}, "abc", true},
		{"empty matches empty", StringMatcher{Empty: true}, "", true},
		{"empty rejects value", StringMatcher{Empty: true}, "x", false},
		{"exact never matches empty", StringMatcher{Exact: "a"}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := tc.sm.Compile()
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Match([]byte(tc.value)); got != tc.want {
				t.Errorf("Match(%q) = %v, want %v", tc.value, got, tc.want)
			}
			if got := m.MatchString(tc.value); got != tc.want {
				t.Errorf("MatchString(%q) = %v, want %v", tc.value, got, tc.want)
			}
		})
	}
	if _, err := (&StringMatcher{}).Compile(); err == nil {
		t.Error("Compile of an empty matcher succeeded")
	}
}

func TestMatcherAbsent(t *testing.T) {
	empty, _ := (&StringMatcher{Empty: true}).Compile()
	exact, _ := (&StringMatcher{Exact: "a"}).Compile()
	if !empty.MatchAbsent() || !empty.MatchAny(nil) {
		t.Error("empty matcher must match an absent value")
	}
	if exact.MatchAbsent() || exact.MatchAny(nil) {
		t.Error("exact matcher must not match an absent value")
	}
	if !exact.MatchAny([][]byte{[]byte("b"), []byte("a")}) {
		t.Error("MatchAny must match when any value matches")
	}
}

func TestHeaderMatch(t *testing.T) {
	conds := map[string]StringMatcher{
		"X-Env":   {Exact: "prod"},
		"X-Debug": {Empty: true},
	}
	anyOf, err := CompileHeaderMatch(conds, false)
	if err != nil {
		t.Fatal(err)
	}
	allOf, err := CompileHeaderMatch(conds, true)
	if err != nil {
		t.Fatal(err)
	}
	none, _ := CompileHeaderMatch(nil, true)
	for _, tc := range []struct {
		name             string
		headers          [][2]string
		wantAny, wantAll bool
	}{
		{"nothing: debug absent matches empty", nil, true, false},
		{"prod, no debug", [][2]string{{"X-Env", "prod"}}, true, true},
		{"prod, empty debug", [][2]string{{"X-Env", "prod"}, {"X-Debug", ""}}, true, true},
		{"prod, debug set", [][2]string{{"X-Env", "prod"}, {"X-Debug", "1"}}, true, false},
		{"dev, debug set", [][2]string{{"X-Env", "dev"}, {"X-Debug", "1"}}, false, false},
		{"second value matches", [][2]string{{"X-Env", "dev"}, {"X-Env", "prod"}, {"X-Debug", "1"}}, true, false},
		{"case-insensitive name", [][2]string{{"x-env", "prod"}}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h fasthttp.RequestHeader
			for _, kv := range tc.headers {
				h.Add(kv[0], kv[1])
			}
			if got := anyOf.MatchRequest(&h); got != tc.wantAny {
				t.Errorf("any: got %v, want %v", got, tc.wantAny)
			}
			if got := allOf.MatchRequest(&h); got != tc.wantAll {
				t.Errorf("all: got %v, want %v", got, tc.wantAll)
			}
			if !none.MatchRequest(&h) {
				t.Error("no conditions must match")
			}
		})
	}
	if _, err := CompileHeaderMatch(map[string]StringMatcher{"X-A": {}}, false); err == nil || !strings.HasPrefix(err.Error(), "X-A: ") {
		t.Errorf("invalid condition: got %v, want an error at X-A", err)
	}
}

func TestHeaderMatchAllocs(t *testing.T) {
	filtertest.SkipAllocsUnderRace(t)
	hm, err := CompileHeaderMatch(map[string]StringMatcher{
		"X-Env":  {Regex: "^pr"},
		"X-Team": {Prefix: "core"},
		"X-None": {Empty: true},
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	var h fasthttp.RequestHeader
	h.Set("X-Env", "prod")
	h.Set("X-Team", "core-api")
	if !hm.MatchRequest(&h) {
		t.Fatal("want a match")
	}
	if n := testing.AllocsPerRun(100, func() { hm.MatchRequest(&h) }); n != 0 {
		t.Errorf("MatchRequest allocates %v per call, want 0", n)
	}
}
