package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"
	yaml "go.yaml.in/yaml/v3"

	"github.com/tokenlint/tokenlint/analyzer"
)

// Config is one configuration file, as written, with the position of every
// value. A key that is absent is empty (nil); Marshal omits it.
type Config struct {
	// File is the path Load was given; positions name it.
	File string
	// Dir is the absolute directory holding the file: relative paths in
	// the file are relative to it.
	Dir string

	Disable  []Scalar
	Enable   []Scalar
	Severity []SeverityOverride
	Settings Settings
	Exclude  []Glob
	Policies []Path
	FailOn   *SeverityValue
	// Namespace is the namespace of objects that set none.
	Namespace *Scalar
	Context   []Path
	Helm      Helm
	Limits    Limits
}

// Limits bound what a run may cost: what input may take to read and render,
// and what a policy may take to evaluate.
type Limits struct {
	MaxFileSize       *Size
	HelmRenderTimeout *Duration
	HelmRenderSize    *Size
	PolicyTimeout     *Duration
	PolicyTimeouts    *Count
	PolicyBudget      *Duration
}

// Count is a whole number of at least 1 at its position.
type Count struct {
	Value int
	Pos   analyzer.Position
}

// Size is a number of bytes and the text it was written as.
type Size struct {
	Bytes int64
	Text  string
	Pos   analyzer.Position
	tag   string
}

// Settings are the values rules read.
type Settings struct {
	MaxTokenExpiration *Duration
	AllowedAudiences   []Scalar
}

// Helm is how charts are rendered.
type Helm struct {
	Values      []Path
	Set         []KeyValue
	SetString   []KeyValue
	SetFile     []FileValue
	SetJSON     []KeyValue
	APIVersions []Scalar
	ReleaseName *Scalar
	KubeVersion *Scalar
}

// Scalar is a string value as written, at its position.
type Scalar struct {
	Value string
	Pos   analyzer.Position
}

// Path is a path as written and resolved against the configuration file's
// directory.
type Path struct {
	Value string // as written
	Abs   string // absolute
	Pos   analyzer.Position
}

// Glob is an exclude pattern as written.
type Glob struct {
	Pattern string
	Pos     analyzer.Position
	// abs is the pattern anchored at the configuration's directory, with
	// slashes, the directory's own glob characters escaped.
	abs string
}

// SeverityValue is a severity at its position.
type SeverityValue struct {
	Value analyzer.Severity
	Pos   analyzer.Position
}

// SeverityOverride sets the severity of one rule.
type SeverityOverride struct {
	Rule     Scalar // as written: an ID or a slug, in any case
	Severity SeverityValue
}

// Duration is a number of seconds and the text it was written as.
type Duration struct {
	Seconds int64
	Text    string
	Pos     analyzer.Position
	tag     string
}

// KeyValue is one helm.set or helm.setString entry; Value is the scalar's
// text as written (2, true and "1.2" give "2", "true" and "1.2").
type KeyValue struct {
	Key   string
	Value string
	Pos   analyzer.Position // of the key
	tag   string
}

// String is the entry as Helm's --set takes it, key=value.
func (kv KeyValue) String() string { return kv.Key + "=" + kv.Value }

// FileValue is one helm.setFile entry: a key and the file whose text is its
// value.
type FileValue struct {
	Key  string
	Path Path
}

// String is the entry as Helm's --set-file takes it, key=path.
func (fv FileValue) String() string { return fv.Key + "=" + fv.Path.Abs }

// Options are the Helm options the file gives: absolute values files and
// key=value settings; a release name or Kubernetes version left out is "".
func (h *Helm) Options() analyzer.HelmOptions {
	var o analyzer.HelmOptions
	for _, v := range h.Values {
		o.ValueFiles = append(o.ValueFiles, v.Abs)
	}
	for _, kv := range h.Set {
		o.Set = append(o.Set, kv.String())
	}
	for _, kv := range h.SetString {
		o.SetString = append(o.SetString, kv.String())
	}
	for _, fv := range h.SetFile {
		o.SetFile = append(o.SetFile, fv.String())
	}
	for _, kv := range h.SetJSON {
		o.SetJSON = append(o.SetJSON, kv.String())
	}
	for _, a := range h.APIVersions {
		o.APIVersions = append(o.APIVersions, a.Value)
	}
	if h.ReleaseName != nil {
		o.ReleaseName = h.ReleaseName.Value
	}
	if h.KubeVersion != nil {
		o.KubeVersion = h.KubeVersion.Value
	}
	return o
}

