package analyzer

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// Limits bound what one document may cost, so that a hostile file gets an
// error instead of exhausting memory.
type Limits struct {
	// MaxDocumentBytes is the largest document accepted.
	MaxDocumentBytes int
	// MaxNodes bounds the values a document expands to, counting every
	// expansion of an alias: it is what defeats "billion laughs".
	MaxNodes int
	// MaxDepth bounds nesting.
	MaxDepth int

	// MaxFileBytes is the largest file read: a manifest, standard input,
	// a Helm values file or a packaged chart (see ReadFile).
	MaxFileBytes int64
	// RenderTimeout bounds the time a Helm chart may take to render.
	RenderTimeout time.Duration
	// MaxRenderBytes is the largest manifest stream a chart may render to;
	// it also sets the memory the renderer may use (see renderMemory).
	MaxRenderBytes int64
}

// DefaultLimits are generous for real manifests (a large CRD is well under a
// megabyte and a few tens of thousands of values). Files and rendered
// charts may hold many documents: the largest real ones (the CRDs of a
// whole operator bundle, a rendered kube-prometheus-stack) are a few
// megabytes, so 64 MiB leaves room and still bounds memory. A chart that
// renders for 30 seconds is looping: real ones take well under one.
var DefaultLimits = Limits{
	MaxDocumentBytes: 8 << 20, MaxNodes: 1_000_000, MaxDepth: 256,
	MaxFileBytes: 64 << 20, RenderTimeout: 30 * time.Second, MaxRenderBytes: 64 << 20,
}

// positiveOr is v, or def when v is zero or negative (a limit left unset).
func positiveOr[T int | int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// nodeError is an error at a node of the document being converted.
type nodeError struct {
	line, column int
	msg          string
}

func (e *nodeError) Error() string { return e.msg }

// converter turns a yaml.Node tree into the JSON-shaped value Kubernetes sees
// (map[string]any, []any, string, int64, float64, bool, nil), the way
// sigs.k8s.io/yaml reads YAML: merge keys applied, aliases expanded, YAML 1.1
// booleans (yes/no/on/off) recognised, keys made strings, and duplicate keys
// rejected. Quoted scalars stay strings.
type converter struct {
	budget int
	limits Limits
	// lineOffset turns the document's lines into the file's, for the
	// lines that messages name.
	lineOffset int
}

func newConverter(l Limits) *converter { return &converter{budget: l.MaxNodes, limits: l} }

func (c *converter) fail(n *yaml.Node, format string, args ...any) error {
	return &nodeError{line: n.Line, column: n.Column, msg: fmt.Sprintf(format, args...)}
}

func (c *converter) value(n *yaml.Node, depth int) (any, error) {
	c.budget--
	if c.budget < 0 {
		return nil, c.fail(n, "document expands to more than %d values (alias expansion is bounded)", c.limits.MaxNodes)
	}
	if depth > c.limits.MaxDepth {
		return nil, c.fail(n, "document nests deeper than %d levels", c.limits.MaxDepth)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.value(n.Content[0], depth)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, c.fail(n, "unknown anchor %q", n.Value)
		}
		return c.value(n.Alias, depth+1)
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, item := range n.Content {
			v, err := c.value(item, depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		if err := c.mapping(n, out, depth); err != nil {
			return nil, err
		}
		return out, nil
	case yaml.ScalarNode:
		return scalar(n)
	}
	return nil, c.fail(n, "unsupported YAML node")
}

// mapping fills out with the pairs of n, in order, the way sigs.k8s.io/yaml
// (and so kubectl) applies merge keys: a "<<" sets the keys it merges over
// those set before it, and keys after it win over merged ones; in a list of
// merged mappings the earlier ones win. (The YAML merge key spec lets keys
// of the mapping win wherever "<<" stands; what matters here is the object
// kubectl sends.) out must be empty on entry; a key set twice by n itself is
// a duplicate, found without a map of its own.
func (c *converter) mapping(n *yaml.Node, out map[string]any, depth int) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		if isMergeKey(kn) {
			if err := c.merge(n, vn, out, depth); err != nil {
				return err
			}
			continue
		}
		key, err := c.key(kn)
		if err != nil {
			return err
		}
		if _, set := out[key]; set {
			if line := c.explicitKeyLine(n, i, key); line > 0 {
				return c.fail(kn, "mapping key %q already defined at line %d", key, line+c.lineOffset)
			}
		}
		v, err := c.value(vn, depth+1)
		if err != nil {
			return err
		}
		out[key] = v
	}
	return nil
}

