package policies

import (
	"bytes"
	"context"
	"testing"
)

// TestBuiltinRegoTests runs the *_test.rego files beside the built-in
// policies, so `go test ./...` runs them.
func TestBuiltinRegoTests(t *testing.T) {
	var out bytes.Buffer
	res, err := RunTests(context.Background(), nil, &out, true)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Ok() {
		t.Errorf("Rego tests failed: %+v\n%s", res, out.String())
	}
	if res.Passed < 8 {
		t.Errorf("only %d Rego tests passed, want every test of the built-in policies:\n%s", res.Passed, out.String())
	}
	t.Log("\n" + out.String())
}
