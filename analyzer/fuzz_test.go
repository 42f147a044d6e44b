package analyzer

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes through the loader (document splitting,
// parsing, conversion, typing, positions) and a rule that reports at many
// paths. Whatever the input, nothing panics and every position names a line
// of the input.
func FuzzLoad(f *testing.F) {
	err := filepath.WalkDir(filepath.Join("..", "testdata"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".yaml", ".yml", ".json":
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			f.Add(data)
		}
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"", "---", "...", "\xef\xbb\xbf", "{", "[", "a: *b", "<<: 1", "a: &a [*a]",
		// Found by fuzzing: a lone CR ends a line for the YAML parser.
		"\rapiVersion: 0\nkind:",
		"m0: &m0 {}\nm1: &m1 {<<: [*m0, *m0, *m0, *m0]}\nm2: {<<: [*m1, *m1, *m1, *m1]}\n",
		"apiVersion: v1\nkind: List\nitems: [1, {apiVersion: v1, kind: Pod, spec: []}]\n",
		"apiVersion: v1\nkind: Pod\nspec:\n  <<: [{containers: x}, *y]\n",
		"apiVersion: v1\nkind: Pod\nspec: {volumes: [{projected: {sources: [{serviceAccountToken: {expirationSeconds: 0x7fffffffffffffff}}]}}]}\n",
	} {
		f.Add([]byte(s))
	}

	probe := &Rule{
		ID: "TST1", Slug: "probe", Title: "Probe", Severity: SeverityNote,
		Description: "Reports at many paths.", Remediation: "None.",
		Check: func(p *Pass) {
			for _, path := range []string{"", "kind", "metadata.name", "spec", "spec.containers[0].image", "spec.volumes[0].projected.sources[0].serviceAccountToken", "items[3]", "[a.b][0]", "a[", "..", "spec.template.spec.volumes[99]"} {
				p.Report(path, "probe")
			}
			if ps, ok := p.Object.PodSpec(); ok {
				p.Report(ps.Path+".containers", "pod spec")
			}
		},
	}
	reg, err := NewRegistry(probe)
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		lines := yamlLines(data)
		l := &Loader{Stdin: bytes.NewReader(data), Limits: Limits{MaxDocumentBytes: 1 << 16, MaxNodes: 20000, MaxDepth: 64}}
		in := l.Load([]string{"-"})
		check := func(what string, p Position) {
			if p.File != StdinName || p.Line < 1 || p.Line > lines || p.Column < 1 {
				t.Fatalf("%s at %+v, outside the %d lines of the input", what, p, lines)
			}
			if p.EndLine != 0 && (p.EndLine < p.Line || (p.EndLine == p.Line && p.EndColumn <= p.Column)) {
				t.Fatalf("%s: region %+v ends before it starts", what, p)
			}
		}
		for _, p := range in.Problems {
			check("problem "+p.Message, p.Position)
		}
		for _, o := range in.Objects {
			if o.Kind == "" || o.APIVersion == "" || o.Raw == nil {
				t.Fatalf("object without kind or apiVersion: %+v", o)
			}
			for _, p := range o.Problems() {
				check("field problem "+p.Message, p.Position)
			}
			agreesWithJSON(t, o)
		}
		rep := Run(in, reg, DefaultSettings)
		for _, f := range rep.Findings {
			check("finding "+f.Rule.ID+" "+f.Message, f.Position)
		}
		// A streamed run gives the same report.
		l.Stdin = bytes.NewReader(data)
		if got, want := reportText(Run(l.Open([]string{"-"}), reg, DefaultSettings)), reportText(rep); got != want {
			t.Fatalf("the streamed run's report differs:\n%s\nwant:\n%s", got, want)
		}
		// The first pass of a run parses only the documents that may hold
		// the kinds of its facts: every document holding an object of a
		// kind must be one.
		for _, c := range splitDocuments(StdinName, data) {
			for _, o := range l.parse(c).objects {
				if kindName.MatchString(o.Kind) && !mayHold(c.text, [][]byte{[]byte(o.Kind)}) {
					t.Fatalf("a document holding a %s is not taken for one:\n%s", o.Kind, c.text)
				}
				// A fact that names a word its objects mention
				// (Fact.Mentions) takes every document with a key
				// of that name.
				if hasKey(o.Raw, "audience") && !newPrefilter([]Facts{mentionsAudience}).keeps(c.text) {
					t.Fatalf("a document with an audience key is not taken for one:\n%s", c.text)
				}
			}
		}
	})
}

var mentionsAudience = &Fact[int]{Group: "*", Kind: "*", Mentions: "audience", Export: func(*Object) int { return 0 }}

// hasKey reports whether a mapping anywhere in v has the key.
func hasKey(v any, key string) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if k == key || hasKey(e, key) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if hasKey(e, key) {
				return true
			}
		}
	}
	return false
}

// kindName is a kind as Kubernetes names them, as facts are kept of.
var kindName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`)

// reportText is a report's findings and problems, one a line.
func reportText(rep *Report) string {
	var b strings.Builder
	for _, f := range rep.Findings {
		fmt.Fprintf(&b, "%s %s %s %s %t\n", f.Position, f.Rule.ID, f.Fingerprint, f.Message, f.Suppression != nil)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(&b, "problem %s %s\n", p.Position, p.Message)
	}
	fmt.Fprintf(&b, "%d files, %d objects\n", rep.Files, rep.Objects)
	return b.String()
}

// yamlLines counts the lines of data as the YAML parser does: CR LF, CR, LF,
// NEL, LS and PS all end a line.
func yamlLines(data []byte) int {
	n := 1
	for i := 0; i < len(data); i++ {
		switch {
		case data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n':
			i++
			n++
		case data[i] == '\r' || data[i] == '\n':
			n++
		case bytes.HasPrefix(data[i:], []byte("\u0085")), bytes.HasPrefix(data[i:], []byte("\u2028")), bytes.HasPrefix(data[i:], []byte("\u2029")):
			n++
		}
	}
	return n
}
