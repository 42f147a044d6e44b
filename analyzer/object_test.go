package analyzer

import "testing"

const blockScalars = `apiVersion: v1
kind: Pod
metadata:
  name: scripts
spec:
  containers:
  - name: app
    image: app
    command: ["/bin/sh", "-c"]
    args:
    - |
      set -e

        indented
      last
    - >
      folded
      lines
    - plain
  initContainers:
  - name: init
    image: app
    script: |
      one
      two
  - name: deep
    image: app
    args:
      - |
          four spaces in
            and two more
`

func TestLocateLine(t *testing.T) {
	o := mustObject(t, blockScalars)
	for _, tt := range []struct {
		path      string
		line      int
		want      Position
		wantExact bool
	}{
		{"spec.containers[0].args[0]", 0, Position{Line: 12, Column: 7, EndLine: 12, EndColumn: 13}, true},
		{"spec.containers[0].args[0]", 1, Position{Line: 13, Column: 7, EndLine: 13, EndColumn: 8}, true},
		{"spec.containers[0].args[0]", 2, Position{Line: 14, Column: 9, EndLine: 14, EndColumn: 17}, true},
		{"spec.containers[0].args[0]", 3, Position{Line: 15, Column: 7, EndLine: 15, EndColumn: 11}, true},
		// A mapping value's block starts two columns right of its key.
		{"spec.initContainers[0].script", 1, Position{Line: 25, Column: 7, EndLine: 25, EndColumn: 10}, true},
		// A block indented more than usual: the column is read from
		// the text.
		{"spec.initContainers[1].args[0]", 0, Position{Line: 30, Column: 11, EndLine: 30, EndColumn: 25}, true},
		{"spec.initContainers[1].args[0]", 1, Position{Line: 31, Column: 13, EndLine: 31, EndColumn: 25}, true},
		// Folded and plain strings fold their lines: the string's own position.
		{"spec.containers[0].args[1]", 1, Position{Line: 16, Column: 7, EndLine: 16, EndColumn: 19}, false},
		{"spec.containers[0].args[2]", 0, Position{Line: 19, Column: 7, EndLine: 19, EndColumn: 12}, false},
		// A line beyond the value, a missing field.
		{"spec.containers[0].args[0]", 9, Position{Line: 11, Column: 7, EndLine: 11, EndColumn: 13}, false},
		{"spec.containers[0].args[7]", 0, Position{Line: 10, Column: 5, EndLine: 10, EndColumn: 9}, false},
	} {
		got, exact := o.LocateLine(tt.path, tt.line)
		tt.want.File = o.File
		if got != tt.want || exact != tt.wantExact {
			t.Errorf("LocateLine(%s, %d) = %#v, %v; want %+v, %v", tt.path, tt.line, got, exact, tt.want, tt.wantExact)
		}
	}
}

func TestReportLine(t *testing.T) {
	in := loadString(t, &Loader{}, blockScalars)
	r := &Rule{ID: "T1", Slug: "t", Title: "T", Severity: SeverityWarning, Description: "d", Remediation: "Do.",
		Check: func(p *Pass) {
			p.ReportLine("spec.containers[0].args[0]", 2, "line %d", 2)
			p.ReportLine("spec.containers[0].args[1]", 1, "folded")
		}}
	reg, err := NewRegistry(r)
	if err != nil {
		t.Fatal(err)
	}
	rep := Run(in, reg, DefaultSettings)
	if len(rep.Findings) != 2 {
		t.Fatalf("got %d findings, want 2: %+v", len(rep.Findings), rep.Findings)
	}
	if f := rep.Findings[0]; f.Position.Line != 14 || f.Position.Column != 9 || f.Path != "spec.containers[0].args[0]" || f.Message != "line 2" {
		t.Errorf("first finding = %+v; want line 14, column 9, the string's path", f)
	}
	if f := rep.Findings[1]; f.Position.Line != 16 || f.Path != "spec.containers[0].args[1]" {
		t.Errorf("second finding = %+v; want the folded string's own line 16", f)
	}
}

func TestLocateSpan(t *testing.T) {
	o := mustObject(t, `apiVersion: v1
kind: Pod
metadata:
  name: spans
spec:
  containers:
  - name: app
    image: app
    args:
    - --api-audiences=api,vault
    - "--api-audiences=api,vault"
    - "--x=\u00e9,vault"
    - --é=vault
    - |
      multi
      line
`)
	for _, tt := range []struct {
		path       string
		start, end int
		want       Position
		wantExact  bool
	}{
		{"spec.containers[0].args[0]", 20, 25, Position{Line: 10, Column: 27, EndLine: 10, EndColumn: 32}, true},
		// A quote before the value moves it one column.
		{"spec.containers[0].args[1]", 20, 25, Position{Line: 11, Column: 28, EndLine: 11, EndColumn: 33}, true},
		// An escape before the span: the text does not show the value.
		{"spec.containers[0].args[2]", 7, 12, Position{Line: 12, Column: 7, EndLine: 12, EndColumn: 20}, false},
		// Characters, not bytes, count in columns.
		{"spec.containers[0].args[3]", 5, 10, Position{Line: 13, Column: 11, EndLine: 13, EndColumn: 16}, true},
		// A block scalar, a span beyond the value: the string's position.
		{"spec.containers[0].args[4]", 0, 3, Position{Line: 14, Column: 7, EndLine: 14, EndColumn: 12}, false},
		{"spec.containers[0].args[0]", 20, 99, Position{Line: 10, Column: 7, EndLine: 10, EndColumn: 32}, false},
	} {
		got, exact := o.LocateSpan(tt.path, tt.start, tt.end)
		tt.want.File = o.File
		if got != tt.want || exact != tt.wantExact {
			t.Errorf("LocateSpan(%s, %d, %d) = %#v, %v; want %#v, %v", tt.path, tt.start, tt.end, got, exact, tt.want, tt.wantExact)
		}
	}
}
