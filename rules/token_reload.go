package rules

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/tokenlint/tokenlint/analyzer"
)

// TokenNotReloaded is TL302.
var TokenNotReloaded = &analyzer.Rule{
	ID:       "TL302",
	Slug:     "token-not-reloaded",
	Title:    "Service account token is frozen by a subPath mount, a one-time read or a copy",
	Severity: analyzer.SeverityError,
	Description: "The kubelet rotates a projected service account token (the automounted API server token " +
		"included) when it is older than 80% of its lifetime or than 24 hours, by replacing the file in the volume. " +
		"A program must re-read the file; current official client libraries do. Some ways of consuming the token " +
		"freeze it, and the program goes on presenting the first token after it expires:\n\n" +
		"- a `volumeMounts` entry with `subPath` (or `subPathExpr`) that selects a projected token, or that mounts " +
		"over the token directory `/var/run/secrets/kubernetes.io/serviceaccount` or its `token` file: subPath " +
		"mounts never receive updates;\n" +
		"- a shell script in `command` or `args` that reads the token once into a variable (`TOKEN=$(cat …/token)`, " +
		"`$(< …/token)`, backticks, `read TOKEN < …/token`), passes its content as an argument, or copies it " +
		"(`cp` and `install`, `-t DIR` included, `cat … > file`, `… | tee file`, `tee file < …`);\n" +
		"- a `postStart` hook that copies it: the copy never changes;\n" +
		"- an init container, or a container of a Job's or CronJob's pod, that copies it into a volume (such as an " +
		"`emptyDir`) that other containers mount.\n\n" +
		"Token files are the automounted `/var/run/secrets/kubernetes.io/serviceaccount/token` (or `/run/...`) when " +
		"the pod's effective automount is on and the container mounts nothing else there, and the files of projected " +
		"`serviceAccountToken` sources where the container mounts their volume. Shell variables and environment " +
		"variables set to a token path are followed.\n\n" +
		"Not reported: passing the token's path to a program (`--token-file=/var/run/...`), which then reads it " +
		"itself; reading other files of the directory (`ca.crt`, `namespace`); reads inside a loop (its `do … done` " +
		"body, or the condition of a `while` or `until` loop), which run again; reads inside a shell function's " +
		"body, which may be called again (from a loop, for instance); exec probes and `preStop` hooks, which read a " +
		"fresh token each time they run; and reads into a variable or an argument in an init container or a " +
		"`postStart` hook, which end well within the token's lifetime. The containers of a Job's or a CronJob's pod, " +
		"and their hooks, run to completion too, and count as init containers: there only a copy into a volume that " +
		"another container mounts, and a subPath mount, are reported. Scripts are recognised when run by a shell " +
		"(`sh -c`, `bash -c`, ...), or as `args` of an image entrypoint that is given `-c`. A finding in a literal " +
		"block scalar (`|`) points at the script's line.",
	Remediation: "Mount the token's volume without subPath and have the program re-read the token file, as the official client libraries do.",
	Example: `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  automountServiceAccountToken: false
  containers:
  - name: app
    image: registry.example.com/app:1.0
    command: ["/bin/sh", "-c"]
    args:
    - |
      export VAULT_JWT="$(cat /var/run/secrets/vault/token)"
      exec /app
    volumeMounts:
    - name: vault-token
      mountPath: /var/run/secrets/vault
  volumes:
  - name: vault-token
    projected:
      sources:
      - serviceAccountToken:
          path: token
          audience: vault
`,
	Fixed: `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  automountServiceAccountToken: false
  containers:
  - name: app
    image: registry.example.com/app:1.0
    command: ["/app", "--vault-jwt-file=/var/run/secrets/vault/token"]
    volumeMounts:
    - name: vault-token
      mountPath: /var/run/secrets/vault
  volumes:
  - name: vault-token
    projected:
      sources:
      - serviceAccountToken:
          path: token
          audience: vault
`,
	Tags:  []string{"reliability", "service-account-token", "rotation"},
	Check: checkTokenNotReloaded,
	Facts: []analyzer.Facts{serviceAccounts},
}

// serviceAccountDirs are where the automounted token lives: /var/run is a
// symbolic link to /run on current distributions.
var serviceAccountDirs = []string{
	"/var/run/secrets/kubernetes.io/serviceaccount",
	"/run/secrets/kubernetes.io/serviceaccount",
}

const rotationWhy = "the kubelet rotates the token"

