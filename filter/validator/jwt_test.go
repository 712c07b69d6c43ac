package validator

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/golang-jwt/jwt/v5"
)

func claimsFor(d time.Duration) jwt.RegisteredClaims {
	now := time.Now()
	return jwt.RegisteredClaims{
		Subject:   "alice",
		Issuer:    "https://issuer.example",
		Audience:  jwt.ClaimStrings{"orders"},
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)),
		ExpiresAt: jwt.NewNumericDate(now.Add(d)),
	}
}

func TestJWTEveryAlgorithm(t *testing.T) {
	for _, alg := range algorithms {
		t.Run(alg, func(t *testing.T) {
			key := signingKey(t, alg, "main")
			f := filtertest.New(t, Kind, specJSON(t, map[string]any{"jwt": jwtFields(t, alg, key)}))
			token := sign(t, alg, claimsFor(time.Hour), key, nil)
			if r, st, _ := run(t, f, "/", "Authorization", "Bearer "+token); r != "" || st != 0 {
				t.Fatalf("a good %s token: result %q status %d", alg, r, st)
			}
			// The scheme is case-insensitive.
			if r, _, _ := run(t, f, "/", "Authorization", "bearer "+token); r != "" {
				t.Fatalf("lower-case bearer: result %q", r)
			}
			// Signed by another key of the same kind.
			other := sign(t, alg, claimsFor(time.Hour), signingKey(t, alg, "other"), nil)
			if r, st, _ := run(t, f, "/", "Authorization", "Bearer "+other); r != ResultInvalid || st != 401 {
				t.Fatalf("a token of another key: result %q status %d", r, st)
			}
		})
	}
}

func TestJWTOverServer(t *testing.T) {
	key := signingKey(t, "ES256", "main")
	fields := jwtFields(t, "ES256", key)
	fields["cookieName"] = "session"
	s := serve(t, filtertest.New(t, Kind, specJSON(t, map[string]any{"jwt": fields})))
	token := sign(t, "ES256", claimsFor(time.Hour), key, nil)
	for _, tc := range []struct {
		name    string
		headers []string
		want    int
	}{
		{"bearer", []string{"Authorization", "Bearer " + token}, 200},
		{"cookie", []string{"Cookie", "theme=dark; session=" + token}, 200},
		{"cookie wins over a bad header", []string{"Cookie", "session=" + token, "Authorization", "Bearer nonsense"}, 200},
		{"bad cookie, no fallback to the header", []string{"Cookie", "session=nonsense", "Authorization", "Bearer " + token}, 401},
		{"empty cookie falls back to the header", []string{"Cookie", "session=", "Authorization", "Bearer " + token}, 200},
		{"no token", nil, 401},
		{"basic scheme", []string{"Authorization", "Basic " + token}, 401},
	} {
		resp := send(t, s, "GET", "/x", nil, tc.headers...)
		if resp.StatusCode() != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode(), tc.want)
		}
		if tc.want == 401 && len(resp.Body()) != 0 {
			t.Errorf("%s: body %q, want none", tc.name, resp.Body())
		}
	}
}

