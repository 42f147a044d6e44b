package analyzer

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"encoding/json"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kjson "sigs.k8s.io/json"
)

// agreesWithJSON checks that decodeFast, when it decodes an object, decodes
// it as the API server's JSON decoder does (sigs.k8s.io/json: case
// sensitive, integers kept), which is the meaning decodeTyped promises.
// It reports whether decodeFast decoded it.
func agreesWithJSON(t testing.TB, o *Object) bool {
	gv, err := schema.ParseGroupVersion(o.APIVersion)
	if err != nil {
		return false
	}
	fast, err := scheme.New(gv.WithKind(o.Kind))
	if err != nil {
		return false
	}
	if !decodeFast(o.Raw, reflect.ValueOf(fast).Elem()) {
		return false
	}
	data, err := json.Marshal(o.Raw)
	if err != nil {
		t.Fatalf("%s %s: decoded fast, but JSON cannot write it: %v", o.Kind, o.Name, err)
	}
	slow, _ := scheme.New(gv.WithKind(o.Kind))
	if err := kjson.UnmarshalCaseSensitivePreserveInts(data, slow); err != nil {
		t.Fatalf("%s %s: decoded fast, but the JSON decoder refuses it: %v", o.Kind, o.Name, err)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("%s %s: decoded fast as\n%#v\nthe JSON decoder as\n%#v", o.Kind, o.Name, fast, slow)
	}
	return true
}

// decodeFast decodes every object of the test inputs as the JSON decoder
// does, and decodes nearly all of them.
func TestDecodeFastAgreesWithJSON(t *testing.T) {
	var paths []string
	for _, dir := range []string{"rules", "loader", "kustomize", "examples", "charts"} {
		paths = append(paths, filepath.Join("..", "testdata", dir))
	}
	if corpus := filepath.Join("..", ".bench", "corpus-10k.yaml"); fileExists(corpus) {
		paths = append(paths, corpus) // make bench's corpus, when it is there
	}
	in := (&Loader{}).Load(paths)
	typed, fast := 0, 0
	for _, o := range in.Objects {
		if o.Typed == nil {
			continue
		}
		typed++
		if agreesWithJSON(t, o) {
			fast++
		}
	}
	if typed < 100 || fast < typed*9/10 {
		t.Errorf("decodeFast decoded %d of %d typed objects, want at least 90%%", fast, typed)
	}
	t.Logf("decodeFast decoded %d of %d typed objects", fast, typed)
}

func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}