// Load reads and parses a configuration file. A file that is empty or holds
// only comments is an empty configuration. Every problem is reported, each
// at its position, as Errors; a file that cannot be read (or is not a
// regular file, or is larger than the default file size limit: the
// configuration sets the limit for the files read after it) is a plain
// error.
func Load(path string) (*Config, error) {
	data, err := analyzer.ReadFile(path, analyzer.DefaultLimits.MaxFileBytes)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse is Load for data already read; path names the file in positions and
// its directory anchors relative paths.
func Parse(path string, data []byte) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	c := &Config{File: path, Dir: filepath.Dir(abs)}
	d := &decoder{file: path, dir: c.Dir}
	root, ok := d.document(data)
	if ok && root != nil {
		d.object(root, keys, "", c)
	}
	if err := d.errs.err(); err != nil {
		return nil, err
	}
	return c, nil
}

var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// document parses the single YAML document of a file; nil when the file is
// empty, holds only comments or is null.
func (d *decoder) document(data []byte) (*yaml.Node, bool) {
	if !utf8.Valid(data) {
		d.errs = append(d.errs, Error{Pos: d.at(1, 1), Msg: "the file is not UTF-8 text"})
		return nil, false
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, true
		}
		d.yamlError(err)
		return nil, false
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.errs = append(d.errs, Error{Pos: d.at(extra.Line, extra.Column), Msg: "the file holds more than one YAML document; keep one"})
		return nil, false
	} else if !errors.Is(err, io.EOF) {
		d.yamlError(err)
		return nil, false
	}
	root := deref(&doc)
	if root == nil || isNull(root) {
		return nil, true
	}
	return root, true
}

func (d *decoder) yamlError(err error) {
	msg, line := err.Error(), 1
	if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	d.errs = append(d.errs, Error{Pos: d.at(line, 1), Msg: "invalid YAML: " + msg})
}

// decoder checks a document against the key table, collecting errors.
type decoder struct {
	file string
	dir  string
	errs Errors
}

func (d *decoder) at(line, col int) analyzer.Position {
	return analyzer.Position{File: d.file, Line: line, Column: col}
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.errs = append(d.errs, Error{Pos: d.pos(n), Msg: fmt.Sprintf(format, args...)})
}

// pos is a node's position; a scalar on one line spans its text.
func (d *decoder) pos(n *yaml.Node) analyzer.Position {
	p := d.at(n.Line, n.Column)
	p.EndLine, p.EndColumn = n.Line, n.Column+1
	if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		v := n.Value
		if i := strings.IndexByte(v, '\n'); i >= 0 {
			v = v[:i]
		}
		w := utf8.RuneCountInString(v)
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			w += 2
		}
		p.EndColumn = n.Column + max(w, 1)
	}
	return p
}

// describe names what a node is, for "got ..." in messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!null":
		return "no value"
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	case "!!str":
		return "a string"
	}
	return "a " + strings.TrimPrefix(n.ShortTag(), "!!")
}

// deref follows aliases and unwraps a document.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && i < 64; i++ {
		switch {
		case n.Kind == yaml.AliasNode:
			n = n.Alias
		case n.Kind == yaml.DocumentNode && len(n.Content) == 1:
			n = n.Content[0]
		case n.Kind == yaml.DocumentNode:
			return nil
		default:
			return n
		}
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

type pair struct{ k, v *yaml.Node }

// entries are the entries of a mapping node, merge keys (<<) expanded:
// keys written in the mapping win over merged ones, and of several merged
// mappings the earlier wins, as YAML 1.1 says. A duplicate key, or one that
// is not a string, is an error. Nil when n is not a mapping.
func (d *decoder) entries(n *yaml.Node, where string) []pair {
	var own, merged []pair
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merged = append(merged, d.mergeSources(deref(v), where, 0)...)
			continue
		}
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
			d.errorf(k, "%s key must be a string, got %s", where, describe(deref(k)))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.errorf(k, "duplicate key %q (first at line %d)", k.Value, first.Line)
			continue
		}
		seen[k.Value] = k
		own = append(own, pair{k, v})
	}
	for _, p := range merged {
		if _, ok := seen[p.k.Value]; !ok {
			seen[p.k.Value] = p.k
			own = append(own, p)
		}
	}
	return own
}

func (d *decoder) mergeSources(v *yaml.Node, where string, depth int) []pair {
	if v == nil || depth > 16 {
		return nil
	}
	switch v.Kind {
	case yaml.MappingNode:
		return d.entries(v, where)
	case yaml.SequenceNode:
		var out []pair
		for _, s := range v.Content {
			out = append(out, d.mergeSources(deref(s), where, depth+1)...)
		}
		return out
	}
	d.errorf(v, "a merge (<<) must name a mapping, got %s", describe(v))
	return nil
}

