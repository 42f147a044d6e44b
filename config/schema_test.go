package config

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml "go.yaml.in/yaml/v3"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/rules"
)

// testRules are the built-in Go rules and a user policy's rule, off by
// default.
func testRules() []RuleName {
	return append(RuleNames(rules.All()), RuleName{ID: "ACME001", Slug: "acme-audience-allowlist", Title: "Audience not in the ACME allowlist", Severity: analyzer.SeverityWarning})
}

func compileSchema(t *testing.T, rs []RuleName) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema(rs)))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(SchemaID)
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	return s
}

// validate checks a YAML configuration against the schema, as
// yaml-language-server would; an empty document is an empty mapping.
func validate(s *jsonschema.Schema, data []byte) error {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return err
	}
	if v == nil {
		v = map[string]any{}
	}
	j, err := json.Marshal(v)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		return err
	}
	return s.Validate(inst)
}

func TestSchemaValidatesFixtures(t *testing.T) {
	s := compileSchema(t, testRules())
	valid, _ := filepath.Glob(filepath.Join("..", "testdata", "config", "*.yaml"))
	for _, f := range valid {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(s, data); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	// Invalid values the schema can see are rejected by it too.
	for _, text := range []string{
		"disabel: [TL301]\n",
		"disable: TL301\n",
		"settings: {maxTokenExpiry: 24h}\n",
		"settings: {maxTokenExpiration: 0}\n",
		"settings: {maxTokenExpiration: soon}\n",
		"severity: {TL103: critical}\n",
		"failOn: sometimes\n",
		"namespace: {a: b}\n",
		"helm: {kubeVersion: 1.30}\n",
		"helm: {set: {image: {tag: x}}}\n",
		"helm: {value: [x]}\n",
	} {
		if err := validate(s, []byte(text)); err == nil {
			t.Errorf("the schema accepts %q", text)
		}
		if _, err := parse(t, text); err == nil {
			t.Errorf("Load accepts %q", text)
		}
	}
	// A name that cannot be a rule's is rejected by the schema (and by
	// CheckRules, later).
	if err := validate(s, []byte("severity: {'not a rule': error}\n")); err == nil {
		t.Errorf("the schema accepts a rule name with spaces")
	}
	// A user policy's rule, unknown to the schema, still validates.
	if err := validate(compileSchema(t, nil), []byte("disable: [ACME002, other-policy]\nseverity: {ACME002: note}\n")); err != nil {
		t.Errorf("a user policy's rule: %v", err)
	}
}

func TestSchemaDocumentsEveryKey(t *testing.T) {
	var s map[string]any
	if err := json.Unmarshal(Schema(testRules()), &s); err != nil {
		t.Fatal(err)
	}
	if s["$schema"] != "http://json-schema.org/draft-07/schema#" || s["$id"] != SchemaID || s["title"] == nil || s["description"] == nil {
		t.Errorf("header: %v %v %v", s["$schema"], s["$id"], s["title"])
	}
	var walk func(obj map[string]any, ks []key, prefix string)
	walk = func(obj map[string]any, ks []key, prefix string) {
		if obj["additionalProperties"] != false {
			t.Errorf("%s: additionalProperties is not false", prefix)
		}
		props := obj["properties"].(map[string]any)
		if len(props) != len(ks) {
			t.Errorf("%s: %d properties for %d keys", prefix, len(props), len(ks))
		}
		for _, k := range ks {
			p, _ := props[k.name].(map[string]any)
			if p == nil || p["description"] == nil {
				t.Errorf("%s: no description", keyName(prefix, k.name))
				continue
			}
			if k.kind == kindObject {
				walk(p, k.children, keyName(prefix, k.name))
			} else if p["examples"] == nil {
				t.Errorf("%s: no examples", keyName(prefix, k.name))
			}
		}
	}
	walk(s, keys, "")
	enum := s["definitions"].(map[string]any)["rule"].(map[string]any)["anyOf"].([]any)[0].(map[string]any)["enum"].([]any)
	if len(enum) != 2*len(testRules()) || enum[0] != rules.All()[0].ID || enum[1] != rules.All()[0].Slug {
		t.Errorf("rule enum: %v", enum)
	}
}

// TestExamples builds a configuration of every key's documented example: it
// must load, validate and survive Marshal, so the documentation shows only
// what works.
func TestExamples(t *testing.T) {
	var build func(ks []key) map[string]any
	build = func(ks []key) map[string]any {
		m := map[string]any{}
		for _, k := range ks {
			if k.kind == kindObject {
				m[k.name] = build(k.children)
			} else {
				m[k.name] = k.example
			}
		}
		return m
	}
	data, err := yaml.Marshal(build(keys))
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(compileSchema(t, testRules()), data); err != nil {
		t.Errorf("the examples do not validate: %v\n%s", err, data)
	}
	c, err := parse(t, string(data))
	if err != nil {
		t.Fatalf("the examples do not load: %v\n%s", err, data)
	}
	if err := c.CheckRules(func(s string) bool { return true }, nil); err != nil {
		t.Error(err)
	}
	again, err := parse(t, string(c.Marshal()))
	if err != nil || string(again.Marshal()) != string(c.Marshal()) {
		t.Errorf("the examples do not survive Marshal: %v\n%s", err, c.Marshal())
	}
}

func TestInit(t *testing.T) {
	rs := testRules()
	out := Init(rs)
	text := string(out)
	if first, _, _ := strings.Cut(text, "\n"); first != "# yaml-language-server: $schema="+SchemaID {
		t.Errorf("first line: %q", first)
	}
	c, err := parse(t, text)
	if err != nil {
		t.Fatalf("Init does not load: %v\n%s", err, text)
	}
	if string(c.Marshal()) != "{}\n" {
		t.Errorf("Init configures something: %s", c.Marshal())
	}
	if err := validate(compileSchema(t, rs), out); err != nil {
		t.Errorf("Init does not validate: %v", err)
	}
	for _, r := range rs {
		on := "on by default"
		if !r.Default {
			on = "off by default"
		}
		if line := "#   " + r.ID + ": " + r.Severity.String() + "  # " + r.Slug + ", " + on + "\n"; !strings.Contains(text, line) {
			t.Errorf("Init does not list %s as %q", r.ID, line)
		}
	}
	var walk func(ks []key, indent string)
	walk = func(ks []key, indent string) {
		for _, k := range ks {
			if !strings.Contains(text, "# "+indent+k.name+":") {
				t.Errorf("Init has no %q", k.name)
			}
			if k.defText != "" && !strings.Contains(strings.Join(strings.Fields(strings.ReplaceAll(text, "#", "")), " "), "Default: "+k.defText+".") {
				t.Errorf("Init does not give %s's default", k.name)
			}
			walk(k.children, indent+"  ")
		}
	}
	walk(keys, "")

	// Uncommented, the file is a configuration of every example that loads
	// and validates: a user who uncomments a key gets a working file.
	var lines []string
	for _, line := range strings.Split(text, "\n") {
		l := strings.TrimPrefix(line, "# ")
		if l == line || strings.HasPrefix(strings.TrimSpace(l), "#") || strings.HasPrefix(line, "# yaml-language-server") {
			continue
		}
		name, _, _ := strings.Cut(l, ":")
		if strings.HasPrefix(l, " ") || lookup(keys, name) != nil {
			lines = append(lines, l)
		}
	}
	uncommented := strings.Join(lines, "\n") + "\n"
	if _, err := parse(t, uncommented); err != nil {
		t.Errorf("Init uncommented does not load: %v\n%s", err, uncommented)
	}
	if err := validate(compileSchema(t, rs), []byte(uncommented)); err != nil {
		t.Errorf("Init uncommented does not validate: %v\n%s", err, uncommented)
	}
}
