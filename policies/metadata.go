package policies

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"go.yaml.in/yaml/v3"

	"github.com/tokenlint/tokenlint/analyzer"
)

// The METADATA contract of a policy package:
//
//	# METADATA
//	# title: Legacy service account token Secret
//	# description: Why it matters, in Markdown.
//	# custom:
//	#   id: TL201
//	#   slug: legacy-token-secret
//	#   severity: error              # error, warning or note
//	#   kinds: [Secret]              # the kinds the policy receives; ["*"] for all
//	#   inventory: [ServiceAccount]  # optional: the kinds it reads in data.inventory; ["*"] for all
//	#   remediation: One imperative sentence.   # optional
//	#   url: https://example.com/docs            # optional
//	#   tags: [security]                         # optional
//	#   enabled: false                           # optional: off unless a configuration enables it
//	#   example: |                               # optional: a manifest that fires
//	#     ...
//	#   fixed: |                                 # optional: that manifest fixed
//	#     ...
//
// OPA's own keys that describe a policy (authors, organizations,
// related_resources, schemas) are accepted and ignored; any other key is an
// error, so a typo never silently drops a setting.
var (
	topKeys = map[string]bool{
		"scope": true, "title": true, "description": true, "custom": true,
		"authors": true, "organizations": true, "related_resources": true, "schemas": true,
	}
	requiredTop    = []string{"title", "description", "custom"}
	customKeys     = []string{"id", "slug", "severity", "kinds", "inventory", "remediation", "url", "tags", "example", "fixed", "enabled"}
	requiredCustom = []string{"id", "slug", "severity", "kinds"}
)

var kindPattern = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)

// metadata is a policy package's METADATA block, made a rule.
type metadata struct {
	rule *analyzer.Rule
	line int
	// inventory are the kinds custom.inventory declares the policy reads
	// in data.inventory ("*" for all); nil when it declares none.
	inventory []string
}

// parseMetadata reads the package-scoped METADATA block of a module; nil
// when the module has none (a library, or a further file of a policy).
func parseMetadata(file string, m *ast.Module) (*metadata, error) {
	var a *ast.Annotations
	for _, ann := range m.Annotations {
		if ann.Scope == "package" {
			a = ann
			break
		}
	}
	if a == nil {
		return nil, nil
	}
	first := a.Location.Row
	doc, err := metadataYAML(m, a)
	if err != nil {
		return nil, fmt.Errorf("%s:%d: METADATA: %v", file, first, err)
	}
	var errs loadErrors
	// Lines of the YAML are numbered from the line after "# METADATA".
	at := func(n *yaml.Node) int { return first + n.Line }
	top := mapping(doc)
	if top == nil {
		return nil, fmt.Errorf("%s:%d: METADATA must be a mapping", file, first)
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if !topKeys[k.Value] {
			errs.addf(file, at(k), "METADATA: unknown key %q (want %s)", k.Value, strings.Join(sortedKeys(topKeys), ", "))
		}
		seen[k.Value] = v
	}
	if s := seen["scope"]; s != nil && s.Value != "package" {
		errs.addf(file, at(s), "METADATA: scope must be package, the scope of a block that precedes the package line")
	}
	for _, k := range requiredTop {
		if seen[k] == nil {
			errs.addf(file, first, "METADATA: missing %q", k)
		}
	}
	r := &analyzer.Rule{Title: strings.TrimSpace(a.Title), Description: strings.TrimSpace(a.Description)}
	meta := &metadata{rule: r, line: first}
	if c := seen["custom"]; c != nil {
		custom := mapping(c)
		if custom == nil {
			errs.addf(file, at(c), "METADATA: custom must be a mapping")
		} else {
			readCustom(file, at, custom, meta, &errs)
		}
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	if err := analyzer.Validate(r); err != nil {
		return nil, fmt.Errorf("%s:%d: METADATA: %v", file, first, err)
	}
	return meta, nil
}

func readCustom(file string, at func(*yaml.Node) int, custom *yaml.Node, meta *metadata, errs *loadErrors) {
	r := meta.rule
	got := map[string]bool{}
	for i := 0; i+1 < len(custom.Content); i += 2 {
		k, v := custom.Content[i], custom.Content[i+1]
		got[k.Value] = true
		bad := func(want string) { errs.addf(file, at(v), "METADATA: custom.%s must be %s", k.Value, want) }
		switch k.Value {
		case "id", "slug", "remediation", "url", "example", "fixed":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!str" {
				bad("a string")
				continue
			}
			switch k.Value {
			case "id":
				r.ID = v.Value
			case "slug":
				r.Slug = v.Value
			case "remediation":
				r.Remediation = strings.TrimSpace(v.Value)
			case "url":
				if u, err := url.Parse(v.Value); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
					bad("an http or https URL")
				}
				r.URL = v.Value
			case "example":
				r.Example = v.Value
			case "fixed":
				r.Fixed = v.Value
			}
		case "enabled":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
				bad("true or false")
				continue
			}
			r.NonDefault = strings.EqualFold(v.Value, "false")
		case "severity":
			sev, err := analyzer.ParseSeverity(v.Value, false)
			if v.Kind != yaml.ScalarNode || err != nil {
				bad("error, warning or note")
				continue
			}
			r.Severity = sev
		case "kinds", "tags", "inventory":
			list, ok := stringList(v)
			if !ok || (k.Value == "kinds" && len(list) == 0) {
				if k.Value == "inventory" {
					bad("a list of strings")
				} else {
					bad("a non-empty list of strings")
				}
				continue
			}
			if k.Value == "tags" {
				r.Tags = list
				continue
			}
			for _, kind := range list {
				if kind != "*" && !kindPattern.MatchString(kind) {
					errs.addf(file, at(v), "METADATA: custom.%s: %q is not a kind: name kinds as Kubernetes does, such as Deployment, or \"*\" for all", k.Value, kind)
				}
			}
			switch {
			case k.Value == "inventory":
				meta.inventory = append([]string{}, list...)
			case !slices.Contains(list, "*"):
				r.Kinds = list
			}
		default:
			errs.addf(file, at(k), "METADATA: unknown key custom.%s (want %s)", k.Value, strings.Join(customKeys, ", "))
		}
	}
	for _, k := range requiredCustom {
		if !got[k] {
			errs.addf(file, at(custom)-1, "METADATA: missing custom.%s", k)
		}
	}
}

