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

// BasicAuthStatus describes the basicAuth user table.
type BasicAuthStatus struct {
	// Mode is FILE or ETCD.
	Mode string `json:"mode"`
	// Source is the file, or "store:" and the data prefix.
	Source string `json:"source"`
	// Users is the number of users in the current table.
	Users int `json:"users"`
	// Loaded is when the current table was read (RFC 3339).
	Loaded string `json:"loaded,omitempty"`
	// LastError is the error of the last read, if it failed.
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
