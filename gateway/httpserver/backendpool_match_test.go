package httpserver

import (
	"fmt"
	"testing"
)

func TestMatchInlinePairsGenerations(t *testing.T) {
	b := func(where, key, route string) *inlineBackend {
		return &inlineBackend{where: where, key: key, route: route}
	}
	cases := []struct {
		name       string
		prev, next []*inlineBackend
		want       []int // index into prev per next entry; -1: none
	}{
		{"nothing before", nil, []*inlineBackend{b("p0", "A", "/a")}, []int{-1}},
		{"unchanged", []*inlineBackend{b("p0", "A", "/a"), b("p1", "B", "/b")},
			[]*inlineBackend{b("p0", "A", "/a"), b("p1", "B", "/b")}, []int{0, 1}},
		{"route added before", []*inlineBackend{b("p0", "A", "/a"), b("p1", "B", "/b")},
			[]*inlineBackend{b("p1", "A", "/a"), b("p2", "B", "/b")}, []int{0, 1}},
		{"same pool on two routes follows the route", []*inlineBackend{b("p0", "A", "/a"), b("p1", "A", "/b")},
			[]*inlineBackend{b("p0", "A", "/b"), b("p1", "A", "/a")}, []int{1, 0}},
		{"pool changed on a route that moved", []*inlineBackend{b("p1", "A", "/a")},
			[]*inlineBackend{b("p0", "A2", "/a")}, []int{0}},
		{"pool and route changed in place", []*inlineBackend{b("p0", "A", "/a")},
			[]*inlineBackend{b("p0", "A2", "/a2")}, []int{0}},
		{"each previous pool inherited once", []*inlineBackend{b("p0", "A", "/a")},
			[]*inlineBackend{b("p0", "A", "/a"), b("p1", "A", "/a")}, []int{0, -1}},
		{"new pool elsewhere", []*inlineBackend{b("p0", "A", "/a")},
			[]*inlineBackend{b("p0", "A", "/a"), b("p1", "C", "/c")}, []int{0, -1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := matchInline(c.next, c.prev)
			for i, o := range got {
				idx := -1
				for j, p := range c.prev {
					if p == o {
						idx = j
					}
				}
				if idx != c.want[i] {
					t.Errorf("next[%d] %s inherits from %d, want %d", i, fmt.Sprint(*c.next[i]), idx, c.want[i])
				}
			}
		})
	}
}
