package analyzer

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const paymentsFile = "../testdata/examples/payments.yaml"

// hostileChart writes a chart whose one template is template, beside a
// ServiceAccount template that renders as usual.
func hostileChart(t *testing.T, name, template string) string {
	t.Helper()
	return filepath.Join(writeFiles(t, map[string]string{
		name + "/Chart.yaml":  "apiVersion: v2\nname: " + name + "\ndescription: A chart from a pull request.\nversion: 0.1.0\n",
		name + "/values.yaml": "replicas: 1\n",
		name + "/templates/serviceaccount.yaml": `apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .Release.Name }}-` + name + `
`,
		name + "/templates/configmap.yaml": template,
	}), name)
}

// loadWithOthers loads a chart beside a plain manifest file and the agent
// chart, checks that the chart has exactly one problem containing each of
// phrases, and that the others were loaded all the same.
func loadWithOthers(t *testing.T, l *Loader, chart string, phrases ...string) {
	t.Helper()
	loadBeside(t, l, []string{chart, paymentsFile, agentChart}, phrases...)
}

// loadBeside loads paths, the first a chart, and checks what
// loadWithOthers does of the others present.
func loadBeside(t *testing.T, l *Loader, paths []string, phrases ...string) {
	t.Helper()
	chart := paths[0]
	in := l.Load(paths)
	p := problemOn(t, in, chart)
	for _, phrase := range phrases {
		if !strings.Contains(p.Message, phrase) {
			t.Errorf("problem %q does not say %q", p.Message, phrase)
		}
	}
	if len(in.Problems) != 1 {
		t.Errorf("problems %+v, want only the chart's", in.Problems)
	}
	if !hasObject(in, "payments") || (slices.Contains(paths, agentChart) && !hasObject(in, "release-name-agent")) {
		t.Errorf("the other file and chart were not loaded: %d objects", len(in.Objects))
	}
}

// endlessTemplate renders without end: two nested ranges of 100,000.
const endlessTemplate = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-endless
data:
{{- range $i := until 100000 }}
{{- range $j := until 100000 }}
  k{{ $i }}-{{ $j }}: ""
{{- end }}
{{- end }}
`

// A template that never ends is stopped at the time limit.
func TestRenderTimeout(t *testing.T) {
	if !renderChildReady.Load() {
		t.Skip("charts render in-process")
	}
	chart := hostileChart(t, "loop", endlessTemplate)
	// The time limit is the whole run's: no other chart here, which a
	// loaded machine (or the race detector) could make as slow.
	l := &Loader{Limits: Limits{RenderTimeout: 500 * time.Millisecond}}
	loadBeside(t, l, []string{chart, paymentsFile}, "longer than the limit of 500ms", "limits.helmRenderTimeout")
}

// A template that builds a gigabyte is stopped by the memory bound that
// the size limit sets, long before it has it.
func TestRenderMemory(t *testing.T) {
	if !renderChildReady.Load() {
		t.Skip("charts render in-process")
	}
	chart := hostileChart(t, "big", `{{- range $i := until 1000 }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $.Release.Name }}-big-{{ $i }}
data:
  blob: {{ repeat 1000000 "x" | quote }}
{{- end }}
`)
	l := &Loader{Limits: Limits{MaxRenderBytes: 1 << 20}}
	loadWithOthers(t, l, chart, "needs more than 264Mi of memory", "limits.helmRenderSize")
}

// A template that renders without end, given the time, grows the
// renderer's memory in small steps until the memory bound stops it: the
// error names the bound, whichever of the watchdog and the hard limit gets
// there first (the runtime's "cannot allocate memory", which the hard limit
// gives now and then at the default limits, was once reported as the
// renderer failing).
func TestRenderEndlessHitsMemory(t *testing.T) {
	if !renderChildReady.Load() {
		t.Skip("charts render in-process")
	}
	chart := hostileChart(t, "endless", endlessTemplate)
	l := &Loader{Limits: Limits{MaxRenderBytes: 1 << 20, RenderTimeout: 10 * time.Minute}}
	loadWithOthers(t, l, chart, "needs more than 264Mi of memory", "limits.helmRenderSize")
}

// A single allocation of a gigabyte fails at once under the hard limit,
// without taking the memory, and the child's end ("fatal error: runtime:
// out of memory") is reported as the memory bound.
func TestRenderHugeAllocation(t *testing.T) {
	if !renderChildReady.Load() || !hardMemoryLimit {
		t.Skip("no hard memory limit in this build")
	}
	chart := hostileChart(t, "huge", `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-huge
