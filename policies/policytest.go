package policies

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult counts the outcome of a policy test run.
type TestResult struct {
	Passed, Failed, Errored, Skipped int
}

// Ok reports whether tests ran and none failed.
func (r TestResult) Ok() bool { return r.Failed == 0 && r.Errored == 0 && r.Passed > 0 }

// RunTests runs the `test_` rules of the *_test.rego files at paths, with
// the policies beside them, the built-in policies and library compiled in, in
// the same sandbox as linting. The policies' METADATA is checked first. With
// no paths it runs the built-in policies' own tests. Results are written to w
// as `opa test` writes them; verbose lists every test.
func RunTests(ctx context.Context, paths []string, w io.Writer, verbose bool) (TestResult, error) {
	mods, err := parseAll(paths, true)
	if err != nil {
		return TestResult{}, err
	}
	set := map[string]*ast.Module{}
	var policies []*module
	tests := 0
	for _, m := range mods {
		isTest := strings.HasSuffix(m.file, "_test.rego")
		if isTest && !m.user && !m.named && len(paths) > 0 {
			continue // a user's run shows the user's tests only
		}
		if isTest {
			tests++
		} else {
			policies = append(policies, m)
		}
		set[m.file] = m.ast
	}
	if _, err := compile(policies, DefaultLimits); err != nil {
		return TestResult{}, err
	}
	if tests == 0 {
		return TestResult{}, fmt.Errorf("no *_test.rego files in %s", strings.Join(paths, ", "))
	}
	ch, err := tester.NewRunner().
		SetCompiler(ast.NewCompiler().WithCapabilities(Capabilities())).
		SetModules(set).
		SetTimeout(DefaultLimits.Timeout).
		RunTests(ctx, nil)
	if err != nil {
		return TestResult{}, formatErrors(err)
	}
	var res TestResult
	results := make(chan *tester.Result)
	done := make(chan error, 1)
	go func() { done <- tester.PrettyReporter{Output: w, Verbose: verbose, FailureLine: true}.Report(results) }()
	for r := range ch {
		switch {
		case r.Error != nil:
			res.Errored++
		case r.Skip:
			res.Skipped++
		case r.Fail:
			res.Failed++
		default:
			res.Passed++
		}
		results <- r
	}
	close(results)
	if err := <-done; err != nil {
		return res, err
	}
	if res.Passed+res.Failed+res.Errored == 0 {
		return res, fmt.Errorf("no test_ rules in the *_test.rego files of %s", strings.Join(paths, ", "))
	}
	return res, nil
}
