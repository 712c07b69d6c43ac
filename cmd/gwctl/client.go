package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gatewright/gatewright/gateway/admin"
)

// client talks to one admin API.
type client struct {
	base string
	ctx  clientContext
	http *http.Client
}

// newClient builds a client for a context.
func newClient(c clientContext) (*client, error) {
	server := strings.TrimRight(c.Server, "/")
	if !strings.HasPrefix(server, "http://") && !strings.HasPrefix(server, "https://") {
		server = "http://" + server
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if strings.HasPrefix(server, "https://") {
		conf := &tls.Config{InsecureSkipVerify: c.InsecureSkipVerify, MinVersion: tls.VersionTLS12} // #nosec G402 -- the user's explicit choice
		if c.CAFile != "" {
			pem, err := os.ReadFile(c.CAFile)
			if err != nil {
				return nil, fmt.Errorf("caFile: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("caFile %s: no PEM certificate", c.CAFile)
			}
			conf.RootCAs = pool
		}
		if c.CertFile != "" || c.KeyFile != "" {
			pair, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
			if err != nil {
				return nil, fmt.Errorf("client certificate: %w", err)
			}
			conf.Certificates = []tls.Certificate{pair}
		}
		tr.TLSClientConfig = conf
	}
	return &client{base: server, ctx: c, http: &http.Client{Transport: tr, Timeout: 60 * time.Second}}, nil
}

// reply is an answer of the API.
type reply struct {
	status   int
	body     []byte
	revision uint64
	header   http.Header
}

// do sends a request; accept is the wanted content type. An error answer
// is returned as a *admin.Problem.
func (c *client) do(method, path, accept string, body []byte, headers ...string) (*reply, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if body != nil {
		req.Header.Set("Content-Type", admin.ContentTypeYAML)
	}
	switch {
	case c.ctx.Token != "":
		req.Header.Set("Authorization", "Bearer "+c.ctx.Token)
	case c.ctx.User != "":
		req.SetBasicAuth(c.ctx.User, c.ctx.Password)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the admin API at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("reading the answer of %s %s: %w", method, path, err)
	}
	rev, _ := strconv.ParseUint(resp.Header.Get(admin.HeaderConfigVersion), 10, 64)
	r := &reply{status: resp.StatusCode, body: b, revision: rev, header: resp.Header}
	if resp.StatusCode >= 400 {
		var p admin.Problem
		if strings.HasPrefix(resp.Header.Get("Content-Type"), admin.ContentTypeProblem) && json.Unmarshal(b, &p) == nil {
			return r, &apiError{p: &p}
		}
		return r, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(b)))
	}
	return r, nil
}

// ifMatch returns the headers making a write conditional on a config
// revision: none for revision 0.
func ifMatch(revision uint64) []string {
	if revision == 0 {
		return nil
	}
	return []string{"If-Match", strconv.FormatUint(revision, 10)}
}

// getJSON fetches a path and decodes its JSON answer into v.
func (c *client) getJSON(path string, v any) (*reply, error) {
	r, err := c.do(http.MethodGet, path, admin.ContentTypeJSON, nil)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		return r, fmt.Errorf("decoding the answer of %s: %w", path, err)
	}
	return r, nil
}

// apiError is an error answer of the API.
type apiError struct{ p *admin.Problem }

// Error writes the detail with the problem's short type and status, and
// the field errors below.
func (e *apiError) Error() string {
	t := strings.TrimPrefix(string(e.p.Type), "urn:gatewright:problem:")
	msg := fmt.Sprintf("%s (%s, %d)", e.p.Detail, t, e.p.Status)
	if e.p.Revision > 0 {
		msg += fmt.Sprintf(" [stored at revision %d]", e.p.Revision)
	}
	return msg
}
