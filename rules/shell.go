package rules

// The shell side of TL302: a script's statements followed as a shell runs
// them, on mvdan.cc/sh's syntax tree, to find where the token is read,
// passed and copied. token_reload.go says what counts as each.

import (
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// parseScript parses a script as bash, which reads POSIX scripts too. The
// parser supplies a few missing closing tokens (a parenthesis, a quote), as
// a script cut short is still run up to where it breaks; a script it still
// rejects is not checked.
func parseScript(text string) (*syntax.File, bool) {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash), syntax.RecoverErrors(3)).Parse(strings.NewReader(text), "")
	return f, err == nil
}

// shellRun follows one script as a shell would run it, statement by
// statement: the variables it sets, the functions it declares and calls,
// and the token as it flows through pipes, files and variables.
type shellRun struct {
	sc    *scriptCheck
	field string // the field path of the script
	src   string
	// lineBase is the script line of line 1 of the text being run, for a
	// script in a here-document.
	lineBase int
	vars     map[string]string // variables whose value is known
	// tokenVars are the variables that hold a token's content.
	tokenVars map[string]tokenFile
	funcs     map[string]*syntax.Stmt // declared functions' bodies
	calling   map[string]bool         // functions being run, against recursion
	// loop is set inside a loop's body or a while or until loop's
	// condition, which run again and so read a fresh token on each turn.
	loop bool
}

// script runs the text of a script, whose line 1 is the script's line base.
func (sh *shellRun) script(text string, lineBase int) {
	f, ok := parseScript(text)
	if !ok {
		return
	}
	outer, outerBase := sh.src, sh.lineBase
	sh.src, sh.lineBase = text, lineBase
	sh.stmts(f.Stmts)
	sh.src, sh.lineBase = outer, outerBase
}

// stmts runs a list of statements and returns the token when one of them
// prints it.
func (sh *shellRun) stmts(list []*syntax.Stmt) *tokenFile {
	var out *tokenFile
	for _, s := range list {
		if o := sh.stmt(s, nil); o != nil {
			out = o
		}
	}
	return out
}

// stmt runs one statement, whose standard input is the token when in is
// not nil, and returns the token when it prints it.
func (sh *shellRun) stmt(s *syntax.Stmt, in *tokenFile) *tokenFile {
	switch c := s.Cmd.(type) {
	case nil: // "$(< token)"
		if f, ok := sh.inputRedirect(s.Redirs); ok {
			return &f
		}
	case *syntax.CallExpr:
		return sh.call(s, c, in)
	case *syntax.DeclClause:
		sh.assign(c.Args)
	case *syntax.BinaryCmd:
		if c.Op == syntax.Pipe || c.Op == syntax.PipeAll {
			return sh.stmt(c.Y, sh.stmt(c.X, in))
		}
		sh.stmt(c.X, in)
		return sh.stmt(c.Y, nil)
	case *syntax.Block:
		return sh.stmts(c.Stmts)
	case *syntax.Subshell:
		return sh.stmts(c.Stmts)
	case *syntax.IfClause:
		for ic := c; ic != nil; ic = ic.Else {
			sh.stmts(ic.Cond)
			sh.stmts(ic.Then)
		}
	case *syntax.WhileClause:
		defer sh.inLoop()()
		sh.stmts(c.Cond)
		sh.stmts(c.Do)
	case *syntax.ForClause:
		defer sh.inLoop()()
		sh.stmts(c.Do)
	case *syntax.CaseClause:
		for _, item := range c.Items {
			sh.stmts(item.Stmts)
		}
	case *syntax.FuncDecl:
		// A function runs where it is called: once, in a loop, or never.
		if c.Name != nil {
			sh.funcs[c.Name.Value] = c.Body
		}
	case *syntax.TimeClause:
		if c.Stmt != nil {
			return sh.stmt(c.Stmt, in)
		}
	}
	return nil
}

// inLoop marks what runs next as inside a loop, and returns the function
// that restores the mark.
func (sh *shellRun) inLoop() func() {
	was := sh.loop
	sh.loop = true
	return func() { sh.loop = was }
}

