package cli

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// minHeapGoal is the smallest heap the collector lets tokenlint grow to
// before it collects.
const minHeapGoal = 40 << 20

// TuneGC sets the collector for tokenlint's run, which streams: its live
// heap is small (the catalog, the facts and findings kept so far) while it
// allocates a great deal (every document it parses, dropped once checked).
// The default, collecting whenever the heap doubles, would collect every
// few megabytes allocated and re-mark the catalog each time for little
// gain. So after each collection the heap may grow to minHeapGoal (40 MiB)
// or to twice what is live, whichever is more: small inputs collect
// rarely, and large ones stay within twice their live heap, as with the
// default GOGC of 100. getenv("GOGC") or getenv("GOMEMLIMIT") set leaves
// the runtime's settings alone.
func TuneGC(getenv func(string) string) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	tuneOnce.Do(func() {
		tuneGC()
		armGC()
	})
}

var tuneOnce sync.Once

// armGC makes the next collection tune the collector again: it frees a
// sentinel whose cleanup does so, and arms the one after.
func armGC() {
	sentinel := &struct{ _ *int }{}
	runtime.AddCleanup(sentinel, func(struct{}) {
		tuneGC()
		armGC()
	}, struct{}{})
}

// tuneGC sets GOGC so that the heap may grow to minHeapGoal, or to twice
// the heap live after the last collection if that is more.
func tuneGC() {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	live := uint64(0)
	if sample[0].Value.Kind() == metrics.KindUint64 {
		live = sample[0].Value.Uint64()
	}
	debug.SetGCPercent(gcPercent(live))
}

// gcPercent is the GOGC that lets a heap with live bytes live grow to
// minHeapGoal, and at least to twice live. The runtime counts a live heap
// as no less than 4 MiB.
func gcPercent(live uint64) int {
	live = max(live, 4<<20)
	return int(max(100, (minHeapGoal-min(live, minHeapGoal))*100/live))
}
