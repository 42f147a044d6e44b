package analyzer

import (
	"bytes"
	"runtime"
	"sync"
)

// piece is what a pass over an input reads next, in input order: a file
// just read (or its read error), or one document of a source.
type piece struct {
	src *source
	// doc is set for a document; for a file, data and err are what
	// reading it gave.
	doc  *chunk
	data []byte
	err  error
	// end marks the end of a generated stream's documents.
	end bool
}

// pass reads the sources of the input that include accepts, in order, each
// file from disk, and hands every document that want accepts to work, on
// all CPUs; done receives each document's result, and each file's read,
// in input order. Only a few documents are read ahead of done, so a pass
// holds a few documents and their results, never the input. On the first
// pass (first), a file read is counted and scanned for directives, and its
// read error is the input's problem. On the last pass (last), a generated
// stream's documents are dropped once done has had them all. done runs on
// the caller's goroutine.
func pass[R any](in *Input, first, last bool, include func(*source) bool, want func(*source, *chunk) bool, work func(*source, *chunk) R, done func(*source, R)) {
	next := func(yield func(piece)) {
		for _, s := range in.sources {
			if !include(s) || s.failed {
				continue
			}
			chunks := s.chunks
			if s.file {
				data, err := ReadFile(s.name, s.loader.limits().MaxFileBytes)
				yield(piece{src: s, data: data, err: err})
				if err != nil {
					continue
				}
				chunks = splitDocuments(s.name, data)
			}
			for k := range chunks {
				if want(s, &chunks[k]) {
					yield(piece{src: s, doc: &chunks[k]})
				}
			}
			if !s.file {
				yield(piece{src: s, end: true})
			}
		}
	}
	ordered(next, func(p piece) (r R) {
		if p.doc != nil {
			r = work(p.src, p.doc)
		}
		return r
	}, func(p piece, r R) {
		switch {
		case p.doc != nil:
			done(p.src, r)
		case p.end:
			if last {
				p.src.chunks = nil
			}
		default:
			in.fileRead(p, first)
		}
	})
}

// fileRead records a pass's read of a file.
func (in *Input) fileRead(p piece, first bool) {
	s := p.src
	switch {
	case p.err != nil:
		if !s.context {
			in.Problems = append(in.Problems, Problem{Position: Position{File: s.name}, Message: readProblem(p.err)})
			s.yield.problems++
		}
		s.failed = true
	case first && !s.read:
		s.read = true
		s.loader.Progress.fileRead()
		ds := scanDirectives(s.name, p.data)
		for k := range ds {
			ds[k].Context = s.context
		}
		in.Directives = append(in.Directives, ds...)
		if !s.context {
			in.Files++
			s.yield.files++
			in.linted[s.name] = true
		}
	}
}

// ordered calls work on every item next yields, on all CPUs, and done on
// each item with its result in the order next yielded them. next runs on a
// goroutine of its own and may run ahead of done by a few items only; done
// runs on the caller's goroutine.
func ordered[T, R any](next func(yield func(T)), work func(T) R, done func(T, R)) {
	workers := max(1, runtime.GOMAXPROCS(0))
	type job struct {
		item T
		out  chan R
	}
	jobs := make(chan job)
	queue := make(chan job, 4*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.out <- work(j.item)
			}
		}()
	}
	go func() {
		next(func(item T) {
			j := job{item, make(chan R, 1)}
			queue <- j
			jobs <- j
		})
		close(jobs)
		close(queue)
	}()
	for j := range queue {
		done(j.item, <-j.out)
	}
	wg.Wait()
}

// mayHold reports whether a document may hold an object of one of the
// kinds, for the first pass of a run, which parses such documents to keep
// the facts of their objects. A document in block style only (no flow
// collection, no quoted "kind" key) whose root names its kind plainly on a
// line of its own at column 0 ("kind: Deployment") holds that kind only (a
// List's items aside): that line can only be the root mapping's key (YAML
// refuses a second one). Any other document may hold a kind when its
// text holds the kind's name as a word (not inside a longer name, such as
// automountServiceAccountToken), or an escape sequence that could spell one
// (a JSON "\u0053ecret", a YAML "\x53ecret" or an escaped line break in a
// double-quoted kind); a document that holds none of the names cannot hold
// such an object (YAML's anchors, which could spell a kind elsewhere, do
// not reach across documents). An empty kind matches every document.
func mayHold(text []byte, kinds [][]byte) bool {
	for _, k := range kinds {
		if len(k) == 0 {
			return true
		}
	}
	if root, ok := rootKind(text); ok && !bytes.HasSuffix(root, []byte("List")) {
		for _, k := range kinds {
			if bytes.Equal(root, k) {
				return true
			}
		}
		return false
	}
	for _, k := range kinds {
		if holdsWord(text, k) {
			return true
		}
	}
	return mayEscape(text)
}

