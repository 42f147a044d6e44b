package rules

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"mvdan.cc/sh/v3/syntax"

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
		"`$(< …/token)`, backticks, `read TOKEN < …/token`), passes its content as an argument, gives it once to " +
		"a program's standard input (`cat …/token | cli --token-stdin`, `cli < …/token`, a here-string or " +
		"here-document holding it), or copies it (`cp` and `install`, `-t DIR` included, `cat … > file`, " +
		"`… | tee file`, `tee file < …`, a here-document that writes it into a file);\n" +
		"- a `postStart` hook that copies it: the copy never changes;\n" +
		"- an init container, or a container of a Job's or CronJob's pod, that copies it into a volume (such as an " +
		"`emptyDir`) that other containers mount.\n\n" +
		"Token files are the automounted `/var/run/secrets/kubernetes.io/serviceaccount/token` (or `/run/...`) when " +
		"the pod's effective automount is on and the container mounts nothing else there, and the files of projected " +
		"`serviceAccountToken` sources where the container mounts their volume. Shell variables and environment " +
		"variables set to a token path are followed.\n\n" +
		"Not reported: passing the token's path to a program (`--token-file=/var/run/...`), which then reads it " +
		"itself; reading other files of the directory (`ca.crt`, `namespace`); reads inside a loop (its `do … done` " +
		"body, or the condition of a `while` or `until` loop), which run again; exec probes and `preStop` hooks, which read a " +
		"fresh token each time they run; and reads into a variable or an argument in an init container or a " +
		"`postStart` hook, which end well within the token's lifetime. The containers of a Job's or a CronJob's pod, " +
		"and their hooks, run to completion too, and count as init containers (there only a copy into a volume that " +
		"another container mounts, and a subPath mount, are reported) unless something suggests that the container " +
		"outlives its token: an `activeDeadlineSeconds` longer than the token's lifetime (its `expirationSeconds`, " +
		"3600 by default; 3607 seconds for the automounted token), or a script that loops with `sleep` or `wait`, " +
		"loops with `while true`, sleeps longer than the lifetime, or starts a program that runs until it is stopped " +
		"(`tail -f`, `kubectl proxy`, `kubectl get -w`). The message says why a Job's pod was or was not excused.\n\n" +
		"Scripts are recognised when run by a shell (`sh -c`, `bash -c`, ...), as `args` of an image entrypoint " +
		"that is given `-c`, or as a here-document given to a shell (`sh <<'EOF'`), and parsed as bash (which " +
		"reads POSIX scripts too). A shell function reads where it is called: once when called once at top level, " +
		"afresh when called from a loop, not at all when never called. A script missing a closing token (a " +
		"parenthesis, a quote) is read as if it were there; one the parser rejects is not checked. A finding in a " +
		"literal block scalar (`|`) points at the script's line.",
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
	lifetimes := map[string]int64{}     // volume name "/" token path -> its expirationSeconds
	for _, v := range ps.Spec.Volumes {
		if v.Projected == nil {
			continue
		}
		for _, src := range v.Projected.Sources {
			if t := src.ServiceAccountToken; t != nil {
				tokenPaths[v.Name] = append(tokenPaths[v.Name], path.Clean(t.Path))
				lifetimes[v.Name+"/"+path.Clean(t.Path)] = projectedTokenLifetime
				if t.ExpirationSeconds != nil {
					lifetimes[v.Name+"/"+path.Clean(t.Path)] = *t.ExpirationSeconds
				}
			}
		}
	}
	// A Job's pods run to completion, like init containers: what their
	// containers read into variables dies with them, unless something
	// suggests that they outlive the token.
	job := p.Object.Kind == "Job" || p.Object.Kind == "CronJob"
	deadline := jobDeadline(p, ps.Spec.ActiveDeadlineSeconds)
	containers := podContainers(ps)
	for _, c := range containers {
		checkSubPaths(p, c, tokenPaths)
		tokens := tokensOf(c, tokenPaths, lifetimes, automountOn)
		if len(tokens.files) == 0 {
			continue
		}
		env := literalEnv(c.Container)
		sc := scriptCheck{p: p, c: c, containers: containers, tokens: tokens, env: env, mode: scriptLongRunning}
		oneShot := job
		if job {
			why := sc.outlives(deadline)
			oneShot = why == ""
			if oneShot {
				sc.jobNote = fmt.Sprintf("; the %s's pod counts as one-shot, as nothing in it suggests that it outlives the token", p.Object.Kind)
			} else {
				sc.jobNote = fmt.Sprintf("; the %s's pod is not excused as one-shot, as %s", p.Object.Kind, why)
			}
		}
		if c.runsToCompletion || oneShot {
			sc.mode = scriptInit
		}
		sc.checkExec(c.path+".command", c.Command, c.path+".args", c.Args)
		if c.Lifecycle != nil && c.Lifecycle.PostStart != nil && c.Lifecycle.PostStart.Exec != nil {
			sc.mode = scriptHook
			if oneShot {
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
	// lifetime is how long the kubelet tells the pod the token lasts, in
	// seconds.
	lifetime int64
}

// The lifetimes of tokens: a projected token's default expirationSeconds,
// and the one the API server tells the pod for the automounted token.
const (
	projectedTokenLifetime   = 3600
	automountedTokenLifetime = 3607
)

// containerTokens are the token files and directories a container sees.
type containerTokens struct {
	files map[string]tokenFile // clean path -> token
	dirs  map[string]tokenFile // directory holding a token -> that token
}

func tokensOf(c podContainer, tokenPaths map[string][]string, lifetimes map[string]int64, automountOn bool) containerTokens {
	t := containerTokens{files: map[string]tokenFile{}, dirs: map[string]tokenFile{}}
	add := func(dir, rel, name string, lifetime int64) {
		file := path.Join(dir, rel)
		tf := tokenFile{path: file, name: name, lifetime: lifetime}
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
			add(mp, tp, fmt.Sprintf("projected token %q in volume %q", tp, m.Name), lifetimes[m.Name+"/"+tp])
		}
	}
	// The admission controller mounts the token directory unless the
	// container mounts something there itself.
	if automountOn && !ownDir {
		add(serviceAccountDirs[0], "token", "the automounted token", automountedTokenLifetime)
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
	// jobNote says, in the messages of a Job's pod, why it was or was not
	// excused as one-shot.
	jobNote string
	// reported holds the findings made, as a function called twice
	// reads twice on the same line.
	reported map[string]bool
}

// execWord is one word of an exec-form command, with its field path.
type execWord struct {
	text, path string
}

var shells = map[string]bool{"sh": true, "bash": true, "ash": true, "dash": true, "zsh": true, "ksh": true, "mksh": true}

// checkExec checks the shell script of an exec-form command and its args,
// and an exec-form copy (`["cp", token, dest]`).
func (sc *scriptCheck) checkExec(cmdPath string, command []string, argsPath string, args []string) {
	words := sc.execWords(cmdPath, command, argsPath, args)
	if script, ok := inlineScript(words, len(command) > 0); ok {
		sc.checkScript(script)
		return
	}
	if len(command) == 0 || shellAt(words) >= 0 {
		return
	}
	if name := path.Base(command[0]); name == "cp" || name == "install" {
		texts := make([]string, len(words))
		for i, w := range words {
			texts[i] = w.text
		}
		if f, dest, ok := sc.cpCopies(name, texts); ok {
			sc.reportCopy(words[0].path, -1, f, dest)
		}
	}
}

// execWords are the words of an exec-form command and its args, with the
// kubelet's $(VAR) expansion done.
func (sc *scriptCheck) execWords(cmdPath string, command []string, argsPath string, args []string) []execWord {
	var words []execWord
	for i, w := range command {
		words = append(words, execWord{sc.expandKube(w), fmt.Sprintf("%s[%d]", cmdPath, i)})
	}
	for i, w := range args {
		words = append(words, execWord{sc.expandKube(w), fmt.Sprintf("%s[%d]", argsPath, i)})
	}
	return words
}

// inlineScript finds the script a shell is given with -c. Without a
// command, args go to the image's entrypoint: only "-c" says that it is a
// shell.
func inlineScript(words []execWord, hasCommand bool) (execWord, bool) {
	if !hasCommand && len(words) > 1 && isShellCFlag(words[0].text) {
		return words[1], true
	}
	at := shellAt(words)
	if at < 0 {
		return execWord{}, false
	}
	for i := at + 1; i < len(words); i++ {
		switch t := words[i].text; {
		case t == "-o" || t == "+o":
			i++
		case isShellCFlag(t):
			if i+1 < len(words) {
				return words[i+1], true
			}
			return execWord{}, false
		case strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+"):
		default:
			return execWord{}, false // a script file, not an inline script
		}
	}
	return execWord{}, false
}

// shellAt is the index of the first word that runs a shell, or -1.
func shellAt(words []execWord) int {
	for i, w := range words {
		if shells[path.Base(w.text)] {
			return i
		}
	}
	return -1
}

// jobDeadline is the shortest activeDeadlineSeconds that bounds a Job's
// pod (the Job's, or the pod's), or 0.
func jobDeadline(p *analyzer.Pass, pod *int64) int64 {
	var deadline int64
	if pod != nil && *pod > 0 {
		deadline = *pod
	}
	for _, at := range []string{"spec.activeDeadlineSeconds", "spec.jobTemplate.spec.activeDeadlineSeconds"} {
		v, _ := p.Object.Lookup(at)
		var n int64
		switch v := v.(type) {
		case int:
			n = int64(v)
		case int64:
			n = v
		case uint64:
			n = int64(v)
		case float64:
			n = int64(v)
		}
		if n > 0 && (deadline == 0 || n < deadline) {
			deadline = n
		}
	}
	return deadline
}

// outlives says why a container of a Job's pod may outlive its tokens, or
// "" when nothing suggests that it does.
func (sc *scriptCheck) outlives(deadline int64) string {
	var lifetime int64
	for _, f := range sc.tokens.files {
		if lifetime == 0 || f.lifetime < lifetime {
			lifetime = f.lifetime
		}
	}
	if deadline > lifetime {
		return fmt.Sprintf("its activeDeadlineSeconds (%d) is longer than the token's lifetime (%d seconds)", deadline, lifetime)
	}
	c := sc.c
	words := sc.execWords(c.path+".command", c.Command, c.path+".args", c.Args)
	if script, ok := inlineScript(words, len(c.Command) > 0); ok {
		if why := runsLong(script.text, lifetime); why != "" {
			return "its script " + why
		}
	}
	return ""
}

// runsLong says what in a script suggests that it runs longer than a
// token's lifetime: a loop that sleeps or waits, an endless loop, a sleep
// longer than the lifetime, a program that runs until it is stopped.
func runsLong(script string, lifetime int64) string {
	f, ok := parseScript(script)
	if !ok {
		return ""
	}
	why := ""
	syntax.Walk(f, func(n syntax.Node) bool {
		if why != "" {
			return false
		}
		switch n := n.(type) {
		case *syntax.WhileClause:
			if len(n.Cond) == 1 {
				if c, ok := n.Cond[0].Cmd.(*syntax.CallExpr); ok && len(c.Args) == 1 {
					if w := c.Args[0].Lit(); (!n.Until && (w == "true" || w == ":")) || (n.Until && w == "false") {
						why = fmt.Sprintf("loops with %q", map[bool]string{false: "while ", true: "until "}[n.Until]+w)
						return false
					}
				}
			}
			if c := waitIn(append(append([]*syntax.Stmt{}, n.Cond...), n.Do...)); c != "" {
				why = fmt.Sprintf("loops with %q", c)
			}
		case *syntax.ForClause:
			if c := waitIn(n.Do); c != "" {
				why = fmt.Sprintf("loops with %q", c)
			}
		case *syntax.CallExpr:
			if len(n.Args) == 0 {
				break
			}
			var args []string // its literal words, for the message
			for _, a := range n.Args {
				if lit := a.Lit(); lit != "" {
					args = append(args, lit)
				}
			}
			if len(args) == 0 {
				break
			}
			switch name := path.Base(args[0]); {
			case name == "sleep" && len(args) == 2 && (args[1] == "infinity" || seconds(args[1]) >= lifetime):
				why = fmt.Sprintf("runs %q, longer than the token's lifetime (%d seconds)", strings.Join(args, " "), lifetime)
			case name == "tail" && (slices.Contains(args, "-f") || slices.Contains(args, "-F")),
				name == "kubectl" && (slices.Contains(args, "proxy") || slices.Contains(args, "port-forward") ||
					slices.Contains(args, "-w") || slices.Contains(args, "--watch") || slices.Contains(args, "-f") && slices.Contains(args, "logs")):
				why = fmt.Sprintf("starts %q, which runs until it is stopped", strings.Join(args, " "))
			}
		}
		return why == ""
	})
	return why
}

// waitIn finds a sleep or a wait among statements, and returns it as
// written.
func waitIn(stmts []*syntax.Stmt) string {
	found := ""
	for _, s := range stmts {
		syntax.Walk(s, func(n syntax.Node) bool {
			if c, ok := n.(*syntax.CallExpr); ok && found == "" && len(c.Args) > 0 {
				if name := path.Base(c.Args[0].Lit()); name == "sleep" || name == "wait" {
					var b strings.Builder
					syntax.NewPrinter().Print(&b, c)
					found = b.String()
				}
			}
			return found == ""
		})
	}
	return found
}

// seconds parses the duration of sleep: 600, 10m, 1.5h, 1d; -1 when it is
// not one.
func seconds(s string) int64 {
	unit := int64(1)
	switch {
	case strings.HasSuffix(s, "s"):
		s = strings.TrimSuffix(s, "s")
	case strings.HasSuffix(s, "m"):
		s, unit = strings.TrimSuffix(s, "m"), 60
	case strings.HasSuffix(s, "h"):
		s, unit = strings.TrimSuffix(s, "h"), 3600
	case strings.HasSuffix(s, "d"):
		s, unit = strings.TrimSuffix(s, "d"), 86400
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return -1
	}
	return int64(f * float64(unit))
}

// isShellCFlag reports whether a shell option word includes -c ("-c", "-ec").
func isShellCFlag(w string) bool {
	return len(w) > 1 && w[0] == '-' && w[1] != '-' && strings.ContainsRune(w[1:], 'c')
}

var kubeVarRef = regexp.MustCompile(`\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)`)

// expandKube expands $(VAR) references to the container's environment, as
// the kubelet does in command and args before any shell sees them.
func (sc *scriptCheck) expandKube(s string) string { return expandKubeVars(s, sc.env) }

// literalEnv is a container's environment as far as the manifest says:
// the variables with a literal value (not from a Secret, a ConfigMap or a
// field), for the kubelet's $(VAR) expansion.
func literalEnv(c *corev1.Container) map[string]string {
	env := map[string]string{}
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			env[e.Name] = e.Value
		}
	}
	return env
}

