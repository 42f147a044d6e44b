package analyzer

import (
	"bytes"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/agnivade/levenshtein"
)

// Suppressions. A finding is suppressed in source by a comment on its line
// (or alone on the line above), by an annotation on its object, or from the
// outside by a baseline. Suppressed findings stay in the report, marked, and
// do not count for the exit code.
//
//	image: web:1.2   # tokenlint:ignore TL301 -- the controller calls the API
//	# tokenlint:ignore TL101,projected-token-expiration-too-long -- Vault checks aud
//	metadata:
//	  annotations:
//	    tokenlint.io/ignore: "TL301 -- reason"
//
// A reason after " -- " is required. A malformed suppression is a TL002
// finding at its line, and one that suppressed nothing a TL003 finding, so
// stale ones do not pile up.

// IgnoreAnnotation is the annotation that suppresses findings on its object.
const IgnoreAnnotation = "tokenlint.io/ignore"

// unknownAnnotation marks the directive of an annotation of tokenlint.io
// other than IgnoreAnnotation.
const unknownAnnotation = "\x02"

// InvalidSuppression is the framework rule for suppressions that cannot be
// applied.
var InvalidSuppression = &Rule{
	ID:       "TL002",
	Slug:     "invalid-suppression",
	Title:    "Suppression is malformed, names no known rule or gives no reason",
	Severity: SeverityError,
	Description: "A suppression comment (`# tokenlint:ignore RULE -- reason`) or annotation (`tokenlint.io/ignore: " +
		"\"RULE -- reason\"`) must name one or more rules of the catalog by ID or slug, separated by commas, and give " +
		"a reason after ` -- `, so that a reviewer knows why the finding was accepted. A suppression that cannot be " +
		"read suppresses nothing: the finding it meant to hide is still reported, and this finding says what is wrong " +
		"with the suppression. Framework rules (TL001, TL002, TL003) cannot be suppressed in source.",
	Remediation: "Name the rule and give the reason after \" -- \", as in \"# tokenlint:ignore TL301 -- the operator calls the API\".",
	Example: `apiVersion: v1
kind: Pod
metadata:
  name: operator
spec:
  serviceAccountName: operator
  automountServiceAccountToken: true # tokenlint:ignore TL301
  containers:
  - name: operator
    image: ghcr.io/acme/operator:1.4.0
`,
	Fixed: `apiVersion: v1
kind: Pod
metadata:
  name: operator
spec:
  serviceAccountName: operator
  automountServiceAccountToken: true # tokenlint:ignore TL301 -- the operator watches Pods through the API
  containers:
  - name: operator
    image: ghcr.io/acme/operator:1.4.0
`,
	Tags: []string{"suppression"},
}

// UnusedSuppression is the framework rule for suppressions that suppressed
// nothing, as staticcheck and golangci-lint's nolintlint report them.
var UnusedSuppression = &Rule{
	ID:       "TL003",
	Slug:     "unused-suppression",
	Title:    "Suppression suppresses nothing",
	Severity: SeverityNote,
	Description: "A suppression comment or annotation names a rule that reported nothing on its line or object. " +
		"The problem it accepted was fixed, or the suppression sits on the wrong line: either way it no longer " +
		"documents a decision, and a later finding on that line would be hidden without review. Suppressions of " +
		"rules that the configuration turns off are not reported.",
	Remediation: "Remove the suppression, or move it to the line of the finding it is meant for.",
	Example: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  automountServiceAccountToken: false # tokenlint:ignore TL301 -- web calls the API
  containers:
  - name: web
    image: nginx:1.27
`,
	Fixed: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  automountServiceAccountToken: false
  containers:
  - name: web
    image: nginx:1.27
`,
	Tags: []string{"suppression"},
}

// Suppression says why a finding is suppressed and where that is written.
type Suppression struct {
	// Kind is SARIF's: "inSource" for a comment or an annotation,
	// "external" for a baseline.
	Kind string
	// Via is "comment", "annotation" or "baseline".
	Via    string
	Reason string
	// Position is where the suppression is written: the comment, the
	// annotation, or the baseline file (with no line).
	Position Position
}

