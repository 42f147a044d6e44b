package analyzer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// FingerprintVersion names the fingerprint scheme. SARIF writes fingerprints
// under "tokenlint/" + FingerprintVersion, and baselines record it. Bump it
// when what goes into the hash changes: GitHub would otherwise close every
// alert and open it again under a new fingerprint, and baselines would match
// nothing without saying why.
const FingerprintVersion = "v2"

// fingerprint sets every finding's Fingerprint: a hash of the rule, the file
// (relative to root, with forward slashes) and the template it was rendered
// from, the object and field the finding is about, and what tells it apart
// from other findings of its rule on that field (the script line of a TL302
// finding; the message of a policy's, which is all a policy says), never of
// its line: a line moves when text is added above it. Go rules' messages are
// left out, since they may quote another object's position. Findings that
// share all of these are numbered in report order, so findings must be
// sorted first.
func fingerprint(findings []Finding, root string) {
	seen := map[string]int{}
	rel := map[string]string{}
	for i := range findings {
		f := &findings[i]
		// A placed finding keeps the fingerprint of its generated
		// position: placing findings on templates changes no alert.
		name := f.Position.File
		if f.Generated != nil {
			name = f.Generated.File
		}
		file, ok := rel[name]
		if !ok {
			file = relativeTo(root, name)
			rel[name] = file
		}
		detail := f.Detail
		if f.Rule.Origin != "" { // a Rego policy
			detail += "\x00" + f.Message
		}
		path := f.Path
		if f.obj != nil {
			path = f.stable
		}
		key := strings.Join([]string{f.Rule.ID, file, f.Source, f.Object.APIVersion, f.Object.Kind, f.Object.Namespace, f.Object.Name, path, detail}, "\x00")
		n := seen[key]
		seen[key] = n + 1
		sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d", key, n))
		f.Fingerprint = hex.EncodeToString(sum[:16])
	}
}

// stablePath is a field path with the list items that Kubernetes keys by
// name (containers, env, volumes, volumeMounts, ...) named instead of
// numbered, and a projected volume's sources by what they project, so that
// adding a container, a variable or a volume in front of a finding's does
// not change its fingerprint: "spec.containers[name=web].env[name=TOKEN]".
func stablePath(raw map[string]any, path string) string {
	var b strings.Builder
	var cur any = raw
	for _, seg := range parsePath(path) {
		if !seg.isIdx {
			b.WriteString("." + seg.key)
			m, _ := cur.(map[string]any)
			cur = m[seg.key]
			continue
		}
		l, _ := cur.([]any)
		if seg.index < 0 || seg.index >= len(l) {
			fmt.Fprintf(&b, "[%d]", seg.index)
			cur = nil
			continue
		}
		cur = l[seg.index]
		fmt.Fprintf(&b, "[%s]", itemKey(cur, seg.index))
	}
	return b.String()
}

// itemKey names a list item by its name, or by its only key and that
// key's name or path (a projected source), else by its index.
func itemKey(item any, index int) string {
	m, ok := item.(map[string]any)
	if !ok {
		return fmt.Sprint(index)
	}
	if name, ok := m["name"].(string); ok && name != "" {
		return "name=" + name
	}
	if len(m) == 1 {
		for k, v := range m {
			inner, _ := v.(map[string]any)
			for _, id := range []string{"name", "path"} {
				if s, ok := inner[id].(string); ok && s != "" {
					return k + "=" + s
				}
			}
		}
	}
	return fmt.Sprint(index)
}

// relativeTo is name relative to root with forward slashes when it lies
// beneath root, else its absolute path; standard input keeps its name.
func relativeTo(root, name string) string {
	if name == "" || name == StdinName {
		return name
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return filepath.ToSlash(name)
	}
	if r, err := filepath.Rel(root, abs); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(r)
	}
	return filepath.ToSlash(abs)
}

func isDir(name string) bool {
	info, err := os.Stat(name)
	return err == nil && info.IsDir()
}
