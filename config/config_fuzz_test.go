package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the configuration parser: nothing
// panics, a refusal is a list of errors that each name the file and a line
// of it, and a configuration it accepts prints (as `config print` does)
// to a file that parses back to the same configuration and prints the
// same again.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"*.yaml", filepath.Join("invalid", "*.yaml")} {
		files, _ := filepath.Glob(filepath.Join("..", "testdata", "config", pattern))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, s := range []string{
		"", "{}", "~", "[]", "---\n---\n", "\xef\xbb\xbffailOn: error\n", "failOn: \xff\n",
		"base: &b {failOn: error}\n<<: *b\n", "a: &a [*a]\n", "<<: [{failOn: note}, {namespace: x}]\n",
		"settings: {maxTokenExpiration: 0x10}\n", "settings: {maxTokenExpiration: 1.5h}\n", "settings: {maxTokenExpiration: 1e3}\n",
		"limits: {policyTimeout: 2s, policyTimeouts: 0o7, policyBudget: 90}\n", "limits: {policyTimeouts: 1_000}\n",
		"helm: {set: {a.b: 1.0, c: ~x, d: !!binary aGk=, e: 0x1F, f: .inf, g: 'yes'}}\n",
		"helm: {setString: {\"\": x}}\n", "exclude: ['**/x', '[', '\\\\']\n", "policies: ['', /abs, ../up]\n",
		"severity: {TL103: error, tl103: note}\n", "namespace: !!str 1.30\n", "disable: [!!int 1]\n",
		"failOn: error\r\nnamespace: x\r\n", "failOn: error # a comment\n...\n",
		"helm: {setFile: {a.b: ../x.txt, c: /abs, d: ''}, setJSON: {a: '{\"x\": [1]}', b: 3, c: 'null', d: web}, apiVersions: [v1, 'monitoring.coreos.com/v1/ServiceMonitor']}\n",
	} {
		f.Add([]byte(s))
	}
	// Parse reads nothing from the directory: it only anchors paths.
	path := filepath.Join(f.TempDir(), ".tokenlint.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := yamlLines(data)
		c, err := Parse(path, data)
		if err != nil {
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("refused without positioned errors: %v", err)
			}
			for _, e := range errs {
				if e.Pos.File != path || e.Pos.Line < 1 || e.Pos.Line > lines || e.Pos.Column < 1 || e.Msg == "" {
					t.Fatalf("error %q at %+v, outside the %d lines of the file", e.Msg, e.Pos, lines)
				}
			}
			return
		}
		printed := c.Marshal()
		again, err := Parse(path, printed)
		if err != nil {
			t.Fatalf("the printed configuration does not load: %v\n%s", err, printed)
		}
		if reprinted := again.Marshal(); string(reprinted) != string(printed) {
			t.Fatalf("printing is not stable:\n%s\nthen\n%s", printed, reprinted)
		}
		if got, want := withoutPositions(again), withoutPositions(c); !reflect.DeepEqual(got, want) {
			t.Fatalf("the printed configuration parses to another:\n%#v\nwant\n%#v\nprinted:\n%s", got, want, printed)
		}
	})
}

// withoutPositions is a deep copy of the configuration with every position
// zeroed: what the file says, not where.
func withoutPositions(c *Config) *Config {
	out := reflect.New(reflect.TypeOf(*c))
	out.Elem().Set(reflect.ValueOf(*c))
	zeroPositions(out.Elem())
	return out.Interface().(*Config)
}

func zeroPositions(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			cp := reflect.New(v.Type().Elem())
			cp.Elem().Set(v.Elem())
			v.Set(cp)
			zeroPositions(cp.Elem())
		}
	case reflect.Slice:
		if !v.IsNil() {
			cp := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			reflect.Copy(cp, v)
			v.Set(cp)
			for i := range cp.Len() {
				zeroPositions(cp.Index(i))
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if field := v.Type().Field(i); field.Name == "Pos" {
				v.Field(i).SetZero()
			} else if field.IsExported() {
				zeroPositions(v.Field(i))
			}
		}
	}
}

// yamlLines counts the lines of data as the YAML parser numbers them: CR,
// LF, CRLF, NEL, LS and PS each end a line.
func yamlLines(data []byte) int {
	n := 1
	for i := 0; i < len(data); i++ {
		switch {
		case data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n':
			i++
			n++
		case data[i] == '\r' || data[i] == '\n':
			n++
		case bytes.HasPrefix(data[i:], []byte("\u0085")), bytes.HasPrefix(data[i:], []byte("\u2028")), bytes.HasPrefix(data[i:], []byte("\u2029")):
			n++
		}
	}
	return n
}
