package analyzer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
	yaml4 "go.yaml.in/yaml/v4"

	"github.com/tokenlint/tokenlint/internal/tplmap"
)

// StdinName is the file name given to standard input when the Loader names
// it nothing else.
const StdinName = "<stdin>"

// Problem is input that could not be read or parsed: a file that cannot be
// read, a document that is not valid YAML or JSON, or a field whose value has
// the wrong type. It is reported as a TL001 invalid-manifest finding.
type Problem struct {
	Position Position
	// Path is the field path of a field problem, empty otherwise.
	Path    string
	Message string
}

// Input is what one run reads. Open makes an input of sources, whose
// objects are parsed while the run checks them and released once checked,
// so that a run holds a few documents at a time and not the input; Load
// makes one that holds its objects.
type Input struct {
	// Objects are the objects Load parsed; nil for an input from Open,
	// whose objects live only while the run checks them.
	Objects []*Object
	// Problems are the file and document problems; field problems stay with
	// their objects (see Object.Problems).
	Problems []Problem
	// Directives are the suppression comments of the input.
	Directives []Directive
	Files      int
	// Stdin is the name standard input was read under, empty when it was
	// not read.
	Stdin string

	// loaded holds the absolute names of the files read (or charts
	// rendered), so that a file named twice, or named and found while
	// walking, is read once; linted those that are not context.
	loaded map[string]bool
	linted map[string]bool
	// scanned holds the absolute names of the files kustomizations read
	// whose suppression comments are in Directives.
	scanned map[string]bool

	// sources are the files and generated streams of the input, in order.
	sources []*source
	// opens are the paths of each Open, to tell a path that yields nothing.
	opens []*opened
}

// source is one file, or one generated stream (a rendered chart, a built
// kustomization, standard input), of an input from Open.
type source struct {
	loader  *Loader
	name    string
	context bool
	// file is set for a file, which each pass over the input reads from
	// disk: a run keeps no file's text. A generated stream cannot be read
	// again, so its documents are kept in chunks.
	file   bool
	chunks []chunk
	// cm is a rendered chart's source map.
	cm *chartMap
	// read is set once the file was read, counted and scanned for
	// directives; failed when that first read failed.
	read, failed bool
	yield        *yieldCount
}

// yieldCount is what one path of an Open gave.
type yieldCount struct{ files, objects, problems, again int }

// opened is one call of Open, with what each of its paths gave.
type opened struct {
	loader  *Loader
	paths   []string
	yield   []yieldCount
	context bool
	checked bool
}

// Loader reads manifests. The zero value reads with DefaultLimits and puts
// objects without a namespace in "default".
type Loader struct {
	// Namespace is the namespace of objects that set none, as `kubectl -n`
	// would give them. Empty means "default".
	Namespace string
	// Stdin is read for the path "-".
	Stdin io.Reader
	// StdinName is the file name standard input is reported under, such as
	// the file it was rendered from (--stdin-filename); empty means
	// StdinName ("<stdin>"). Its objects, positions and suppression
	// comments carry it from loading on, so fingerprints, directives and
	// every output format name that file.
	StdinName string
	Limits    Limits
	// Helm is how Helm charts are rendered.
	Helm HelmOptions
	// Exclude, when set, leaves out the files and directories it matches,
	// whether named or found while walking.
	Exclude func(path string) bool
	// RequireObjects makes a named directory, chart or standard input that
	// is read without a problem but yields no Kubernetes object a problem
	// of the input, so a gate pointed at the wrong place does not pass for
	// checking nothing (see yieldsNothing).
	RequireObjects bool
	// Progress, when set, counts the files read and documents parsed.
	Progress *Progress
}

// Open finds the input of the paths: files, directories (recursively,
// *.yaml, *.yml and *.json, skipping hidden directories and vendor/ unless
// named), Helm charts (a directory holding Chart.yaml, or a packaged .tgz
// named on the command line), rendered in a child process, kustomizations,
// built, and "-" for standard input. A named file or directory inside a
// chart means the chart. Charts are rendered, kustomizations built and
// standard input read now; files are read when the run reads them. It
// never stops at bad input: every problem is recorded and everything else
// is still read.
func (l *Loader) Open(paths []string) *Input {
	in := &Input{}
	l.open(in, paths, false)
	return in
}

