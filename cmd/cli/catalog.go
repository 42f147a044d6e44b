package cli

import (
	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/rules"
)

// Catalog builds the registry of every built-in rule.
func Catalog() (*analyzer.Registry, error) {
	return analyzer.NewRegistry(rules.All()...)
}