// Directive is a suppression as written, before it is checked against the
// catalog: a "# tokenlint:" comment or a tokenlint.io/ignore annotation.
type Directive struct {
	Position Position
	// Text follows "tokenlint:" in a comment ("ignore TL101 -- reason"), or
	// is the annotation's value.
	Text string
	// Target is the line a comment covers: its own, or for a comment alone
	// on its line the next line that is neither blank nor a comment.
	Target int
	// Object is the annotated object; nil for a comment.
	Object *Ref
	// Source is the Helm template a comment was rendered from (the
	// document's "# Source:"), so that its TL002 and TL003 findings name
	// the template as the findings of objects do; an annotation's is its
	// object's.
	Source string
	// Context is set for directives of context input, which suppress but
	// are never reported.
	Context bool
	// Placed is where the comment is written in a chart's template, when
	// the chart's source map places it (Position is then in the rendered
	// stream), and PlacedTarget the template line it covers: the line that
	// wrote the rendered line it covers. The comment suppresses the
	// findings placed on that template line, and those left on the
	// rendered line, however the chart renders.
	Placed       *Position
	PlacedTarget int

	// obj is the annotated object's, which the findings on it share.
	obj *objectInfo
}

// written is where a directive is written: in the template when placed.
func (d Directive) written() (Position, *Position) {
	if d.Placed != nil {
		generated := d.Position
		return *d.Placed, &generated
	}
	return d.Position, nil
}

// scanDirectives finds the "# tokenlint:" comments of a file. It reads
// lines, not the parser's comments, so a comment in a block scalar (a shell
// comment on a script line) counts too, and a comment alone on its line
// covers the next line of content across document separators, as a header
// comment above "---" means the document below. JSON has no comments.
func scanDirectives(file string, data []byte) []Directive {
	if !bytes.Contains(data, []byte("tokenlint")) && !bytes.Contains(data, []byte("TOKENLINT")) {
		return nil
	}
	data = bytes.TrimPrefix(data, bom)
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return nil
	}
	var ds []Directive
	lines := bytes.Split(data, []byte("\n"))
	source := "" // the document's "# Source:" template, as splitDocuments reads it
	for i, line := range lines {
		switch t := bytes.TrimRight(line, "\r"); {
		case bytes.HasPrefix(t, []byte("---")) && (len(t) == 3 || t[3] == ' ' || t[3] == '\t'):
			source = ""
		case bytes.HasPrefix(t, []byte("# Source: ")) && source == "":
			source = strings.TrimSpace(string(t[len("# Source: "):]))
		}
		m := directivePattern.FindSubmatchIndex(line)
		if m == nil {
			continue
		}
		hash := m[2]
		text := strings.TrimSpace(string(bytes.TrimRight(line[m[1]:], "\r")))
		if word := string(line[m[4]-len("tokenlint") : m[5]]); word != "tokenlint:" {
			// "tokenlint-ignore", "tokenlint ignore", "TOKENLINT:":
			// meant as a suppression, but it suppresses nothing; say so.
			text = misspeltDirective + string(line[m[4]-len("tokenlint"):m[1]])
		}
		lineNo := i + 1
		d := Directive{
			Position: Position{File: file, Line: lineNo, Column: runeColumn(line, hash), EndLine: lineNo,
				EndColumn: runeColumn(line, len(bytes.TrimRight(line, " \t\r")))},
			Text:   text,
			Target: lineNo,
			Source: source,
		}
		if len(bytes.TrimSpace(line[:hash])) == 0 {
			// Alone on its line: it covers the next line of content.
			d.Target = lineNo + 1
			for j := i + 1; j < len(lines); j++ {
				if t := bytes.TrimSpace(lines[j]); len(t) != 0 && t[0] != '#' && !isDocumentMarker(t) {
					d.Target = j + 1
					break
				}
			}
		}
		ds = append(ds, d)
	}
	return ds
}

// isDocumentMarker reports whether a trimmed line is "---" or "..." alone.
func isDocumentMarker(t []byte) bool {
	return string(t) == "---" || string(t) == "..."
}

// directivePattern finds a comment that starts with "tokenlint:" (group 1
// is the '#', group 2 what follows "tokenlint"), or with a misspelling of
// "tokenlint:ignore" ("tokenlint-ignore", "tokenlint ignore"). A '#' must
// start the line or follow a blank, as YAML's comments do; "tokenlint:" in
// a value or in the middle of a comment's prose is no directive.
var directivePattern = regexp.MustCompile(`(?i)(?:^|[ \t])(#)[ \t]*tokenlint(:|[-_ .]?ignore\b)`)

// misspeltDirective marks the text of a directive spelt otherwise than
// "tokenlint:".
const misspeltDirective = "\x01"

// runeColumn is the 1-based character column of byte offset i of line.
func runeColumn(line []byte, i int) int {
	return len([]rune(string(line[:i]))) + 1
}

