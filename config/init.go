package config

import (
	"bytes"
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Init is a commented starting .tokenlint.yaml: every key, commented out,
// with what it does, its default and an example, and every given rule under
// severity with its default severity. It loads as an empty configuration.
func Init(rules []RuleName) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# yaml-language-server: $schema=%s\n", SchemaID)
	b.WriteString("#\n# tokenlint configuration. Every key is optional: uncomment what you need. Flags override\n" +
		"# the file. Paths and globs are relative to this file's directory.\n")
	for _, k := range keys {
		b.WriteString("\n")
		initKey(&b, k, "", rules)
	}
	return []byte(b.String())
}

func initKey(b *strings.Builder, k key, indent string, rules []RuleName) {
	comment := "# "
	if indent != "" {
		comment = "# " + indent + "# "
	}
	for _, line := range wrap(describeKey(k), 96-len(indent)) {
		b.WriteString(comment + line + "\n")
	}
	switch {
	case k.kind == kindObject:
		fmt.Fprintf(b, "# %s%s:\n", indent, k.name)
		for _, c := range k.children {
			initKey(b, c, indent+"  ", rules)
		}
	case k.kind == kindSeverityMap && len(rules) > 0:
		fmt.Fprintf(b, "# %s%s:\n", indent, k.name)
		for _, r := range rules {
			on := "on by default"
			if !r.Default {
				on = "off by default"
			}
			fmt.Fprintf(b, "# %s  %s: %s  # %s, %s\n", indent, r.ID, r.Severity, r.Slug, on)
		}
	default:
		for _, line := range strings.Split(strings.TrimSuffix(exampleYAML(k), "\n"), "\n") {
			fmt.Fprintf(b, "# %s%s\n", indent, line)
		}
	}
}

// describeKey is a key's documentation and default, for comments and the
// schema.
func describeKey(k key) string {
	if k.defText == "" {
		return k.doc
	}
	return k.doc + " Default: " + k.defText + "."
}

// exampleYAML is "name: example" as YAML, lists in flow style.
func exampleYAML(k key) string {
	var v yaml.Node
	if err := v.Encode(k.example); err != nil {
		panic("config: " + err.Error())
	}
	if v.Kind == yaml.SequenceNode {
		v.Style = yaml.FlowStyle
	}
	m := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{str(k.name), &v}}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		panic("config: " + err.Error())
	}
	enc.Close()
	return buf.String()
}

// flowYAML is a value as one line of YAML.
func flowYAML(x any) string {
	var v yaml.Node
	if err := v.Encode(x); err != nil {
		panic("config: " + err.Error())
	}
	v.Style = yaml.FlowStyle
	out, err := yaml.Marshal(&v)
	if err != nil {
		panic("config: " + err.Error())
	}
	return strings.TrimSpace(string(out))
}

// wrap breaks text into lines of at most width characters, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}
