package cli

import (
	"os"
	"testing"

	"github.com/tokenlint/tokenlint/analyzer"
)

// TestMain lets the test binary render charts in child processes of
// itself, as the tokenlint command does.
func TestMain(m *testing.M) {
	analyzer.ServeRenderChild()
	os.Exit(m.Run())
}
