package httpserver

import "github.com/gatewright/gatewright/registry"

// checkFeatures checks the vocabulary fields that are accepted for
// compatibility but not always served: http3 and autoCert, which are
// refused when true, and tracing.
func checkFeatures(s *Spec) registry.FieldErrors {
	var errs registry.FieldErrors
	if s.HTTP3 {
		errs = append(errs, registry.FieldError{Path: "http3",
			Reason: "HTTP/3 is not supported by gatewright's fasthttp data plane; remove http3 or set it to false"})
	}
	if s.AutoCert {
		errs = append(errs, registry.FieldError{Path: "autoCert",
			Reason: "needs an AutoCertManager object, and gatewright has no AutoCertManager kind yet; give the certificates with certBase64/keyBase64 or certs/keys"})
	}
	return append(errs, checkTracing(s.Tracing, "tracing")...)
}