// OpenContext adds the objects of the paths to the input as context: they
// take part in references but are not checked. A file already in the input
// is not read again, so an object in both counts once, as checked. Problems
// of context files are not reported: the run does not lint them.
func (l *Loader) OpenContext(in *Input, paths []string) {
	l.open(in, paths, true)
}

// Load is Open, with every object parsed and kept in Objects: for tests
// and tools that look at objects; a run checks an input from Open with
// less memory. Documents are parsed on all CPUs.
func (l *Loader) Load(paths []string) *Input {
	in := l.Open(paths)
	in.materialize()
	return in
}

// LoadContext is OpenContext for an input from Load.
func (l *Loader) LoadContext(in *Input, paths []string) {
	l.OpenContext(in, paths)
	in.materialize()
}

func (l *Loader) open(in *Input, paths []string, context bool) {
	target := in
	if context {
		target = &Input{} // problems and counts of context are dropped
	}
	if in.loaded == nil {
		in.loaded, in.linted = map[string]bool{}, map[string]bool{}
	}
	op := &opened{loader: l, paths: paths, yield: make([]yieldCount, len(paths)), context: context}
	in.opens = append(in.opens, op)
	type found struct {
		path int // the path it came from
		src  input
	}
	var srcs []found
	for i, p := range paths {
		before := len(target.Problems)
		for _, src := range l.expand([]string{p}, target) {
			// A file named twice, or named and found while walking,
			// is read once; so is a file both linted and context.
			if abs := absPath(src.name); !src.stdin {
				if in.loaded[abs] {
					op.yield[i].again++
					continue
				}
				in.loaded[abs] = true
			}
			srcs = append(srcs, found{i, src})
		}
		op.yield[i].problems = len(target.Problems) - before
	}
	// Charts are rendered (each in a process of its own) and
	// kustomizations built on all CPUs; standard input, which can be read
	// only once, in order. Files are read by the passes over the input.
	read := make([]readResult, len(srcs))
	for k, s := range srcs {
		if s.src.stdin {
			read[k] = l.read(s.src)
			l.Progress.fileRead()
		}
	}
	parallel(len(srcs), func(k int) {
		if s := srcs[k].src; !s.stdin && (s.chart || s.kustomize) {
			read[k] = l.read(s)
			l.Progress.fileRead()
		}
	})
	used, usedDirs := map[string]bool{}, map[string]bool{}
	for k, s := range srcs {
		if kr := read[k].kustomize; kr != nil {
			kr.uses(absPath(s.src.name), used, usedDirs)
		}
	}
	for k, s := range srcs {
		i, src := s.path, s.src
		y := &op.yield[i]
		// Files and kustomizations that a kustomization of the run uses
		// are linted through it only.
		// (A kustomization's objects came through the one that uses it;
		// a file's, if any, through its kustomization.)
		if abs := absPath(src.name); !src.stdin && src.kustomize && usedDirs[abs] {
			y.again++
			continue
		} else if !src.stdin && !src.kustomize && !src.chart && used[abs] {
			continue
		}
		if !src.stdin && !src.chart && !src.kustomize {
			in.sources = append(in.sources, &source{loader: l, name: src.name, context: context, file: true, yield: y})
			continue
		}
		if kr := read[k].kustomize; kr != nil {
			cs := l.addKustomization(in, target, kr, src, context)
			if kr.problem != nil {
				y.problems++
			} else {
				y.files++
				in.sources = append(in.sources, &source{loader: l, name: src.name, context: context, chunks: cs, read: true, yield: y})
			}
			continue
		}
		if src.stdin {
			target.Stdin = src.name
		}
		data, err := read[k].data, read[k].err
		if err != nil {
			// A problem with the whole file has no line.
			msg := err.Error() // a chart's error says what failed
			if !src.chart {
				msg = readProblem(err)
			}
			target.Problems = append(target.Problems, Problem{Position: Position{File: src.name}, Message: msg})
			y.problems++
			continue
		}
		target.Files++
		y.files++
		if !context {
			in.linted[src.name] = true
		}
		ds := scanDirectives(src.name, data)
		for k := range ds {
			ds[k].Context = context
		}
		var cm *chartMap
		if m := read[k].smap; m != nil && m.Error == "" {
			cm = newChartMap(m, src.name, data, l.Helm.ValueFiles, l.limits().MaxFileBytes)
			cm.placeDirectives(ds)
		}
		in.Directives = append(in.Directives, ds...)
		in.sources = append(in.sources, &source{loader: l, name: src.name, context: context, chunks: splitDocuments(src.name, data), cm: cm, read: true, yield: y})
	}
}

