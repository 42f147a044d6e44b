// Package policies turns Rego policies, built in and user supplied, into
// tokenlint rules. It is the only package that imports OPA.
//
// A policy is a Rego v1 package that starts with a `# METADATA` block
// (scope: package) and defines `deny`, a set of findings: strings, or objects
// {"msg": string, "path": "spec.template.spec.volumes[0]"}. The metadata
// becomes an analyzer.Rule (see metadata.go); the rule's Check evaluates the
// package's deny with the object as `input`, exactly as written, and the whole
// run as `data.inventory` (shaped like Gatekeeper's). Modules that define no
// deny and carry no metadata are libraries that policies may import; the
// built-in one is `data.lib.kubernetes`.
//
// Every module, built in and user supplied, is compiled once into one
// compiler with sandboxed capabilities (no network or environment built-ins);
// every policy's query is prepared once, at load, and evaluated only on the
// kinds its metadata declares, within Limits: a time limit per evaluation,
// and per run a number of time-outs and a budget of evaluation time, past
// which the policy is stopped for the rest of the run (see limits.go).
package policies

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/resolver"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/tokenlint/tokenlint/analyzer"
)

// builtin holds the built-in policies, their library and their tests.
//
//go:embed *.rego lib/*.rego
var builtin embed.FS

// Limits bound what a policy may cost a run, so that a hostile policy in a
// pull request cannot make the run's time grow with its objects.
type Limits struct {
	// Timeout bounds one evaluation of one policy on one object.
	Timeout time.Duration
	// Timeouts is how many evaluations of one policy may run out of time
	// in one run: at that many the policy is stopped for the rest of the
	// run, with one error.
	Timeouts int
	// Budget is the evaluation time one policy may spend in one run, over
	// all its objects (wall time, summed): when it is spent the policy is
	// stopped for the rest of the run, with one error. It bounds a policy
	// that takes just under Timeout on every object.
	Budget time.Duration
}

// DefaultLimits are the limits of a run without configuration. The
// built-in policies take 0.03 to 0.17 s each on the 10,000 objects of the
// benchmark corpus: the budget leaves them a factor of 300.
var DefaultLimits = Limits{Timeout: 2 * time.Second, Timeouts: 3, Budget: time.Minute}

// orDefault fills in the limits left zero.
func (l Limits) orDefault() Limits {
	l.Timeout = positiveOr(l.Timeout, DefaultLimits.Timeout)
	l.Timeouts = positiveOr(l.Timeouts, DefaultLimits.Timeouts)
	l.Budget = positiveOr(l.Budget, DefaultLimits.Budget)
	return l
}

// positiveOr is v, or def when v is zero or negative (a limit left unset).
func positiveOr[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// module is one parsed .rego file.
type module struct {
	file string
	src  []byte
	ast  *ast.Module
	// user is false for the embedded policies.
	user bool
	// named is set on an embedded module that a user path also holds, as a
	// copy: the repository's own policies/ given to `policy test`.
	named bool
}

// Builtin returns the rules of the built-in policies.
func Builtin() ([]*analyzer.Rule, error) { return Load(nil) }

// Load compiles the built-in policies with the user policies found at paths
// (.rego files, or directories searched recursively; *_test.rego files are
// tests and are left out) and returns their rules, built-in ones first,
// evaluated within DefaultLimits.
func Load(paths []string) ([]*analyzer.Rule, error) { return LoadWith(paths, DefaultLimits) }

// LoadWith is Load with the given limits; a limit left zero is the
// default.
func LoadWith(paths []string, limits Limits) ([]*analyzer.Rule, error) {
	mods, err := parseAll(paths, false)
	if err != nil {
		return nil, err
	}
	return compile(mods, limits.orDefault())
}

// parseAll parses the built-in modules and those at paths; tests are
// included when withTests is set.
func parseAll(paths []string, withTests bool) ([]*module, error) {
	var errs loadErrors
	var mods []*module
	err := fs.WalkDir(builtin, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isRego(name, withTests) {
			return err
		}
		src, err := builtin.ReadFile(name)
		if err != nil {
			return err
		}
		m, err := parse(filepath.ToSlash(filepath.Join("policies", name)), src)
		if err != nil {
			errs.add(err)
			return nil
		}
		mods = append(mods, &module{file: m.Package.Location.File, src: src, ast: m})
		return nil
	})
	if err != nil {
		return nil, err
	}
	builtinSrc := map[string]*module{}
	for _, m := range mods {
		builtinSrc[string(m.src)] = m
	}
	builtins := mods[:len(mods):len(mods)]
	files, err := regoFiles(paths, withTests)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		src, err := analyzer.ReadFile(f, 0) // regular files only, within the default size limit
		if err != nil {
			errs.add(err)
			continue
		}
		if b := builtinSrc[string(src)]; b != nil {
			b.named = true // a copy of a built-in file, such as this repository's policies/
			continue
		}
		m, err := parse(f, src)
		if err != nil {
			errs.add(err)
			continue
		}
		if err := checkReserved(m, builtins); err != "" {
			errs.addf(f, m.Package.Location.Row, "%s", err)
			continue
		}
		mods = append(mods, &module{file: f, ast: m, user: true})
	}
	return mods, errs.err()
}