func checkTokenNotReloaded(p *analyzer.Pass) {
	ps, ok := p.Object.PodSpec()
	if !ok {
		return
	}
	automountOn := effectiveAutomount(p, ps).on
	tokenPaths := map[string][]string{} // projected volume name -> its token files' paths
	for _, v := range ps.Spec.Volumes {
		if v.Projected == nil {
			continue
		}
		for _, src := range v.Projected.Sources {
			if src.ServiceAccountToken != nil {
				tokenPaths[v.Name] = append(tokenPaths[v.Name], path.Clean(src.ServiceAccountToken.Path))
			}
		}
	}
	// A Job's pods run to completion, like init containers: what their
	// containers read into variables dies with them.
	job := p.Object.Kind == "Job" || p.Object.Kind == "CronJob"
	containers := podContainers(ps)
	for _, c := range containers {
		checkSubPaths(p, c, tokenPaths)
		tokens := tokensOf(c, tokenPaths, automountOn)
		if len(tokens.files) == 0 {
			continue
		}
		env := map[string]string{}
		for _, e := range c.Env {
			if e.ValueFrom == nil {
				env[e.Name] = e.Value
			}
		}
		mode := scriptLongRunning
		if c.runsToCompletion || job {
			mode = scriptInit
		}
		sc := scriptCheck{p: p, c: c, containers: containers, tokens: tokens, env: env, mode: mode}
		sc.checkExec(c.path+".command", c.Command, c.path+".args", c.Args)
		if c.Lifecycle != nil && c.Lifecycle.PostStart != nil && c.Lifecycle.PostStart.Exec != nil {
			sc.mode = scriptHook
			if job {
				sc.mode = scriptInit
			}
			sc.checkExec(c.path+".lifecycle.postStart.exec.command", c.Lifecycle.PostStart.Exec.Command, "", nil)
		}
	}
}

// checkSubPaths reports subPath mounts that freeze a token: of a projected
// token, or over the automounted token directory or its token file.
func checkSubPaths(p *analyzer.Pass, c podContainer, tokenPaths map[string][]string) {
mounts:
	for i, m := range c.VolumeMounts {
		sub, field, expr := m.SubPath, "subPath", false
		if sub == "" {
			sub, field, expr = m.SubPathExpr, "subPathExpr", true
		}
		if sub == "" {
			continue
		}
		at := fmt.Sprintf("%s.volumeMounts[%d].%s", c.path, i, field)
		for _, tp := range tokenPaths[m.Name] {
			if subPathSelects(sub, expr, tp) {
				p.Report(at, "%s mounts projected token %q in volume %q with %s %q, so it keeps the first token after it expires. "+
					"The kubelet rotates the token, but a subPath mount never receives updates; mount the volume without subPath",
					c.describe(), tp, m.Name, field, sub)
				continue mounts
			}
		}
		mp := path.Clean(m.MountPath)
		for _, dir := range serviceAccountDirs {
			if mp == dir || mp == dir+"/token" {
				p.Report(at, "%s mounts %s %q of volume %q in place of the service account token, so it keeps the first token "+
					"after it expires. It mounts it at %q; %s, but a subPath mount never receives updates",
					c.describe(), field, sub, m.Name, m.MountPath, rotationWhy)
				break
			}
		}
	}
}

// subPathSelects reports whether a subPath (or a subPathExpr, whose $(VAR)
// references may expand to anything) selects a token file at tokenPath or a
// directory holding it.
func subPathSelects(sub string, expr bool, tokenPath string) bool {
	sub = strings.Trim(sub, "/")
	if expr && strings.Contains(sub, "$(") {
		parts := kubeVarRef.Split(sub, -1)
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		return regexp.MustCompile("^" + strings.Join(parts, ".*") + "(/.*)?$").MatchString(tokenPath)
	}
	sub = path.Clean(sub)
	return sub == "." || sub == tokenPath || strings.HasPrefix(tokenPath, sub+"/")
}

// tokenFile is one file through which a container sees a rotated token.
type tokenFile struct {
	path string
	// name names the token in the first sentence of a message, briefly:
	// `projected token "token" in volume "vault-token"`; the message gives
	// the path after it.
	name string
}

// containerTokens are the token files and directories a container sees.
type containerTokens struct {
	files map[string]tokenFile // clean path -> token
	dirs  map[string]tokenFile // directory holding a token -> that token
}

func tokensOf(c podContainer, tokenPaths map[string][]string, automountOn bool) containerTokens {
	t := containerTokens{files: map[string]tokenFile{}, dirs: map[string]tokenFile{}}
	add := func(dir, rel, name string) {
		file := path.Join(dir, rel)
		tf := tokenFile{path: file, name: name}
		for _, variant := range runVariants(file) {
			t.files[variant] = tf
		}
		// Copying any directory on the way to the file copies the token.
		for d := path.Dir(file); d != "/" && d != "."; d = path.Dir(d) {
			for _, variant := range runVariants(d) {
				if _, seen := t.dirs[variant]; !seen {
					t.dirs[variant] = tf
				}
			}
			if d == path.Clean(dir) {
				break
			}
		}
	}
	ownDir := false
	for _, m := range c.VolumeMounts {
		mp := path.Clean(m.MountPath)
		for _, dir := range serviceAccountDirs {
			ownDir = ownDir || mp == dir
		}
		if m.SubPath != "" || m.SubPathExpr != "" {
			continue // reported as a subPath mount
		}
		for _, tp := range tokenPaths[m.Name] {
			add(mp, tp, fmt.Sprintf("projected token %q in volume %q", tp, m.Name))
		}
	}
	// The admission controller mounts the token directory unless the
	// container mounts something there itself.
	if automountOn && !ownDir {
		add(serviceAccountDirs[0], "token", "the automounted token")
	}
	return t
}

