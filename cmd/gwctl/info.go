package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gatewright/gatewright/gateway"
	"github.com/gatewright/gatewright/gateway/admin"
	"github.com/spf13/cobra"
)

// statusCommand: gwctl status [NAME].
func (a *app) statusCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:               "status [NAME]",
		Short:             "Show object status on every node of the cluster",
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: a.completeObjectName,
		RunE: func(_ *cobra.Command, args []string) error {
			c, err := a.outputClient(output)
			if err != nil {
				return err
			}
			path := admin.Prefix + "/status/objects"
			if len(args) == 1 {
				path += "/" + url.PathEscape(args[0])
			}
			r, err := c.do(http.MethodGet, path, admin.ContentTypeJSON, nil)
			if err != nil {
				return err
			}
			if output != "table" {
				return a.printValue(r.body, output)
			}
			var objs []admin.ObjectStatus
			var members []admin.MemberStatus
			if len(args) == 1 {
				var o admin.ObjectStatus
				if err := json.Unmarshal(r.body, &o); err != nil {
					return err
				}
				objs = []admin.ObjectStatus{o}
			} else {
				var cs admin.ClusterStatus
				if err := json.Unmarshal(r.body, &cs); err != nil {
					return err
				}
				objs, members = cs.Objects, cs.Members
			}
			tw := newTable(a.stdout, "NAME\tKIND\tNODE\tRUNNING\tREVISION\tERROR")
			for _, o := range objs {
				nodes := make([]string, 0, len(o.Nodes))
				for n := range o.Nodes {
					nodes = append(nodes, n)
				}
				sort.Strings(nodes)
				for _, n := range nodes {
					s := o.Nodes[n]
					fmt.Fprintf(tw, "%s\t%s\t%s\t%t\t%d\t%s\n", o.Name, o.Kind, n, s.Running, s.Revision, oneLine(s.Error))
				}
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			for _, m := range members {
				if m.Error != "" {
					fmt.Fprintf(a.stdout, "member %s: %s\n", m.Name, m.Error)
				}
			}
			return nil
		},
	}
	addOutputFlag(cmd, &output)
	return cmd
}

// membersCommand: gwctl members.
func (a *app) membersCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "members",
		Short: "List the cluster's members",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			c, err := a.outputClient(output)
			if err != nil {
				return err
			}
			var ms []admin.Member
			r, err := c.getJSON(admin.Prefix+"/status/members", &ms)
			if err != nil {
				return err
			}
			if output != "table" {
				return a.printValue(r.body, output)
			}
			tw := newTable(a.stdout, "NAME\tROLES\tSTATE\tAPI\tRAFT\tVERSION")
			for _, m := range ms {
				name := m.Name
				if m.Self {
					name += " (this)"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", name, strings.Join(m.Roles, ","), m.State, m.APIAddr, m.RaftAddr, m.Version)
			}
			return tw.Flush()
		},
	}
	addOutputFlag(cmd, &output)
	return cmd
}

// kindsCommand: gwctl kinds.
func (a *app) kindsCommand() *cobra.Command {
	var output, class string
	cmd := &cobra.Command{
		Use:   "kinds",
		Short: "List the kinds the node knows: objects, filters and policies",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			c, err := a.outputClient(output)
			if err != nil {
				return err
			}
			path := admin.Prefix + "/kinds?schema=false"
			if output != "table" {
				path = admin.Prefix + "/kinds?schema=true"
			}
			if class != "" {
				path += "&class=" + url.QueryEscape(class)
			}
			var kinds []admin.KindInfo
			r, err := c.getJSON(path, &kinds)
			if err != nil {
				return err
			}
			if output != "table" {
				return a.printValue(r.body, output)
			}
			tw := newTable(a.stdout, "NAME\tCLASS\tRESULTS\tDESCRIPTION")
			for _, k := range kinds {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.Name, k.Class, strings.Join(k.Results, ","), k.Description)
			}
			return tw.Flush()
		},
	}
	addOutputFlag(cmd, &output)
	cmd.Flags().StringVar(&class, "class", "", "only kinds of this class: object, filter or policy")
	return cmd
}

// schemaCommand: gwctl schema KIND.
func (a *app) schemaCommand() *cobra.Command {
	var class string
	cmd := &cobra.Command{
		Use:               "schema KIND",
		Short:             "Print the JSON Schema of a kind's documents, for editors and CI",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: a.completeAnyKind,
		RunE: func(_ *cobra.Command, args []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			path := admin.Prefix + "/kinds/" + url.PathEscape(args[0]) + "/schema"
			if class != "" {
				path += "?class=" + url.QueryEscape(class)
			}
			r, err := c.do(http.MethodGet, path, admin.ContentTypeSchema, nil)
			if err != nil {
				return err
			}
			_, err = a.stdout.Write(r.body)
			return err
		},
	}
	cmd.Flags().StringVar(&class, "class", "", "class of the kind when a name is used twice: object, filter or policy")
	return cmd
}

// versionCommand: gwctl version.
func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the versions of gwctl and of the node",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(a.stdout, "client: %s\n", gateway.Version())
			c, err := a.client()
			if err != nil {
				return err
			}
			var v admin.VersionInfo
			if _, err := c.getJSON(admin.Prefix+"/version", &v); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "server: %s (node %s, %s, %s)\n", v.Version, v.Node, v.GoVersion, v.Platform)
			return nil
		},
	}
}

// oneLine shortens a message to one line of a table.
func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	return strconv.Quote(s)[1 : len(strconv.Quote(s))-1]
}
