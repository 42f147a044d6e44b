package analyzer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/tokenlint/tokenlint/internal/tplmap"
)

// FuzzChartPlacer: whatever map the render child sends back (truncated,
// hostile, out of range) with whatever stream, placing findings and
// suppression comments never panics, and a placed position is on a line.
func FuzzChartPlacer(f *testing.F) {
	stream := "---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: a # tokenlint:ignore TL301 -- x\nspec:\n  containers: []\n"
	good := `{"entries":[{"f":"c/templates/a.yaml","l":1,"c":1},{"f":"c/templates/a.yaml","l":3,"c":1,"a":true,"i":true,"v":["a.b"]}],` +
		`"segments":[{"o":0,"e":-1},{"o":32,"e":0},{"o":47,"e":1,"s":[1]},{"o":500,"e":0}],"documents":1,"files":{"c/templates/a.yaml":"00"}}`
	f.Add(stream, good)
	f.Add(stream, `{"entries":[],"segments":[{"o":-5,"e":3,"s":[-1,99]}]}`)
	f.Add("", `{"segments":[{"o":0,"e":0}]}`)
	f.Add(stream, `{"entries":[{"f":"../../etc/passwd","l":-1,"c":0}],"segments":[{"o":40,"e":0,"s":[0,0,0]}]}`)
	f.Fuzz(func(t *testing.T, stream, mapJSON string) {
		var m tplmap.Map
		if json.Unmarshal([]byte(mapJSON), &m) != nil {
			return
		}
		data := []byte(stream)
		// The chart's one template exists, and holds what was rendered,
		// so that entries naming it are placed.
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "templates", "a.yaml"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "values.yaml"), []byte("a:\n  b: 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		m.Files = map[string]string{"c/templates/a.yaml": hex.EncodeToString(sum[:])}
		cm := newChartMap(&m, dir, data, nil, 1<<20)
		ds := scanDirectives("chart", data)
		cm.placeDirectives(ds)
		in := &Input{}
		for _, c := range splitDocuments("chart", data) {
			r := (&Loader{}).parse(c)
			in.Objects = append(in.Objects, r.objects...)
		}
		for _, o := range in.Objects {
			p := chartPlacer{cm: cm, obj: o}
			for _, path := range []string{"", "kind", "metadata.name", "spec.containers", "spec.containers[0]"} {
				pos, _ := o.Locate(path)
				if at, _, ok := p.Place(path, pos); ok && at.Line < 1 {
					t.Fatalf("placed %s at line %d", path, at.Line)
				}
			}
		}
		for line := 0; line <= len(cm.lines)+1; line++ {
			for col := 0; col < 4; col++ {
				if off, ok := cm.offset(line, col); ok {
					cm.entryAt(off)
				}
			}
		}
	})
}