// runVariants returns a path under /var/run or /run in both spellings.
func runVariants(p string) []string {
	switch {
	case strings.HasPrefix(p, "/var/run/"):
		return []string{p, strings.TrimPrefix(p, "/var")}
	case strings.HasPrefix(p, "/run/"):
		return []string{p, "/var" + p}
	}
	return []string{p}
}

type scriptMode int

const (
	// scriptLongRunning is a container's command: every frozen read counts.
	scriptLongRunning scriptMode = iota
	// scriptInit is an init container's, or any container's (and hook's)
	// of a Job: it ends well within the token's lifetime, so only a copy
	// that other containers read counts.
	scriptInit
	// scriptHook is a postStart hook's: its variables die with it, a copy
	// stays.
	scriptHook
)

// scriptCheck checks the commands of one container.
type scriptCheck struct {
	p          *analyzer.Pass
	c          podContainer
	containers []podContainer
	tokens     containerTokens
	env        map[string]string
	mode       scriptMode
	// tokenVars are the shell variables of the script being checked that
	// hold a token's content.
	tokenVars map[string]tokenFile
}

// execWord is one word of an exec-form command, with its field path.
type execWord struct {
	text, path string
}

var shells = map[string]bool{"sh": true, "bash": true, "ash": true, "dash": true, "zsh": true, "ksh": true, "mksh": true}

// checkExec finds the shell scripts of an exec-form command and its args,
// and an exec-form copy (`["cp", token, dest]`).
func (sc *scriptCheck) checkExec(cmdPath string, command []string, argsPath string, args []string) {
	var words []execWord
	for i, w := range command {
		words = append(words, execWord{sc.expandKube(w), fmt.Sprintf("%s[%d]", cmdPath, i)})
	}
	for i, w := range args {
		words = append(words, execWord{sc.expandKube(w), fmt.Sprintf("%s[%d]", argsPath, i)})
	}
	if len(words) == 0 {
		return
	}
	// Without a command, args go to the image's entrypoint: only "-c"
	// says that it is a shell.
	if len(command) == 0 && len(words) > 1 && isShellCFlag(words[0].text) {
		sc.checkScript(words[1])
		return
	}
	shellAt := -1
	for i, w := range words {
		if shells[path.Base(w.text)] {
			shellAt = i
			break
		}
	}
	if shellAt < 0 {
		if len(command) > 0 {
			if name := path.Base(command[0]); name == "cp" || name == "install" {
				texts := make([]shWord, len(words))
				for i, w := range words {
					texts[i] = shWord{text: w.text}
				}
				if f, dest, ok := sc.cpCopies(name, texts, sc.env); ok {
					sc.reportCopy(words[0].path, -1, f, dest)
				}
			}
		}
		return
	}
	for i := shellAt + 1; i < len(words); i++ {
		switch t := words[i].text; {
		case t == "-o" || t == "+o":
			i++
		case isShellCFlag(t):
			if i+1 < len(words) {
				sc.checkScript(words[i+1])
			}
			return
		case strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+"):
		default:
			return // a script file, not an inline script
		}
	}
}

// isShellCFlag reports whether a shell option word includes -c ("-c", "-ec").
func isShellCFlag(w string) bool {
	return len(w) > 1 && w[0] == '-' && w[1] != '-' && strings.ContainsRune(w[1:], 'c')
}

var kubeVarRef = regexp.MustCompile(`\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)`)

// expandKube expands $(VAR) references to the container's environment, as
// the kubelet does in command and args before any shell sees them.
func (sc *scriptCheck) expandKube(s string) string {
	if !strings.Contains(s, "$(") {
		return s
	}
	return kubeVarRef.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return m
		}
		if v, ok := sc.env[m[2:len(m)-1]]; ok && !strings.Contains(v, "\n") {
			return v
		}
		return m
	})
}

// checkScript checks one shell script, command by command, following the
// variables it sets and the token through pipelines.
func (sc *scriptCheck) checkScript(w execWord) {
	vars := map[string]string{}
	for k, v := range sc.env {
		vars[k] = v
	}
	sc.tokenVars = map[string]tokenFile{}
	var carried *tokenFile // the token, when the previous command printed it into a pipe
	for _, cmd := range parseShell(w.text, 0) {
		var in *tokenFile
		if cmd.piped {
			in = carried
		}
		carried = sc.checkCommand(w, cmd, in, vars)
	}
}