// expandKubeVars expands $(VAR) references to the environment env (a
// container's literal values), as the kubelet does in command and args; a
// reference to anything else is kept as written.
func expandKubeVars(s string, env map[string]string) string {
	if !strings.Contains(s, "$(") {
		return s
	}
	return kubeVarRef.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return m
		}
		if v, ok := env[m[2:len(m)-1]]; ok && !strings.Contains(v, "\n") {
			return v
		}
		return m
	})
}

// checkScript checks one shell script.
func (sc *scriptCheck) checkScript(w execWord) {
	vars := map[string]string{}
	for k, v := range sc.env {
		vars[k] = v
	}
	sh := &shellRun{sc: sc, field: w.path, src: w.text, vars: vars,
		tokenVars: map[string]tokenFile{}, funcs: map[string]*syntax.Stmt{}, calling: map[string]bool{}}
	sh.script(w.text, 0)
}

// cpCopies reports whether a cp or install command copies a token (or a
// directory holding one), and where to.
func (sc *scriptCheck) cpCopies(name string, words []string) (tokenFile, string, bool) {
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
		if f, ok := sc.tokenOrDir(src); ok {
			return f, dest, true
		}
	}
	return tokenFile{}, "", false
}

// tokenOrDir reports whether a copy's source is a token file or a directory
// holding one ("dir", "dir/", "dir/.", "dir/*").
func (sc *scriptCheck) tokenOrDir(p string) (tokenFile, bool) {
	p = strings.TrimSuffix(p, "*")
	if !strings.HasPrefix(p, "/") {
		return tokenFile{}, false
	}
	if f, ok := sc.tokens.files[path.Clean(p)]; ok {
		return f, true
	}
	f, ok := sc.tokens.dirs[path.Clean(p)]
	return f, ok
}

