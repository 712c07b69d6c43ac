package builder

import (
	"slices"
	"testing"
)

func TestBuildEnvAndOutput(t *testing.T) {
	yes, no := true, false
	cases := []struct {
		name    string
		cfg     Config
		env     []string
		outBase string
	}{
		{name: "host", cfg: Config{}, env: nil, outBase: "gatewright"},
		{name: "cross", cfg: Config{GOOS: "linux", GOARCH: "arm64", CGO: &no}, env: []string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0"}, outBase: "gatewright"},
		{name: "windows", cfg: Config{GOOS: "windows"}, env: []string{"GOOS=windows"}, outBase: "gatewright.exe"},
		{name: "cgo", cfg: Config{CGO: &yes, Output: "edge"}, env: []string{"CGO_ENABLED=1"}, outBase: "edge"},
		{name: "race turns cgo on", cfg: Config{Race: true}, env: []string{"CGO_ENABLED=1"}, outBase: "gatewright"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.cfg.buildEnv(); !slices.Equal(got, c.env) {
				t.Errorf("env %v, want %v", got, c.env)
			}
			if got := c.cfg.output(); got != c.outBase {
				t.Errorf("output %q, want %q", got, c.outBase)
			}
		})
	}
}

func TestKindPackage(t *testing.T) {
	for kind, want := range map[string]string{"HeaderCounter": "headercounter", "A1": "a1", "X": "x"} {
		if got, err := kindPackage(kind); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", kind, got, err, want)
		}
	}
	for _, bad := range []string{"", "1Abc", "abc", "Héllo", "Has Space", "Map", "Registry", "Filter", "Testing", "Status", "Spec", "Kind"} {
		if _, err := kindPackage(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