// materialize parses every document of the sources not parsed yet into
// Objects, for Load.
func (in *Input) materialize() {
	pass(in, true, true, func(*source) bool { return true }, func(*source, *chunk) bool { return true },
		func(s *source, c *chunk) chunkResult {
			s.loader.Progress.documentParsed()
			return s.parse(c)
		},
		func(s *source, r chunkResult) {
			in.Objects = append(in.Objects, r.objects...)
			in.countDocument(s, len(r.objects), r.problems)
		})
	in.sources = nil
	in.checkYields()
}

// countDocument records a document's objects and problems: its problems
// are the input's, unless it is context, and both count for what its path
// gave.
func (in *Input) countDocument(s *source, objects int, problems []Problem) {
	if s.context {
		return
	}
	in.Problems = append(in.Problems, problems...)
	s.yield.objects += objects
	s.yield.problems += len(problems)
}

// checkYields adds the problem of every path of a finished Open that gave
// nothing to check (Loader.RequireObjects).
func (in *Input) checkYields() {
	for _, op := range in.opens {
		l := op.loader
		if op.checked || op.context || !l.RequireObjects {
			op.checked = true
			continue
		}
		op.checked = true
		for i, p := range op.paths {
			// A path whose files another path read already yielded them there.
			if y := op.yield[i]; y.objects == 0 && y.problems == 0 && y.again == 0 {
				if prob, ok := l.yieldsNothing(p, y.files); ok {
					in.Problems = append(in.Problems, prob)
				}
			}
		}
	}
}

// parse parses a document of the source into objects, with their
// placers.
func (s *source) parse(c *chunk) chunkResult {
	r := s.loader.parse(*c)
	for _, o := range r.objects {
		o.Context = s.context
		if s.cm != nil {
			o.Placer = chartPlacer{cm: s.cm, obj: o}
		}
	}
	return r
}

type readResult struct {
	data      []byte
	err       error
	smap      *tplmap.Map // a rendered chart's source map, if any
	kustomize *kustomizeResult
}

// read reads a file or standard input, or renders a chart.
func (l *Loader) read(src input) readResult {
	var r readResult
	switch {
	case src.chart:
		r.data, r.smap, r.err = l.renderChart(src.name)
	case src.kustomize:
		r.kustomize = l.buildKustomization(src.name)
		r.data = r.kustomize.stream
	case src.stdin:
		r.data, r.err = l.readStdin()
	default:
		r.data, r.err = ReadFile(src.name, l.limits().MaxFileBytes)
	}
	return r
}

// readProblem is the message of a file that could not be read, without the
// file's name, which the problem's position gives.
func readProblem(err error) string {
	var fe *FileError
	var pe *fs.PathError
	switch {
	case errors.As(err, &fe):
		return "cannot read: " + fe.Reason()
	case errors.As(err, &pe):
		return "cannot read: " + pe.Err.Error()
	}
	return err.Error()
}

// parallel calls f(0) ... f(n-1) on up to GOMAXPROCS goroutines and waits
// for them all.
func parallel(n int, f func(i int)) {
	work := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), n)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				f(i)
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
}

// yieldsNothing is the problem of a path that was read without a problem
// but holds no Kubernetes object: standard input (an empty pipe, such as
// that of a `helm template` that failed), a directory or a chart. A gate
// pointed at the wrong place must not pass for checking nothing. A file is
// not one: pre-commit hands over every staged YAML file, and a CI workflow
// or a Helm values file is rightly no manifest. Nor is a path the
// configuration excludes.
func (l *Loader) yieldsNothing(p string, files int) (Problem, bool) {
	var msg string
	switch {
	case p == "-":
		return Problem{Position: Position{File: l.stdinName()}, Message: "standard input holds no Kubernetes object, so nothing was checked: did the command writing to it fail?"}, true
	case l.Exclude != nil && l.Exclude(p):
		return Problem{}, false
	case isPackagedChart(p):
		msg = "the chart renders no Kubernetes object, so nothing was checked"
	default:
		info, err := os.Stat(p)
		switch {
		case err != nil || !info.IsDir():
			return Problem{}, false
		case isChartDir(p):
			msg = "the chart renders no Kubernetes object, so nothing was checked"
		case isKustomizationDir(p) && files == 1:
			msg = "the kustomization builds no Kubernetes object, so nothing was checked"
		case files == 0:
			msg = "the directory holds no *.yaml, *.yml or *.json file, so nothing was checked"
		case files == 1:
			msg = "no Kubernetes object in the directory's one YAML or JSON file, so nothing was checked"
		default:
			msg = fmt.Sprintf("no Kubernetes object in the directory's %d YAML and JSON files, so nothing was checked", files)
		}
	}
	return Problem{Position: Position{File: p}, Message: msg}, true
}

