package main

import (
	"strings"

	"github.com/gatewright/gatewright/gateway/admin"
	"github.com/spf13/cobra"
)

// completeKindAndName completes an object kind, then names of that kind,
// asking the server.
func (a *app) completeKindAndName(_ *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	c, err := a.client()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	switch len(args) {
	case 0:
		var res []admin.APIResource
		if _, err := c.getJSON(admin.Prefix+"/object-api-resources", &res); err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		out := []cobra.Completion{"objects"}
		for _, r := range res {
			out = append(out, cobra.CompletionWithDesc(r.Name, r.Kind))
		}
		return filterPrefix(out, prefix), cobra.ShellCompDirectiveNoFileComp
	case 1:
		kind, err := resolveKind(c, args[0])
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return a.names(c, kind, prefix), cobra.ShellCompDirectiveNoFileComp
	}
	return nil, cobra.ShellCompDirectiveNoFileComp
}

// completeObjectName completes the name of any object.
func (a *app) completeObjectName(_ *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	c, err := a.client()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return a.names(c, "", prefix), cobra.ShellCompDirectiveNoFileComp
}

// completeAnyKind completes the name of any registered kind.
func (a *app) completeAnyKind(_ *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	c, err := a.client()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var kinds []admin.KindInfo
	if _, err := c.getJSON(admin.Prefix+"/kinds?schema=false", &kinds); err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, k := range kinds {
		out = append(out, cobra.CompletionWithDesc(k.Name, k.Class+": "+k.Description))
	}
	return filterPrefix(out, prefix), cobra.ShellCompDirectiveNoFileComp
}

// names lists object names of a kind for completion.
func (a *app) names(c *client, kind, prefix string) []cobra.Completion {
	docs, err := fetchObjects(c, kind)
	if err != nil {
		return nil
	}
	var out []cobra.Completion
	for _, d := range docs {
		out = append(out, d.name)
	}
	return filterPrefix(out, prefix)
}

// filterPrefix keeps the completions starting with prefix.
func filterPrefix(in []cobra.Completion, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, c := range in {
		if strings.HasPrefix(strings.ToLower(c), strings.ToLower(prefix)) {
			out = append(out, c)
		}
	}
	return out
}
