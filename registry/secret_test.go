package registry_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/registry"
)

type vaultSpec struct {
	Port  int               `json:"port"`
	Keys  map[string]string `json:"keys,omitempty" secret:"true"`
	Token string            `json:"token,omitempty" secret:"true"`
	Pools []*vaultPool      `json:"pools,omitempty"`
	TLS   *vaultTLS         `json:"tls,omitempty"`
	vaultEmbedded
}

type vaultEmbedded struct {
	Password string `json:"password,omitempty" secret:"true"`
}

type vaultPool struct {
	URL   string   `json:"url"`
	Auth  string   `json:"auth,omitempty" secret:"true"`
	Hints []string `json:"hints,omitempty" secret:"true"`
	Next  *vaultPool
}

type vaultTLS struct {
	Cert string `json:"cert"`
	Key  string `json:"key" secret:"true"`
}

type flowSpec struct {
	Filters []map[string]any `json:"filters" kinds:"filter"`
}

func secretRegistry(t *testing.T) *registry.Registry {
	t.Helper()
	r := registry.New()
	r.Register(registry.ObjectClass, kind{name: "Vault", def: func() any { return &vaultSpec{} }})
	r.Register(registry.ObjectClass, kind{name: "Flow", def: func() any { return &flowSpec{} }})
	r.Register(registry.FilterClass, kind{name: "Vault", def: func() any { return &vaultSpec{} }})
	return r
}