// absPath is a path made absolute, for telling files apart; standard input
// and charts' names are kept as they are.
func absPath(name string) string {
	if name == StdinName {
		return name
	}
	if abs, err := filepath.Abs(name); err == nil {
		return abs
	}
	return name
}

// limits are the loader's limits, each one left zero taking its default.
func (l *Loader) limits() Limits {
	lim, def := l.Limits, DefaultLimits
	lim.MaxDocumentBytes = positiveOr(lim.MaxDocumentBytes, def.MaxDocumentBytes)
	lim.MaxNodes = positiveOr(lim.MaxNodes, def.MaxNodes)
	lim.MaxDepth = positiveOr(lim.MaxDepth, def.MaxDepth)
	lim.MaxFileBytes = positiveOr(lim.MaxFileBytes, def.MaxFileBytes)
	lim.RenderTimeout = positiveOr(lim.RenderTimeout, def.RenderTimeout)
	lim.MaxRenderBytes = positiveOr(lim.MaxRenderBytes, def.MaxRenderBytes)
	return lim
}

// readStdin reads standard input through the file size limit. It may be a
// pipe, as from `helm template ... |`: that is what it is for.
func (l *Loader) readStdin() ([]byte, error) {
	if l.Stdin == nil {
		return nil, errors.New("standard input is not available")
	}
	return readLimited(l.Stdin, l.stdinName(), l.limits().MaxFileBytes, 0)
}

// stdinName is the name standard input is reported under.
func (l *Loader) stdinName() string {
	if l.StdinName != "" {
		return l.StdinName
	}
	return StdinName
}

// input is a file to read, standard input, a chart to render or a
// kustomization to build.
type input struct {
	name                    string
	chart, stdin, kustomize bool
}

// expand turns the paths into the list of files to read and charts to render,
// each once however many paths name it. A chart found while walking a
// directory is rendered, not walked: its templates are not YAML until
// rendered. For the same reason a named file or directory that belongs to a
// chart (a template, _helpers.tpl, values.yaml, Chart.yaml, templates/, a
// subchart's file) means its chart, as pre-commit, which names changed files
// one by one, needs.
func (l *Loader) expand(paths []string, in *Input) []input {
	var files []input
	added := map[string]bool{}
	add := func(f input) {
		if key := absPath(f.name); !added[key] {
			added[key] = true
			files = append(files, f)
		}
	}
	for _, p := range paths {
		if p == "-" {
			add(input{name: l.stdinName(), stdin: true})
			continue
		}
		if l.Exclude != nil && l.Exclude(p) {
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			in.Problems = append(in.Problems, Problem{Position: Position{File: p}, Message: "cannot read: " + errors.Unwrap(err).Error()})
			continue
		}
		if info.IsDir() && isChartDir(p) {
			// Named, a chart is rendered as itself, even a subchart.
			add(input{name: p, chart: true})
			continue
		}
		if chart, ok := chartOf(p, info.IsDir()); ok {
			if l.Exclude == nil || !l.Exclude(chart) {
				add(input{name: chart, chart: true})
			}
			continue
		}
		if !info.IsDir() || !isKustomizationDir(p) {
			// A file or directory of a kustomization means it.
			if k, ok := kustomizationOf(p, info.IsDir()); ok {
				if l.Exclude == nil || !l.Exclude(k) {
					add(input{name: k, kustomize: true})
				}
				continue
			}
		}
		if !info.IsDir() {
			add(input{name: p, chart: isPackagedChart(p)})
			continue
		}
		if isKustomizationDir(p) {
			// Built, and walked on for the kustomizations beneath it.
			add(input{name: p, kustomize: true})
		}
		root := p
		if link, err := os.Lstat(p); err == nil && link.Mode()&fs.ModeSymlink != 0 {
			// WalkDir does not follow a symbolic link at its root; with a
			// final separator, the system resolves it.
			root = p + string(filepath.Separator)
		}
		// The callback records its problems and never fails the walk.
		_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				in.Problems = append(in.Problems, Problem{Position: Position{File: path}, Message: "cannot read: " + err.Error()})
				return nil
			}
			if path != root && l.Exclude != nil && l.Exclude(path) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				name := d.Name()
				if path != root && (name == "vendor" || (strings.HasPrefix(name, ".") && name != "." && name != "..")) {
					return filepath.SkipDir
				}
				if path != root && isChartDir(path) {
					// A library chart renders only through the charts
					// that use it; Helm refuses it alone.
					if !isLibraryChart(path) {
						add(input{name: path, chart: true})
					}
					return filepath.SkipDir
				}
				if path != root && isKustomizationDir(path) {
					add(input{name: path, kustomize: true})
				}
				return nil
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".yaml", ".yml", ".json":
				add(input{name: path})
			}
			return nil
		})
	}
	return files
}