// call runs a simple command.
func (sh *shellRun) call(s *syntax.Stmt, c *syntax.CallExpr, in *tokenFile) *tokenFile {
	args := c.Args
	for len(args) > 0 && wrappers[path.Base(sh.str(args[0]))] > 0 {
		args = args[min(wrappers[path.Base(sh.str(args[0]))], len(args)):]
	}
	name := ""
	if len(args) > 0 {
		name = path.Base(sh.str(args[0]))
	}
	line := sh.line(s.Pos())
	once := !sh.loop

	if body, ok := sh.funcs[name]; ok && !sh.calling[name] {
		sh.assign(c.Assigns)
		sh.calling[name] = true
		defer delete(sh.calling, name)
		return sh.stmt(body, in)
	}
	if shells[name] && !sh.hasCFlag(args[1:]) {
		// A shell given its script in a here-document.
		for _, r := range s.Redirs {
			if r.Op != syntax.Hdoc && r.Op != syntax.DashHdoc || r.Hdoc == nil {
				continue
			}
			if from, to := int(r.Hdoc.Pos().Offset()), int(r.Hdoc.End().Offset()); from < to && to <= len(sh.src) {
				sh.script(sh.src[from:to], sh.line(r.Hdoc.Pos()))
			}
		}
		return nil
	}

	// The token on standard input: from a file, a here-document or a pipe.
	if f, ok := sh.inputRedirect(s.Redirs); ok {
		in = &f
	}
	if name == "read" {
		if ops := sh.operands(args[1:]); in != nil && len(ops) > 0 {
			if once && sh.sc.mode == scriptLongRunning {
				sh.sc.reportVar(sh.field, line, *in, ops[len(ops)-1])
			}
			sh.tokenVars[ops[len(ops)-1]] = *in
		}
		return nil
	}

	// What the command prints: a token it reads, or the one it is given
	// through a filter.
	var out *tokenFile
	if f, ok := sh.emits(name, args, s.Redirs); ok {
		out = &f
	} else if in != nil && (readers[name] || name == "tee") {
		out = in
	}
	file := sh.outputFile(s.Redirs)

	// A copy: cp or install of the token (or of a directory holding it),
	// the token printed into a file, or through tee.
	if f, dest, ok := sh.sc.cpCopies(name, sh.strs(args)); ok {
		if once {
			sh.sc.reportCopy(sh.field, line, f, dest)
		}
		return nil
	}
	if name == "tee" && in != nil {
		if ops := sh.operands(args[1:]); len(ops) > 0 && !isDevice(ops[0]) && once {
			sh.sc.reportCopy(sh.field, line, *in, ops[0])
		}
		if file != "" {
			return nil
		}
		return out
	}
	if out != nil && file != "" && !isDevice(file) {
		if once {
			sh.sc.reportCopy(sh.field, line, *out, file)
		}
		return nil
	}

	sh.assign(c.Assigns)
	if !once || sh.sc.mode != scriptLongRunning || out != nil || name == "" || inspectors[name] {
		return out
	}
	for _, arg := range args {
		if f, ok := sh.reads(arg); ok {
			sh.sc.reportArg(sh.field, sh.line(arg.Pos()), f, sh.str(args[0]))
			break
		}
	}
	// A program given the token on standard input reads it once.
	if in != nil {
		sh.sc.reportStdin(sh.field, line, *in, sh.str(args[0]))
	}
	return out
}

// wrappers run the command that follows them, after as many words as
// they count (su-exec USER COMMAND).
var wrappers = map[string]int{"exec": 1, "nohup": 1, "command": 1, "su-exec": 2, "gosu": 2}

// readers are commands that print a file they are given.
var readers = map[string]bool{
	"cat": true, "head": true, "tail": true, "tac": true, "tr": true, "base64": true, "jq": true, "yq": true,
	"sed": true, "awk": true, "cut": true, "xxd": true, "od": true, "strings": true,
}

