package cli

import (
	"cmp"
	"slices"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/policies"
	"github.com/tokenlint/tokenlint/rules"
)

// Catalog builds the registry of one run: the built-in Go rules and Rego
// policies, ordered by ID, then the user policies at policyPaths as given.
// This is the one place where Go rules and Rego policies meet.
func Catalog(policyPaths ...string) (*analyzer.Registry, error) {
	return CatalogWith(policies.DefaultLimits, policyPaths...)
}

// CatalogWith is Catalog with the policies evaluated within limits.
func CatalogWith(limits policies.Limits, policyPaths ...string) (*analyzer.Registry, error) {
	regoRules, err := policies.LoadWith(policyPaths, limits)
	if err != nil {
		return nil, err
	}
	builtin := rules.All()
	var user []*analyzer.Rule
	for _, r := range regoRules {
		if r.Origin == "rego" {
			builtin = append(builtin, r)
		} else {
			user = append(user, r)
		}
	}
	slices.SortStableFunc(builtin, func(a, b *analyzer.Rule) int { return cmp.Compare(a.ID, b.ID) })
	return analyzer.NewRegistry(append(builtin, user...)...)
}
