package cli

import (
	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/policies"
	"github.com/tokenlint/tokenlint/rules"
)

// Catalog builds the registry of one run: the built-in Go rules, the
// built-in Rego policies and the user policies at policyPaths, in that order.
// This is the one place where Go rules and Rego policies meet.
func Catalog(policyPaths ...string) (*analyzer.Registry, error) {
	regoRules, err := policies.Load(policyPaths)
	if err != nil {
		return nil, err
	}
	return analyzer.NewRegistry(append(rules.All(), regoRules...)...)
}