// reserved are the data paths that belong to tokenlint: the built-in
// policies (data.tokenlint, which also holds the namespace the framework
// gives each evaluation), the run's objects (data.inventory) and the shared
// library (data.lib). A user module that defined rules there would change
// what the built-in policies read: `namespace := "nowhere"` in package
// tokenlint silently switches TL202 off. Reading them stays allowed.
var reserved = []ast.Ref{
	ast.MustParseRef("data.tokenlint"),
	ast.MustParseRef("data.inventory"),
	ast.MustParseRef("data.lib"),
}

// checkReserved says why a user module may not load because its package is
// at or under a reserved path, "" when it may. The package is the only way
// a module places rules in data: every rule of a module, ref heads such as
// `tokenlint.namespace := "x"` included, is defined under its package, an
// import only names what a module reads, a head starting with data is a
// compile error, and policies load no data documents (only .rego files).
// `package data.tokenlint` is data.data.tokenlint, not a reserved path.
func checkReserved(m *ast.Module, builtins []*module) string {
	path := m.Package.Path
	i := slices.IndexFunc(reserved, func(r ast.Ref) bool { return path.HasPrefix(r) })
	if i < 0 {
		return ""
	}
	var names []string
	for _, r := range reserved {
		names = append(names, r.String())
	}
	owner := ""
	for _, b := range builtins {
		if b.ast.Package.Path.Equal(path) {
			owner = fmt.Sprintf(" (it is the package of the built-in %s)", b.file)
			break
		}
	}
	return fmt.Sprintf("package %s is under %s, which is reserved%s: user policies may read %s but not define anything under them; give your policy a package of its own, such as acme.%s",
		strings.TrimPrefix(path.String(), "data."), reserved[i], owner, strings.Join(names, ", "), suggestName(path))
}

// suggestName is the last segment of a package path beneath a reserved
// one, for the suggestion of a package of one's own.
func suggestName(path ast.Ref) string {
	if s, ok := path[len(path)-1].Value.(ast.String); ok && len(path) > 2 && ast.IsVarCompatibleString(string(s)) {
		return string(s)
	}
	return "my_policy"
}

func isRego(name string, withTests bool) bool {
	return strings.HasSuffix(name, ".rego") && (withTests || !strings.HasSuffix(name, "_test.rego"))
}

// regoFiles expands paths into .rego files: a file is taken as given, a
// directory is searched recursively. A path that holds none is an error, so
// a mistyped --policy never passes silently.
func regoFiles(paths []string, withTests bool) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", p, errors.Unwrap(err))
		}
		if !info.IsDir() {
			if !strings.HasSuffix(p, ".rego") {
				return nil, fmt.Errorf("policy %s: not a .rego file", p)
			}
			out = append(out, p)
			continue
		}
		n := len(out)
		err = filepath.WalkDir(p, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && isRego(name, withTests) {
				out = append(out, name)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", p, err)
		}
		if len(out) == n {
			return nil, fmt.Errorf("policy %s: no .rego files in the directory", p)
		}
	}
	return dedupe(out), nil
}

// dedupe drops files named twice (a file and the directory holding it).
func dedupe(files []string) []string {
	seen := map[string]bool{}
	out := files[:0]
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			abs = filepath.Clean(f)
		}
		if !seen[abs] {
			seen[abs] = true
			out = append(out, f)
		}
	}
	return out
}

func parse(file string, src []byte) (*ast.Module, error) {
	m, err := ast.ParseModuleWithOpts(file, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, formatErrors(metadataYAMLErrors(src, err))
	}
	return m, nil
}