// checkCommand checks one simple command, whose standard input is the token
// when in is not nil, and returns the token when it prints it to standard
// output.
func (sc *scriptCheck) checkCommand(w execWord, cmd shCmd, in *tokenFile, vars map[string]string) *tokenFile {
	lineOf := func(pos int) int { return strings.Count(w.text[:min(pos, len(w.text))], "\n") }
	// A loop runs its commands again, and a function may be called again:
	// what they read is read afresh.
	inLoop := cmd.loop > 0 || cmd.fn > 0
	words, assigns := cmd.words, []shWord(nil)
	for len(words) > 0 && isAssignment(words[0].text) {
		assigns, words = append(assigns, words[0]), words[1:]
	}
	for len(words) > 0 && (words[0].text == "exec" || words[0].text == "nohup" || words[0].text == "command") {
		words = words[1:]
	}
	name := ""
	if len(words) > 0 {
		name = path.Base(words[0].text)
		switch name {
		case "export", "local", "declare", "readonly", "typeset":
			for _, a := range words[1:] {
				if isAssignment(a.text) {
					assigns = append(assigns, a)
				}
			}
			words, name = nil, ""
		}
	}

	// What the command prints: a token it reads, or the one piped in
	// through a filter.
	if name == "tee" {
		// tee < token copies it like a pipe into tee.
		for _, r := range cmd.redirs {
			if r.op == "<" {
				if f, ok := sc.tokenFile(r.target.text, vars); ok {
					in = &f
				}
			}
		}
	}
	var out *tokenFile
	if f, ok := sc.emits(cmd, vars); ok {
		out = &f
	} else if in != nil && name != "" && (readers[name] || name == "tee") {
		out = in
	}
	file := ""
	for _, r := range cmd.redirs {
		if r.op == ">" || r.op == ">>" || r.op == ">|" {
			file = expandVars(r.target.text, vars)
		}
	}

	// A copy: cp or install of the token (or of a directory holding it),
	// the token printed into a file, or piped into tee.
	if f, dest, ok := sc.cpCopies(name, words, vars); ok {
		if !inLoop {
			sc.reportCopy(w.path, lineOf(cmd.pos), f, dest)
		}
		return nil
	}
	if name == "tee" && in != nil {
		if ops := operands(words[1:]); len(ops) > 0 && !isDevice(expandVars(ops[0].text, vars)) && !inLoop {
			sc.reportCopy(w.path, lineOf(cmd.pos), *in, expandVars(ops[0].text, vars))
		}
		if file != "" {
			return nil
		}
		return out
	}
	if out != nil && file != "" && !isDevice(file) {
		if !inLoop {
			sc.reportCopy(w.path, lineOf(cmd.pos), *out, file)
		}
		return nil
	}

	for _, a := range assigns {
		varName, value, _ := strings.Cut(a.text, "=")
		if f, ok := sc.wordReads(a, vars); ok {
			if !inLoop && sc.mode == scriptLongRunning {
				sc.reportVar(w.path, lineOf(a.pos), f, varName)
			}
			delete(vars, varName)
			sc.tokenVars[varName] = f
			continue
		}
		delete(sc.tokenVars, varName)
		if len(a.subs) == 0 && !strings.Contains(value, "`") {
			vars[varName] = expandVars(value, vars)
		} else {
			delete(vars, varName)
		}
	}
	if name == "read" {
		for _, r := range cmd.redirs {
			f, ok := sc.tokenFile(r.target.text, vars)
			if !ok || r.op != "<" {
				continue
			}
			ops := operands(words[1:])
			if len(ops) == 0 {
				continue
			}
			if !inLoop && sc.mode == scriptLongRunning {
				sc.reportVar(w.path, lineOf(cmd.pos), f, ops[len(ops)-1].text)
			}
			sc.tokenVars[ops[len(ops)-1].text] = f
		}
		return nil
	}
	if inLoop || sc.mode != scriptLongRunning || out != nil {
		return out
	}
	for _, arg := range words {
		if f, ok := sc.wordReads(arg, vars); ok {
			sc.reportArg(w.path, lineOf(arg.pos), f, words[0].text)
			break
		}
	}
	return out
}

// isDevice reports whether a redirection target is a device rather than a
// file: output sent there is not kept.
func isDevice(file string) bool {
	return strings.HasPrefix(file, "/dev/") || strings.HasPrefix(file, "&")
}

// readers are commands that print a file they are given.
var readers = map[string]bool{
	"cat": true, "head": true, "tail": true, "tac": true, "tr": true, "base64": true, "jq": true, "yq": true,
	"sed": true, "awk": true, "cut": true, "xxd": true, "od": true, "strings": true,
}

// cpCopies reports whether a cp or install command copies a token (or a
// directory holding one), and where to.
func (sc *scriptCheck) cpCopies(name string, words []shWord, vars map[string]string) (tokenFile, string, bool) {
	if name != "cp" && name != "install" {
		return tokenFile{}, "", false
	}
	srcs, dest := copyOperands(name, words[1:])
	if dest == "" {
		if len(srcs) < 2 {
			return tokenFile{}, "", false
		}
		srcs, dest = srcs[:len(srcs)-1], srcs[len(srcs)-1]
	}
	for _, src := range srcs {
		if f, ok := sc.tokenOrDir(src, vars); ok {
			return f, expandVars(dest, vars), true
		}
	}
	return tokenFile{}, "", false
}

// copyOptionArgs are the short options of cp and install that take an
// argument (GNU and BusyBox): -t names the target directory.
var copyOptionArgs = map[string]string{"cp": "St", "install": "gmoStZ"}

