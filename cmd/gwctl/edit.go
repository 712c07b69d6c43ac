package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"

	"github.com/gatewright/gatewright/gateway/admin"
	"github.com/goccy/go-yaml"
	"github.com/spf13/cobra"
)

// editCommand: gwctl edit KIND NAME.
func (a *app) editCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "edit KIND NAME",
		Short: "Edit an object's document in $EDITOR and update it",
		Long: `Edit opens the object's YAML in $VISUAL or $EDITOR (vi by default). When the
editor exits, the document is sent back as an update based on the revision it
was read at: if the object changed meanwhile, the update is refused and the
edited file is kept. Secret fields show as <redacted>; leaving the marker
keeps the stored secret.`,
		Args:              cobra.ExactArgs(2),
		ValidArgsFunction: a.completeKindAndName,
		RunE: func(_ *cobra.Command, args []string) error {
			c, doc, rev, err := a.fetchTarget(args[0], args[1])
			if err != nil {
				return err
			}
			original, err := yaml.JSONToYAML(doc.raw)
			if err != nil {
				return err
			}
			f, err := os.CreateTemp("", "gwctl-edit-"+doc.name+"-*.yaml")
			if err != nil {
				return err
			}
			path := f.Name()
			header := fmt.Sprintf("# Edit %s %q (config revision %d). Saving an unchanged file cancels.\n", doc.kind, doc.name, rev)
			if _, err := f.WriteString(header + string(original)); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			if err := a.runEditor(path); err != nil {
				return fmt.Errorf("%w (the document is in %s)", err, path)
			}
			edited, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			edited = bytes.TrimPrefix(edited, []byte(header))
			if bytes.Equal(bytes.TrimSpace(edited), bytes.TrimSpace(original)) {
				os.Remove(path)
				fmt.Fprintln(a.stdout, "Edit cancelled, no changes made.")
				return nil
			}
			r, err := c.do(http.MethodPut, objectsPath+"/"+url.PathEscape(doc.name), admin.ContentTypeJSON, edited,
				"If-Match", strconv.FormatUint(rev, 10))
			if err != nil {
				return fmt.Errorf("%w\nyour edit is kept in %s", err, path)
			}
			os.Remove(path)
			return a.printWrite(r)
		},
	}
}

// runEditor opens path in $VISUAL or $EDITOR (vi), through the shell so
// that the variable may carry arguments.
func (a *app) runEditor(path string) error {
	editor := os.Getenv("VISUAL")
	if editor == "" {
		editor = os.Getenv("EDITOR")
	}
	if editor == "" {
		editor = "vi"
	}
	cmd := exec.Command("sh", "-c", editor+` "$1"`, "gwctl-editor", path)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, a.stdout, a.stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("the editor %q failed: %v", editor, err)
		}
		return fmt.Errorf("starting the editor %q: %w", editor, err)
	}
	return nil
}
