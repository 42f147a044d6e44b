package policies

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tokenlint/tokenlint/analyzer"
)

// metadataBlock is the YAML of a module's first comment block, with the
// comment marks taken off.
func metadataBlock(src string) string {
	var lines []string
	for _, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(line, "#") {
			break
		}
		lines = append(lines, strings.TrimPrefix(strings.TrimPrefix(line, "#"), " "))
	}
	if len(lines) > 0 && strings.TrimSpace(lines[0]) == "METADATA" {
		lines = lines[1:]
	}
	return strings.Join(lines, "\n")
}

// policyOf is a policy module whose METADATA block is block, one comment
// line for each of its lines.
func policyOf(block string) (src string, lines int) {
	var b strings.Builder
	b.WriteString("# METADATA\n")
	for _, line := range strings.Split(block, "\n") {
		b.WriteString("# " + line + "\n")
	}
	b.WriteString("package fuzz.policy\n\ndeny contains \"x\"\n")
	src = b.String()
	return src, strings.Count(src, "\n")
}

var errorLine = regexp.MustCompile(`^fuzz\.rego:(\d+):`)

// FuzzMetadata feeds arbitrary comment blocks as a policy's METADATA
// through OPA's parser and tokenlint's reading of the block: nothing
// panics, every error is one line or more that each name the file and a
// line of it, and a block that is accepted is a valid rule.
func FuzzMetadata(f *testing.F) {
	var files []string
	for _, pattern := range []string{"*.rego", filepath.Join("..", "testdata", "policies", "*", "*.rego")} {
		found, _ := filepath.Glob(pattern)
		files = append(files, found...)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		if block := metadataBlock(string(src)); block != "" {
			f.Add(block)
		}
	}
	valid := metadataBlock(testPolicy("Pod", ""))
	for _, s := range []string{
		valid,
		strings.Replace(valid, "title:", "titel:", 1),
		strings.Replace(valid, "  kinds: [Pod]", "  kinds: []", 1),
		strings.Replace(valid, "  kinds: [Pod]", "  kinds: [deployment, \"*\"]", 1),
		strings.Replace(valid, "severity: warning", "severity: [warning]", 1),
		strings.Replace(valid, "custom:", "custom: 5", 1),
		valid + "\n  url: ftp://example.com\n  enabled: maybe\n  tags: [a, \"\"]",
		valid + "\n  example: |\n    apiVersion: v1\n    kind: Pod",
		"scope: rule\n" + valid,
		"scope: package\ntitle: x\ndescription: y\ncustom: {id: X1, slug: x, severity: note, kinds: [\"*\"]}",
		"- a\n- b", "a: &a [*a]", "title: \"\x00\"", ":", "", "\t", "title: x\n  bad indent: y",
		"custom:\n  <<: {id: X1}\n  slug: s",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, block string) {
		src, lines := policyOf(block)
		checkErr := func(stage string, err error) {
			t.Helper()
			for _, line := range strings.Split(err.Error(), "\n") {
				m := errorLine.FindStringSubmatch(line)
				if m == nil {
					t.Fatalf("%s error line %q does not name the file and line:\n%v", stage, line, err)
				}
				if n, _ := strconv.Atoi(m[1]); n < 1 || n > lines {
					t.Fatalf("%s error at line %d, outside the %d lines:\n%v", stage, n, lines, err)
				}
			}
		}
		m, err := parse("fuzz.rego", []byte(src))
		if err != nil {
			checkErr("parse", err)
			return
		}
		meta, err := parseMetadata("fuzz.rego", m)
		if err != nil {
			checkErr("METADATA", err)
			return
		}
		if meta == nil {
			return // OPA read no package-scoped block, as for "scope: rule"
		}
		if meta.line != 1 {
			t.Errorf("METADATA at line %d, want 1", meta.line)
		}
		if err := analyzer.Validate(meta.rule); err != nil {
			t.Fatalf("accepted an invalid rule: %v", err)
		}
	})
}