// copyOperands splits the arguments of cp or install into operands and the
// target directory of -t DIR, -tDIR, --target-directory[=]DIR, when given
// (then every operand is a source).
func copyOperands(name string, args []shWord) (ops []string, target string) {
	withArg := copyOptionArgs[name]
	for i := 0; i < len(args); i++ {
		t := args[i].text
		next := func() string {
			if i+1 < len(args) {
				i++
				return args[i].text
			}
			return ""
		}
		switch {
		case t == "--":
			for _, a := range args[i+1:] {
				ops = append(ops, a.text)
			}
			return ops, target
		case strings.HasPrefix(t, "--"):
			opt, val, hasVal := strings.Cut(t, "=")
			switch {
			case opt == "--target-directory" || (len(opt) > 4 && strings.HasPrefix("--target-directory", opt)):
				if !hasVal {
					val = next()
				}
				target = val
			case !hasVal && (opt == "--suffix" || opt == "--mode" || opt == "--owner" || opt == "--group"):
				next()
			}
		case strings.HasPrefix(t, "-") && t != "-":
			for k := 1; k < len(t); k++ {
				if !strings.ContainsRune(withArg, rune(t[k])) {
					continue
				}
				val := t[k+1:]
				if val == "" {
					val = next()
				}
				if t[k] == 't' {
					target = val
				}
				break
			}
		default:
			ops = append(ops, t)
		}
	}
	return ops, target
}

// emits reports whether a command prints a token: a reader given the token
// file, or echo or printf given its content ("echo "$(cat token)"", or a
// variable that holds it).
func (sc *scriptCheck) emits(cmd shCmd, vars map[string]string) (tokenFile, bool) {
	if f, ok := sc.readsDirectly(cmd, vars); ok {
		return f, true
	}
	words := cmd.words
	for len(words) > 0 && isAssignment(words[0].text) {
		words = words[1:]
	}
	if len(words) == 0 || (words[0].text != "echo" && words[0].text != "printf") {
		return tokenFile{}, false
	}
	for _, w := range words[1:] {
		if f, ok := sc.wordReads(w, vars); ok {
			return f, true
		}
		for _, ref := range shellVarRef.FindAllStringSubmatch(w.text, -1) {
			if f, ok := sc.tokenVars[ref[1]+ref[2]]; ok {
				return f, true
			}
		}
	}
	return tokenFile{}, false
}

// readsDirectly reports whether a command is a reader of a token file, given
// as an operand or as its standard input ("tr -d '\n' < token", "< token").
func (sc *scriptCheck) readsDirectly(cmd shCmd, vars map[string]string) (tokenFile, bool) {
	words := cmd.words
	for len(words) > 0 && isAssignment(words[0].text) {
		words = words[1:]
	}
	if len(words) > 0 && !readers[path.Base(words[0].text)] {
		return tokenFile{}, false
	}
	for _, r := range cmd.redirs {
		if r.op == "<" {
			if f, ok := sc.tokenFile(r.target.text, vars); ok {
				return f, true
			}
		}
	}
	if len(words) == 0 {
		return tokenFile{}, false
	}
	for _, op := range operands(words[1:]) {
		if f, ok := sc.tokenFile(op.text, vars); ok {
			return f, true
		}
	}
	return tokenFile{}, false
}

// wordReads reports whether a word holds a command substitution that reads
// a token: "$(cat token)", "$(< token)", "`cat token`", nested ones too.
func (sc *scriptCheck) wordReads(w shWord, vars map[string]string) (tokenFile, bool) {
	for _, sub := range w.subs {
		cmds := parseShell(sub.body, 0)
		if len(cmds) == 0 {
			continue
		}
		if f, ok := sc.emits(cmds[0], vars); ok {
			return f, true
		}
	}
	return tokenFile{}, false
}

// tokenFile reports whether a word names a token file.
func (sc *scriptCheck) tokenFile(word string, vars map[string]string) (tokenFile, bool) {
	p := expandVars(word, vars)
	if !strings.HasPrefix(p, "/") {
		return tokenFile{}, false
	}
	f, ok := sc.tokens.files[path.Clean(p)]
	return f, ok
}

// tokenOrDir reports whether a copy's source is a token file or a directory
// holding one ("dir", "dir/", "dir/.", "dir/*").
func (sc *scriptCheck) tokenOrDir(word string, vars map[string]string) (tokenFile, bool) {
	if f, ok := sc.tokenFile(word, vars); ok {
		return f, true
	}
	p := strings.TrimSuffix(expandVars(word, vars), "*")
	if !strings.HasPrefix(p, "/") {
		return tokenFile{}, false
	}
	f, ok := sc.tokens.dirs[path.Clean(p)]
	return f, ok
}

// where names the part of the container a script is in, for messages.
func where(fieldPath string) string {
	switch {
	case strings.Contains(fieldPath, ".lifecycle.postStart"):
		return "postStart hook"
	case strings.Contains(fieldPath, ".args["):
		return "args"
	}
	return "command"
}