// metadataYAML rebuilds the YAML text of a METADATA block from the module's
// comments, the way OPA's parser reads it, keeping lines in step.
func metadataYAML(m *ast.Module, a *ast.Annotations) (*yaml.Node, error) {
	var buf bytes.Buffer
	start, end := a.Location.Row, a.EndLoc().Row
	for _, c := range m.Comments {
		if c.Location.Row > start && c.Location.Row <= end {
			buf.Write(bytes.TrimPrefix(c.Text, []byte(" ")))
			buf.WriteByte('\n')
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(buf.Bytes(), &doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

// mapping returns the mapping node of a document or node, or nil.
func mapping(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	return n
}

// stringList reads a sequence of strings.
func stringList(n *yaml.Node) ([]string, bool) {
	if n.Kind != yaml.SequenceNode {
		return nil, false
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode || c.Value == "" {
			return nil, false
		}
		out = append(out, c.Value)
	}
	return out, true
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

var (
	yamlLine      = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	yamlAtLine    = regexp.MustCompile(`\bat line (\d+)\b`)
	yamlUnmarshal = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `.*`)? into (.+)$")
	yamlKey       = regexp.MustCompile(`^\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_-]*)\s*:`)
)

// metadataYAMLErrors rewrites the errors OPA's parser gives about the YAML
// of a METADATA block as tokenlint's METADATA errors: one a line, at the
// line of the file (OPA numbers YAML lines from the block's first), in
// the words of the rest of the contract ("title must be a string") rather
// than Go's ("cannot unmarshal !!seq into string"). Other errors are kept.
func metadataYAMLErrors(src []byte, err error) error {
	var errs ast.Errors
	if !errors.As(err, &errs) {
		return err
	}
	lines := strings.Split(string(src), "\n")
	var out ast.Errors
	for _, e := range errs {
		if e.Location == nil || !strings.HasPrefix(e.Message, "yaml: ") {
			out = append(out, e)
			continue
		}
		start := 0 // the line of "# METADATA"
		for r := min(e.Location.Row, len(lines)); r >= 1; r-- {
			if t := strings.TrimSpace(lines[r-1]); strings.HasPrefix(t, "#") && strings.TrimSpace(t[1:]) == "METADATA" {
				start = r
				break
			}
		}
		body := strings.TrimPrefix(e.Message, "yaml: ")
		parts := []string{body}
		if rest, ok := strings.CutPrefix(body, "unmarshal errors:"); ok {
			parts = strings.Split(strings.TrimSpace(rest), "\n")
		}
		for _, part := range parts {
			part = strings.TrimSpace(part)
			row, text := e.Location.Row, part
			if m := yamlLine.FindStringSubmatch(part); m != nil && start > 0 {
				if n, err := strconv.Atoi(m[1]); err == nil && start+n <= len(lines) {
					row, text = start+n, m[2]
				}
			}
			if start > 0 {
				text = yamlAtLine.ReplaceAllStringFunc(text, func(at string) string {
					n, err := strconv.Atoi(yamlAtLine.FindStringSubmatch(at)[1])
					if err != nil || start+n > len(lines) {
						return at
					}
					return fmt.Sprintf("at line %d", start+n)
				})
			}
			msg := "METADATA: invalid YAML: " + text
			if m := yamlUnmarshal.FindStringSubmatch(text); m != nil {
				if want := goTypeNoun(m[2]); want != "" {
					subject := "METADATA"
					if k := yamlKey.FindStringSubmatch(strings.TrimPrefix(strings.TrimSpace(lines[row-1]), "#")); k != nil && m[2] != "ast.rawAnnotation" {
						subject = "METADATA: " + k[1]
					}
					msg = fmt.Sprintf("%s must be %s, got %s", subject, want, yamlTagNoun(m[1]))
				}
			}
			loc := *e.Location
			loc.Row, loc.Col = row, 1
			out = append(out, &ast.Error{Code: e.Code, Message: msg, Location: &loc})
		}
	}
	return out
}

// goTypeNoun names the value a Go type of OPA's annotation decoding wants.
func goTypeNoun(t string) string {
	switch {
	case t == "string":
		return "a string"
	case t == "ast.rawAnnotation" || strings.HasPrefix(t, "map["):
		return "a mapping"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	}
	return ""
}

// yamlTagNoun names a YAML tag as the configuration's messages do.
func yamlTagNoun(tag string) string {
	switch tag {
	case "seq":
		return "a list"
	case "map":
		return "a mapping"
	case "int", "float":
		return "a number"
	case "str":
		return "a string"
	case "bool":
		return "a boolean"
	case "null":
		return "no value"
	}
	return "a " + tag
}