// compile compiles every module into one sandboxed compiler and builds a
// rule for each policy package.
func compile(mods []*module, limits Limits) ([]*analyzer.Rule, error) {
	var errs loadErrors
	type pkg struct {
		meta    *metadata
		mod     *module
		hasDeny bool
		// broken is set when the package's METADATA did not load.
		broken bool
	}
	pkgs := map[string]*pkg{}
	var order []string
	for _, m := range mods {
		path := m.ast.Package.Path.String()
		p := pkgs[path]
		if p == nil {
			p = &pkg{}
			pkgs[path] = p
			order = append(order, path)
		}
		for _, r := range m.ast.Rules {
			if r.Head.Name == "deny" || r.Head.Ref().String() == "deny" {
				p.hasDeny = true
			}
		}
		meta, err := parseMetadata(m.file, m.ast)
		if err != nil {
			errs.add(err)
			p.broken = true
			continue
		}
		if meta == nil {
			continue
		}
		if p.meta != nil {
			errs.addf(m.file, meta.line, "package %s already has its METADATA in %s:%d", path, p.mod.file, p.meta.line)
			continue
		}
		p.meta, p.mod = meta, m
	}
	for _, path := range order {
		p := pkgs[path]
		switch {
		case p.hasDeny && p.meta == nil && !p.broken:
			file, line := locate(mods, path)
			errs.addf(file, line, "package %s defines deny but has no METADATA block: a policy starts with `# METADATA` (scope: package) naming its id, slug, severity and kinds", strings.TrimPrefix(path, "data."))
		case !p.hasDeny && p.meta != nil:
			errs.addf(p.mod.file, p.meta.line, "package %s has METADATA but defines no deny rule", strings.TrimPrefix(path, "data."))
		}
	}
	if err := errs.err(); err != nil {
		return nil, err
	}

	compiler, err := newCompiler(mods)
	if err != nil {
		return nil, err
	}
	reads := inventoryReaders(compiler)
	var rules []*analyzer.Rule
	for _, path := range order {
		p := pkgs[path]
		if p.meta == nil {
			continue
		}
		q, err := rego.New(
			rego.Compiler(compiler),
			rego.Query(path+".deny"),
		).PrepareForEval(context.Background())
		if err != nil {
			return nil, formatErrors(err)
		}
		r := p.meta.rule
		if p.mod.user {
			r.Origin = p.mod.file
		} else {
			r.Origin = "rego"
		}
		kinds := p.meta.inventory
		if kinds == nil && reads(path) {
			// It reads the inventory and does not say what of it: all
			// of it, as before kinds could be declared.
			kinds = []string{"*"}
		}
		pol := &policy{rule: r, query: q, limits: limits, inventory: inventoryFor(kinds)}
		r.Check = pol.check
		r.Facts = pol.inventory.facts
		rules = append(rules, r)
	}
	return rules, nil
}

// newCompiler compiles the modules with the sandbox's capabilities.
func newCompiler(mods []*module) (*ast.Compiler, error) {
	set := make(map[string]*ast.Module, len(mods))
	for _, m := range mods {
		set[m.file] = m.ast
	}
	c := ast.NewCompiler().WithCapabilities(Capabilities()).WithEnablePrintStatements(false)
	if c.Compile(set); c.Failed() {
		return nil, formatErrors(c.Errors)
	}
	return c, nil
}

// Capabilities are OPA's built-ins minus those that reach the network or the
// environment: policies see the manifests and nothing else.
func Capabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	caps.Builtins = slices.DeleteFunc(slices.Clone(caps.Builtins), func(b *ast.Builtin) bool {
		return denied(b.Name)
	})
	caps.AllowNet = []string{}
	return caps
}

// denied reports whether a built-in is withheld from policies.
func denied(name string) bool {
	switch {
	case name == "http.send", name == "opa.runtime", strings.HasPrefix(name, "net."):
		return true
	}
	return false
}

func locate(mods []*module, path string) (string, int) {
	for _, m := range mods {
		if m.ast.Package.Path.String() == path {
			return m.file, m.ast.Package.Location.Row
		}
	}
	return "", 0
}

// policy is one compiled policy package.
type policy struct {
	rule      *analyzer.Rule
	query     rego.PreparedEvalQuery
	limits    Limits
	inventory *inventoryKinds
}

var (
	inventoryRef = ast.MustParseRef("data.inventory")
	namespaceRef = ast.MustParseRef("data.tokenlint.namespace")
)