func (sc *scriptCheck) report(fieldPath string, line int, format string, args ...any) {
	if line < 0 {
		sc.p.Report(fieldPath, format, args...)
		return
	}
	sc.p.ReportLine(fieldPath, line, format, args...)
}

func (sc *scriptCheck) reportCopy(fieldPath string, line int, f tokenFile, dest string) {
	if sc.mode == scriptInit {
		volume, readers := sc.sharedVolume(dest)
		if volume == "" {
			return // the copy ends with the init container
		}
		sc.report(fieldPath, line, "%s copies %s to volume %q, so other containers use it after it expires. "+
			"It copies %q to %q, and %s also mount%s the volume: %s, but the copy never changes",
			sc.c.describe(), f.name, volume, f.path, dest, joinAnd(readers),
			map[bool]string{true: "s", false: ""}[len(readers) == 1], rotationWhy)
		return
	}
	sc.report(fieldPath, line, "%s copies %s to %q, so whoever reads the copy uses it after it expires. "+
		"It copies %q in its %s: %s, but the copy never changes", sc.c.describe(), f.name, dest, f.path, where(fieldPath),
		rotationWhy)
}

func (sc *scriptCheck) reportVar(fieldPath string, line int, f tokenFile, name string) {
	sc.report(fieldPath, line, "%s reads %s once into variable %q, so the program uses it after it expires. "+
		"It reads %q in its %s: %s, but the variable keeps the first token", sc.c.describe(), f.name, name, f.path,
		where(fieldPath), rotationWhy)
}

func (sc *scriptCheck) reportArg(fieldPath string, line int, f tokenFile, command string) {
	sc.report(fieldPath, line, "%s passes the content of %s to %q, which uses it after it expires. "+
		"It passes the content of %q as an argument in its %s: %s, but the argument never changes", sc.c.describe(), f.name, command,
		f.path, where(fieldPath), rotationWhy)
}

// sharedVolume finds the volume of the checked container that holds dest,
// and the long-running containers that also mount it.
func (sc *scriptCheck) sharedVolume(dest string) (string, []string) {
	if !strings.HasPrefix(dest, "/") {
		return "", nil
	}
	dest = path.Clean(dest)
	volume, best := "", ""
	for _, m := range sc.c.VolumeMounts {
		mp := path.Clean(m.MountPath)
		if (dest == mp || strings.HasPrefix(dest, strings.TrimSuffix(mp, "/")+"/")) && len(mp) > len(best) {
			volume, best = m.Name, mp
		}
	}
	if volume == "" {
		return "", nil
	}
	var readers []string
	for _, other := range sc.containers {
		// Init containers that run to completion end within the
		// token's lifetime: only the long-running ones suffer.
		if other.Container == sc.c.Container || other.runsToCompletion {
			continue
		}
		for _, m := range other.VolumeMounts {
			if m.Name == volume {
				readers = append(readers, other.describe())
				break
			}
		}
	}
	if len(readers) == 0 {
		return "", nil
	}
	return volume, readers
}

var assignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

func isAssignment(w string) bool { return assignment.MatchString(w) }

// operands are the words of a command that are not options.
func operands(words []shWord) []shWord {
	var out []shWord
	for _, w := range words {
		if strings.HasPrefix(w.text, "-") && w.text != "-" {
			continue
		}
		out = append(out, w)
	}
	return out
}

var shellVarRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// expandVars expands $NAME and ${NAME} with the values known so far.
func expandVars(s string, vars map[string]string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	return shellVarRef.ReplaceAllStringFunc(s, func(m string) string {
		name := strings.Trim(m, "${}")
		if v, ok := vars[name]; ok {
			return v
		}
		return m
	})
}

// A small shell lexer: enough of the POSIX shell grammar to find commands,
// their words, redirections and command substitutions in the scripts of
// manifests. It does not evaluate anything.

// shWord is one word of a shell command.
type shWord struct {
	text string  // quotes removed; substitutions kept as written
	pos  int     // byte offset in the script
	subs []shSub // the word's command substitutions
}

// shSub is a command substitution: $(body) or `body`.
type shSub struct {
	body string
	pos  int
}

// shRedir is a redirection: op is "<", ">", ">>", ">|", "2>" (with its
// file descriptor unless it is the default one), "<<" ...
type shRedir struct {
	op     string
	target shWord
}

// shCmd is one simple command.
type shCmd struct {
	words  []shWord
	redirs []shRedir
	pos    int
	piped  bool // its standard input is the previous command's output
	// loop is how many loops hold it: a while or until loop's condition
	// counts as inside it, being run again on every turn, like its body.
	loop int
	// fn is how many function bodies hold it: a function may be called
	// any number of times, from a loop too.
	fn int
}

// shellReserved are words that open or close compound commands; they are
// dropped from the start of a command.
var shellReserved = map[string]bool{
	"then": true, "else": true, "elif": true, "if": true, "fi": true, "while": true, "until": true,
	"{": true, "}": true, "!": true, "esac": true,
}

// parseShell splits a script into simple commands; base is added to every
// position.
func parseShell(s string, base int) []shCmd {
	lx := &shLexer{s: s, base: base}
	lx.run()
	return lx.cmds
}

