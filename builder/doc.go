// Package builder makes custom gatewright builds and scaffolds plugin
// modules. It is the library behind the gwbuild command, for platforms that
// drive builds from tools of their own.
//
// A build is a main package that blank-imports gatewright's kinds (the
// registry/standard package or a chosen subset), the registry package of
// every plugin module, and calls gateway.Main. Builder.Build renders it in a
// work directory, runs go mod init, requires and replaces the modules as
// configured, pins the gatewright version so that no plugin can move it, and
// runs go mod tidy and go build -trimpath:
//
//	cfg := &builder.Config{
//		Gatewright: builder.Core{Replacement: "/src/gatewright"},
//		Plugins:    []builder.Plugin{{Module: "example.com/hello", Version: "v1.2.0"}},
//		Output:     "./my-gateway",
//	}
//	res, err := (&builder.Builder{Log: os.Stderr}).Build(ctx, cfg)
//
// Plugins follow one convention: a plugin module registers its kinds in
// init functions and has a package named registry that blank-imports every
// kind package of the module, so a build imports exactly one package per
// plugin. Builder.Init scaffolds such a module and Builder.Add adds kinds
// to one, regenerating its registry package.
package builder
