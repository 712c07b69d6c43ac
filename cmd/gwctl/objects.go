package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/gatewright/gatewright/gateway/admin"
	"github.com/gatewright/gatewright/supervisor"
	"github.com/spf13/cobra"
)

// objectsPath is the objects collection of the API.
const objectsPath = admin.Prefix + "/objects"

// applyCommand: gwctl apply -f FILE|DIR|-.
func (a *app) applyCommand() *cobra.Command {
	var files []string
	var revision uint64
	cmd := &cobra.Command{
		Use:   "apply -f FILE|DIR|-",
		Short: "Create or update the objects of the documents, all or nothing",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			return a.write(http.MethodPut, files, revision)
		},
	}
	cmd.Flags().StringArrayVarP(&files, "filename", "f", nil, "file, directory or - (standard input) of YAML or JSON documents")
	cmd.Flags().Uint64Var(&revision, "revision", 0, "refuse the write if an object changed after this config revision")
	return cmd
}

// createCommand: gwctl create -f FILE|DIR|-.
func (a *app) createCommand() *cobra.Command {
	var files []string
	cmd := &cobra.Command{
		Use:   "create -f FILE|DIR|-",
		Short: "Create the objects of the documents; none may exist yet",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			return a.write(http.MethodPost, files, 0)
		},
	}
	cmd.Flags().StringArrayVarP(&files, "filename", "f", nil, "file, directory or - (standard input) of YAML or JSON documents")
	return cmd
}

// write sends documents to the objects collection and prints the result.
func (a *app) write(method string, files []string, revision uint64) error {
	docs, err := a.readManifests(files)
	if err != nil {
		return err
	}
	c, err := a.client()
	if err != nil {
		return err
	}
	headers := ifMatch(revision)
	r, err := c.do(method, objectsPath, admin.ContentTypeJSON, docs, headers...)
	if err != nil {
		return err
	}
	return a.printWrite(r)
}

// printWrite prints a write result: kind/name action, then the revision.
func (a *app) printWrite(r *reply) error {
	var res admin.WriteResult
	if err := json.Unmarshal(r.body, &res); err != nil {
		return fmt.Errorf("decoding the answer: %w", err)
	}
	for _, o := range res.Objects {
		fmt.Fprintf(a.stdout, "%s/%s %s\n", strings.ToLower(o.Kind), o.Name, o.Action)
	}
	fmt.Fprintf(a.stdout, "revision %d\n", res.Revision)
	return nil
}

// getCommand: gwctl get KIND|objects [NAME] [-o table|yaml|json].
func (a *app) getCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "get KIND|objects [NAME]",
		Short: "List objects of a kind (or all), or show one",
		Example: `  gwctl get objects
  gwctl get httpserver
  gwctl get pipeline api -o yaml`,
		Args:              cobra.RangeArgs(1, 2),
		ValidArgsFunction: a.completeKindAndName,
		RunE: func(_ *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			c, kind, err := a.kindClient(args[0])
			if err != nil {
				return err
			}
			if len(args) == 2 {
				doc, _, err := fetchObject(c, args[1], kind)
				if err != nil {
					return err
				}
				return a.printDocuments([]orderedDoc{doc}, output, true)
			}
			docs, err := fetchObjects(c, kind)
			if err != nil {
				return err
			}
			return a.printDocuments(docs, output, false)
		},
	}
	addOutputFlag(cmd, &output)
	return cmd
}

// describeCommand: gwctl describe KIND NAME.
func (a *app) describeCommand() *cobra.Command {
	return &cobra.Command{
		Use:               "describe KIND NAME",
		Short:             "Show an object's document and its status on every node",
		Args:              cobra.ExactArgs(2),
		ValidArgsFunction: a.completeKindAndName,
		RunE: func(_ *cobra.Command, args []string) error {
			c, doc, _, err := a.fetchTarget(args[0], args[1])
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, "Document:")
			if err := a.printIndentedYAML(doc.raw); err != nil {
				return err
			}
			r, err := c.do(http.MethodGet, admin.Prefix+"/status/objects/"+args[1], admin.ContentTypeJSON, nil)
			fmt.Fprintln(a.stdout, "Status:")
			if err != nil {
				fmt.Fprintf(a.stdout, "  (none: %v)\n", err)
				return nil
			}
			return a.printIndentedYAML(r.body)
		},
	}
}

// deleteCommand: gwctl delete KIND NAME, or delete -f FILE.
func (a *app) deleteCommand() *cobra.Command {
	var files []string
	var revision uint64
	cmd := &cobra.Command{
		Use:               "delete KIND NAME | delete -f FILE|DIR|-",
		Short:             "Delete an object, or the objects named in documents",
		ValidArgsFunction: a.completeKindAndName,
		RunE: func(_ *cobra.Command, args []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			type target struct{ kind, name string }
			var targets []target
			switch {
			case len(files) > 0 && len(args) == 0:
				docs, err := a.readManifests(files)
				if err != nil {
					return err
				}
				specs, err := supervisor.ParseDocuments(docs)
				if err != nil {
					return err
				}
				for _, s := range specs {
					targets = append(targets, target{s.Kind, s.Name})
				}
			case len(files) == 0 && len(args) == 2:
				kind, err := resolveKind(c, args[0])
				if err != nil {
					return err
				}
				targets = append(targets, target{kind, args[1]})
			default:
				return usageError{fmt.Errorf("give KIND NAME or -f FILE")}
			}
			headers := ifMatch(revision)
			var errs []string
			for _, t := range targets {
				if t.kind != "" {
					if _, _, err := fetchObject(c, t.name, t.kind); err != nil {
						errs = append(errs, err.Error())
						continue
					}
				}
				r, err := c.do(http.MethodDelete, objectsPath+"/"+t.name, admin.ContentTypeJSON, nil, headers...)
				if err != nil {
					errs = append(errs, err.Error())
					continue
				}
				if err := a.printWrite(r); err != nil {
					return err
				}
			}
			if len(errs) > 0 {
				return fmt.Errorf("%s", strings.Join(errs, "\n       "))
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVarP(&files, "filename", "f", nil, "file, directory or - naming the objects to delete")
	cmd.Flags().Uint64Var(&revision, "revision", 0, "refuse the delete if the object changed after this config revision")
	return cmd
}

// noArgs refuses positional arguments as a usage error.
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("unexpected arguments %v; give documents with -f", args)}
	}
	return nil
}