// chunk is one document of a file, cut out before parsing so that a syntax
// error ends only its own document.
type chunk struct {
	file       string
	text       []byte
	lineOffset int // lines of the file before the chunk
	source     string
	json       bool
	// place, when set, gives the object of the chunk its Placer.
	place func(*Object) Placer
}

type chunkResult struct {
	objects  []*Object
	problems []Problem
}

var bom = []byte("\xef\xbb\xbf")

// splitDocuments cuts a file into documents at "---" and "..." lines, the way
// kubectl does. JSON (a file starting with '{' or '[') is one document. Leading
// comments, directives and "# Source:" lines stay with the document they
// precede.
func splitDocuments(file string, data []byte) []chunk {
	data = bytes.TrimPrefix(data, bom)
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		// Outside strings, a tab in JSON is only whitespace, which YAML
		// does not allow for indentation; inside strings it must be escaped.
		return []chunk{{file: file, text: bytes.ReplaceAll(data, []byte("\t"), []byte(" ")), json: true}}
	}
	var chunks []chunk
	start, startLine, line := 0, 0, 0
	hasContent := false
	source := ""
	flush := func(end int) {
		if hasContent || source != "" {
			chunks = append(chunks, chunk{file: file, text: data[start:end], lineOffset: startLine, source: source})
		}
	}
	for pos := 0; pos < len(data); line++ {
		next := bytes.IndexByte(data[pos:], '\n')
		if next < 0 {
			next = len(data)
		} else {
			next += pos + 1
		}
		// Most lines are content of a document already known to have
		// some: only "---", "..." and "# Source:" lines matter then.
		if c := data[pos]; hasContent && c != '-' && c != '.' && c != '#' {
			pos = next
			continue
		}
		text := bytes.TrimRight(data[pos:next], "\r\n")
		switch {
		case bytes.HasPrefix(text, []byte("---")) && (len(text) == 3 || text[3] == ' ' || text[3] == '\t'):
			if hasContent {
				flush(pos)
				start, startLine, hasContent, source = pos, line, false, ""
			}
			// A "# Source:" of a document that had no content (a template
			// rendering to comments only) names no later document.
			source = ""
			if rest := bytes.TrimSpace(text[3:]); len(rest) > 0 && rest[0] != '#' {
				hasContent = true
			}
		case string(bytes.TrimRight(text, " \t")) == "...":
			flush(pos)
			start, startLine, hasContent, source = next, line+1, false, ""
		case bytes.HasPrefix(text, []byte("# Source: ")) && source == "":
			source = strings.TrimSpace(string(text[len("# Source: "):]))
		default:
			t := bytes.TrimSpace(text)
			if len(t) > 0 && t[0] != '#' && t[0] != '%' {
				hasContent = true
			}
		}
		pos = next
	}
	if hasContent {
		flush(len(data))
	}
	return chunks
}

