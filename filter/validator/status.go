package validator

// Status is the Validator's runtime status. It holds no secrets.
type Status struct {
	// Passed counts requests that passed every check.
	Passed uint64 `json:"passed"`
	// Checks lists the configured checks in the order they run.
	Checks []CheckStatus `json:"checks"`
	// JWKS describes the JWT key set, when keys come from a URL.
	JWKS *JWKSStatus `json:"jwks,omitempty"`
	// BasicAuth describes the basicAuth users.
	BasicAuth *BasicAuthStatus `json:"basicAuth,omitempty"`
}

// CheckStatus counts the rejections of one check.
type CheckStatus struct {
	// Check is the spec field of the check: headers, jwt, signature,
	// oauth2 or basicAuth.
	Check string `json:"check"`
	// Rejected counts the requests it rejected.
	Rejected uint64 `json:"rejected"`
}

// JWKSStatus describes a JWT key set fetched from a URL.
type JWKSStatus struct {
	// URL is the key set's address.
	URL string `json:"url"`
	// Keys is the number of usable keys in the current set.
	Keys int `json:"keys"`
	// Fetched is when the current set was fetched (RFC 3339), "" if never.
	Fetched string `json:"fetched,omitempty"`
	// Fetches counts fetch attempts.
	Fetches int64 `json:"fetches"`
	// LastError is the error of the last fetch, if it failed.
	LastError string `json:"lastError,omitempty"`
}

// BasicAuthStatus describes the basicAuth user table, or the LDAP server.
type BasicAuthStatus struct {
	// Mode is FILE, ETCD or LDAP.
	Mode string `json:"mode"`
	// Source is the file, "store:" and the data prefix, or the LDAP
	// server's URL.
	Source string `json:"source"`
	// Users is the number of users in the current table (0 in LDAP
	// mode).
	Users int `json:"users"`
	// Loaded is when the current table was read (RFC 3339).
	Loaded string `json:"loaded,omitempty"`
	// LastError is the error of the last read, if it failed.
	LastError string `json:"lastError,omitempty"`
	// LDAP counts the binds and cache hits of LDAP mode.
	LDAP *LDAPStatus `json:"ldap,omitempty"`
}

// LDAPStatus counts the work of LDAP mode.
type LDAPStatus struct {
	// Server is the LDAP server's URL.
	Server string `json:"server"`
	// Binds counts bind attempts.
	Binds uint64 `json:"binds"`
	// Refused counts binds the server refused (wrong password, unknown
	// user, ...).
	Refused uint64 `json:"refused"`
	// Failed counts verifications that could not reach the server or
	// get its answer in time.
	Failed uint64 `json:"failed"`
	// CacheHits counts requests accepted from the cache, without a bind.
	CacheHits uint64 `json:"cacheHits"`
	// CacheSize is the number of verified credentials held.
	CacheSize int `json:"cacheSize"`
	// Connections is the number of idle connections kept.
	Connections int `json:"connections"`
	// LastError is the error of the last attempt to reach the server,
	// cleared by a bind that got an answer.
	LastError string `json:"lastError,omitempty"`
}

// Status reports the counters and the state of the key set and users.
func (v *Validator) Status() any {
	st := Status{Passed: v.passed.Load(), Checks: make([]CheckStatus, 0, len(v.steps))}
	for _, s := range v.steps {
		st.Checks = append(st.Checks, CheckStatus{Check: s.name, Rejected: s.rejected.Load()})
	}
	if v.jwt != nil && v.jwt.jwks != nil {
		st.JWKS = v.jwt.jwks.status()
	}
	if v.basicAuth != nil {
		st.BasicAuth = v.basicAuth.status()
	}
	return st
}