// copyOptionArgs are the short options of cp and install that take an
// argument (GNU and BusyBox): -t names the target directory.
var copyOptionArgs = map[string]string{"cp": "St", "install": "gmoStZ"}

// copyOperands splits the arguments of cp or install into operands and the
// target directory of -t DIR, -tDIR, --target-directory[=]DIR, when given
// (then every operand is a source).
func copyOperands(name string, args []string) (ops []string, target string) {
	withArg := copyOptionArgs[name]
	for i := 0; i < len(args); i++ {
		t := args[i]
		next := func() string {
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch {
		case t == "--":
			for _, a := range args[i+1:] {
				ops = append(ops, a)
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
	msg := fmt.Sprintf(format, args...) + sc.jobNote
	key := fmt.Sprintf("%s:%d:%s", fieldPath, line, msg)
	if sc.reported[key] {
		return
	}
	if sc.reported == nil {
		sc.reported = map[string]bool{}
	}
	sc.reported[key] = true
	if line < 0 {
		sc.p.Report(fieldPath, "%s", msg)
		return
	}
	sc.p.ReportLine(fieldPath, line, "%s", msg)
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

func (sc *scriptCheck) reportStdin(fieldPath string, line int, f tokenFile, command string) {
	sc.report(fieldPath, line, "%s pipes %s once into the standard input of %q, which uses it after it expires. "+
		"It gives %q to the program's standard input in its %s: %s, but the program has read it once", sc.c.describe(), f.name,
		command, f.path, where(fieldPath), rotationWhy)
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