var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlParserProblems are the messages of the YAML parser's (not the
// scanner's) errors, for which go.yaml.in/yaml/v3 names a 0-based line.
var yamlParserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found undefined tag handle":             true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// parse turns one document into objects.
func (l *Loader) parse(c chunk) chunkResult {
	var r chunkResult
	lim := l.limits()
	problem := func(line, col int, msg string) {
		r.problems = append(r.problems, Problem{Position: Position{File: c.file, Line: line + c.lineOffset, Column: max(col, 1)}, Message: msg})
	}
	if len(c.text) > lim.MaxDocumentBytes {
		problem(1, 1, fmt.Sprintf("document is larger than %d bytes", lim.MaxDocumentBytes))
		return r
	}
	dec := yaml.NewDecoder(bytes.NewReader(c.text))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return r
		}
		if err != nil {
			line, col, msg := syntaxError(c.text, err, c.lineOffset)
			problem(line, col, "invalid YAML: "+msg)
			return r
		}
		root := deref(&doc)
		if root == nil {
			continue
		}
		conv := newConverter(lim)
		conv.lineOffset = c.lineOffset
		v, err := conv.value(root, 0)
		if err != nil {
			var ne *nodeError
			if errors.As(err, &ne) {
				problem(ne.line, ne.column, "invalid YAML: "+ne.msg)
			} else {
				problem(1, 1, "invalid YAML: "+err.Error())
			}
			continue
		}
		l.collect(&r, c, root, v)
	}
}

// blamesMapping are the parser errors that name the start of the enclosing
// block rather than the token that breaks it, and what that block is.
var blamesMapping = map[string]string{
	"did not find expected key":           "mapping",
	"did not find expected '-' indicator": "list",
}

// syntaxError is the line, column and message of a YAML syntax error in
// text, a document whose first line is the file's line lineOffset+1.
//
// go.yaml.in/yaml/v3 names one line in its message: for the parser's errors
// the start of the construct it was parsing, not the token that broke it,
// and no column. go.yaml.in/yaml/v4, the same parser with structured errors,
// names both: the document is parsed once more with it, which keeps the
// cost of locating an error to that of one more parse whatever the
// document's shape. (Parsing ever longer prefixes to find the first
// failing line cost a parse per line, up to 200: 16 s and 1 GB for an 8 MB
// document whose mapping broke 150 lines after a large block scalar.)
// Errors of the reader (invalid UTF-8, control characters) name no line in
// either: the offending character is found in the text.
func syntaxError(text []byte, err error, lineOffset int) (line, col int, msg string) {
	line, msg = 0, strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlErrLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if yamlParserProblems[msg] {
			line++
		}
	}
	if readerProblems[msg] {
		if at, atCol, what, ok := badCharacter(text); ok {
			return at, atCol, fmt.Sprintf("%s: %s", msg, what)
		}
	}
	// A document that ends too early fails at the end of its stream: name
	// its last line rather than the one after.
	last := lastContentLine(text)
	line = min(line, last)
	col = 1
	mark, context, ok := v4Error(text, msg)
	switch {
	case !ok:
	case blamesMapping[msg] != "":
		if mark.Line > line && line > 0 {
			msg = fmt.Sprintf("%s (in the %s that starts at line %d)", msg, blamesMapping[msg], line+lineOffset)
		}
		line, col = mark.Line, mark.Column
	case line == 0:
		line, col = mark.Line, mark.Column
	case mark.Line == line:
		col = mark.Column
	case context.Line == line:
		col = context.Column
	}
	return max(1, min(line, last)), max(1, col), msg
}

// v4Error parses text with go.yaml.in/yaml/v4 and returns the position of
// its first error, and of the construct it was in, when that error is the
// one v3 gave (msg): the two parsers may disagree, and then v3's line
// stands alone.
func v4Error(text []byte, msg string) (mark, context yaml4.Mark, ok bool) {
	dec := yaml4.NewDecoder(bytes.NewReader(text))
	for {
		var doc yaml4.Node
		err := dec.Decode(&doc)
		if err == nil {
			continue
		}
		var le *yaml4.LoadError
		if !errors.As(err, &le) || le.Message != msg || le.Mark.Line < 1 {
			return mark, context, false
		}
		return le.Mark, le.ContextMark, true
	}
}

