package validator

import (
	"strings"
	"time"

	"github.com/gatewright/gatewright/registry"
)

// Basic authentication modes.
const (
	// ModeFile reads the users from an htpasswd file.
	ModeFile = "FILE"
	// ModeStore reads the users from the cluster store (Easegress's name
	// for its etcd-backed custom data).
	ModeStore = "ETCD"
	// ModeLDAP binds to an LDAP server; not supported by gatewright.
	ModeLDAP = "LDAP"
)

// Defaults of basicAuth.
const (
	// DefaultUserFile is userFile when it is not given, as in Easegress.
	DefaultUserFile = "/etc/apache2/.htpasswd"
	// DefaultEtcdPrefix is etcdPrefix when it is not given, as in
	// Easegress.
	DefaultEtcdPrefix = "credentials/"
	// DefaultRefreshInterval is how often the users are read again.
	DefaultRefreshInterval = 10 * time.Second
	// MinRefreshInterval is the shortest refreshInterval accepted.
	MinRefreshInterval = 100 * time.Millisecond
)

// BasicAuthSpec configures the basicAuth check.
type BasicAuthSpec struct {
	// Mode says where the users come from: FILE or ETCD (the store).
	Mode string `json:"mode" jsonschema:"required,enum=FILE,enum=ETCD,enum=LDAP,description=where the users come from: FILE (htpasswd) or ETCD (the cluster store); LDAP is not supported"`
	// UserFile is the htpasswd file of FILE mode.
	UserFile string `json:"userFile,omitempty" jsonschema:"description=htpasswd file of FILE mode (default /etc/apache2/.htpasswd)"`
	// EtcdPrefix is the data prefix of ETCD mode.
	EtcdPrefix string `json:"etcdPrefix,omitempty" jsonschema:"description=store data prefix of ETCD mode (default credentials/)"`
	// LDAP is Easegress's LDAP mode, refused by gatewright.
	LDAP *LDAPSpec `json:"ldap,omitempty" jsonschema:"description=LDAP settings (LDAP mode is not supported)"`
	// RefreshInterval is how often the users are read again (gatewright).
	RefreshInterval registry.Duration `json:"refreshInterval,omitempty" jsonschema:"description=how often the users are read again (gatewright; default 10s)"`
}

// LDAPSpec is Easegress's LDAP mode configuration. gatewright accepts the
// fields so that such a configuration gets a clear error, not an unknown
// field.
type LDAPSpec struct {
	// Host is the LDAP server.
	Host string `json:"host" jsonschema:"required,description=LDAP server"`
	// Port is its port.
	Port int `json:"port" jsonschema:"required,description=LDAP port"`
	// BaseDN is the base of user DNs.
	BaseDN string `json:"baseDN" jsonschema:"required,description=base DN of users"`
	// UID is the user ID attribute.
	UID string `json:"uid" jsonschema:"required,description=user ID attribute"`
	// UseSSL uses LDAPS.
	UseSSL bool `json:"useSSL,omitempty" jsonschema:"description=use LDAPS"`
	// SkipTLS skips StartTLS.
	SkipTLS bool `json:"skipTLS,omitempty" jsonschema:"description=do not use StartTLS"`
	// Insecure skips certificate verification.
	Insecure bool `json:"insecure,omitempty" jsonschema:"description=do not verify the server certificate"`
	// ServerName is the TLS server name.
	ServerName string `json:"serverName,omitempty" jsonschema:"description=TLS server name"`
	// CertBase64 is a client certificate, base64 PEM.
	CertBase64 string `json:"certBase64,omitempty" jsonschema:"description=client certificate\\, base64 PEM"`
	// KeyBase64 is its key, base64 PEM.
	KeyBase64 string `json:"keyBase64,omitempty" secret:"true" jsonschema:"description=client key\\, base64 PEM"`
}

// Validate checks the mode and its settings.
func (s *BasicAuthSpec) Validate() error {
	switch s.Mode {
	case ModeLDAP:
		return registry.FieldError{Path: "mode", Reason: "LDAP is not supported by gatewright; use FILE or ETCD"}
	case ModeFile:
		if s.EtcdPrefix != "" {
			return registry.FieldError{Path: "etcdPrefix", Reason: "is for ETCD mode, not FILE"}
		}
	case ModeStore:
		if s.UserFile != "" {
			return registry.FieldError{Path: "userFile", Reason: "is for FILE mode, not ETCD"}
		}
	default:
		return registry.FieldError{Path: "mode", Reason: "must be FILE or ETCD"}
	}
	if s.LDAP != nil {
		return registry.FieldError{Path: "ldap", Reason: "is for LDAP mode, which is not supported"}
	}
	if s.RefreshInterval != 0 && s.RefreshInterval.D() < MinRefreshInterval {
		return registry.FieldError{Path: "refreshInterval", Reason: "must be at least " + MinRefreshInterval.String()}
	}
	return nil
}

func (s *BasicAuthSpec) userFile() string {
	if s.UserFile == "" {
		return DefaultUserFile
	}
	return s.UserFile
}

// storePrefix returns the data prefix of ETCD mode, without a leading
// slash and with a trailing one.
func (s *BasicAuthSpec) storePrefix() string {
	p := strings.TrimLeft(s.EtcdPrefix, "/")
	if p == "" {
		return DefaultEtcdPrefix
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

func (s *BasicAuthSpec) refreshInterval() time.Duration {
	if s.RefreshInterval == 0 {
		return DefaultRefreshInterval
	}
	return s.RefreshInterval.D()
}
