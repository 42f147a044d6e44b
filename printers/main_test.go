package printers

import (
	"os"
	"testing"

	"github.com/tokenlint/tokenlint/analyzer"
)

// TestMain lets the test binary render charts in child processes of
// itself, as the tokenlint command does, so the charts these tests print
// render within the same limits.
func TestMain(m *testing.M) {
	analyzer.ServeRenderChild()
	os.Exit(m.Run())
}
