package tplmap

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/common"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/engine"
)

// The helper and templates use what popular charts use, and what markers
// would break if they reached a function: include compared with eq, piped
// to trim, sha256sum and fromYaml, printf and trunc on an include, tpl of a
// values string, with and range, trim markers on both sides.
const helpers = `{{/* Expand the name of the chart. */}}
{{- define "web.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "web.fullname" -}}
{{- printf "%s-%s" .Release.Name (include "web.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "web.labels" -}}
app.kubernetes.io/name: {{ include "web.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "web.createSA" -}}
{{- if .Values.serviceAccount.create }}true{{ else }}false{{ end }}
{{- end }}

{{- define "web.config" -}}
log: {{ .Values.log | quote }}
{{- end }}
`

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
  labels:
    {{- include "web.labels" . | nindent 4 }}
  annotations:
    checksum/config: {{ include "web.config" . | sha256sum }}
    trimmed: {{ include "web.labels" . | trim | quote }}
    parsed: {{ (include "web.config" . | fromYaml).log }}
spec:
  template:
    metadata:
      labels:
        {{- include "web.labels" . | nindent 8 }}
    spec:
      {{- if eq (include "web.createSA" .) "true" }}
      serviceAccountName: {{ include "web.fullname" . }}
      {{- end }}
      automountServiceAccountToken: {{ .Values.serviceAccount.automount }}
      {{- with .Values.podSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
      {{- range .Values.containers }}
      - name: {{ .name }}
        image: {{ tpl $.Values.image $ }}
      {{- end }}
`

func chartFixture() *chartv2.Chart {
	return &chartv2.Chart{
		Metadata: &chartv2.Metadata{Name: "web", Version: "1.0.0", APIVersion: "v2"},
		Templates: []*common.File{
			{Name: "templates/_helpers.tpl", Data: []byte(helpers)},
			{Name: "templates/deployment.yaml", Data: []byte(deployment)},
		},
	}
}

func renderValues(t testing.TB, c *chartv2.Chart) common.Values {
	return common.Values{
		"Values": map[string]any{
			"log":                "info",
			"serviceAccount":     map[string]any{"create": true, "automount": true},
			"podSecurityContext": map[string]any{"runAsNonRoot": true, "fsGroup": 2000},
			"containers":         []any{map[string]any{"name": "app"}, map[string]any{"name": "sidecar"}},
			"image":              "registry.example.com/{{ .Release.Name }}:1.0",
		},
		"Release":      map[string]any{"Name": "shop", "Namespace": "default", "Service": "Helm"},
		"Chart":        map[string]any{"Name": "web", "Version": "1.0.0"},
		"Capabilities": common.DefaultCapabilities,
	}
}

// renderBoth renders the chart plainly and instrumented, with Helm's engine.
func renderBoth(t *testing.T, c *chartv2.Chart) (plain, instrumented map[string]string, in *Instrumenter) {
	t.Helper()
	vals := renderValues(t, c)
	plain, err := engine.Engine{}.Render(c, vals)
	if err != nil {
		t.Fatal(err)
	}
	in = &Instrumenter{}
	orig := c.Templates
	c.Templates = nil
	for _, f := range orig {
		c.Templates = append(c.Templates, &common.File{Name: f.Name, Data: []byte(in.File("web/"+f.Name, string(f.Data)))})
	}
	defer func() { c.Templates = orig }()
	instrumented, err = engine.Engine{CustomTemplateFuncs: Funcs()}.Render(c, vals)
	if err != nil {
		t.Fatalf("instrumented render: %v", err)
	}
	return plain, instrumented, in
}

// Markers removed, the instrumented rendering is the plain one, byte for
// byte, through every function that reads an include's output.
func TestInstrumentedRenderIdentical(t *testing.T) {
	plain, instrumented, _ := renderBoth(t, chartFixture())
	name := "web/templates/deployment.yaml"
	if !strings.Contains(instrumented[name], string(markStart)) {
		t.Fatalf("instrumented output has no markers:\n%s", instrumented[name])
	}
	for file, want := range plain {
		if got := Strip(instrumented[file]); got != want {
			t.Errorf("%s: instrumented output, markers removed, differs:\n--- plain\n%s\n--- instrumented\n%s", file, want, got)
		}
	}
	// The conditional on eq (include ...) held in both.
	if !strings.Contains(plain[name], "serviceAccountName: shop-web") {
		t.Errorf("plain output lacks the conditional field:\n%s", plain[name])
	}
}

// stream is what `helm template` prints for one template file.
func stream(name, content string) []byte {
	return []byte("---\n# Source: " + name + "\n" + strings.TrimSpace(content) + "\n")
}

// entryOf is the entry that wrote the first occurrence of text in the
// stream, and the column the text starts at in the template.
func entryOf(t *testing.T, m *Map, s []byte, text string) (Entry, int, Segment) {
	t.Helper()
	off := strings.Index(string(s), text)
	if off < 0 {
		t.Fatalf("%q not in the stream", text)
	}
	seg := m.At(off)
	if seg.Entry < 0 {
		t.Fatalf("%q is not mapped", text)
	}
	e := m.Entries[seg.Entry]
	col := e.Col
	if !e.Action {
		col += len([]rune(string(s[seg.Off:off])))
	}
	return e, col, seg
}

// Keys written in the template map to their line and column; text of a
// named template maps into the helper file with the including action as the
// stack; a value written by an action maps to the action and names the
// values it reads; keys of a toYaml block map to the action.
func TestBuildPlaces(t *testing.T) {
	plain, instrumented, in := renderBoth(t, chartFixture())
	name := "web/templates/deployment.yaml"
	s := stream(name, plain[name])
	m := Build(in.Entries, instrumented, s)
	if len(m.Unmapped) != 0 || m.Documents != 1 {
		t.Fatalf("documents %d, unmapped %v; want one, mapped", m.Documents, m.Unmapped)
	}
	line := func(text string) int {
		for i, l := range strings.Split(deployment, "\n") {
			if strings.Contains(l, text) {
				return i + 1
			}
		}
		t.Fatalf("%q not in the template", text)
		return 0
	}
	tests := []struct {
		text       string
		file       string
		line, col  int
		action     bool
		values     []string
		stackLines []int
	}{
		{text: "automountServiceAccountToken:", file: name, line: line("automountServiceAccountToken:"), col: 7},
		{text: "containers:", file: name, line: line("containers:"), col: 7},
		{text: "- name: sidecar", file: name, line: line("- name: {{ .name }}"), col: 7},
		// The value: the action, which reads serviceAccount.automount.
		{text: "true\n      securityContext", file: name, line: line("automountServiceAccountToken:"), col: 37, action: true, values: []string{"serviceAccount.automount"}},
		// The helper's text, inside the include the labels action makes.
		{text: "app.kubernetes.io/instance: shop\n  annotations", file: "web/templates/_helpers.tpl", line: 12, col: 1, stackLines: []int{line(`include "web.labels" . | nindent 4`)}},
		{text: "fsGroup: 2000", file: name, line: line("toYaml . | nindent 8"), col: 9, action: true},
	}
	for _, tt := range tests {
		e, col, seg := entryOf(t, m, s, tt.text)
		if e.File != tt.file || e.Line != tt.line || col != tt.col || e.Action != tt.action {
			t.Errorf("%q at %s:%d:%d (action %v), want %s:%d:%d (action %v)", tt.text, e.File, e.Line, col, e.Action, tt.file, tt.line, tt.col, tt.action)
		}
		if tt.values != nil && fmt.Sprint(e.Values) != fmt.Sprint(tt.values) {
			t.Errorf("%q reads values %v, want %v", tt.text, e.Values, tt.values)
		}
		var stack []int
		for _, id := range seg.Stack {
			stack = append(stack, m.Entries[id].Line)
		}
		if fmt.Sprint(stack) != fmt.Sprint(tt.stackLines) && tt.stackLines != nil {
			t.Errorf("%q included from lines %v, want %v", tt.text, stack, tt.stackLines)
		}
	}
	// The "# Source:" line is nobody's.
	if seg := m.At(5); seg.Entry >= 0 {
		t.Errorf("the source comment is mapped to %v", m.Entries[seg.Entry])
	}
}

// A document with no byte-identical twin is unmapped where it differs,
// never placed on a guess: the lines it shares with its instrumented twin
// from its start and from its end still are.
func TestBuildUnmappedRegion(t *testing.T) {
	plain, instrumented, in := renderBoth(t, chartFixture())
	name := "web/templates/deployment.yaml"
	changed := strings.Replace(plain[name], "fsGroup: 2000", "fsGroup: 3000", 1)
	s := stream(name, changed)
	m := Build(in.Entries, instrumented, s)
	if m.Documents != 1 || len(m.Unmapped) != 1 || m.Unmapped[0] != name {
		t.Fatalf("documents %d, unmapped %v; want the one", m.Documents, m.Unmapped)
	}
	at := func(text string) Segment { return m.At(strings.Index(string(s), text)) }
	if seg := at("fsGroup: 3000"); seg.Entry >= 0 {
		t.Errorf("the changed line is mapped to %v", m.Entries[seg.Entry])
	}
	for _, text := range []string{"automountServiceAccountToken", "image: registry"} {
		seg := at(text)
		if seg.Entry < 0 {
			t.Errorf("%q of the changed document, on a line it shares, is not mapped", text)
			continue
		}
		if e := m.Entries[seg.Entry]; e.File != name || !strings.Contains(strings.Split(deployment, "\n")[e.Line-1], strings.Fields(text)[0]) {
			t.Errorf("%q of the changed document mapped to %v", text, e)
		}
	}
}

func TestCommonLines(t *testing.T) {
	for _, tt := range []struct {
		a, b           string
		prefix, suffix int
	}{
		{"a\nb\nc", "a\nb\nc", 5, 5},
		{"a\nx\nc", "a\ny\nc", 2, 1},
		{"a\nb", "a\nbc", 2, 0},
		{"", "a", 0, 0},
		{"ab\ncd", "xb\ncd", 0, 2},
	} {
		if p := commonPrefix(tt.a, tt.b); p != tt.prefix {
			t.Errorf("commonPrefix(%q, %q) = %d, want %d", tt.a, tt.b, p, tt.prefix)
		}
		if s := commonSuffix(tt.a, tt.b); s != tt.suffix {
			t.Errorf("commonSuffix(%q, %q) = %d, want %d", tt.a, tt.b, s, tt.suffix)
		}
	}
}

// Values keys are read at the root, through $, and inside with; range
// leaves "." unknown.
func TestValuesRead(t *testing.T) {
	src := `a: {{ .Values.a.b }}
b: {{ $.Values.c | default "x" }}
{{- with .Values.sa }}
c: {{ .automount }}
{{- toYaml . | nindent 2 }}
{{- end }}
{{- range .Values.list }}
d: {{ .x }} {{ $.Values.e }}
{{- end }}
`
	in := &Instrumenter{}
	in.File("t/templates/x.yaml", src)
	var got []string
	for _, e := range in.Entries {
		if e.Action {
			got = append(got, fmt.Sprintf("%d:%v", e.Line, e.Values))
		}
	}
	sort.Strings(got)
	want := []string{"1:[a.b]", "2:[c]", "4:[sa.automount]", "5:[sa]", "8:[]", "8:[e]"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("values read %v, want %v", got, want)
	}
}

// A source that does not parse is left as it is, for Helm to report.
func TestInstrumentUnparsable(t *testing.T) {
	src := "a: {{ .Values.a "
	if got := (&Instrumenter{}).File("t/templates/x.yaml", src); got != src {
		t.Errorf("unparsable source rewritten: %q", got)
	}
}

func TestStrip(t *testing.T) {
	for in, want := range map[string]string{
		"\uE0007\uE001a: 1":       "a: 1",
		"x\uE0027\uE001y":         "xy",
		"stray \uE000 rune":       "stray \uE000 rune",
		"\uE000x\uE001 not a num": "\uE000x\uE001 not a num",
		"":                        "",
	} {
		if got := Strip(in); got != want {
			t.Errorf("Strip(%q) = %q, want %q", in, got, want)
		}
	}
}