func decodeMap(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// marshal writes v as JSON without escaping < and >.
func marshal(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSpace(b.String())
}

const vaultDoc = `{"kind":"Vault","name":"v","port":80,"keys":{"a":"KEY-A","b":"KEY-B"},"token":"TOK",
 "password":"PW","pools":[{"url":"u1","auth":"AUTH-1","hints":["H1","H2"],"Next":{"url":"n","auth":"AUTH-N"}},{"url":"u2"}],
 "tls":{"cert":"CERT","key":"TLSKEY"}}`

func TestSecretPathsFollowTags(t *testing.T) {
	r := secretRegistry(t)
	e, err := r.Lookup(registry.ObjectClass, "Vault")
	if err != nil {
		t.Fatal(err)
	}
	got := e.SecretPaths()
	// The recursive Next field is listed down to its first repetition.
	want := []string{"keys", "password", "pools[].auth", "pools[].hints", "tls.key", "token"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("secret paths\n got %q\nwant %q", got, want)
	}
	fe, _ := r.Lookup(registry.ObjectClass, "Flow")
	if got := fe.SecretPaths(); !reflect.DeepEqual(got, []string{"filters (filter kinds)"}) {
		t.Fatalf("flow paths %q", got)
	}
}

func TestRedactReplacesEverySecretValue(t *testing.T) {
	r := secretRegistry(t)
	doc := decodeMap(t, vaultDoc)
	values := r.SecretValues(registry.ObjectClass, "Vault", doc)
	for _, want := range []string{"KEY-A", "KEY-B", "TOK", "PW", "AUTH-1", "H1", "H2", "AUTH-N", "TLSKEY"} {
		found := false
		for _, v := range values {
			found = found || v == want
		}
		if !found {
			t.Errorf("SecretValues misses %q: %q", want, values)
		}
	}
	r.RedactSecrets(registry.ObjectClass, "Vault", doc)
	out := marshal(doc)
	for _, secret := range []string{"KEY-A", "KEY-B", "TOK", "PW", "AUTH-1", "H1", "H2", "AUTH-N", "TLSKEY"} {
		if strings.Contains(out, secret) {
			t.Errorf("redacted document still holds %q: %s", secret, out)
		}
	}
	for _, kept := range []string{`"cert":"CERT"`, `"url":"u1"`, `"port":80`, `"a":"<redacted>"`, `"name":"v"`} {
		if !strings.Contains(out, kept) {
			t.Errorf("redacted document lost %s: %s", kept, out)
		}
	}
	if strings.Contains(out, `"auth":"<redacted>"}]`) {
		t.Errorf("a missing secret field was added: %s", out)
	}
}

func TestRedactNestedKindedDocuments(t *testing.T) {
	r := secretRegistry(t)
	doc := decodeMap(t, `{"kind":"Flow","name":"f","filters":[{"name":"x","kind":"Vault","token":"NESTED"},{"name":"y","kind":"Unknown","token":"OTHER"}]}`)
	r.RedactSecrets(registry.ObjectClass, "Flow", doc)
	out := marshal(doc)
	if strings.Contains(out, "NESTED") || !strings.Contains(out, `"token":"<redacted>"`) {
		t.Fatalf("nested filter secret not redacted: %s", out)
	}
	// A kind the registry does not know cannot be redacted.
	if !strings.Contains(out, "OTHER") {
		t.Fatalf("unknown kind changed: %s", out)
	}
}

func TestRestoreSecretsRoundTrips(t *testing.T) {
	r := secretRegistry(t)
	stored := decodeMap(t, vaultDoc)
	edited := decodeMap(t, vaultDoc)
	r.RedactSecrets(registry.ObjectClass, "Vault", edited)
	edited["port"] = 81.0
	edited["token"] = "NEW-TOKEN" // a secret changed on purpose
	if err := r.RestoreSecrets(registry.ObjectClass, "Vault", edited, stored); err != nil {
		t.Fatal(err)
	}
	want := decodeMap(t, vaultDoc)
	want["port"] = 81.0
	want["token"] = "NEW-TOKEN"
	if !reflect.DeepEqual(edited, want) {
		a, b := marshal(edited), marshal(want)
		t.Fatalf("restored\n%s\nwant\n%s", a, b)
	}
}

func TestRestoreSecretsMatchesNestedDocumentsByName(t *testing.T) {
	r := secretRegistry(t)
	stored := decodeMap(t, `{"filters":[{"name":"a","kind":"Vault","token":"TA"},{"name":"b","kind":"Vault","token":"TB"}]}`)
	edited := decodeMap(t, `{"filters":[{"name":"b","kind":"Vault","token":"<redacted>"},{"name":"a","kind":"Vault","token":"<redacted>"}]}`)
	if err := r.RestoreSecrets(registry.ObjectClass, "Flow", edited, stored); err != nil {
		t.Fatal(err)
	}
	out := marshal(edited)
	if out != `{"filters":[{"kind":"Vault","name":"b","token":"TB"},{"kind":"Vault","name":"a","token":"TA"}]}` {
		t.Fatalf("restored %s", out)
	}
}

func TestRestoreSecretsRefusesMarkerWithoutStoredValue(t *testing.T) {
	r := secretRegistry(t)
	stored := decodeMap(t, `{"keys":{"a":"KA"},"filters":[]}`)
	edited := decodeMap(t, `{"keys":{"a":"<redacted>","new":"<redacted>"},"tls":{"key":"<redacted>"}}`)
	err := r.RestoreSecrets(registry.ObjectClass, "Vault", edited, stored)
	if err == nil {
		t.Fatal("marker without stored value accepted")
	}
	for _, want := range []string{"keys.new: holds the redaction marker", "tls.key: holds the redaction marker"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "keys.a") {
		t.Errorf("keys.a had a stored value: %v", err)
	}
	// Nested: a new filter with a marker has nothing to keep.
	flowStored := decodeMap(t, `{"filters":[{"name":"a","kind":"Vault","token":"TA"}]}`)
	flowEdited := decodeMap(t, `{"filters":[{"name":"a2","kind":"Vault","token":"<redacted>"}]}`)
	err = r.RestoreSecrets(registry.ObjectClass, "Flow", flowEdited, flowStored)
	if err == nil || !strings.Contains(err.Error(), "filters[0].token") {
		t.Fatalf("nested marker error %v", err)
	}
}