type shLexer struct {
	s, redir   string
	base, loop int
	// conds counts the while and until loops whose condition is being
	// read: their do does not add a level, the while or until did.
	conds int
	// braces holds one entry per open { group, and parens per open (
	// subshell, true for a function body; fn counts the true ones.
	braces, parens []bool
	fn             int
	// funcNext is set after "name()" or "function name": the { that
	// follows opens a function body.
	funcNext        bool
	cmds            []shCmd
	cur             shCmd
	word            strings.Builder
	inWord          bool
	wordPos         int
	subs            []shSub
	heredocs        []string
	heredocStripTab []bool
}

func (lx *shLexer) start(i int) {
	if !lx.inWord {
		lx.inWord, lx.wordPos = true, i
	}
}

func (lx *shLexer) flushWord() {
	if !lx.inWord {
		return
	}
	w := shWord{text: lx.word.String(), pos: lx.base + lx.wordPos, subs: lx.subs}
	lx.word.Reset()
	lx.inWord, lx.subs = false, nil
	switch lx.redir {
	case "":
		lx.cur.words = append(lx.cur.words, w)
	case "<<", "<<-":
		lx.heredocs = append(lx.heredocs, w.text)
		lx.heredocStripTab = append(lx.heredocStripTab, lx.redir == "<<-")
	default:
		lx.cur.redirs = append(lx.cur.redirs, shRedir{op: lx.redir, target: w})
	}
	lx.redir = ""
}

func (lx *shLexer) endCmd(pipedNext bool) {
	lx.flushWord()
	lx.redir = ""
	words := lx.cur.words
	for len(words) > 0 {
		switch t := words[0].text; {
		case t == "while" || t == "until":
			lx.loop++
			lx.conds++
		case t == "do":
			if lx.conds > 0 {
				lx.conds--
			} else {
				lx.loop++
			}
		case t == "done":
			lx.loop = max(0, lx.loop-1)
		case t == "function" && len(words) > 1:
			lx.funcNext = true
			words = words[1:] // the name
		case t == "{":
			lx.braces = append(lx.braces, lx.funcNext)
			if lx.funcNext {
				lx.fn++
			}
			lx.funcNext = false
		case t == "}":
			if n := len(lx.braces); n > 0 {
				if lx.braces[n-1] {
					lx.fn--
				}
				lx.braces = lx.braces[:n-1]
			}
		case shellReserved[t]:
		default:
			goto body
		}
		words = words[1:]
	}
body:
	if len(words) > 0 || len(lx.cur.redirs) > 0 {
		lx.funcNext = false // a function whose body is no { group
	}
	lx.cur.words, lx.cur.loop, lx.cur.fn = words, lx.loop, lx.fn
	switch {
	case len(words) > 0:
		lx.cur.pos = words[0].pos
		lx.cmds = append(lx.cmds, lx.cur)
	case len(lx.cur.redirs) > 0:
		lx.cur.pos = lx.cur.redirs[0].target.pos
		lx.cmds = append(lx.cmds, lx.cur)
	}
	lx.cur = shCmd{piped: pipedNext}
}

func (lx *shLexer) run() {
	s := lx.s
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 < len(s) && s[i+1] != '\n' {
				lx.start(i)
				lx.word.WriteByte(s[i+1])
			}
			i += 2
		case c == '\'':
			lx.start(i)
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				j = len(s) - i - 1
			}
			lx.word.WriteString(s[i+1 : i+1+j])
			i += j + 2
		case c == '"':
			lx.start(i)
			i = lx.doubleQuoted(i + 1)
		case c == '$' || c == '`':
			lx.start(i)
			i = lx.dollar(i)
		case c == '#' && !lx.inWord:
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == ' ' || c == '\t' || c == '\r':
			lx.flushWord()
			i++
		case c == '\n':
			lx.endCmd(false)
			i = lx.skipHeredocs(i + 1)
		case c == '(' && lx.funcDef(i):
			// "name()" or "function name()": the function's body follows.
			lx.cur.words = lx.cur.words[:0]
			lx.funcNext = true
			i = strings.IndexByte(s[i:], ')') + i + 1
		case c == '(' || c == ')':
			lx.endCmd(false)
			lx.paren(c == '(')
			i++
		case c == ';':
			lx.endCmd(false)
			i++
		case c == '&' && i+1 < len(s) && s[i+1] == '>':
			lx.flushWord()
			lx.redir = ">"
			i += 2
			if i < len(s) && s[i] == '>' {
				i++
			}
		case c == '&':
			lx.endCmd(false)
			i++
			if i < len(s) && s[i] == '&' {
				i++
			}
		case c == '|':
			if i+1 < len(s) && s[i+1] == '|' {
				lx.endCmd(false)
				i += 2
			} else {
				lx.endCmd(true)
				i++
			}
		case c == '<' || c == '>':
			fd := ""
			if lx.inWord && len(lx.subs) == 0 && isDigits(lx.word.String()) {
				fd = lx.word.String()
				lx.word.Reset()
				lx.inWord = false
			}
			lx.flushWord()
			op := string(c)
			for _, long := range []string{"<<<", "<<-", "<<", "<&", "<>", ">>", ">|", ">&"} {
				if strings.HasPrefix(s[i:], long) {
					op = long
					break
				}
			}
			i += len(op)
			if (c == '>' && fd != "" && fd != "1") || (c == '<' && fd != "" && fd != "0") {
				op = fd + op
			}
			lx.redir = op
		default:
			lx.start(i)
			lx.word.WriteByte(c)
			i++
		}
	}
	lx.endCmd(false)
}