// mayEscape reports whether the text holds an escape sequence that could
// spell a name: a JSON or YAML "\u", "\U" or "\x", or an escaped line
// break, which a double-quoted YAML scalar folds away.
func mayEscape(text []byte) bool {
	for i := bytes.IndexByte(text, '\\'); i >= 0 && i+1 < len(text); {
		switch text[i+1] {
		case 'u', 'U', 'x', '\n', '\r':
			return true
		}
		j := bytes.IndexByte(text[i+1:], '\\')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// prefilter decides which documents the first pass of a run parses: those
// that may hold an object of a fact's kind and, for a fact that names the
// word its objects mention (Fact.Mentions), that may mention it.
type prefilter struct {
	// kinds are those of the facts that name no word.
	kinds [][]byte
	// worded are the facts that do, each a kind and its word.
	worded []struct{ kind, word []byte }
}

func newPrefilter(facts []Facts) *prefilter {
	pf := &prefilter{}
	for _, f := range facts {
		_, k := f.KeptOf()
		if k == "*" {
			k = ""
		}
		if w := f.mentions(); w != "" {
			pf.worded = append(pf.worded, struct{ kind, word []byte }{[]byte(k), []byte(w)})
			continue
		}
		pf.kinds = append(pf.kinds, []byte(k))
	}
	return pf
}

// mentionsAny reports whether the text may hold one of the words: as a
// word, or spelt by an escape sequence.
func mentionsAny(text []byte, words [][]byte) bool {
	for _, w := range words {
		if holdsWord(text, w) {
			return true
		}
	}
	return len(words) > 0 && mayEscape(text)
}

// keeps reports whether the first pass parses the document.
func (pf *prefilter) keeps(text []byte) bool {
	if len(pf.kinds) > 0 && mayHold(text, pf.kinds) {
		return true
	}
	for _, f := range pf.worded {
		if (holdsWord(text, f.word) || mayEscape(text)) && mayHold(text, [][]byte{f.kind}) {
			return true
		}
	}
	return false
}

// rootKind is the kind a document names on a line "kind: Name" at column
// 0, with nothing after the name but blanks or a comment, and the line
// after it not a continuation (a plain scalar folded over lines); ok is
// false unless there is exactly one such line and no other line at column
// 0 starts with "kind", and for a document with a flow collection or a
// quoted "kind" key, where a line at column 0 may be inside a value.
func rootKind(text []byte) (kind []byte, ok bool) {
	if bytes.ContainsAny(text, "{[") || bytes.Contains(text, []byte(`"kind"`)) || bytes.Contains(text, []byte(`'kind'`)) {
		return nil, false
	}
	for rest := text; len(rest) > 0; {
		line := rest
		next := []byte(nil)
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, next = rest[:i], rest[i+1:]
		}
		rest = next
		if !bytes.HasPrefix(line, []byte("kind")) {
			continue
		}
		if kind != nil {
			return nil, false
		}
		v, found := bytes.CutPrefix(line, []byte("kind:"))
		if !found {
			return nil, false
		}
		v = bytes.TrimRight(v, "\r")
		if c := bytes.Index(v, []byte(" #")); c >= 0 {
			v = v[:c]
		}
		v = bytes.Trim(v, " \t")
		if len(v) == 0 || !isWord(v) {
			return nil, false
		}
		if len(next) > 0 && (next[0] == ' ' || next[0] == '\t') {
			// Indented: the name may go on over the next line.
			return nil, false
		}
		kind = v
	}
	return kind, kind != nil
}

func isWord(b []byte) bool {
	for _, c := range b {
		if !isWordByte(c) {
			return false
		}
	}
	return true
}

// holdsWord reports whether text holds word with no letter, digit or
// underscore on either side.
func holdsWord(text, word []byte) bool {
	for off := 0; ; {
		i := bytes.Index(text[off:], word)
		if i < 0 {
			return false
		}
		start, end := off+i, off+i+len(word)
		if (start == 0 || !isWordByte(text[start-1])) && (end == len(text) || !isWordByte(text[end])) {
			return true
		}
		off = start + 1
	}
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
