package registry_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/registry/internal/registranttest/first"
	"github.com/gatewright/gatewright/registry/internal/registranttest/second"
)

const (
	firstPkg  = "github.com/gatewright/gatewright/registry/internal/registranttest/first"
	secondPkg = "github.com/gatewright/gatewright/registry/internal/registranttest/second"
)

func TestDuplicateNamesBothPackages(t *testing.T) {
	r := registry.New()
	if err := first.Register(r); err != nil {
		t.Fatal(err)
	}
	e, err := r.Lookup(registry.FilterClass, "Twin")
	if err != nil {
		t.Fatal(err)
	}
	if e.RegisteredBy() != firstPkg {
		t.Fatalf("RegisteredBy = %q, want %q", e.RegisteredBy(), firstPkg)
	}

	var msg string
	func() {
		defer func() { msg = fmt.Sprint(recover()) }()
		second.Install(r)
	}()
	for _, want := range []string{
		`filter kind "Twin" registered twice`,
		"first by package " + firstPkg + " (first.go:",
		"then by package " + secondPkg + " (second.go:",
		"rename one of the kinds",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("panic message lacks %q:\n%s", want, msg)
		}
	}
	// The first registration stays in place.
	if e2, _ := r.Lookup(registry.FilterClass, "Twin"); e2 != e {
		t.Fatal("a refused duplicate replaced the first registration")
	}
}

func TestDuplicateErrorFields(t *testing.T) {
	r := registry.New()
	if err := first.Register(r); err != nil {
		t.Fatal(err)
	}
	err := first.Register(r)
	var dup *registry.DuplicateError
	if !errors.As(err, &dup) {
		t.Fatalf("error %v (%T), want a *registry.DuplicateError", err, err)
	}
	if dup.Name != "Twin" || dup.Class != registry.FilterClass || dup.First != firstPkg || dup.Second != firstPkg {
		t.Fatalf("fields %+v", dup)
	}
	// Clones keep the registrant.
	c := r.Clone()
	e, _ := c.Lookup(registry.FilterClass, "Twin")
	if e.RegisteredBy() != firstPkg {
		t.Fatalf("clone lost the registrant: %q", e.RegisteredBy())
	}
}

func TestRegistrantOfATestFunction(t *testing.T) {
	r := registry.New()
	r.Register(registry.FilterClass, kind{name: "Local", def: newLimit})
	e, _ := r.Lookup(registry.FilterClass, "Local")
	if got, want := e.RegisteredBy(), "github.com/gatewright/gatewright/registry_test"; got != want {
		t.Fatalf("RegisteredBy = %q, want %q", got, want)
	}
}

func TestHandBuiltDuplicateErrorNamesPackages(t *testing.T) {
	err := &registry.DuplicateError{Class: registry.ObjectClass, Name: "X", First: "a/b", Second: "c/d"}
	if want := `object kind "X" registered twice: first by package a/b, then by package c/d`; !strings.Contains(err.Error(), want) {
		t.Fatalf("%v", err)
	}
}
