package validator

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gatewright/gatewright/protocols/httpprot"
	"github.com/golang-jwt/jwt/v5"
)

// Headers the oauth2 check sets on the request it lets through.
const (
	// HeaderAuthenticatedUserID carries the token's subject.
	HeaderAuthenticatedUserID = "X-Authenticated-Userid"
	// HeaderAuthenticatedScope carries the token's scope.
	HeaderAuthenticatedScope = "X-Authenticated-Scope"
)

// maxIntrospectReply bounds an introspection reply.
const maxIntrospectReply = 64 << 10

var errNoBearer = errors.New("no Authorization: Bearer token")

// oauth2Check is the compiled oauth2 check.
type oauth2Check struct {
	ti        *TokenIntrospectSpec
	transport *http.Transport
	client    *http.Client
	// cache remembers active tokens (cacheTTL); nil without caching.
	cache *verifiedCache[introspected]

	parser  *jwt.Parser
	secret  []byte
	keyFunc jwt.Keyfunc
}

// scopedClaims are the claims of a self-contained access token.
type scopedClaims struct {
	jwt.RegisteredClaims
	Scope string `json:"scope"`
}

// introspected is what the cache keeps of an active token.
type introspected struct{ subject, scope string }

// introspection is an introspection reply (RFC 7662 section 2.2).
type introspection struct {
	Active    bool   `json:"active"`
	Expires   int64  `json:"exp"`
	Scope     string `json:"scope"`
	Subject   string `json:"sub"`
	Username  string `json:"username"`
	Error     string `json:"error"`
	ErrorDesc string `json:"error_description"`
}

func newOAuth2Check(s *OAuth2Spec) (*oauth2Check, error) {
	c := &oauth2Check{}
	if ti := s.TokenIntrospect; ti != nil {
		c.ti = ti
		c.transport = http.DefaultTransport.(*http.Transport).Clone()
		if ti.InsecureTLS {
			c.transport.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // asked for by the spec
		}
		c.client = &http.Client{Transport: c.transport, Timeout: ti.timeout()}
		if ttl := ti.CacheTTL.D(); ttl > 0 {
			cache, err := newVerifiedCache[introspected](ttl, IntrospectCacheEntries)
			if err != nil {
				return nil, err
			}
			c.cache = cache
		}
		return c, nil
	}
	secret, err := decodeSecret(s.JWT.Secret)
	if err != nil {
		return nil, err
	}
	c.secret = secret
	c.parser = jwt.NewParser(jwt.WithValidMethods([]string{s.JWT.Algorithm}))
	c.keyFunc = func(*jwt.Token) (any, error) { return c.secret, nil }
	return c, nil
}

// check validates the bearer token and, when it is good, replaces the
// request's X-Authenticated-Userid and X-Authenticated-Scope headers with
// its subject and scope (removing client-sent ones).
func (c *oauth2Check) check(req *httpprot.Request) error {
	token := bearerToken(req)
	if token == nil {
		return errNoBearer
	}
	var subject, scope string
	if c.client != nil {
		who, err := c.introspectCached(token)
		if err != nil {
			return err
		}
		subject, scope = who.subject, who.scope
	} else {
		var claims scopedClaims
		if _, err := c.parser.ParseWithClaims(string(token), &claims, c.keyFunc); err != nil {
			return err
		}
		subject, scope = claims.Subject, claims.Scope
	}
	req.Header.Del(HeaderAuthenticatedUserID)
	req.Header.Del(HeaderAuthenticatedScope)
	if subject != "" {
		req.Header.Set(HeaderAuthenticatedUserID, subject)
	}
	if scope != "" {
		req.Header.Set(HeaderAuthenticatedScope, scope)
	}
	return nil
}

// introspectCached returns the subject and scope of an active token, from
// the cache when it holds the token, else from the endpoint (then storing
// it until the cache TTL or the token's exp, whichever comes first).
func (c *oauth2Check) introspectCached(token []byte) (introspected, error) {
	var key credentialKey
	if c.cache != nil {
		key = c.cache.key(token)
		if who, ok := c.cache.lookup(key); ok {
			return who, nil
		}
	}
	ti, err := c.introspect(string(token))
	if err != nil {
		return introspected{}, err
	}
	who := introspected{subject: ti.Subject, scope: ti.Scope}
	if who.subject == "" {
		who.subject = ti.Username
	}
	if c.cache != nil {
		ttl := c.ti.CacheTTL.D()
		if ti.Expires > 0 {
			ttl = min(ttl, time.Until(time.Unix(ti.Expires, 0)))
		}
		if ttl > 0 {
			c.cache.store(key, who, ttl)
		}
	}
	return who, nil
}

// introspect asks the endpoint about token and fails unless it is
// active.
func (c *oauth2Check) introspect(token string) (*introspection, error) {
	form := url.Values{"token": {token}}
	if c.ti.ClientID != "" {
		form.Set("client_id", c.ti.ClientID)
		form.Set("client_secret", c.ti.ClientSecret)
	}
	r, err := http.NewRequest(http.MethodPost, c.ti.EndPoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Accept", "application/json")
	if c.ti.ClientID == "" && c.ti.BasicAuth != "" {
		r.Header.Set("Authorization", "Basic "+c.ti.BasicAuth)
	}
	resp, err := c.client.Do(r)
	if err != nil {
		return nil, fmt.Errorf("token introspection: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxIntrospectReply))
	if err != nil {
		return nil, fmt.Errorf("token introspection: reading the reply: %v", err)
	}
	var ti introspection
	if err := json.Unmarshal(body, &ti); err != nil {
		return nil, fmt.Errorf("token introspection: status %d, reply is not JSON", resp.StatusCode)
	}
	if ti.Error != "" {
		return nil, fmt.Errorf("token introspection: %s: %s", ti.Error, ti.ErrorDesc)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("token introspection: status %d", resp.StatusCode)
	}
	if !ti.Active {
		return nil, errors.New("the token is not active")
	}
	return &ti, nil
}

// close drops the idle connections to the endpoint.
func (c *oauth2Check) close() {
	if c.transport != nil {
		c.transport.CloseIdleConnections()
	}
}