// check evaluates the policy on one object and reports its deny set.
func (pol *policy) check(p *analyzer.Pass) {
	// The object is read through a lazy view too: policies read a few
	// fields of it, and converting all of it costs more than evaluating.
	input := ast.LazyObject(p.Object.Raw)
	// The time limit cancels the evaluation from a timer, which costs far
	// less than a context with a deadline: OPA watches a context's Done
	// channel from a goroutine of its own, one per evaluation.
	cancel := topdown.NewCancel()
	spent := pol.spending(p.Index)
	limit, stop := spent.begin(cancel)
	switch {
	case stop != nil:
		p.FailLate(stop)
		return
	case limit == 0:
		return // stopped: the one error of the stop counts this object
	}
	start := time.Now()
	timer := time.AfterFunc(limit, cancel.Cancel)
	rs, err := pol.query.Eval(context.Background(),
		rego.EvalParsedInput(input),
		rego.EvalResolver(inventoryRef, pol.inventory.of(p.Index).from(p.Object.File)),
		rego.EvalResolver(namespaceRef, constant{ast.String(p.Object.Namespace)}),
		rego.EvalExternalCancel(cancel),
	)
	timer.Stop()
	timedOut := err != nil && cancel.Cancelled()
	drop, stop := spent.end(cancel, time.Since(start), timedOut, limit)
	switch {
	case drop:
		return
	case stop != nil:
		p.FailLate(stop)
		return
	case timedOut:
		p.Fail("policy %s did not finish within %s (limits.policyTimeout)", pol.rule.Origin, duration(limit))
		return
	case err != nil:
		p.Fail("%v", formatErrors(err))
		return
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return
	}
	set, ok := rs[0].Expressions[0].Value.([]any)
	if !ok {
		p.Fail("deny is %T, want a set", rs[0].Expressions[0].Value)
		return
	}
	for _, d := range set {
		switch d := d.(type) {
		case string:
			p.Report("", "%s", d)
		case map[string]any:
			msg, okMsg := d["msg"].(string)
			path, okPath := d["path"].(string)
			if _, has := d["path"]; !has {
				okPath = true
			}
			if !okMsg || !okPath {
				p.Fail(`deny holds %s: want a string or {"msg": string, "path": string}`, asJSON(d))
				continue
			}
			p.Report(path, "%s", msg)
		default:
			p.Fail(`deny holds %s: want a string or {"msg": string, "path": string}`, asJSON(d))
		}
	}
}

type (
	resolverInput  = resolver.Input
	resolverResult = resolver.Result
)

func asJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// constant resolves a data reference to one value.
type constant struct{ v ast.Value }

func (c constant) Eval(context.Context, resolverInput) (resolverResult, error) {
	return resolverResult{Value: c.v}, nil
}

// inventoryKinds are the kinds of the inventory one or more policies read,
// and the facts the run keeps of them: the objects as written.
type inventoryKinds struct {
	key   string // the kinds, sorted and joined
	facts []analyzer.Facts
}

var (
	inventoryMu sync.Mutex
	// inventoryFacts is the fact of each kind policies read, shared by
	// every policy and catalog, so a run keeps each object once.
	inventoryFacts = map[string]*analyzer.Fact[any]{}
	// inventorySets are the inventoryKinds made, by key.
	inventorySets = map[string]*inventoryKinds{}
)

// inventoryFor are the inventory kinds of a policy that reads kinds ("*"
// for all): the kinds its METADATA declares, else all of them when it reads
// data.inventory, else none.
func inventoryFor(kinds []string) *inventoryKinds {
	kinds = slices.Sorted(slices.Values(kinds))
	kinds = slices.Compact(kinds)
	if slices.Contains(kinds, "*") {
		kinds = []string{"*"}
	}
	inventoryMu.Lock()
	defer inventoryMu.Unlock()
	key := strings.Join(kinds, ",")
	if set, ok := inventorySets[key]; ok {
		return set
	}
	set := &inventoryKinds{key: key}
	for _, k := range kinds {
		f := inventoryFacts[k]
		if f == nil {
			f = &analyzer.Fact[any]{Group: "*", Kind: k, Export: compact}
			inventoryFacts[k] = f
		}
		set.facts = append(set.facts, f)
	}
	inventorySets[key] = set
	return set
}