// paren opens or closes a subshell, which may be a function's body.
func (lx *shLexer) paren(open bool) {
	if open {
		lx.parens = append(lx.parens, lx.funcNext)
		if lx.funcNext {
			lx.fn++
		}
		lx.funcNext = false
		return
	}
	if n := len(lx.parens); n > 0 {
		if lx.parens[n-1] {
			lx.fn--
		}
		lx.parens = lx.parens[:n-1]
	}
}

// funcDef reports whether the ( at i follows a function's name and is
// followed by its ): "name() {", "function name() {".
func (lx *shLexer) funcDef(i int) bool {
	lx.flushWord()
	words := lx.cur.words
	if len(words) > 0 && words[0].text == "function" {
		words = words[1:]
	}
	if len(words) != 1 || len(lx.cur.redirs) > 0 || len(words[0].subs) > 0 || strings.ContainsAny(words[0].text, "$=") {
		return false
	}
	return strings.HasPrefix(strings.TrimLeft(lx.s[i+1:], " \t"), ")")
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// doubleQuoted reads a "..." string from just after its opening quote and
// returns the index after its closing one.
func (lx *shLexer) doubleQuoted(i int) int {
	s := lx.s
	for i < len(s) {
		switch c := s[i]; c {
		case '"':
			return i + 1
		case '\\':
			if i+1 < len(s) {
				switch s[i+1] {
				case '$', '`', '"', '\\':
					lx.word.WriteByte(s[i+1])
				case '\n':
				default:
					lx.word.WriteByte('\\')
					lx.word.WriteByte(s[i+1])
				}
			}
			i += 2
		case '$', '`':
			i = lx.dollar(i)
		default:
			lx.word.WriteByte(c)
			i++
		}
	}
	return i
}

// dollar reads a $ expansion or a backquoted substitution at i, keeping it
// as written in the word, and returns the index after it.
func (lx *shLexer) dollar(i int) int {
	s := lx.s
	end := func(j int) int { // j is the closing character, or -1
		if j < 0 {
			return len(s)
		}
		return j + 1
	}
	switch {
	case s[i] == '`':
		j := i + 1
		for j < len(s) && s[j] != '`' {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		e := min(j, len(s))
		lx.subs = append(lx.subs, shSub{body: s[i+1 : e], pos: lx.base + i + 1})
		lx.word.WriteString(s[i:min(e+1, len(s))])
		return min(e+1, len(s))
	case strings.HasPrefix(s[i:], "$(("): // arithmetic
		e := end(matchParen(s, i+1))
		lx.word.WriteString(s[i:e])
		return e
	case strings.HasPrefix(s[i:], "$("):
		j := matchParen(s, i+1)
		e := end(j)
		body := s[i+2:]
		if j >= 0 {
			body = s[i+2 : j]
		}
		lx.subs = append(lx.subs, shSub{body: body, pos: lx.base + i + 2})
		lx.word.WriteString(s[i:e])
		return e
	case strings.HasPrefix(s[i:], "${"):
		j := strings.IndexByte(s[i:], '}')
		e := len(s)
		if j >= 0 {
			e = i + j + 1
		}
		lx.word.WriteString(s[i:e])
		return e
	}
	lx.word.WriteByte('$')
	return i + 1
}

// matchParen returns the index of the parenthesis closing the one at open,
// or -1.
func matchParen(s string, open int) int {
	depth := 0
	for k := open; k < len(s); k++ {
		switch s[k] {
		case '\\':
			k++
		case '\'':
			j := strings.IndexByte(s[k+1:], '\'')
			if j < 0 {
				return -1
			}
			k += j + 1
		case '"':
			for k++; k < len(s) && s[k] != '"'; k++ {
				if s[k] == '\\' {
					k++
				}
			}
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return -1
}

// skipHeredocs skips the bodies of the here-documents opened on the line
// that ended at i.
func (lx *shLexer) skipHeredocs(i int) int {
	for n, delim := range lx.heredocs {
		for i < len(lx.s) {
			nl := strings.IndexByte(lx.s[i:], '\n')
			line := lx.s[i:]
			if nl >= 0 {
				line, i = lx.s[i:i+nl], i+nl+1
			} else {
				i = len(lx.s)
			}
			if lx.heredocStripTab[n] {
				line = strings.TrimLeft(line, "\t")
			}
			if strings.TrimRight(line, "\r") == delim {
				break
			}
		}
	}
	lx.heredocs, lx.heredocStripTab = nil, nil
	return i
}
