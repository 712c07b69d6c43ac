package admin

import (
	"crypto/sha256"
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
)

// authenticate checks the request's credentials and returns the problem
// to answer with, or nil.
func (h *Handler) authenticate(r *http.Request) *Problem {
	a := h.cfg.Auth
	if a.empty() {
		if isLoopbackRemote(r.RemoteAddr) {
			return nil
		}
		return newProblem(ProblemForbidden, "the admin API serves loopback clients only until credentials are configured (admin tokens, users or a client CA)")
	}
	if a.ClientCerts && r.TLS != nil && len(r.TLS.VerifiedChains) > 0 {
		return nil
	}
	authz := r.Header.Get("Authorization")
	switch {
	case authz == "":
		return newProblem(ProblemUnauthorized, "credentials are required: send Authorization: Bearer TOKEN or basic auth")
	case hasScheme(authz, "Bearer"):
		if matchesAny(strings.TrimSpace(authz[len("Bearer "):]), a.Tokens) {
			return nil
		}
	case hasScheme(authz, "Basic"):
		user, pass, ok := r.BasicAuth()
		if ok && h.checkUser(user, pass) {
			return nil
		}
	}
	return newProblem(ProblemUnauthorized, "the credentials are not valid")
}

// checkUser compares a basic auth password in constant time.
func (h *Handler) checkUser(user, pass string) bool {
	want, ok := h.cfg.Auth.Users[user]
	if !ok {
		// Compare anyway so that unknown users take as long.
		equalSecret(pass, pass+"x")
		return false
	}
	return equalSecret(pass, want)
}

// hasScheme reports whether an Authorization value uses scheme.
func hasScheme(authz, scheme string) bool {
	return len(authz) > len(scheme) && strings.EqualFold(authz[:len(scheme)], scheme) && authz[len(scheme)] == ' '
}

// matchesAny compares got with every candidate in constant time.
func matchesAny(got string, candidates []string) bool {
	ok := false
	for _, c := range candidates {
		if equalSecret(got, c) {
			ok = true
		}
	}
	return ok
}

// equalSecret compares two secrets in time independent of their content
// and length (both are hashed first).
func equalSecret(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

// isLoopbackRemote reports whether a remote address is on loopback.
func isLoopbackRemote(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// isLoopbackAddr reports whether a listen address binds loopback only.
func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// challenge is the WWW-Authenticate value of 401 answers.
const challenge = `Bearer realm="gatewright", Basic realm="gatewright"`
