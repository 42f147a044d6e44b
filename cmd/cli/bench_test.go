package cli

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/rules"
)

// benchCorpus is the 10,000-object corpus of ../shared/bench/gencorpus.py, or
// the file named by TOKENLINT_BENCH_CORPUS.
func benchCorpus(b *testing.B) string {
	b.Helper()
	if p := os.Getenv("TOKENLINT_BENCH_CORPUS"); p != "" {
		return p
	}
	out := filepath.Join(b.TempDir(), "corpus-10k.yaml")
	gen := filepath.Join("..", "..", "..", "shared", "bench", "gencorpus.py")
	if msg, err := exec.Command("python3", gen, "--size", "10k", "--single", out).CombinedOutput(); err != nil {
		b.Skipf("cannot generate the corpus (set TOKENLINT_BENCH_CORPUS): %v\n%s", err, msg)
	}
	return out
}

// BenchmarkParseOnly is the baseline: the YAML parser alone, turning the
// corpus into position-keeping nodes, on one goroutine.
func BenchmarkParseOnly(b *testing.B) {
	data, err := os.ReadFile(benchCorpus(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var n yaml.Node
			err := dec.Decode(&n)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkLint is everything `tokenlint lint` does but printing: load,
// decode into typed objects, index, and run the whole catalog, Go rules and
// Rego policies.
func BenchmarkLint(b *testing.B) {
	reg, err := Catalog()
	if err != nil {
		b.Fatal(err)
	}
	benchLint(b, reg)
}

// BenchmarkLintGoRules is BenchmarkLint with the Go rules alone: the
// difference is what the Rego policies cost.
func BenchmarkLintGoRules(b *testing.B) {
	reg, err := analyzer.NewRegistry(rules.All()...)
	if err != nil {
		b.Fatal(err)
	}
	benchLint(b, reg)
}

// BenchmarkLintInventory is BenchmarkLint plus a user policy that reads
// data.inventory on every ServiceAccount: the worst case, where the run's
// inventory is built (the corpus's ServiceAccounts list no Secrets, so the
// built-in TL202 never needs it there).
func BenchmarkLintInventory(b *testing.B) {
	dir := b.TempDir()
	policy := `# METADATA
# title: Reads the inventory
# description: A benchmark policy.
# custom:
#   id: BENCH1
#   slug: reads-the-inventory
#   severity: note
#   kinds: [ServiceAccount]
package bench.inventory

deny contains "never" if count(data.inventory.namespace) < 0
`
	if err := os.WriteFile(filepath.Join(dir, "inventory.rego"), []byte(policy), 0o644); err != nil {
		b.Fatal(err)
	}
	reg, err := Catalog(dir)
	if err != nil {
		b.Fatal(err)
	}
	benchLint(b, reg)
}

func benchLint(b *testing.B, reg *analyzer.Registry) {
	path := benchCorpus(b)
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	// Collect as cmd/tokenlint does, and restore the defaults after.
	TuneGC(func(string) string { return "" })
	defer debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetGCPercent(100)
	b.SetBytes(info.Size())
	objects := 0
	for b.Loop() {
		rep := analyzer.Run((&analyzer.Loader{}).Open([]string{path}), reg, analyzer.DefaultSettings)
		objects = rep.Objects
	}
	b.ReportMetric(float64(objects)*float64(b.N)/b.Elapsed().Seconds(), "objects/s")
}

// BenchmarkLiveHeap reports the heap a run holds once its report is made,
// per object of the corpus (live-B/object): what stays reachable from the
// report until it is printed. A run that streams keeps only the facts
// cross-object rules need and the findings, so this is the figure a
// regression in memory shows in.
func BenchmarkLiveHeap(b *testing.B) {
	reg, err := Catalog()
	if err != nil {
		b.Fatal(err)
	}
	path := benchCorpus(b)
	var live, objects float64
	for range b.N {
		live, objects = liveHeap(reg, path)
	}
	b.ReportMetric(live/objects, "live-B/object")
}

// liveHeap is the heap one run adds that is still reachable from its
// report, and the objects it linted. The report dies with this frame, and
// the catalog keeps nothing of a run (TestInventoryDiesWithItsRun), so the
// next call starts from nothing.
func liveHeap(reg *analyzer.Registry, path string) (live, objects float64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rep := analyzer.Run((&analyzer.Loader{}).Open([]string{path}), reg, analyzer.DefaultSettings)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(rep)
	return float64(after.HeapAlloc) - float64(before.HeapAlloc), float64(rep.Objects)
}
