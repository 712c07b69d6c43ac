package registry

import (
	"path"
	"runtime"
	"strconv"
	"strings"
)

// registrant says where a kind was registered: the import path of the
// package whose code called Register, and the file and line of the call.
type registrant struct {
	pkg  string
	file string
	line int
}

// String names the registrant in messages: package P (file.go:12).
func (r registrant) String() string {
	if r.pkg == "" {
		return "an unknown package"
	}
	return "package " + r.pkg + " (" + r.file + ":" + strconv.Itoa(r.line) + ")"
}

// callerRegistrant walks the stack above its caller and returns the first
// frame that is not a registration helper: Register, TryRegister,
// MustRegister and the like (registry.Register, filter.Register,
// supervisor.Register, filter.RegisterPolicy, ...). That frame belongs to
// the package registering the kind, usually its init function.
func callerRegistrant() registrant {
	var pcs [32]uintptr
	n := runtime.Callers(2, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		pkg, fn := splitFuncName(f.Function)
		if pkg != "" && !isRegisterHelper(fn) {
			return registrant{pkg: pkg, file: path.Base(f.File), line: f.Line}
		}
		if !more {
			return registrant{}
		}
	}
}

// splitFuncName splits a runtime function name such as
// "example.com/a/pkg.(*T).Register" or "example.com/a/pkg.init.0" into the
// package import path and the function's own name ("Register", "init.0").
func splitFuncName(name string) (pkg, fn string) {
	slash := strings.LastIndexByte(name, '/')
	dot := strings.IndexByte(name[slash+1:], '.')
	if dot < 0 {
		return "", name
	}
	pkg, rest := name[:slash+1+dot], name[slash+1+dot+1:]
	// The linker escapes dots in the last element of an import path.
	pkg = strings.ReplaceAll(pkg, "%2e", ".")
	if i := strings.LastIndex(rest, ")."); i >= 0 {
		rest = rest[i+2:]
	}
	return pkg, rest
}

// isRegisterHelper reports whether a function with this name is a
// registration helper rather than the code that decides to register.
func isRegisterHelper(fn string) bool {
	for _, p := range [...]string{"Register", "TryRegister", "MustRegister"} {
		if strings.HasPrefix(fn, p) {
			return true
		}
	}
	return false
}
