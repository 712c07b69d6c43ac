package registry_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/registry"
)

// gateSpec holds, per route, a part of a Vault filter's document (one of
// its pools) without importing its type.
type gateSpec struct {
	Routes []gateRoute `json:"routes"`
}

type gateRoute struct {
	Pool map[string]any `json:"pool,omitempty" secretsAs:"filter:Vault:pools[]"`
	// Lost points nowhere: nothing under it is treated as secret.
	Lost map[string]any `json:"lost,omitempty" secretsAs:"filter:Vault:nothing[]"`
}

func gateRegistry(t *testing.T) *registry.Registry {
	t.Helper()
	r := secretRegistry(t)
	r.Register(registry.ObjectClass, kind{name: "Gate", def: func() any { return &gateSpec{} }})
	return r
}

func TestSecretsAsFollowsTheReferencedPart(t *testing.T) {
	r := gateRegistry(t)
	e, err := r.Lookup(registry.ObjectClass, "Gate")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"routes[].lost (as filter:Vault:nothing[])", "routes[].pool (as filter:Vault:pools[])"}
	if got := e.SecretPaths(); !reflect.DeepEqual(got, want) {
		t.Fatalf("secret paths\n got %q\nwant %q", got, want)
	}

	const doc = `{"routes":[{"pool":{"url":"u","auth":"AUTH-1","hints":["H1"],"Next":{"auth":"AUTH-N"}},"lost":{"auth":"KEPT"}},{}]}`
	redacted := decodeMap(t, doc)
	r.RedactSecrets(registry.ObjectClass, "Gate", redacted)
	out := marshal(redacted)
	for _, secret := range []string{"AUTH-1", "H1", "AUTH-N"} {
		if strings.Contains(out, secret) {
			t.Errorf("redacted document still holds %q: %s", secret, out)
		}
	}
	if !strings.Contains(out, `"url":"u"`) || !strings.Contains(out, `"KEPT"`) {
		t.Errorf("redaction went too far: %s", out)
	}

	// A redacted document sent back keeps the stored secrets.
	if err := r.RestoreSecrets(registry.ObjectClass, "Gate", redacted, decodeMap(t, doc)); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(redacted, decodeMap(t, doc)) {
		t.Fatalf("restored %s", marshal(redacted))
	}

	// Without the referenced kind nothing is known to be secret.
	bare := registry.New()
	bare.Register(registry.ObjectClass, kind{name: "Gate", def: func() any { return &gateSpec{} }})
	plain := decodeMap(t, doc)
	bare.RedactSecrets(registry.ObjectClass, "Gate", plain)
	if !reflect.DeepEqual(plain, decodeMap(t, doc)) {
		t.Fatalf("changed without the referenced kind: %s", marshal(plain))
	}
}