// annotationDirectives finds the tokenlint.io/ignore annotations of an
// object: on its metadata and, for a workload, on its pod template's.
func annotationDirectives(o *Object, info *objectInfo) []Directive {
	paths := []string{"metadata.annotations"}
	if ps, ok := o.PodSpec(); ok && ps.Path != "spec" {
		paths = append(paths, strings.TrimSuffix(ps.Path, ".spec")+".metadata.annotations")
	}
	var ds []Directive
	for _, p := range paths {
		// Another annotation of tokenlint's domain is a misspelling
		// ("tokenlint.io/ignored"), which would otherwise suppress
		// nothing without a word.
		if m, ok := o.Lookup(p); ok {
			if annotations, ok := m.(map[string]any); ok {
				for _, key := range slices.Sorted(maps.Keys(annotations)) {
					if key != IgnoreAnnotation && strings.HasPrefix(strings.ToLower(key), "tokenlint.io/") {
						pos := o.annotationAt(JoinPath(p, key))
						ds = append(ds, o.annotationDirective(pos, unknownAnnotation+key, info))
					}
				}
			}
		}
		path := JoinPath(p, IgnoreAnnotation)
		v, ok := o.Lookup(path)
		if !ok {
			continue
		}
		pos := o.annotationAt(path)
		s, isString := v.(string)
		if !isString {
			s = fmt.Sprint(v)
		}
		d := o.annotationDirective(pos, s, info)
		if !isString {
			d.Text = "\x00" + s // never parses: reported as not a string
		}
		ds = append(ds, d)
	}
	return ds
}

// annotationDirective is a directive of the object's annotations.
func (o *Object) annotationDirective(pos Position, text string, info *objectInfo) Directive {
	ref := o.Ref()
	return Directive{Position: pos, Text: text, Object: &ref, Source: o.Source, Context: o.Context, obj: info}
}

// annotationAt is where an annotation is written: in a chart, the values
// key that set it (podAnnotations in values.yaml, through toYaml) or the
// template line; in the input otherwise.
func (o *Object) annotationAt(path string) Position {
	pos, related := o.Place(path)
	for _, r := range related {
		if strings.HasPrefix(r.Message, valuesKeyMessage) {
			return r.Position
		}
	}
	return pos
}

// suppression is a directive checked against the catalog.
type suppression struct {
	d      Directive
	rules  []*Rule
	reason string
	used   []bool // by rule
}

// parseDirective checks a directive: its rules must be in the catalog and a
// reason must follow " -- ". It returns the problem when it cannot be used.
func parseDirective(d Directive, reg *Registry) (*suppression, string) {
	text := d.Text
	if strings.HasPrefix(text, "\x00") {
		return nil, fmt.Sprintf("annotation %s is %q, not a string: write \"RULE -- reason\"", IgnoreAnnotation, text[1:])
	}
	if strings.HasPrefix(text, misspeltDirective) {
		return nil, fmt.Sprintf("%q is not a directive, so it suppresses nothing: write \"# tokenlint:ignore RULE -- reason\"", strings.TrimPrefix(text, misspeltDirective))
	}
	if strings.HasPrefix(text, unknownAnnotation) {
		return nil, fmt.Sprintf("annotation %q is not one of tokenlint's, so it suppresses nothing: write %s: \"RULE -- reason\"", text[1:], IgnoreAnnotation)
	}
	what := "annotation " + IgnoreAnnotation
	if d.Object == nil {
		verb, rest, _ := strings.Cut(text, " ")
		if verb != "ignore" {
			return nil, fmt.Sprintf("unknown directive %q: write \"# tokenlint:ignore RULE -- reason\"", "tokenlint:"+verb)
		}
		text = rest
		what = "suppression comment"
	}
	list, reason, hasReason := strings.Cut(text, " --")
	if !hasReason {
		list, reason, hasReason = strings.Cut(text, "--")
	}
	reason = strings.TrimSpace(reason)
	s := &suppression{d: d, reason: reason}
	var unknown []string
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if strings.ContainsAny(name, " \t") {
			return nil, fmt.Sprintf("%s lists %q: separate rules with commas and put the reason after \" -- \"", what, name)
		}
		r := reg.Lookup(name)
		switch {
		case r == nil:
			unknown = append(unknown, name)
		case r == InvalidManifest || r == InvalidSuppression || r == UnusedSuppression:
			return nil, fmt.Sprintf("%s names %s %s, which cannot be suppressed in source: fix the input or the suppression", what, r.ID, r.Slug)
		case !slices.Contains(s.rules, r):
			s.rules = append(s.rules, r)
		}
	}
	if len(unknown) > 0 {
		msg := fmt.Sprintf("%s names unknown rule %q", what, unknown[0])
		if sug := reg.Suggest(unknown[0]); sug != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", sug)
		}
		return nil, msg + ": it suppresses nothing"
	}
	if len(s.rules) == 0 {
		return nil, what + " names no rule: write \"RULE -- reason\" with a rule's ID or slug"
	}
	if !hasReason || reason == "" {
		return nil, fmt.Sprintf("%s gives no reason: add one after \" -- \", as in \"%s -- why it is accepted\"", what, strings.TrimSpace(list))
	}
	s.used = make([]bool, len(s.rules))
	return s, ""
}