// inspectors look at their standard input or arguments and are done with
// them: a token given to them is not kept.
var inspectors = map[string]bool{
	"wc": true, "grep": true, "egrep": true, "fgrep": true, "test": true, "[": true, "true": true,
	"sha256sum": true, "sha1sum": true, "md5sum": true, "cksum": true, "cmp": true, "diff": true,
}

// hasCFlag reports whether a shell is given -c (its script is an argument).
func (sh *shellRun) hasCFlag(args []*syntax.Word) bool {
	for _, a := range args {
		if isShellCFlag(sh.str(a)) {
			return true
		}
	}
	return false
}

// assign follows assignments: a variable set to a token's content is read
// once, unless in a loop; one set to a known value is remembered.
func (sh *shellRun) assign(assigns []*syntax.Assign) {
	for _, a := range assigns {
		if a.Name == nil {
			continue
		}
		name := a.Name.Value
		if a.Value == nil {
			if !a.Naked {
				delete(sh.vars, name)
				delete(sh.tokenVars, name)
			}
			continue
		}
		if f, ok := sh.reads(a.Value); ok {
			if !sh.loop && sh.sc.mode == scriptLongRunning {
				sh.sc.reportVar(sh.field, sh.line(a.Pos()), f, name)
			}
			delete(sh.vars, name)
			sh.tokenVars[name] = f
			continue
		}
		delete(sh.tokenVars, name)
		if v, ok := sh.literal(a.Value); ok {
			sh.vars[name] = v
		} else {
			delete(sh.vars, name)
		}
	}
}

// emits reports whether a command prints a token: a reader given the token
// file or its standard input from it, or echo or printf given its content
// (`echo "$(cat token)"`, or a variable that holds it).
func (sh *shellRun) emits(name string, args []*syntax.Word, redirs []*syntax.Redirect) (tokenFile, bool) {
	if name == "" || readers[name] {
		if f, ok := sh.fileRedirect(redirs); ok {
			return f, true
		}
		if name != "" {
			for _, op := range sh.operands(args[1:]) {
				if f, ok := sh.tokenFile(op); ok {
					return f, true
				}
			}
		}
	}
	if name != "echo" && name != "printf" {
		return tokenFile{}, false
	}
	for _, a := range args[1:] {
		if f, ok := sh.holds(a); ok {
			return f, true
		}
	}
	return tokenFile{}, false
}

// holds reports whether a word holds a token's content: read by a command
// substitution, or from a variable that holds it.
func (sh *shellRun) holds(w *syntax.Word) (tokenFile, bool) {
	if f, ok := sh.reads(w); ok {
		return f, true
	}
	var found *tokenFile
	syntax.Walk(w, func(n syntax.Node) bool {
		if pe, ok := n.(*syntax.ParamExp); ok && pe.Param != nil && found == nil {
			if f, ok := sh.tokenVars[pe.Param.Value]; ok {
				found = &f
			}
		}
		return found == nil
	})
	if found != nil {
		return *found, true
	}
	return tokenFile{}, false
}

// reads reports whether a word holds a command substitution that prints a
// token: "$(cat token)", "$(< token)", "`cat token`", nested ones, and
// functions that print it.
func (sh *shellRun) reads(w *syntax.Word) (tokenFile, bool) {
	var found *tokenFile
	syntax.Walk(w, func(n syntax.Node) bool {
		if cs, ok := n.(*syntax.CmdSubst); ok && found == nil {
			found = sh.stmts(cs.Stmts)
			return false
		}
		return found == nil
	})
	if found != nil {
		return *found, true
	}
	return tokenFile{}, false
}

// fileRedirect reports whether standard input is redirected from a token
// file.
func (sh *shellRun) fileRedirect(redirs []*syntax.Redirect) (tokenFile, bool) {
	for _, r := range redirs {
		if r.Op == syntax.RdrIn && (r.N == nil || r.N.Value == "0") {
			if f, ok := sh.tokenFile(sh.str(r.Word)); ok {
				return f, true
			}
		}
	}
	return tokenFile{}, false
}