data:
  blob: {{ repeat 1000000000 "x" | quote }}
`)
	l := &Loader{Limits: Limits{MaxRenderBytes: 1 << 20}}
	loadWithOthers(t, l, chart, "needs more than 264Mi of memory")
}

// A stream over the size limit is refused whole.
func TestRenderSize(t *testing.T) {
	chart := hostileChart(t, "wide", `{{- range $i := until 3 }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $.Release.Name }}-wide-{{ $i }}
data:
  blob: {{ repeat 1000000 "x" | quote }}
{{- end }}
`)
	l := &Loader{Limits: Limits{MaxRenderBytes: 2 << 20}}
	loadWithOthers(t, l, chart, "renders more than the limit of 2Mi", "limits.helmRenderSize")
	// Under the limit, the same chart renders.
	l = &Loader{Limits: Limits{MaxRenderBytes: 4 << 20}}
	if in := l.Load([]string{chart}); len(in.Problems) != 0 || len(in.Objects) != 4 {
		t.Errorf("under the limit: %d objects, problems %+v", len(in.Objects), in.Problems)
	}
}

// A chart that fails on purpose (`fail`, `required`) is an error with
// Helm's message, in the child as in-process.
func TestRenderFail(t *testing.T) {
	chart := hostileChart(t, "failing", `{{ fail "this chart needs .Values.cluster" }}`)
	loadWithOthers(t, &Loader{}, chart, "cannot render Helm chart", "this chart needs .Values.cluster")
}

// Helm logs (here: a Helm 2 hook it skips) reach the Loader's log writer
// when one is given, and nothing reaches standard error otherwise.
func TestRenderHelmLog(t *testing.T) {
	chart := hostileChart(t, "legacy", `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-crds
  annotations:
    "helm.sh/hook": crd-install
