// Package analyzer is tokenlint's framework. It knows no particular rule, no
// policy engine and no output format.
//
// The contract: Load turns files, directories and standard input into Objects
// that keep the line and column of every field; an Index resolves references
// between the Objects of one run; Run hands each Object to every Rule through a
// narrow Pass and turns what the rules report (a field path and a message) into
// Findings with exact positions, sorted by file and line. Input that cannot be
// read or parsed never disappears: it becomes a Problem, reported as a finding
// of the framework rule TL001 invalid-manifest.
package analyzer
