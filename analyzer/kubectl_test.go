package analyzer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// TestReadsYAMLAsKubectlDoes compares, document by document, the values the
// loader builds from its position-keeping parse with what sigs.k8s.io/yaml
// (the YAML reader of kubectl and the API machinery) makes of the same text:
// anchors, merge keys, YAML 1.1 booleans, numbers, quoted scalars.
func TestReadsYAMLAsKubectlDoes(t *testing.T) {
	var files []string
	for _, dir := range []string{"../testdata/loader", "../testdata/rules", "../testdata/examples"} {
		matches, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matches...)
	}
	compared := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range splitDocuments(file, data) {
			r := (&Loader{}).parse(c)
			if len(r.problems) > 0 || len(r.objects) != 1 || strings.Count("\n"+string(c.text), "\n---") > 1 {
				continue // broken on purpose, or more than one document
			}
			j, err := yaml.YAMLToJSON(c.text)
			if err != nil {
				continue
			}
			var want any
			if err := json.Unmarshal(j, &want); err != nil {
				t.Fatal(err)
			}
			if m, ok := want.(map[string]any); ok && m["items"] != nil {
				continue // a List: its items are the objects
			}
			b, err := json.Marshal(r.objects[0].Raw)
			if err != nil {
				t.Fatal(err)
			}
			var got any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s:%d: the loader reads\n%s\nkubectl reads\n%s", file, c.lineOffset+1, b, strings.TrimSpace(string(j)))
			}
			compared++
		}
	}
	if compared < 50 {
		t.Errorf("only %d documents compared", compared)
	}
}

// TestKeysAsKubectlReadsThem: YAML 1.1 boolean keys become "true" and "false".
func TestKeysAsKubectlReadsThem(t *testing.T) {
	const doc = `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  labels: {on: a, "yes": b, n: c, "off": e}
data:
  key: value
`
	o := mustObject(t, doc)
	j, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(j, &want); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(o.Raw)
	var got map[string]any
	_ = json.Unmarshal(b, &got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the loader reads %s, kubectl reads %s", b, j)
	}
	if pos, found := o.Locate("metadata.labels.true"); found != "metadata.labels.true" || pos.Line != 5 || pos.Column != 12 {
		t.Errorf("the key on: is not located as \"true\": %v %q", pos, found)
	}
}
