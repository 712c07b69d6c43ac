package validator

import (
	"strings"
	"time"

	"github.com/gatewright/gatewright/filter/internal/adapt"
	"github.com/gatewright/gatewright/registry"
)

// Basic authentication modes.
const (
	// ModeFile reads the users from an htpasswd file.
	ModeFile = "FILE"
	// ModeStore reads the users from the cluster store (Easegress's name
	// for its etcd-backed custom data).
	ModeStore = "ETCD"
	// ModeLDAP authenticates a user by a bind to an LDAP server.
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
	// Mode says where the users come from: FILE, ETCD (the store) or
	// LDAP (a bind to an LDAP server).
	Mode string `json:"mode" jsonschema:"required,enum=FILE,enum=ETCD,enum=LDAP,description=where the users come from: FILE (htpasswd)\\, ETCD (the cluster store) or LDAP (a bind to an LDAP server)"`
	// UserFile is the htpasswd file of FILE mode.
	UserFile string `json:"userFile,omitempty" jsonschema:"description=htpasswd file of FILE mode (default /etc/apache2/.htpasswd)"`
	// EtcdPrefix is the data prefix of ETCD mode.
	EtcdPrefix string `json:"etcdPrefix,omitempty" jsonschema:"description=store data prefix of ETCD mode (default credentials/)"`
	// LDAP is the server of LDAP mode.
	LDAP *LDAPSpec `json:"ldap,omitempty" jsonschema:"description=LDAP server and user DNs of LDAP mode"`
	// RefreshInterval is how often the users are read again (gatewright).
	RefreshInterval registry.Duration `json:"refreshInterval,omitempty" jsonschema:"description=how often the users of FILE and ETCD modes are read again (gatewright; default 10s)"`
}

// Validate checks the mode and its settings.
func (s *BasicAuthSpec) Validate() error {
	switch s.Mode {
	case ModeFile:
		if s.EtcdPrefix != "" {
			return registry.FieldError{Path: "etcdPrefix", Reason: "is for ETCD mode, not FILE"}
		}
	case ModeStore:
		if s.UserFile != "" {
			return registry.FieldError{Path: "userFile", Reason: "is for FILE mode, not ETCD"}
		}
	case ModeLDAP:
		switch {
		case s.UserFile != "":
			return registry.FieldError{Path: "userFile", Reason: "is for FILE mode, not LDAP"}
		case s.EtcdPrefix != "":
			return registry.FieldError{Path: "etcdPrefix", Reason: "is for ETCD mode, not LDAP"}
		case s.RefreshInterval != 0:
			return registry.FieldError{Path: "refreshInterval", Reason: "is for FILE and ETCD modes, not LDAP"}
		case s.LDAP == nil:
			return registry.FieldError{Path: "ldap", Reason: "is required in LDAP mode"}
		}
		return adapt.At("ldap", s.LDAP.Validate())
	default:
		return registry.FieldError{Path: "mode", Reason: "must be FILE, ETCD or LDAP"}
	}
	if s.LDAP != nil {
		return registry.FieldError{Path: "ldap", Reason: "is for LDAP mode, not " + s.Mode}
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
