package analyzer

import (
	"os"
	"testing"
)

// TestMain lets the test binary render charts in child processes of
// itself, as the tokenlint command does.
func TestMain(m *testing.M) {
	ServeRenderChild()
	os.Exit(m.Run())
}
