package analyzer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"os/exec"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tokenlint/tokenlint/internal/tplmap"
)

// Charts are rendered in a child process: the program re-executes itself
// (os.Executable) with renderChildEnv set, hands it a renderRequest as JSON
// on standard input, and reads the manifest stream from its standard
// output. Go cannot stop a running template, and a template can loop
// without end or build a gigabyte inside Helm's engine before returning, so
// the parent kills the child at the time limit, reads no more than the size
// limit from it, and the child bounds its own memory (renderMemory). The
// parent survives whatever a chart does: it sees only an exit status.
//
// The child's exit status says how it ended:
const (
	renderOK       = 0 // standard output holds the manifest stream
	renderFailed   = 3 // standard output holds the error, for the user
	renderMemory   = 4 // the memory watchdog stopped it
	renderTooLarge = 5 // the manifest stream is larger than the limit
)

// renderChildEnv, set to renderProtocol, makes ServeRenderChild render.
const (
	renderChildEnv = "TOKENLINT_RENDER_CHILD"
	renderProtocol = "1"
)

// renderChildReady records that this program calls ServeRenderChild, so
// that its executable can be run as a renderer.
var renderChildReady atomic.Bool

// ServeRenderChild makes this program the Helm renderer of its own
// tokenlint runs. In a process started to render a chart it renders it and
// exits; otherwise it returns at once, and from then on the Loader renders
// charts in such child processes, each within the time, size and memory
// limits. Call it first thing in main, and in TestMain of every test binary
// that loads charts (the test binary is then the executable re-run).
// Without it charts render in-process: the size limit holds, but neither
// the time limit nor the memory bound.
func ServeRenderChild() {
	if os.Getenv(renderChildEnv) != renderProtocol {
		renderChildReady.Store(true)
		return
	}
	os.Exit(serveRender(os.Stdin, os.Stdout, os.Stderr))
}

// renderRequest is what a child renders: a chart and the options of `helm
// template`, with the limits.
type renderRequest struct {
	Chart          string   `json:"chart"` // absolute
	ValueFiles     []string `json:"valueFiles,omitempty"`
	Set            []string `json:"set,omitempty"`
	SetString      []string `json:"setString,omitempty"`
	SetFile        []string `json:"setFile,omitempty"`
	SetJSON        []string `json:"setJSON,omitempty"`
	APIVersions    []string `json:"apiVersions,omitempty"`
	ReleaseName    string   `json:"releaseName"`
	Namespace      string   `json:"namespace"`
	KubeVersion    string   `json:"kubeVersion,omitempty"`
	MaxFileBytes   int64    `json:"maxFileBytes"`
	MaxRenderBytes int64    `json:"maxRenderBytes"`
	// Log asks for Helm's log lines on standard error.
	Log bool `json:"log,omitempty"`
	// SourceMap asks for the map of the stream to the templates (see
	// tplmap.go): standard output then holds the stream's length in
	// decimal and a newline, the stream, and the map as JSON.
	SourceMap bool `json:"sourceMap,omitempty"`
}

// memoryFor is the memory a child rendering at most maxRender bytes may
// use: Helm holds each template's output, the manifest split and sorted and
// the stream joined, several copies of the output at once, on top of the
// program itself.
func memoryFor(maxRender int64) int64 {
	return 256<<20 + 8*maxRender
}

// serveRender is the child: it renders the request on stdin and exits with
// one of the render statuses.
func serveRender(stdin io.Reader, stdout, stderr io.Writer) int {
	var req renderRequest
	if err := json.NewDecoder(io.LimitReader(stdin, 1<<20)).Decode(&req); err != nil {
		fmt.Fprintf(stdout, "the Helm renderer was given no valid request: %v", err)
		return renderFailed
	}
	limit := memoryFor(req.MaxRenderBytes)
	// The soft limit makes the collector work harder before the watchdog
	// or the hard limit (setMemoryLimit, where the system has one) stops
	// the process.
	debug.SetMemoryLimit(limit * 3 / 4)
	setMemoryLimit(limit + 256<<20)
	go watchMemory(limit)

	// Helm logs through slog's default logger and the log package as well
	// as through its configuration's.
	var handler slog.Handler = slog.DiscardHandler
	log.SetOutput(io.Discard)
	if req.Log {
		handler = slog.NewTextHandler(stderr, nil)
		log.SetOutput(stderr)
	}
	slog.SetDefault(slog.New(handler))

	out, smap, err := render(req, handler)
	if err != nil {
		io.WriteString(stdout, err.Error())
		return renderFailed
	}
	if int64(len(out)) > req.MaxRenderBytes {
		return renderTooLarge
	}
	if req.SourceMap {
		fmt.Fprintf(stdout, "%d\n", len(out))
	}
	if _, err := stdout.Write(out); err != nil {
		return renderFailed
	}
	if req.SourceMap {
		if err := writeSourceMap(stdout, smap, req.MaxRenderBytes); err != nil {
			return renderFailed
		}
	}
	return renderOK
}

// watchMemory ends the process with renderMemory once the memory the Go
// runtime holds from the system exceeds limit. A single allocation larger
// than what is left is caught by setMemoryLimit instead, where there is one.
func watchMemory(limit int64) {
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	for range time.Tick(10 * time.Millisecond) {
		metrics.Read(samples)
		if int64(samples[0].Value.Uint64()-samples[1].Value.Uint64()) > limit {
			os.Exit(renderMemory)
		}
	}
}

