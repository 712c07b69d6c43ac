package main

// kindClient returns the API client and the kind the user typed as
// kindArg, resolved by resolveKind.
func (a *app) kindClient(kindArg string) (*client, string, error) {
	c, err := a.client()
	if err != nil {
		return nil, "", err
	}
	kind, err := resolveKind(c, kindArg)
	if err != nil {
		return nil, "", err
	}
	return c, kind, nil
}

// fetchTarget fetches the object KIND NAME of the command line: the
// client, the document and the config revision it was read at.
func (a *app) fetchTarget(kindArg, name string) (*client, orderedDoc, uint64, error) {
	c, kind, err := a.kindClient(kindArg)
	if err != nil {
		return nil, orderedDoc{}, 0, err
	}
	doc, rev, err := fetchObject(c, name, kind)
	if err != nil {
		return nil, orderedDoc{}, 0, err
	}
	return c, doc, rev, nil
}
