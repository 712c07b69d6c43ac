package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/goccy/go-yaml"
)

// defaultServer is the admin API of a node on this host.
const defaultServer = "http://127.0.0.1:2381"

// clientConfig is the config file: contexts naming servers with their
// credentials.
type clientConfig struct {
	CurrentContext string          `yaml:"currentContext,omitempty"`
	Contexts       []clientContext `yaml:"contexts,omitempty"`
}

// clientContext is one server with its credentials.
type clientContext struct {
	Name     string `yaml:"name"`
	Server   string `yaml:"server"`
	Token    string `yaml:"token,omitempty"`
	User     string `yaml:"user,omitempty"`
	Password string `yaml:"password,omitempty"`
	// CAFile verifies an https server; CertFile and KeyFile are the
	// client certificate for servers that require one.
	CAFile   string `yaml:"caFile,omitempty"`
	CertFile string `yaml:"certFile,omitempty"`
	KeyFile  string `yaml:"keyFile,omitempty"`
	// InsecureSkipVerify does not verify the server's certificate.
	InsecureSkipVerify bool `yaml:"insecureSkipVerify,omitempty"`
}

// configPath returns the config file's path: $GWCTL_CONFIG or
// ~/.gwctl/config.yaml.
func configPath(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if p := os.Getenv("GWCTL_CONFIG"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".gwctl", "config.yaml")
}

// loadContext reads the config file and returns the named context (the
// current one when name is empty). A missing file gives the default
// server unless a context was named.
func loadContext(path, name string) (clientContext, error) {
	def := clientContext{Name: "default", Server: defaultServer}
	if path == "" {
		return def, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && name == "" {
		return def, nil
	}
	if err != nil {
		return def, fmt.Errorf("config file: %w", err)
	}
	var cfg clientConfig
	if err := yaml.UnmarshalWithOptions(b, &cfg, yaml.Strict()); err != nil {
		return def, fmt.Errorf("config file %s: %w", path, err)
	}
	if name == "" {
		name = cfg.CurrentContext
	}
	if name == "" {
		if len(cfg.Contexts) == 1 {
			return cfg.Contexts[0], nil
		}
		return def, nil
	}
	var names []string
	for _, c := range cfg.Contexts {
		if c.Name == name {
			if c.Server == "" {
				c.Server = defaultServer
			}
			return c, nil
		}
		names = append(names, c.Name)
	}
	return def, fmt.Errorf("config file %s: no context %q (contexts: %v)", path, name, names)
}