// inputRedirect reports whether standard input is a token: a token file,
// or a here-document or here-string that holds its content.
func (sh *shellRun) inputRedirect(redirs []*syntax.Redirect) (tokenFile, bool) {
	if f, ok := sh.fileRedirect(redirs); ok {
		return f, true
	}
	for _, r := range redirs {
		var w *syntax.Word
		switch r.Op {
		case syntax.Hdoc, syntax.DashHdoc:
			w = r.Hdoc
		case syntax.WordHdoc:
			w = r.Word
		}
		if w != nil {
			if f, ok := sh.holds(w); ok {
				return f, true
			}
		}
	}
	return tokenFile{}, false
}

// outputFile is the file that standard output is redirected to, if any.
func (sh *shellRun) outputFile(redirs []*syntax.Redirect) string {
	file := ""
	for _, r := range redirs {
		switch r.Op {
		case syntax.RdrOut, syntax.AppOut, syntax.ClbOut:
			if r.N != nil && r.N.Value != "1" {
				continue
			}
		case syntax.RdrAll, syntax.AppAll:
		default:
			continue
		}
		file = sh.str(r.Word)
	}
	return file
}

// tokenFile reports whether a path names a token file.
func (sh *shellRun) tokenFile(p string) (tokenFile, bool) {
	if !strings.HasPrefix(p, "/") {
		return tokenFile{}, false
	}
	f, ok := sh.sc.tokens.files[path.Clean(p)]
	return f, ok
}

// isDevice reports whether a redirection target is a device rather than a
// file: output sent there is not kept.
func isDevice(file string) bool {
	return strings.HasPrefix(file, "/dev/") || strings.HasPrefix(file, "&")
}

// line is the script line of a position.
func (sh *shellRun) line(p syntax.Pos) int { return sh.lineBase + int(p.Line()) - 1 }

// operands are the values of a command's words that are not options.
func (sh *shellRun) operands(words []*syntax.Word) []string {
	var out []string
	for _, s := range sh.strs(words) {
		if !strings.HasPrefix(s, "-") || s == "-" {
			out = append(out, s)
		}
	}
	return out
}

func (sh *shellRun) strs(words []*syntax.Word) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = sh.str(w)
	}
	return out
}

// literal is a word's value when it is known: quotes removed, known
// variables expanded, no command substitution.
func (sh *shellRun) literal(w *syntax.Word) (string, bool) {
	known := true
	s := sh.expand(w.Parts, false, &known)
	return s, known
}

// str is a word's value as far as it is known: unknown expansions are kept
// as written ("$X"), so they never look like a token's path.
func (sh *shellRun) str(w *syntax.Word) string {
	if w == nil {
		return ""
	}
	known := true
	return sh.expand(w.Parts, false, &known)
}

func (sh *shellRun) expand(parts []syntax.WordPart, quoted bool, known *bool) string {
	var b strings.Builder
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.Lit:
			b.WriteString(unescape(p.Value, quoted))
		case *syntax.SglQuoted:
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			b.WriteString(sh.expand(p.Parts, true, known))
		case *syntax.ParamExp:
			simple := p.Param != nil && p.Exp == nil && p.Repl == nil && p.Slice == nil && p.Index == nil &&
				!p.Length && !p.Excl && !p.Width
			if v, ok := sh.vars[paramName(p)]; ok && simple {
				b.WriteString(v)
				continue
			}
			*known = false
			b.WriteString("$" + paramName(p))
		default:
			*known = false
			b.WriteString("$(...)")
		}
	}
	return b.String()
}

func paramName(p *syntax.ParamExp) string {
	if p.Param == nil {
		return ""
	}
	return p.Param.Value
}

// unescape removes the backslashes of a literal: all of them outside
// quotes, those before $ ` " \ inside double quotes.
func unescape(s string, quoted bool) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (!quoted || strings.IndexByte("$`\"\\\n", s[i+1]) >= 0) {
			i++
			if s[i] == '\n' {
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