// compact is what the inventory keeps of an object: its JSON text, which
// takes a fraction of the memory of its values and which the policy's view
// of the inventory decodes only when a policy reads that object (OPA turns
// a value it has no case for into its JSON and back). An object JSON cannot
// write (a NaN) is kept as it is.
func compact(o *analyzer.Object) any {
	b, err := json.Marshal(o.Raw)
	if err != nil {
		return o.Raw
	}
	return rawObject(b)
}

// rawObject is an object of the inventory as JSON.
type rawObject []byte

// MarshalJSON is the object as JSON.
func (r rawObject) MarshalJSON() ([]byte, error) { return r, nil }

// of is the inventory of the kinds for one run, shared by the policies
// that read the same kinds and built on first use (runs that no
// inventory-reading policy touches never pay for it); it lives with the
// run's index, so a catalog used again keeps no run's objects alive.
func (k *inventoryKinds) of(ix *analyzer.Index) *inventory {
	return ix.Memo(k, func() any { return &inventory{ix: ix, kinds: k} }).(*inventory)
}

// inventory is data.inventory for one run, shaped like Gatekeeper's:
// namespace[ns][apiVersion][kind][name] and cluster[apiVersion][kind][name],
// holding the kinds its policies read, as Gatekeeper's holds the kinds its
// sync configuration names. The tree is built once, as plain maps over
// the objects as written; each evaluation sees it through its own lazy
// view, which converts to Rego values only what the policy reads. A policy
// that looks up one Secret by name converts that Secret, not the run.
//
// When the run holds several objects of one kind, namespace and name
// (environment overlays side by side), each name means the one nearest to
// the object the policy checks, as in Go rules (analyzer.Fact.Nearest):
// an object's view is the tree with those names resolved for its file,
// made once per file that needs one.
type inventory struct {
	ix    *analyzer.Index
	kinds *inventoryKinds
	once  sync.Once
	tree  map[string]any
	dups  []duplicate

	mu     sync.Mutex
	byFile map[string]map[string]any
}

// duplicate is a name several objects of the inventory share.
type duplicate struct {
	ref   analyzer.Ref
	facts []analyzer.FactOf[any]
}

// from is the inventory as the policies checking an object of the file see it.
func (inv *inventory) from(file string) inventoryView { return inventoryView{inv, file} }

// inventoryView resolves data.inventory for one object's evaluation.
type inventoryView struct {
	inv  *inventory
	file string
}

func (v inventoryView) Eval(context.Context, resolverInput) (resolverResult, error) {
	return resolverResult{Value: ast.LazyObject(v.inv.treeFor(v.file))}, nil
}

// treeFor is the tree with every shared name resolved to the object
// nearest to file: the run's tree itself when the first of each is.
func (inv *inventory) treeFor(file string) map[string]any {
	inv.once.Do(func() {
		inv.tree = buildInventory(inv.ix, inv.kinds.facts)
		for _, f := range inv.kinds.facts {
			for ref, facts := range f.(*analyzer.Fact[any]).Duplicated(inv.ix) {
				inv.dups = append(inv.dups, duplicate{ref, facts})
			}
		}
	})
	if len(inv.dups) == 0 {
		return inv.tree
	}
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if t, ok := inv.byFile[file]; ok {
		return t
	}
	tree := inv.tree
	copied := map[string]map[string]any{} // the maps this view copied, by path
	for _, d := range inv.dups {
		best := d.facts[0]
		for _, f := range d.facts[1:] {
			if analyzer.Nearer(f.File, best.File, file) {
				best = f
			}
		}
		if best.File == d.facts[0].File {
			continue // the run's tree has it
		}
		path := []string{"cluster", d.ref.APIVersion, d.ref.Kind}
		if d.ref.Namespace != "" {
			path = []string{"namespace", d.ref.Namespace, d.ref.APIVersion, d.ref.Kind}
		}
		if _, ok := copied[""]; !ok {
			tree = maps.Clone(tree)
			copied[""] = tree
		}
		m, key := tree, ""
		for _, seg := range path {
			key += "/" + seg
			next, ok := copied[key]
			if !ok {
				orig, _ := m[seg].(map[string]any)
				next = maps.Clone(orig)
				m[seg] = next
				copied[key] = next
			}
			m = next
		}
		m[d.ref.Name] = best.Value
	}
	if inv.byFile == nil {
		inv.byFile = map[string]map[string]any{}
	}
	inv.byFile[file] = tree
	return tree
}