// merge applies the value of a "<<" key of n to out.
func (c *converter) merge(n, value *yaml.Node, out map[string]any, depth int) error {
	m := deref(value)
	var sources []*yaml.Node
	switch {
	case m != nil && m.Kind == yaml.MappingNode:
		sources = []*yaml.Node{m}
	case m != nil && m.Kind == yaml.SequenceNode:
		// Earlier mappings take precedence: apply them last.
		for i := len(m.Content) - 1; i >= 0; i-- {
			sources = append(sources, deref(m.Content[i]))
		}
	}
	if len(sources) == 0 {
		return c.fail(n, "merge key \"<<\" must name a mapping or a list of mappings")
	}
	for _, s := range sources {
		if s == nil || s.Kind != yaml.MappingNode {
			return c.fail(n, "merge key \"<<\" must name a mapping or a list of mappings")
		}
		// A merge costs a value even when it adds none: merging empty
		// mappings must not escape the budget.
		c.budget--
		if c.budget < 0 {
			return c.fail(s, "document expands to more than %d values (alias expansion is bounded)", c.limits.MaxNodes)
		}
		if depth > c.limits.MaxDepth {
			return c.fail(s, "document nests deeper than %d levels", c.limits.MaxDepth)
		}
		merged := make(map[string]any, len(s.Content)/2)
		if err := c.mapping(s, merged, depth+1); err != nil {
			return err
		}
		for k, v := range merged {
			out[k] = v
		}
	}
	return nil
}

// explicitKeyLine is the line of a key named key that n itself sets before
// its i-th entry, or 0 when only a merge set it.
func (c *converter) explicitKeyLine(n *yaml.Node, i int, key string) int {
	for j := 0; j < i; j += 2 {
		if k, err := c.key(n.Content[j]); err == nil && k == key && !isMergeKey(n.Content[j]) {
			return n.Content[j].Line
		}
	}
	return 0
}

// key renders a mapping key as a string, as the JSON conversion of
// sigs.k8s.io/yaml does.
func (c *converter) key(n *yaml.Node) (string, error) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", c.fail(n, "mapping key must be a scalar")
	}
	return keyString(n), nil
}

// keyString is the JSON key kubectl makes of a scalar key: its text, except
// that a plain boolean (true, yes, on, y, ...) becomes "true" or "false", as
// YAML 1.1 reads it. `on:` is the key "true".
func keyString(n *yaml.Node) string {
	if n.Style == 0 && len(n.Value) <= 5 && len(n.Value) > 0 && strings.IndexByte("yYnNoOtTfF", n.Value[0]) >= 0 {
		if b, ok := yaml11Bools[n.Value]; ok {
			return strconv.FormatBool(b)
		}
		switch n.Value {
		case "true", "True", "TRUE":
			return "true"
		case "false", "False", "FALSE":
			return "false"
		}
	}
	return n.Value
}

// yaml11Bools are the plain scalars YAML 1.1 (and so kubectl, through
// sigs.k8s.io/yaml) reads as booleans while YAML 1.2 reads them as strings.
var yaml11Bools = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
	"n": false, "N": false, "no": false, "No": false, "NO": false, "off": false, "Off": false, "OFF": false,
}

func scalar(n *yaml.Node) (any, error) {
	tag := n.ShortTag()
	switch tag {
	case "!!null":
		return nil, nil
	case "!!bool":
		if b, ok := yaml11Bools[n.Value]; ok {
			return b, nil
		}
		return strings.EqualFold(n.Value, "true"), nil
	case "!!int":
		return parseInt(n)
	case "!!float":
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, &nodeError{line: n.Line, column: n.Column, msg: fmt.Sprintf("%q is not a number JSON can represent", n.Value)}
		}
		return f, nil
	case "!!str":
		if n.Style == 0 {
			if b, ok := yaml11Bools[n.Value]; ok {
				return b, nil
			}
		}
	}
	// Strings, timestamps, binary and custom tags keep their text.
	return n.Value, nil
}

func parseInt(n *yaml.Node) (any, error) {
	s := strings.ReplaceAll(n.Value, "_", "")
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	base := 10
	switch prefix := strings.ToLower(s[:min(len(s), 2)]); {
	case prefix == "0x":
		base, s = 16, s[2:]
	case prefix == "0o":
		base, s = 8, s[2:]
	case prefix == "0b":
		base, s = 2, s[2:]
	case len(s) > 1 && s[0] == '0':
		// YAML 1.1 octal (defaultMode: 0644), as kubectl reads it.
		base = 8
	}
	u, err := strconv.ParseUint(s, base, 64)
	switch {
	case err == nil && u <= math.MaxInt64:
		if neg {
			return -int64(u), nil
		}
		return int64(u), nil
	case err == nil && neg && u == 1<<63:
		return int64(math.MinInt64), nil
	case err == nil:
		// Too large for int64: JSON, and so Kubernetes, sees a float.
		f := float64(u)
		if neg {
			f = -f
		}
		return f, nil
	}
	if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && base == 10 && !math.IsInf(f, 0) && !math.IsNaN(f) {
		if neg {
			f = -f
		}
		return f, nil
	}
	return nil, &nodeError{line: n.Line, column: n.Column, msg: fmt.Sprintf("%q is not an integer JSON can represent", n.Value)}
}

// decimalNumber is the syntax of a JSON or YAML 1.2 decimal number.
var decimalNumber = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// isBigNumber reports whether s is written as a decimal number too large
// for a float64, which YAML parsers (and so kubectl) take for a string.
func isBigNumber(s string) bool {
	if len(s) > 4096 || !decimalNumber.MatchString(s) {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return errors.Is(err, strconv.ErrRange)
}
