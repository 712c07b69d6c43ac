package registry

import "fmt"

// DuplicateError is the error of registering a kind name that is already
// registered in the same class. It names the packages of both
// registrations.
type DuplicateError struct {
	// Class is the class of the kind.
	Class Class
	// Name is the kind name registered twice.
	Name string
	// First is the import path of the package that registered the name
	// first ("" if unknown).
	First string
	// Second is the import path of the package that tried to register it
	// again ("" if unknown).
	Second string

	first, second registrant
}

// Error says which kind collided and where both registrations come from.
func (e *DuplicateError) Error() string {
	return fmt.Sprintf("registry: %s kind %q registered twice: first by %s, then by %s; kind names must be unique: rename one of the kinds or leave one of the packages out of the build",
		e.Class, e.Name, describe(e.first, e.First), describe(e.second, e.Second))
}

// describe names a registrant, falling back on a bare package path for an
// error built outside the registry.
func describe(r registrant, pkg string) string {
	if r.pkg == "" && pkg != "" {
		return "package " + pkg
	}
	return r.String()
}