// Suggest is the catalog's ID or slug closest to a misspelt name, or "".
func (reg *Registry) Suggest(name string) string {
	best, bestDist := "", 0
	lower := strings.ToLower(name)
	for _, r := range reg.rules {
		for _, cand := range []string{r.ID, r.Slug} {
			d := levenshtein.ComputeDistance(lower, strings.ToLower(cand))
			if d <= max(1, len(cand)/4) && (best == "" || d < bestDist) {
				best, bestDist = cand, d
			}
		}
	}
	return best
}

// suppress applies the directives to the findings: each finding one of them
// covers gets its Suppression. It returns TL002 findings for directives that
// cannot be used and TL003 findings for those that suppressed nothing.
func suppress(findings []Finding, directives []Directive, reg *Registry, off map[*Rule]bool) []Finding {
	type lineKey struct {
		file string
		line int
	}
	byLine := map[lineKey][]*suppression{}
	byObject := map[*objectInfo][]*suppression{}
	var out []Finding
	var all []*suppression
	for _, d := range directives {
		s, problem := parseDirective(d, reg)
		if s == nil {
			if !d.Context {
				at, generated := d.written()
				f := Finding{Rule: InvalidSuppression, Severity: InvalidSuppression.Severity, Message: problem, Position: at, Generated: generated, Source: d.Source}
				if d.Object != nil {
					f.Object, f.obj = *d.Object, d.obj
				}
				out = append(out, f)
			}
			continue
		}
		all = append(all, s)
		if d.obj != nil {
			byObject[d.obj] = append(byObject[d.obj], s)
		} else {
			byLine[lineKey{d.Position.File, d.Target}] = append(byLine[lineKey{d.Position.File, d.Target}], s)
			if d.Placed != nil {
				k := lineKey{d.Placed.File, d.PlacedTarget}
				byLine[k] = append(byLine[k], s)
			}
		}
	}
	if len(all) == 0 {
		return out
	}
	// Every suppression that covers a finding is used, so that a comment
	// and an annotation saying the same are both kept; the first (the
	// nearest: a comment) is the one the finding shows.
	apply := func(f *Finding, ss []*suppression, via string) {
		for _, s := range ss {
			if i := slices.Index(s.rules, f.Rule); i >= 0 {
				s.used[i] = true
				if f.Suppression == nil {
					at, _ := s.d.written()
					f.Suppression = &Suppression{Kind: "inSource", Via: via, Reason: s.reason, Position: at}
				}
			}
		}
	}
	for i := range findings {
		f := &findings[i]
		if f.Rule == InvalidManifest {
			continue
		}
		apply(f, byLine[lineKey{f.Position.File, f.Position.Line}], "comment")
		if f.obj != nil && f.Path == "" {
			// A finding about the whole object is also covered by a
			// comment above the object's first line: in the template or
			// base resource it was placed in, when it was placed.
			first := lineKey{f.Position.File, f.obj.firstLine}
			if f.Generated != nil && f.obj.placed {
				first = lineKey{}
				if start := f.obj.start; start != nil {
					first = lineKey{start.File, start.Line}
				}
			}
			if first.line != f.Position.Line || first.file != f.Position.File {
				apply(f, byLine[first], "comment")
			}
		}
		if f.obj != nil {
			apply(f, byObject[f.obj], "annotation")
		}
	}
	for _, s := range all {
		if s.d.Context {
			continue
		}
		var unused []string
		for i, r := range s.rules {
			if !s.used[i] && !off[r] {
				unused = append(unused, r.ID)
			}
		}
		if len(unused) == 0 {
			continue
		}
		where := "on this line"
		at, generated := s.d.written()
		target := s.d.Target
		if s.d.Placed != nil {
			target = s.d.PlacedTarget
		}
		switch {
		case s.d.Object != nil:
			where = "on " + s.d.Object.String()
		case target != at.Line:
			where = fmt.Sprintf("on line %d", target)
		}
		f := Finding{Rule: UnusedSuppression, Severity: UnusedSuppression.Severity, Position: at, Generated: generated, Source: s.d.Source,
			Message: fmt.Sprintf("suppression of %s suppresses nothing: no such finding %s. Remove it, or move it to the finding's line", strings.Join(unused, ", "), where)}
		if s.d.Object != nil {
			f.Object, f.obj = *s.d.Object, s.d.obj
		}
		out = append(out, f)
	}
	return out
}
