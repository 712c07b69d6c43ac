package main

import (
	"io"

	"github.com/spf13/cobra"
)

// app holds the global flags and the streams of one gwctl run.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	server, token, user, contextName, configFile string
	cacert                                       string
	insecure                                     bool
}

// newRootCommand builds the command tree.
func newRootCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "gwctl",
		Short:         "Operate gatewright nodes through their admin API",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	f := root.PersistentFlags()
	f.StringVarP(&a.server, "server", "s", "", "admin API address, e.g. http://127.0.0.1:2381 (default: the context's, else "+defaultServer+")")
	f.StringVar(&a.token, "token", "", "bearer token (default: the context's)")
	f.StringVar(&a.user, "user", "", "basic auth credentials USER:PASSWORD (default: the context's)")
	f.StringVar(&a.contextName, "context", "", "context of the config file to use (default: its currentContext)")
	f.StringVar(&a.configFile, "config", "", "config file (default $GWCTL_CONFIG or ~/.gwctl/config.yaml)")
	f.StringVar(&a.cacert, "cacert", "", "CA certificate (PEM) verifying an https server")
	f.BoolVar(&a.insecure, "insecure-skip-tls-verify", false, "do not verify the server's certificate")
	root.AddCommand(
		a.applyCommand(), a.createCommand(), a.getCommand(), a.describeCommand(),
		a.deleteCommand(), a.editCommand(), a.statusCommand(), a.membersCommand(),
		a.kindsCommand(), a.schemaCommand(), a.versionCommand(),
	)
	return root
}

// client returns the API client of the flags and the config file.
func (a *app) client() (*client, error) {
	c, err := loadContext(configPath(a.configFile), a.contextName)
	if err != nil {
		return nil, err
	}
	if a.server != "" {
		c.Server = a.server
	}
	if a.token != "" {
		c.Token, c.User, c.Password = a.token, "", ""
	}
	if a.user != "" {
		user, pass, _ := cutColon(a.user)
		c.Token, c.User, c.Password = "", user, pass
	}
	if a.cacert != "" {
		c.CAFile = a.cacert
	}
	if a.insecure {
		c.InsecureSkipVerify = true
	}
	return newClient(c)
}

func cutColon(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