// renderInChild renders a chart in a child process within the limits. log,
// when set, receives the child's standard error: Helm's log lines.
func renderInChild(req renderRequest, timeout time.Duration, log io.Writer) ([]byte, *tplmap.Map, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, fmt.Errorf("cannot render Helm chart: cannot find tokenlint's executable to render in: %w", err)
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), renderChildEnv+"="+renderProtocol)
	cmd.Stdin = bytes.NewReader(body)
	stderr := &cappedBuffer{limit: 64 << 10}
	cmd.Stderr = stderr
	// The child starts nothing that could hold its pipes open once it is
	// killed, but should anything, Wait gives up on them.
	cmd.WaitDelay = time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("cannot render Helm chart: cannot start the renderer: %w", err)
	}
	limit := readLimit(req)
	out, readErr := io.ReadAll(io.LimitReader(stdout, limit))
	over := int64(len(out)) >= limit
	if over {
		_ = cmd.Process.Kill()
	}
	waitErr := cmd.Wait()
	if log != nil {
		_, _ = lockedWriter{log}.Write(stderr.Bytes())
	}
	status := cmd.ProcessState.ExitCode()
	var smap *tplmap.Map
	if req.SourceMap && status == renderOK && !over {
		out, smap = splitSourceMap(out)
		over = int64(len(out)) > req.MaxRenderBytes
	}
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, nil, fmt.Errorf("cannot render Helm chart: rendering took longer than the limit of %v (limits.helmRenderTimeout): a template may loop without end", timeout)
	case over || status == renderTooLarge:
		return nil, nil, errRenderTooLarge(req.MaxRenderBytes)
	case status == renderOK && waitErr == nil && readErr == nil:
		return out, smap, nil
	case status == renderFailed && len(out) > 0:
		return nil, nil, errors.New(string(out))
	case status == renderMemory || outOfMemory(stderr.String()):
		return nil, nil, fmt.Errorf("cannot render Helm chart: rendering needs more than %s of memory, the bound that limits.helmRenderSize (%s) sets", formatBytes(memoryFor(req.MaxRenderBytes)), formatBytes(req.MaxRenderBytes))
	}
	why := firstLine(stderr.String())
	if why == "" {
		why = cmd.ProcessState.String()
	}
	return nil, nil, fmt.Errorf("cannot render Helm chart: the renderer failed: %s", why)
}

// readLimit is how much a child may write: the stream, and with a source
// map its length and the map, which writeSourceMap bounds.
func readLimit(req renderRequest) int64 {
	if req.SourceMap {
		return 4*req.MaxRenderBytes + 64
	}
	return req.MaxRenderBytes + 1
}

// writeSourceMap writes a child's source map after its stream. A map larger
// than three times the largest stream is not sent: the parent is told why.
func writeSourceMap(w io.Writer, m *tplmap.Map, maxRender int64) error {
	if m == nil {
		m = &tplmap.Map{Error: "no source map was made"}
	}
	data, err := json.Marshal(m)
	if err != nil || int64(len(data)) > 3*maxRender {
		data, _ = json.Marshal(&tplmap.Map{Error: fmt.Sprintf("the source map is larger than %s", formatBytes(3*maxRender))})
	}
	_, err = w.Write(data)
	return err
}

// splitSourceMap splits what a child asked for a source map wrote into the
// stream and the map. Output that does not split is all stream, unmapped.
func splitSourceMap(out []byte) ([]byte, *tplmap.Map) {
	nl := bytes.IndexByte(out, '\n')
	n, err := strconv.Atoi(string(out[:max(nl, 0)]))
	if nl < 0 || err != nil || n < 0 || n > len(out)-nl-1 {
		return out, &tplmap.Map{Error: "the renderer sent no source map"}
	}
	stream := out[nl+1 : nl+1+n]
	m := &tplmap.Map{}
	if err := json.Unmarshal(out[nl+1+n:], m); err != nil {
		m = &tplmap.Map{Error: "the renderer's source map does not parse: " + err.Error()}
	}
	return stream, m
}

// outOfMemory reports whether a child's standard error is the Go runtime's
// end when the hard memory limit refuses it memory: "fatal error: runtime:
// out of memory" for a block it cannot have, "fatal error: runtime: cannot
// allocate memory" when the heap cannot grow (a template that renders
// without end gets there, in small steps, before the watchdog sees it), and
// a thread it cannot start because the limit also counts threads' stacks
// ("runtime: failed to create new OS thread", or with cgo "runtime/cgo:
// pthread_create failed"), which happens when the heap has taken what is
// left just before the runtime starts one more thread.
func outOfMemory(stderr string) bool {
	return strings.Contains(stderr, "fatal error: runtime: out of memory") ||
		strings.Contains(stderr, "fatal error: out of memory") ||
		strings.Contains(stderr, "fatal error: runtime: cannot allocate memory") ||
		strings.Contains(stderr, "runtime: failed to create new OS thread") ||
		strings.Contains(stderr, "runtime/cgo: pthread_create failed")
}

func errRenderTooLarge(limit int64) error {
	return fmt.Errorf("cannot render Helm chart: it renders more than the limit of %s (limits.helmRenderSize)", formatBytes(limit))
}

// firstLine is the first line of text that is not blank.
func firstLine(text string) string {
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return ""
}

// lockedWriter writes Helm's log lines one chart at a time: charts render
// concurrently, all logging to the one writer.
type lockedWriter struct{ w io.Writer }

var logMu sync.Mutex

func (l lockedWriter) Write(p []byte) (int, error) {
	logMu.Lock()
	defer logMu.Unlock()
	return l.w.Write(p)
}

// cappedBuffer keeps the first limit bytes written to it and drops the
// rest, so a child cannot fill the parent's memory through its standard
// error.
type cappedBuffer struct {
	bytes.Buffer
	limit int
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if room := b.limit - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
