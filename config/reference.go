package config

import (
	"fmt"
	"strings"
)

// referenceMarkdown is the README's table of keys.
func referenceMarkdown() string {
	var b strings.Builder
	b.WriteString("| key | type | default | example | meaning |\n|---|---|---|---|---|\n")
	var rows func(ks []key, prefix string)
	rows = func(ks []key, prefix string) {
		for _, k := range ks {
			name := keyName(prefix, k.name)
			example := ""
			if k.example != nil {
				example = "`" + flowYAML(k.example) + "`"
			}
			def := k.defText
			if k.def != nil {
				def = "`" + flowYAML(k.def) + "`"
				def += strings.TrimPrefix(k.defText, fmt.Sprint(k.def))
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", name, k.kind.noun(), def, example, k.doc)
			rows(k.children, name)
		}
	}
	rows(keys, "")
	return b.String()
}