// object decodes a mapping of known keys into c.
func (d *decoder) object(n *yaml.Node, ks []key, prefix string, c *Config) {
	if n.Kind != yaml.MappingNode {
		if prefix == "" {
			d.errorf(n, "the configuration must be a mapping of keys (disable, severity, ...), got %s", describe(n))
		} else {
			d.errorf(n, "%s must be a mapping, got %s", prefix, describe(n))
		}
		return
	}
	for _, p := range d.entries(n, keyName(prefix, "a")) {
		k := lookup(ks, p.k.Value)
		if k == nil {
			d.unknownKey(p.k, ks, prefix)
			continue
		}
		d.value(k, keyName(prefix, k.name), p.k, p.v, c)
	}
}

func keyName(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func (d *decoder) unknownKey(k *yaml.Node, ks []key, prefix string) {
	where := ""
	if prefix != "" {
		where = " in " + prefix
	}
	hint := didYouMean(k.Value, names(ks))
	if hint == "" {
		// A key written at the wrong level: say where it belongs.
		if at := findKey(keys, k.Value, ""); at != "" && at != keyName(prefix, k.Value) {
			hint = fmt.Sprintf("; it belongs in %s", at[:strings.LastIndexByte(at, '.')])
		}
	}
	d.errorf(k, "unknown key %q%s%s", k.Value, where, hint)
}

// findKey is the full name of a key anywhere in the table, "" if none.
func findKey(ks []key, name, prefix string) string {
	for _, k := range ks {
		full := keyName(prefix, k.name)
		if k.name == name && prefix != "" {
			return full
		}
		if found := findKey(k.children, name, full); found != "" {
			return found
		}
	}
	return ""
}

// value decodes the value of one known key.
func (d *decoder) value(k *key, name string, kn, v *yaml.Node, c *Config) {
	if r := deref(v); r != nil {
		v = r
	}
	if isNull(v) {
		d.errorf(kn, "%s has no value: give it %s or remove the key", name, k.kind.noun())
		return
	}
	switch name {
	case "disable":
		c.Disable = d.strings(v, name, k.kind)
	case "enable":
		c.Enable = d.strings(v, name, k.kind)
	case "severity":
		c.Severity = d.severities(v, name)
	case "settings":
		d.object(v, k.children, name, c)
	case "settings.maxTokenExpiration":
		c.Settings.MaxTokenExpiration = d.duration(v, name)
	case "settings.allowedAudiences":
		c.Settings.AllowedAudiences = d.strings(v, name, k.kind)
	case "exclude":
		c.Exclude = d.globs(v, name)
	case "policies":
		c.Policies = d.paths(v, name)
	case "failOn":
		if s, ok := d.severity(v, name, true); ok {
			c.FailOn = &s
		}
	case "namespace":
		c.Namespace = d.string(v, name)
	case "context":
		c.Context = d.paths(v, name)
	case "helm":
		d.object(v, k.children, name, c)
	case "helm.values":
		c.Helm.Values = d.paths(v, name)
	case "helm.set":
		c.Helm.Set = d.keyValues(v, name)
	case "helm.setString":
		c.Helm.SetString = d.keyValues(v, name)
	case "helm.setFile":
		for _, kv := range d.keyValues(v, name) {
			if kv.Value == "" {
				d.errs = append(d.errs, Error{Pos: kv.Pos, Msg: fmt.Sprintf("%s.%s is an empty path", name, kv.Key)})
				continue
			}
			abs := filepath.FromSlash(kv.Value)
			if !filepath.IsAbs(abs) {
				abs = filepath.Join(d.dir, abs)
			}
			c.Helm.SetFile = append(c.Helm.SetFile, FileValue{Key: kv.Key, Path: Path{Value: kv.Value, Abs: filepath.Clean(abs), Pos: kv.Pos}})
		}
	case "helm.setJSON":
		for _, kv := range d.keyValues(v, name) {
			if !json.Valid([]byte(kv.Value)) {
				d.errs = append(d.errs, Error{Pos: kv.Pos, Msg: fmt.Sprintf("%s.%s is not JSON text: %q (quote a JSON string twice: '\"text\"')", name, kv.Key, kv.Value)})
				continue
			}
			c.Helm.SetJSON = append(c.Helm.SetJSON, kv)
		}
	case "helm.apiVersions":
		c.Helm.APIVersions = d.strings(v, name, k.kind)
	case "helm.releaseName":
		c.Helm.ReleaseName = d.string(v, name)
	case "helm.kubeVersion":
		c.Helm.KubeVersion = d.string(v, name)
	case "limits":
		d.object(v, k.children, name, c)
	case "limits.policyTimeout":
		c.Limits.PolicyTimeout = d.duration(v, name)
	case "limits.policyTimeouts":
		c.Limits.PolicyTimeouts = d.count(v, name)
	case "limits.policyBudget":
		c.Limits.PolicyBudget = d.duration(v, name)
	case "limits.maxFileSize":
		c.Limits.MaxFileSize = d.size(v, name)
	case "limits.helmRenderTimeout":
		c.Limits.HelmRenderTimeout = d.duration(v, name)
	case "limits.helmRenderSize":
		c.Limits.HelmRenderSize = d.size(v, name)
	default:
		panic("config: key " + name + " is in the table but not decoded")
	}
}

// scalar is a string scalar; anything else is an error naming what was
// wanted. A number or boolean where a string is wanted is an error too, so
// that 1.30 does not silently become "1.3".
func (d *decoder) scalar(v *yaml.Node, name, want string) (Scalar, bool) {
	v = deref(v)
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
		hint := ""
		if v.Kind == yaml.ScalarNode && !isNull(v) {
			hint = fmt.Sprintf("; quote it if it is meant as text: %q", v.Value)
		}
		d.errorf(v, "%s must be %s, got %s%s", name, want, describe(v), hint)
		return Scalar{}, false
	}
	return Scalar{Value: v.Value, Pos: d.pos(v)}, true
}