func buildInventory(ix *analyzer.Index, facts []analyzer.Facts) map[string]any {
	namespaced := map[string]any{}
	cluster := map[string]any{}
	for _, f := range facts {
		for ref, raw := range f.(*analyzer.Fact[any]).All(ix) {
			root := cluster
			if ref.Namespace != "" {
				root = child(namespaced, ref.Namespace)
			}
			// The first of duplicates is the run's, as in the analyzer's
			// Index (Fact.Get); views resolve them by nearness.
			if byName := child(child(root, ref.APIVersion), ref.Kind); byName[ref.Name] == nil {
				byName[ref.Name] = raw
			}
		}
	}
	return map[string]any{"namespace": namespaced, "cluster": cluster}
}

func child(m map[string]any, key string) map[string]any {
	c, _ := m[key].(map[string]any)
	if c == nil {
		c = map[string]any{}
		m[key] = c
	}
	return c
}

// loadErrors collects load errors, each with file and line.
type loadErrors []string

func (e *loadErrors) add(err error) { *e = append(*e, err.Error()) }

func (e *loadErrors) addf(file string, line int, format string, args ...any) {
	*e = append(*e, fmt.Sprintf("%s:%d: %s", file, line, fmt.Sprintf(format, args...)))
}

func (e loadErrors) err() error {
	if len(e) == 0 {
		return nil
	}
	sort.Strings(e)
	return errors.New(strings.Join(e, "\n"))
}

// formatErrors writes OPA's errors as "file:line:col: message", one a line.
func formatErrors(err error) error {
	var astErrs ast.Errors
	if errors.As(err, &astErrs) {
		lines := make([]string, 0, len(astErrs))
		for _, e := range astErrs {
			lines = append(lines, formatError(e.Location, e.Message))
		}
		return errors.New(strings.Join(lines, "\n"))
	}
	var astErr *ast.Error
	if errors.As(err, &astErr) {
		return errors.New(formatError(astErr.Location, astErr.Message))
	}
	return err
}

func formatError(loc *ast.Location, msg string) string {
	// One error, one line: OPA's messages may hold several.
	msg = strings.Join(strings.Fields(strings.ReplaceAll(msg, "\n", " ; ")), " ")
	msg = strings.ReplaceAll(msg, ": ;", ":")
	if loc == nil {
		return msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", loc.File, loc.Row, loc.Col, msg)
}

// inventoryReaders tells the policy packages whose rules may read
// data.inventory: directly, through a rule of another package (a helper of
// data.lib.kubernetes such as secret), or through a reference it cannot
// resolve statically (data[x]). It errs on the side of reading: a policy
// it says reads the inventory without declaring which kinds gets all of
// them, as before policies could declare them.
func inventoryReaders(c *ast.Compiler) func(pkg string) bool {
	type rule struct {
		path string // data.pkg.name
		deps []ast.Ref
		// reads is set when it reads the inventory.
		reads bool
	}
	var rules []*rule
	inventory := inventoryRef.String()
	for _, m := range c.Modules {
		for _, r := range m.Rules {
			ru := &rule{path: r.Ref().String()}
			if p := m.Package.Path.String(); !strings.HasPrefix(ru.path, p+".") {
				ru.path = p + "." + ru.path
			}
			ast.WalkRefs(r, func(ref ast.Ref) bool {
				if !ref.HasPrefix(ast.DefaultRootRef) {
					return false
				}
				prefix := ref.ConstantPrefix().String()
				if strings.HasPrefix(prefix, inventory) || strings.HasPrefix(inventory, prefix) {
					ru.reads = true
				}
				ru.deps = append(ru.deps, ref.ConstantPrefix())
				return false
			})
			rules = append(rules, ru)
		}
	}
	// A rule reads the inventory when a rule it refers to does, until
	// nothing changes.
	for changed := true; changed; {
		changed = false
		for _, r := range rules {
			if r.reads {
				continue
			}
			for _, dep := range r.deps {
				d := dep.String()
				for _, o := range rules {
					if o.reads && (strings.HasPrefix(o.path, d) || strings.HasPrefix(d, o.path)) {
						r.reads, changed = true, true
						break
					}
				}
				if r.reads {
					break
				}
			}
		}
	}
	return func(pkg string) bool {
		for _, r := range rules {
			if r.reads && strings.HasPrefix(r.path, pkg+".") {
				return true
			}
		}
		return false
	}
}
