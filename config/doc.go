// Package config reads tokenlint's configuration file, .tokenlint.yaml.
//
// The contract:
//   - Find locates the file in a directory or its parents, stopping at the
//     repository root (the directory holding .git).
//   - Load parses it strictly: an unknown key, a value of the wrong type, a
//     duplicate key or invalid YAML is an error at its file:line:col, and Load
//     reports every such error at once, as Errors. Every value keeps its
//     position, so the caller can report a problem it finds later (an
//     unknown rule, a policy that does not load) at the line that caused it.
//   - Rule names are checked by CheckRules, a second step, because the
//     configuration's own policies add rules to the catalog.
//   - Relative paths are relative to the directory holding the file; Load
//     resolves them and keeps them as written for Marshal.
//   - One table of keys (keys.go) drives the parser's known keys and
//     suggestions, Schema, Init and the README's reference, so they cannot
//     disagree.
//
// The package knows the rule catalog only through the names it is given; it
// never builds the catalog itself.
package config