`)
	var log bytes.Buffer
	if in := (&Loader{Helm: HelmOptions{Log: &log}}).Load([]string{chart}); len(in.Problems) != 0 {
		t.Fatalf("problems %+v", in.Problems)
	}
	if !strings.Contains(log.String(), "skipping unknown hooks") {
		t.Errorf("Helm's log line did not reach the log writer: %q", log.String())
	}

	if !renderChildReady.Load() {
		return // in-process, Helm logs through the process's default logger
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = w
	in := (&Loader{}).Load([]string{chart})
	os.Stderr = stderr
	w.Close()
	leaked, _ := io.ReadAll(r)
	if len(in.Problems) != 0 || len(leaked) != 0 {
		t.Errorf("problems %+v; standard error got %q", in.Problems, leaked)
	}
}

// Every hostile packaged chart says which entry is wrong and why.
func TestChartArchiveErrors(t *testing.T) {
	chartYAML := "apiVersion: v2\nname: agent\nversion: 0.3.0\n"
	type entry struct {
		name string
		body string
		size int64 // the header's size when not len(body)
	}
	pack := func(entries []entry) []byte {
		var buf bytes.Buffer
		gz := gzip.NewWriter(&buf)
		tw := tar.NewWriter(gz)
		for _, e := range entries {
			size := int64(len(e.body))
			if e.size != 0 {
				size = e.size
			}
			if err := tw.WriteHeader(&tar.Header{Name: e.name, Mode: 0o644, Size: size, Typeflag: tar.TypeReg}); err != nil {
				t.Fatal(err)
			}
			if _, err := io.WriteString(tw, e.body); err != nil && e.size == 0 {
				t.Fatal(err)
			}
		}
		tw.Flush() // no Close: a short entry cannot be closed
		gz.Close()
		return buf.Bytes()
	}
	good := pack([]entry{{"agent/Chart.yaml", chartYAML, 0}, {"agent/values.yaml", "image: x\n", 0}})
	truncated := pack([]entry{{"agent/Chart.yaml", chartYAML, 0}, {"agent/templates/big.yaml", "kind: ConfigMap\n", 4096}})
	// A zero-filled file that Helm's 100 MiB limit refuses; gzip packs it
	// into about 100 KiB.
	var bomb bytes.Buffer
	gz := gzip.NewWriter(&bomb)
	tw := tar.NewWriter(gz)
	tw.WriteHeader(&tar.Header{Name: "agent/Chart.yaml", Mode: 0o644, Size: int64(len(chartYAML))})
	io.WriteString(tw, chartYAML)
	tw.WriteHeader(&tar.Header{Name: "agent/templates/zeros.yaml", Mode: 0o644, Size: 101 << 20})
	io.Copy(tw, io.LimitReader(zeros{}, 101<<20))
	tw.Close()
	gz.Close()

	tests := []struct {
		name    string
		archive []byte
		want    []string
	}{
		{"path traversal", pack([]entry{{"agent/Chart.yaml", chartYAML, 0}, {"agent/../../etc/cron.d/x.yaml", "x", 0}}), []string{`entry "agent/../../etc/cron.d/x.yaml"`, "path traversal"}},
		{"absolute path", pack([]entry{{"agent/Chart.yaml", chartYAML, 0}, {"agent//etc/passwd", "x", 0}}), []string{`entry "agent//etc/passwd"`, "absolute path"}},
		{"Chart.yaml at the top", pack([]entry{{"Chart.yaml", chartYAML, 0}}), []string{`entry "Chart.yaml"`, "inside the chart's directory"}},
		{"decompression bomb", bomb.Bytes(), []string{`entry "agent/templates/zeros.yaml"`, "larger than 100Mi decompressed"}},
		{"truncated", truncated, []string{"truncated", `entry "agent/templates/big.yaml"`}},
		{"cut short", good[:len(good)/2], []string{"truncated"}},
		{"not gzip", []byte("apiVersion: v2\nname: agent\n"), []string{"not gzip-compressed"}},
		{"empty", pack(nil), []string{"holds no file"}},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tgz := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".tgz")
			if err := os.WriteFile(tgz, tt.archive, 0o644); err != nil {
				t.Fatal(err)
			}
			loadWithOthers(t, &Loader{}, tgz, append([]string{"cannot load Helm chart"}, tt.want...)...)
		})
	}
	t.Run("over the file size limit", func(t *testing.T) {
		tgz := filepath.Join(dir, "agent.tgz")
		if err := os.WriteFile(tgz, bomb.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		loadWithOthers(t, &Loader{Limits: Limits{MaxFileBytes: 64 << 10}}, tgz, "larger than the limit of 64Ki")
	})
	if err := checkChartArchive(good); err != nil {
		t.Errorf("a good archive: %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// Chart.yaml that is not a regular file is refused before Helm reads it.
func TestChartYAMLNotRegular(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	dir := t.TempDir()
	chart := filepath.Join(dir, "zero")
	copyDir(t, agentChart, chart)
	if err := os.Remove(filepath.Join(chart, "Chart.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(chart, "Chart.yaml")); err != nil {
		t.Skipf("cannot make a symbolic link: %v", err)
	}
	loadWithOthers(t, &Loader{}, chart, "not a regular file", "character device", "Chart.yaml")
}

// The child's end under its memory limit is told from its other ends,
// whichever allocation the limit refused: the heap's, or a thread's stack.
func TestOutOfMemory(t *testing.T) {
	for _, tt := range []struct {
		stderr string
		want   bool
	}{
		{"fatal error: runtime: out of memory\n\ngoroutine 1", true},
		{"fatal error: runtime: cannot allocate memory\n", true},
		{"runtime: failed to create new OS thread (have 5 already; errno=11)\nruntime: may need to increase max user processes (ulimit -u)\nfatal error: newosproc\n", true},
		{"runtime/cgo: pthread_create failed: Resource temporarily unavailable\nSIGABRT: abort\n", true},
		{"panic: runtime error: index out of range [3] with length 3\n", false},
		{"", false},
	} {
		if got := outOfMemory(tt.stderr); got != tt.want {
			t.Errorf("outOfMemory(%q) = %v, want %v", tt.stderr, got, tt.want)
		}
	}
}