func TestJWTRejections(t *testing.T) {
	rsKey := signingKey(t, "RS256", "main")
	fields := jwtFields(t, "RS256", rsKey)
	fields["issuer"] = "https://issuer.example"
	fields["audiences"] = []string{"billing", "orders"}
	f := filtertest.New(t, Kind, specJSON(t, map[string]any{"jwt": fields}))
	good := claimsFor(time.Hour)
	if r, _, _ := run(t, f, "/", "Authorization", "Bearer "+sign(t, "RS256", good, rsKey, nil)); r != "" {
		t.Fatalf("the good token is refused: %q", r)
	}

	expired := claimsFor(-time.Minute)
	notYet := claimsFor(time.Hour)
	notYet.NotBefore = jwt.NewNumericDate(time.Now().Add(10 * time.Minute))
	wrongIss := claimsFor(time.Hour)
	wrongIss.Issuer = "https://evil.example"
	noIss := claimsFor(time.Hour)
	noIss.Issuer = ""
	wrongAud := claimsFor(time.Hour)
	wrongAud.Audience = jwt.ClaimStrings{"payments"}

	// alg "none": an unsigned token.
	none, err := jwt.NewWithClaims(jwt.SigningMethodNone, good).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	// Algorithm confusion: HS256 with the RSA public key (its PEM, and
	// its DER) as the HMAC secret.
	pemBytes := publicPEM(t, rsKey)
	block, _ := pem.Decode(pemBytes)
	confusedPEM := sign(t, "HS256", good, pemBytes, nil)
	confusedDER := sign(t, "HS256", good, block.Bytes, nil)
	// Another RSA algorithm with the right key.
	rs512 := sign(t, "RS512", good, rsKey, nil)
	// A good token with its payload swapped for another's.
	parts := strings.Split(sign(t, "RS256", good, rsKey, nil), ".")
	otherParts := strings.Split(sign(t, "RS256", wrongAud, rsKey, nil), ".")
	tampered := parts[0] + "." + otherParts[1] + "." + parts[2]

	for name, token := range map[string]string{
		"expired":              sign(t, "RS256", expired, rsKey, nil),
		"not yet valid":        sign(t, "RS256", notYet, rsKey, nil),
		"wrong issuer":         sign(t, "RS256", wrongIss, rsKey, nil),
		"no issuer":            sign(t, "RS256", noIss, rsKey, nil),
		"wrong audience":       sign(t, "RS256", wrongAud, rsKey, nil),
		"wrong key":            sign(t, "RS256", good, signingKey(t, "RS256", "other"), nil),
		"alg none":             none,
		"alg none, no dot":     strings.TrimSuffix(none, "."),
		"HS256 with PEM key":   confusedPEM,
		"HS256 with DER key":   confusedDER,
		"another RSA alg":      rs512,
		"tampered payload":     tampered,
		"garbage":              "not.a.token",
		"two parts":            parts[0] + "." + parts[1],
		"empty signature part": parts[0] + "." + parts[1] + ".",
	} {
		if r, st, _ := run(t, f, "/", "Authorization", "Bearer "+token); r != ResultInvalid || st != 401 {
			t.Errorf("%s: result %q status %d, want invalid 401", name, r, st)
		}
	}
}

func TestJWTConfusionWithHSConfigured(t *testing.T) {
	// The reverse: HS256 configured, a token claiming RS256 is refused
	// before any key is used.
	secret := signingKey(t, "HS256", "main")
	f := filtertest.New(t, Kind, specJSON(t, map[string]any{"jwt": jwtFields(t, "HS256", secret)}))
	rs := sign(t, "RS256", claimsFor(time.Hour), signingKey(t, "RS256", "main"), nil)
	hs384 := sign(t, "HS384", claimsFor(time.Hour), secret, nil)
	for name, token := range map[string]string{"RS256 token": rs, "HS384 token": hs384} {
		if r, _, _ := run(t, f, "/", "Authorization", "Bearer "+token); r != ResultInvalid {
			t.Errorf("%s: result %q", name, r)
		}
	}
}

func TestJWTLeewayAndRequireExp(t *testing.T) {
	key := signingKey(t, "HS512", "main")
	fields := jwtFields(t, "HS512", key)
	strict := filtertest.New(t, Kind, specJSON(t, map[string]any{"jwt": fields}))
	fields["leeway"] = "2m"
	fields["requireExp"] = true
	lenient := filtertest.New(t, Kind, specJSON(t, map[string]any{"jwt": fields}))

	justExpired := sign(t, "HS512", claimsFor(-30*time.Second), key, nil)
	if r, _, _ := run(t, strict, "/", "Authorization", "Bearer "+justExpired); r != ResultInvalid {
		t.Errorf("without leeway a token expired 30s ago passes")
	}
	if r, _, _ := run(t, lenient, "/", "Authorization", "Bearer "+justExpired); r != "" {
		t.Errorf("with 2m leeway a token expired 30s ago is refused")
	}
	noExp := claimsFor(time.Hour)
	noExp.ExpiresAt = nil
	token := sign(t, "HS512", noExp, key, nil)
	if r, _, _ := run(t, strict, "/", "Authorization", "Bearer "+token); r != "" {
		t.Errorf("exp is optional unless required")
	}
	if r, _, _ := run(t, lenient, "/", "Authorization", "Bearer "+token); r != ResultInvalid {
		t.Errorf("requireExp lets a token without exp pass")
	}
}

func TestJWTPKCS1PublicKey(t *testing.T) {
	key := signingKey(t, "RS384", "main").(*rsa.PrivateKey)
	p := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&key.PublicKey)})
	f := filtertest.New(t, Kind, specJSON(t, map[string]any{"jwt": map[string]any{"algorithm": "RS384", "publicKey": hex.EncodeToString(p)}}))
	if r, _, _ := run(t, f, "/", "Authorization", "Bearer "+sign(t, "RS384", claimsFor(time.Hour), key, nil)); r != "" {
		t.Fatalf("result %q", r)
	}
}
