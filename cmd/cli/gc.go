package cli

import (
	"math"
	"runtime"
	"runtime/debug"
)

// firstCollection is the heap size at which tokenlint first collects garbage.
const firstCollection = 1 << 30

// TuneGC sets the collector for a short-lived batch program whose heap is
// mostly its input, live until the end. Collecting while the heap is small
// would re-mark that input again and again for little garbage: on the 10,000
// object benchmark it costs a sixth of the run time. So nothing is collected
// until the heap reaches 1 GiB; inputs that large then switch to collecting in
// proportion to the live heap, at 400% (a quarter of the marking of the
// default 100%). getenv("GOGC") or getenv("GOMEMLIMIT") set leaves the
// runtime's settings alone.
func TuneGC(getenv func(string) string) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(firstCollection)
	// The first collection frees this sentinel, which moves the collector
	// to its large-input setting.
	sentinel := &struct{ _ *int }{}
	runtime.AddCleanup(sentinel, func(struct{}) {
		debug.SetGCPercent(400)
		debug.SetMemoryLimit(math.MaxInt64)
	}, struct{}{})
}
