package tplmap

import (
	"errors"
	"strings"
	"testing"
	"text/template"
	"text/template/parse"
)

// FuzzInstrument checks the property the source map rests on: whatever a
// template holds, its instrumented source, rendered and stripped of the
// markers, is the plain rendering byte for byte (or both fail), and every
// marker names an entry. Templates run with include, tpl and the layout
// and string functions charts use, as Helm defines them.
func FuzzInstrument(f *testing.F) {
	for _, seed := range []string{
		helpers + deployment,
		"a: {{ .a }}\nb: {{- .b -}}\n  c: {{ .c }}\n",
		"{{- define \"x\" -}}\nk: v\nl: {{ .a }}\n{{- end }}\nm:\n  {{- include \"x\" . | nindent 2 }}\nn: {{ include \"x\" . | trim | quote }}\n",
		"{{ if eq (include \"x\" .) \"k: v\" }}yes{{ end }}{{ define \"x\" }}k: v{{ end }}",
		"{{ $v := include \"x\" . }}{{ $v | upper }}{{ define \"x\" }}a\nb{{ end }}",
		"{{ tpl \"t: {{ .a }}\" . | indent 4 }}\n{{ tpl (include \"x\" .) . }}{{ define \"x\" }}{{ \"{{ .b }}\" }}{{ end }}",
		"{{/* comment */}}\n  {{- /* trimmed */ -}}\n  text\n{{ `raw }} \"string` }} {{ \"q }}\\\" x\" }} {{ 'c' }}",
		"{{ with .m }}{{ .k }}{{ else }}none{{ end }} {{ range .l }}- {{ . }}\n{{ end }}",
		"{{ printf \"%s-%s\" (include \"x\" .) \"y\" | trunc 5 }}{{ define \"x\" }}abcdef{{ end }}",
		"\uE0001\uE001 stray markers \uE002 in text",
		"{{ include \"x\" . | nindent 2 -}}\n   after{{ define \"x\" }}inner{{ end }}",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 || !bounded(src) {
			return
		}
		plain, perr := execute(src, false)
		in := &Instrumenter{}
		inst := in.File("c/templates/t.yaml", src)
		got, ierr := execute(inst, true)
		if perr != nil {
			return // Helm would report it; the map is not built
		}
		if ierr != nil {
			t.Fatalf("the plain template renders but the instrumented one fails: %v\nsource:\n%s\ninstrumented:\n%s", ierr, src, inst)
		}
		if strings.ContainsAny(plain, string([]rune{markStart, markStop, markEnd})) {
			// The template writes the markers' runes itself: stripping
			// changes its text, so no document matches and nothing is
			// mapped (TestBuildUnmappedDocument). It must not crash.
			Build(in.Entries, map[string]string{"c/templates/t.yaml": got}, []byte("---\n# Source: c/templates/t.yaml\n"+plain))
			return
		}
		if Strip(got) != plain {
			t.Fatalf("instrumented output, markers removed, differs:\nsource:\n%q\ninstrumented:\n%q\nplain:\n%q\ngot:\n%q", src, inst, plain, Strip(got))
		}
		out := parseOutput(got, in.Entries)
		if out.text != plain {
			t.Fatalf("parsed output differs from the plain one")
		}
		for _, s := range out.segs {
			if s.off < 0 || s.off > len(plain) || s.entry < 0 || s.entry >= len(in.Entries) {
				t.Fatalf("segment %+v out of range", s)
			}
		}
		stream := []byte("---\n# Source: c/templates/t.yaml\n" + strings.TrimSpace(plain) + "\n")
		m := Build(in.Entries, map[string]string{"c/templates/t.yaml": got}, stream)
		for _, s := range m.Segments {
			if s.Off < 0 || s.Off > len(stream) {
				t.Fatalf("map segment %+v outside the stream of %d bytes", s, len(stream))
			}
		}
	})
}

// bounded reports whether a template parses and ends quickly: no range
// over a number, no template action (which may recurse), no deep nesting.
func bounded(src string) bool {
	trees, err := parse.Parse("t", src, "", "", builtins(nil))
	if err != nil {
		return false
	}
	ok := true
	var walk func(n parse.Node, depth int)
	walk = func(n parse.Node, depth int) {
		if !ok || depth > 50 {
			ok = false
			return
		}
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c, depth+1)
				}
			}
		case *parse.RangeNode:
			for _, c := range n.Pipe.Cmds {
				for _, a := range c.Args {
					if _, isNum := a.(*parse.NumberNode); isNum {
						ok = false
					}
				}
			}
			walk(n.List, depth+1)
			walk(n.ElseList, depth+1)
		case *parse.IfNode:
			walk(n.List, depth+1)
			walk(n.ElseList, depth+1)
		case *parse.WithNode:
			walk(n.List, depth+1)
			walk(n.ElseList, depth+1)
		case *parse.TemplateNode:
			ok = false
		}
	}
	for _, tr := range trees {
		if tr.Root != nil {
			walk(tr.Root, 0)
		}
	}
	return ok
}

var errTooDeep = errors.New("include nested too deeply")

// builtins are the functions charts use, as Helm defines them; include and
// tpl run templates of t (nil while only parsing).
func builtins(t *template.Template) template.FuncMap {
	depth := 0
	run := func(tt *template.Template, name string, data any) (string, error) {
		if depth > 20 {
			return "", errTooDeep
		}
		depth++
		defer func() { depth-- }()
		var b strings.Builder
		err := tt.ExecuteTemplate(&limitedBuilder{b: &b}, name, data)
		return b.String(), err
	}
	return template.FuncMap{
		"include": func(name string, data any) (string, error) { return run(t, name, data) },
		"tpl": func(text string, data any) (string, error) {
			if t == nil {
				return "", nil
			}
			c, err := t.Clone()
			if err != nil {
				return "", err
			}
			if _, err := c.New("tpl").Parse(text); err != nil {
				return "", err
			}
			return run(c, "tpl", data)
		},
		"nindent": func(n int, s string) string { return "\n" + indent(n, s) },
		"indent":  indent,
		"trim":    strings.TrimSpace,
		"upper":   strings.ToUpper,
		"quote":   func(s string) string { return `"` + s + `"` },
		"trunc": func(n int, s string) string {
			if n >= 0 && len(s) > n {
				return s[:n]
			}
			return s
		},
	}
}

func indent(n int, s string) string {
	if n < 0 || n > 100 {
		n = 0
	}
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

// limitedBuilder stops a template writing more than 1 MB.
type limitedBuilder struct{ b *strings.Builder }

func (l *limitedBuilder) Write(p []byte) (int, error) {
	if l.b.Len()+len(p) > 1<<20 {
		return 0, errors.New("output too large")
	}
	return l.b.Write(p)
}

// execute renders a template source with a small data set.
func execute(src string, instrumented bool) (string, error) {
	t := template.New("t")
	funcs := builtins(t)
	if instrumented {
		for k, v := range Funcs() {
			funcs[k] = v
		}
	}
	t.Funcs(funcs).Option("missingkey=zero")
	if _, err := t.Parse(src); err != nil {
		return "", err
	}
	data := map[string]any{"a": "A", "b": 2, "c": true, "m": map[string]any{"k": "K"}, "l": []any{"x", "y"}}
	var b strings.Builder
	err := t.Execute(&limitedBuilder{b: &b}, data)
	return b.String(), err
}
