package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

// addOutputFlag registers -o/--output (table, yaml or json) on cmd.
func addOutputFlag(cmd *cobra.Command, output *string) {
	cmd.Flags().StringVarP(output, "output", "o", "table", "output format: table, yaml or json")
}

// outputClient validates -o, then returns the API client; the order
// matters: a bad -o is a usage error even without a reachable config.
func (a *app) outputClient(output string) (*client, error) {
	if err := checkOutput(output); err != nil {
		return nil, err
	}
	return a.client()
}

// newTable starts a table on w with its tab-separated header row.
func newTable(w io.Writer, header string) *tabwriter.Writer {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, header)
	return tw
}