func (d *decoder) string(v *yaml.Node, name string) *Scalar {
	if s, ok := d.scalar(v, name, "a string"); ok {
		return &s
	}
	return nil
}

func (d *decoder) list(v *yaml.Node, name string, k kind) []*yaml.Node {
	if v.Kind != yaml.SequenceNode {
		hint := ""
		if v.Kind == yaml.ScalarNode {
			hint = fmt.Sprintf("; write [%s]", v.Value)
		}
		d.errorf(v, "%s must be %s, got %s%s", name, k.noun(), describe(v), hint)
		return nil
	}
	return v.Content
}

func (d *decoder) strings(v *yaml.Node, name string, k kind) []Scalar {
	var out []Scalar
	for _, item := range d.list(v, name, k) {
		if s, ok := d.scalar(item, name+" item", "a string"); ok {
			out = append(out, s)
		}
	}
	return out
}

func (d *decoder) paths(v *yaml.Node, name string) []Path {
	var out []Path
	for _, s := range d.strings(v, name, kindPathList) {
		if s.Value == "" {
			d.errs = append(d.errs, Error{Pos: s.Pos, Msg: name + " item is an empty path"})
			continue
		}
		abs := filepath.FromSlash(s.Value)
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(d.dir, abs)
		}
		out = append(out, Path{Value: s.Value, Abs: filepath.Clean(abs), Pos: s.Pos})
	}
	return out
}

func (d *decoder) globs(v *yaml.Node, name string) []Glob {
	var out []Glob
	for _, s := range d.strings(v, name, kindGlobList) {
		if !doublestar.ValidatePattern(s.Value) || s.Value == "" {
			d.errs = append(d.errs, Error{Pos: s.Pos, Msg: fmt.Sprintf("invalid glob %q: see https://github.com/bmatcuk/doublestar#patterns", s.Value)})
			continue
		}
		out = append(out, Glob{Pattern: s.Value, Pos: s.Pos, abs: anchor(d.dir, s.Value)})
	}
	return out
}

var severityNames = []string{"error", "warning", "note"}

// severity parses a severity; only the canonical names are accepted, so
// that the file and its schema agree.
func (d *decoder) severity(v *yaml.Node, name string, allowNever bool) (SeverityValue, bool) {
	want := "error, warning or note"
	candidates := severityNames
	if allowNever {
		want, candidates = "error, warning, note or never", append(candidates[:3:3], "never")
	}
	s, ok := d.scalar(v, name, want)
	if !ok {
		return SeverityValue{}, false
	}
	sev, err := analyzer.ParseSeverity(s.Value, allowNever)
	if err != nil || sev.String() != s.Value {
		hint := didYouMean(s.Value, candidates)
		if err == nil {
			hint = fmt.Sprintf("; write %q", sev.String())
		}
		d.errs = append(d.errs, Error{Pos: s.Pos, Msg: fmt.Sprintf("%s: unknown severity %q (want %s)%s", name, s.Value, want, hint)})
		return SeverityValue{}, false
	}
	return SeverityValue{Value: sev, Pos: s.Pos}, true
}

