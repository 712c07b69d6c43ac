// Package testkit holds helpers shared by the tests of several packages:
// building and running binaries, free ports, starting a gateway and
// building objects from YAML documents.
//
// It is test support only: no production code may import it.
package testkit