// readerProblems are the errors of the YAML reader, which name no position.
var readerProblems = map[string]bool{
	"invalid leading UTF-8 octet":        true,
	"incomplete UTF-8 octet sequence":    true,
	"invalid trailing UTF-8 octet":       true,
	"invalid length of a UTF-8 sequence": true,
	"invalid Unicode character":          true,
	"control characters are not allowed": true,
}

// badCharacter finds the first character of text that YAML does not allow
// (a byte that is not UTF-8, or a character outside YAML's printable set:
// tab, line breaks, U+0020-U+007E, U+0085, U+00A0-U+D7FF, U+E000-U+FFFD,
// U+10000 and above) and returns its line and column (in characters, as
// the parser counts them), and what it is.
func badCharacter(text []byte) (line, col int, what string, ok bool) {
	line, col = 1, 1
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return line, col, fmt.Sprintf("byte 0x%02x is not UTF-8", text[i]), true
		case r == 0:
			return line, col, "a NUL byte (U+0000)", true
		case r == '\t', r >= 0x20 && r <= 0x7e, r == 0x85, r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000:
		case r == '\n', r == '\r':
		default:
			return line, col, fmt.Sprintf("control character %U", r), true
		}
		i += size
		// Line breaks as the parser counts them: LF, CR LF, CR, NEL,
		// LS and PS.
		switch {
		case r == '\r' && i < len(text) && text[i] == '\n':
		case r == '\n', r == '\r', r == 0x85, r == 0x2028, r == 0x2029:
			line, col = line+1, 1
		default:
			col++
		}
	}
	return 0, 0, "", false
}

// lastContentLine is the 1-based number of the last line of text that is not
// blank, at least 1.
func lastContentLine(text []byte) int {
	text = bytes.TrimRight(text, " \t\r\n")
	return bytes.Count(text, []byte("\n")) + 1
}

// collect makes objects of a parsed value: a Kubernetes object, a List (or
// any *List kind) of them, or a JSON array of them. Values without apiVersion
// and kind are not Kubernetes objects and are ignored.
func (l *Loader) collect(r *chunkResult, c chunk, node *yaml.Node, v any) {
	if items, ok := v.([]any); ok && node.Kind == yaml.SequenceNode {
		for i, item := range items {
			l.collect(r, c, deref(node.Content[i]), item)
		}
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	av, hasAV := m["apiVersion"]
	kv, hasKind := m["kind"]
	if !hasAV || !hasKind {
		return
	}
	o := &Object{File: c.file, Source: c.source, Raw: m, node: node, lineOffset: c.lineOffset, text: c.text}
	apiVersion, ok1 := av.(string)
	kind, ok2 := kv.(string)
	if !ok1 || !ok2 || apiVersion == "" || kind == "" {
		pos, _ := o.Locate("kind")
		r.problems = append(r.problems, Problem{Position: pos, Message: "apiVersion and kind must be non-empty strings"})
		return
	}
	if items, ok := m["items"].([]any); ok && strings.HasSuffix(kind, "List") {
		_, itemsNode := lookupKey(node, "items")
		itemsNode = deref(itemsNode)
		if itemsNode == nil || itemsNode.Kind != yaml.SequenceNode || len(itemsNode.Content) != len(items) {
			pos, _ := o.Locate("items")
			r.problems = append(r.problems, Problem{Position: pos, Message: "cannot locate the items of this " + kind})
			return
		}
		for i, item := range items {
			l.collect(r, c, deref(itemsNode.Content[i]), item)
		}
		return
	}
	o.APIVersion, o.Kind = apiVersion, kind
	meta, _ := m["metadata"].(map[string]any)
	o.Name, _ = meta["name"].(string)
	if !isClusterScoped(apiVersion, kind) {
		o.Namespace, _ = meta["namespace"].(string)
		if o.Namespace == "" {
			o.Namespace = l.Namespace
		}
		if o.Namespace == "" {
			o.Namespace = "default"
		}
	}
	if c.place != nil {
		o.Placer = c.place(o)
	}
	o.typeObject()
	r.objects = append(r.objects, o)
}

// addFieldProblem records a field whose value has the wrong type.
func (o *Object) addFieldProblem(fe fieldError) {
	pos, _ := o.Locate(fe.path)
	o.problems = append(o.problems, Problem{Position: pos, Path: fe.path, Message: fe.msg})
}

// Problems are the object's fields whose values have the wrong type.
func (o *Object) Problems() []Problem { return o.problems }