func (d *decoder) severities(v *yaml.Node, name string) []SeverityOverride {
	if v.Kind != yaml.MappingNode {
		d.errorf(v, "%s must be %s, got %s", name, kindSeverityMap.noun(), describe(v))
		return nil
	}
	var out []SeverityOverride
	for _, p := range d.entries(v, name) {
		sev, ok := d.severity(p.v, name+"."+p.k.Value, false)
		if ok {
			out = append(out, SeverityOverride{Rule: Scalar{Value: p.k.Value, Pos: d.pos(p.k)}, Severity: sev})
		}
	}
	return out
}

func (d *decoder) duration(v *yaml.Node, name string) *Duration {
	if v.Kind != yaml.ScalarNode || (v.ShortTag() != "!!str" && v.ShortTag() != "!!int" && v.ShortTag() != "!!float") {
		d.errorf(v, "%s must be %s, got %s", name, kindDuration.noun(), describe(v))
		return nil
	}
	n, err := ParseSeconds(v.Value)
	if err != nil {
		d.errorf(v, "%s: %v", name, err)
		return nil
	}
	return &Duration{Seconds: n, Text: v.Value, Pos: d.pos(v), tag: v.ShortTag()}
}

// count is a whole number of at least 1, written as YAML writes integers.
func (d *decoder) count(v *yaml.Node, name string) *Count {
	isNumber := v.Kind == yaml.ScalarNode && (v.ShortTag() == "!!int" || v.ShortTag() == "!!float")
	if !isNumber {
		d.errorf(v, "%s must be %s, got %s", name, kindCount.noun(), describe(v))
		return nil
	}
	var n int
	if v.ShortTag() != "!!int" || v.Decode(&n) != nil || n < 1 {
		d.errorf(v, "%s must be %s, got %s", name, kindCount.noun(), v.Value)
		return nil
	}
	return &Count{Value: n, Pos: d.pos(v)}
}

// size is a number of bytes, written plain or as a Kubernetes quantity.
func (d *decoder) size(v *yaml.Node, name string) *Size {
	if v.Kind != yaml.ScalarNode || (v.ShortTag() != "!!str" && v.ShortTag() != "!!int") {
		d.errorf(v, "%s must be %s, got %s", name, kindSize.noun(), describe(v))
		return nil
	}
	n, err := ParseSize(v.Value)
	if err != nil {
		d.errorf(v, "%s: %v", name, err)
		return nil
	}
	return &Size{Bytes: n, Text: v.Value, Pos: d.pos(v), tag: v.ShortTag()}
}

func (d *decoder) keyValues(v *yaml.Node, name string) []KeyValue {
	if v.Kind != yaml.MappingNode {
		d.errorf(v, "%s must be %s, got %s", name, kindScalarMap.noun(), describe(v))
		return nil
	}
	var out []KeyValue
	for _, p := range d.entries(v, name) {
		val := deref(p.v)
		switch {
		case isNull(val):
			d.errorf(p.k, "%s.%s has no value: give it a string, number or boolean", name, p.k.Value)
		case val.Kind != yaml.ScalarNode:
			hint := ""
			if val.Kind == yaml.MappingNode {
				hint = fmt.Sprintf("; write nested keys with dots, as in %s.key", p.k.Value)
			}
			d.errorf(val, "%s.%s must be a string, number or boolean, got %s%s", name, p.k.Value, describe(val), hint)
		case p.k.Value == "":
			d.errorf(p.k, "%s has an empty key", name)
		default:
			out = append(out, KeyValue{Key: p.k.Value, Value: val.Value, Pos: d.pos(p.k), tag: val.ShortTag()})
		}
	}
	return out
}

// Apply sets what the file's settings give on a run's settings, leaving the
// rest as it is.
func (s Settings) Apply(to *analyzer.Settings) {
	if s.MaxTokenExpiration != nil {
		to.MaxTokenExpiration = s.MaxTokenExpiration.Seconds
	}
	if len(s.AllowedAudiences) > 0 {
		to.AllowedAudiences = nil
		for _, a := range s.AllowedAudiences {
			to.AllowedAudiences = append(to.AllowedAudiences, a.Value)
		}
	}
}

// Apply sets the limits the file gives on a loader's limits, leaving the
// rest as they are.
func (l Limits) Apply(to *analyzer.Limits) {
	if l.MaxFileSize != nil {
		to.MaxFileBytes = l.MaxFileSize.Bytes
	}
	if l.HelmRenderTimeout != nil {
		to.RenderTimeout = time.Duration(l.HelmRenderTimeout.Seconds) * time.Second
	}
	if l.HelmRenderSize != nil {
		to.MaxRenderBytes = l.HelmRenderSize.Bytes
	}
}
