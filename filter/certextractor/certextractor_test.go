package certextractor

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/filter/internal/filtertest"
	"github.com/valyala/fasthttp"
)

// tlsServer runs the filters behind a fasthttp server on a TLS listener
// that asks for client certificates, verified against the root (and
// required when require is set). The reply body lists the request's X-* headers, one
// "Name: value" line per value, in order.
func tlsServer(t *testing.T, p *pki, require bool, filters ...filter.Filter) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.X509KeyPair(p.server.certPEM, p.server.keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(p.root.cert)
	conf := &tls.Config{Certificates: []tls.Certificate{pair}, ClientCAs: pool, ClientAuth: tls.VerifyClientCertIfGiven}
	if require {
		conf.ClientAuth = tls.RequireAndVerifyClientCert
	}
	srv := &fasthttp.Server{Handler: func(rc *fasthttp.RequestCtx) {
		ctx := filtertest.Detached(&rc.Request)
		ctx.Reset(rc, nil, ctx.Started())
		for _, f := range filters {
			f.Handle(ctx)
		}
		var b strings.Builder
		seen := map[string]bool{}
		for _, k := range rc.Request.Header.PeekKeys() {
			if strings.HasPrefix(string(k), "X-") && !seen[string(k)] {
				seen[string(k)] = true
				for _, v := range rc.Request.Header.PeekAll(string(k)) {
					fmt.Fprintf(&b, "%s: %s\n", k, v)
				}
			}
		}
		ctx.Finish()
		rc.SetBodyString(b.String())
	}}
	go func() { _ = srv.Serve(tls.NewListener(ln, conf)) }()
	t.Cleanup(func() { _ = srv.Shutdown() })
	return "https://" + ln.Addr().String()
}

// fetch GETs url over TLS with the client certificate (unless anonymous)
// and the given headers, and returns the reply body.
func fetch(t *testing.T, p *pki, url string, anonymous bool, headers ...string) string {
	t.Helper()
	c := &http.Client{Timeout: filtertest.Timeout, Transport: &http.Transport{TLSClientConfig: p.clientTLS(anonymous)}}
	defer c.CloseIdleConnections()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	return string(b)
}

func extractor(t *testing.T, index int, target, field, header string) filter.Filter {
	return filtertest.New(t, Kind, fmt.Sprintf(`{"certIndex": %d, "target": %q, "field": %q, "headerKey": %q}`, index, target, field, header))
}

func TestFields(t *testing.T) {
	p := newPKI(t)
	var filters []filter.Filter
	var want strings.Builder
	for i, tc := range []struct {
		index         int
		target, field string
		values        []string
	}{
		{0, "subject", "CommonName", []string{"alice"}},
		{0, "subject", "Country", []string{"DE"}},
		{0, "subject", "Organization", []string{"Shop GmbH"}},
		{0, "subject", "OrganizationalUnit", p.client.cert.Subject.OrganizationalUnit}, // DER sorts them
		{0, "subject", "Locality", []string{"Berlin"}},
		{0, "subject", "Province", []string{"BE"}},
		{0, "subject", "StreetAddress", []string{"Hauptstr. 1"}},
		{0, "subject", "PostalCode", []string{"10115"}},
		{0, "subject", "SerialNumber", []string{"EMP-0042"}},
		{0, "issuer", "CommonName", []string{"Test Intermediate"}},
		{1, "subject", "CommonName", []string{"Test Intermediate"}},
		{1, "issuer", "Organization", []string{"Root Org"}},
		{-1, "subject", "Country", []string{"NL"}},
		{-2, "subject", "CommonName", []string{"alice"}},
		{2, "subject", "CommonName", []string{"alice"}},             // wraps around
		{5, "subject", "CommonName", []string{"Test Intermediate"}}, // 5 % 2 = 1
		{-3, "subject", "CommonName", []string{"Test Intermediate"}},
		{1, "subject", "Locality", nil}, // empty: no header
	} {
		header := fmt.Sprintf("X-F%02d", i)
		filters = append(filters, extractor(t, tc.index, tc.target, tc.field, header))
		for _, v := range tc.values {
			fmt.Fprintf(&want, "%s: %s\n", header, v)
		}
	}
	url := tlsServer(t, p, true, filters...)
	if got := fetch(t, p, url, false); got != want.String() {
		t.Fatalf("headers:\n%s\nwant:\n%s", got, want.String())
	}
}

func TestForgedHeaderRemoved(t *testing.T) {
	p := newPKI(t)
	f := extractor(t, 0, "subject", "CommonName", "X-Client-CN")
	url := tlsServer(t, p, false, f)
	if got := fetch(t, p, url, false, "X-Client-CN", "admin", "X-Other", "kept"); got != "X-Other: kept\nX-Client-Cn: alice\n" {
		t.Fatalf("with a certificate: %q", got)
	}
	if got := fetch(t, p, url, true, "X-Client-CN", "admin"); got != "" {
		t.Fatalf("without a certificate the forged header must go: %q", got)
	}
	// Plain HTTP: no TLS at all.
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.SetRequestURI("/")
	req.Header.Set("X-Client-CN", "admin")
	var seen []byte
	check := filtertest.Serve(t, func(ctx *filter.Context) {
		f.Handle(ctx)
		seen = append(seen[:0], ctx.Request().Header.Peek("X-Client-CN")...)
	})
	var resp fasthttp.Response
	if err := check.Do(req, &resp); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 0 {
		t.Fatalf("plain HTTP kept the forged header: %q", seen)
	}
}
